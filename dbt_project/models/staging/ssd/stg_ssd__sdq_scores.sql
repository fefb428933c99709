{{ config(indexes=[{'columns': ['la_code', 'csdq_table_id']}]) }}
-- ssd_sdq_scores: typed, codes normalised, from each authority's latest loaded extract.
with src as (
    {{ latest_extract_rows('ssd_sdq_scores') }}
)

select
    src._la_code as la_code,
    {{ clean_text('src.csdq_table_id') }} as csdq_table_id,
    {{ clean_text('src.csdq_person_id') }} as csdq_person_id,
    {{ parse_date('src.csdq_sdq_completed_date') }} as csdq_sdq_completed_date,
    {{ normalise_code('src.csdq_sdq_reason', 'sdq_reason') }} as csdq_sdq_reason,
    {{ parse_int('src.csdq_sdq_score') }} as csdq_sdq_score,
    src._extract_date as extract_date,
    src._batch_id as batch_id
from src
