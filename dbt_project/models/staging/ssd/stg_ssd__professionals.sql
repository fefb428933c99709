{{ config(indexes=[{'columns': ['la_code', 'prof_professional_id']}]) }}
-- ssd_professionals: typed, codes normalised, from each authority's latest loaded extract.
with src as (
    {{ latest_extract_rows('ssd_professionals') }}
)

select
    src._la_code as la_code,
    {{ clean_text('src.prof_professional_id') }} as prof_professional_id,
    {{ clean_text('src.prof_staff_id') }} as prof_staff_id,
    {{ clean_text('src.prof_professional_name') }} as prof_professional_name,
    {{ free_text('src.prof_professional_job_title') }} as prof_professional_job_title,
    {{ clean_text('src.prof_professional_department') }} as prof_professional_department,
    {{ parse_decimal('src.prof_full_time_equivalency') }} as prof_full_time_equivalency,
    {{ parse_flag('src.prof_agency_worker_flag') }} as prof_agency_worker_flag,
    src._extract_date as extract_date,
    src._batch_id as batch_id
from src
