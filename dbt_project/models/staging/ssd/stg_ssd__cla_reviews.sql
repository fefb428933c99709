{{ config(indexes=[{'columns': ['la_code', 'clar_cla_review_id']}]) }}
-- ssd_cla_reviews: typed, codes normalised, from each authority's latest loaded extract.
with src as (
    {{ latest_extract_rows('ssd_cla_reviews') }}
)

select
    src._la_code as la_code,
    {{ clean_text('src.clar_cla_review_id') }} as clar_cla_review_id,
    {{ clean_text('src.clar_cla_id') }} as clar_cla_id,
    {{ clean_text('src.clar_cla_person_id') }} as clar_cla_person_id,
    {{ parse_date('src.clar_cla_review_due_date') }} as clar_cla_review_due_date,
    {{ parse_date('src.clar_cla_review_date') }} as clar_cla_review_date,
    {{ parse_flag('src.clar_cla_review_cancelled') }} as clar_cla_review_cancelled,
    {{ normalise_code('src.clar_cla_review_participation', 'participation') }} as clar_cla_review_participation,
    src._extract_date as extract_date,
    src._batch_id as batch_id
from src
