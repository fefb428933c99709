{{ config(indexes=[{'columns': ['la_code', 'clah_health_check_id']}]) }}
-- ssd_cla_health: typed, codes normalised, from each authority's latest loaded extract.
with src as (
    {{ latest_extract_rows('ssd_cla_health') }}
)

select
    src._la_code as la_code,
    {{ clean_text('src.clah_health_check_id') }} as clah_health_check_id,
    {{ clean_text('src.clah_person_id') }} as clah_person_id,
    {{ normalise_code('src.clah_health_check_type', 'health_check_type') }} as clah_health_check_type,
    {{ parse_date('src.clah_health_check_date') }} as clah_health_check_date,
    {{ normalise_code('src.clah_health_check_status', 'health_check_status') }} as clah_health_check_status,
    src._extract_date as extract_date,
    src._batch_id as batch_id
from src
