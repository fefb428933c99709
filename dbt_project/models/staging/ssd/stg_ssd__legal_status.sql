{{ config(indexes=[{'columns': ['la_code', 'lega_legal_status_id']}]) }}
-- ssd_legal_status: typed, codes normalised, from each authority's latest loaded extract.
with src as (
    {{ latest_extract_rows('ssd_legal_status') }}
)

select
    src._la_code as la_code,
    {{ clean_text('src.lega_legal_status_id') }} as lega_legal_status_id,
    {{ clean_text('src.lega_person_id') }} as lega_person_id,
    {{ normalise_code('src.lega_legal_status', 'legal_status') }} as lega_legal_status,
    {{ parse_date('src.lega_legal_status_start_date') }} as lega_legal_status_start_date,
    {{ parse_date('src.lega_legal_status_end_date') }} as lega_legal_status_end_date,
    src._extract_date as extract_date,
    src._batch_id as batch_id
from src
