{{ config(indexes=[{'columns': ['la_code', 'clai_person_id']}]) }}
-- ssd_cla_immunisations: typed, codes normalised, from each authority's latest loaded extract.
with src as (
    {{ latest_extract_rows('ssd_cla_immunisations') }}
)

select
    src._la_code as la_code,
    {{ clean_text('src.clai_person_id') }} as clai_person_id,
    {{ parse_flag('src.clai_immunisations_status') }} as clai_immunisations_status,
    {{ parse_date('src.clai_immunisations_status_date') }} as clai_immunisations_status_date,
    src._extract_date as extract_date,
    src._batch_id as batch_id
from src
