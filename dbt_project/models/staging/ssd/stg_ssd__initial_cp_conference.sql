{{ config(indexes=[{'columns': ['la_code', 'icpc_icpc_id']}]) }}
-- ssd_initial_cp_conference: typed, codes normalised, from each authority's latest loaded extract.
with src as (
    {{ latest_extract_rows('ssd_initial_cp_conference') }}
)

select
    src._la_code as la_code,
    {{ clean_text('src.icpc_icpc_id') }} as icpc_icpc_id,
    {{ clean_text('src.icpc_person_id') }} as icpc_person_id,
    {{ clean_text('src.icpc_s47_enquiry_id') }} as icpc_s47_enquiry_id,
    {{ clean_text('src.icpc_cp_plan_id') }} as icpc_cp_plan_id,
    {{ clean_text('src.icpc_icpc_meeting_id') }} as icpc_icpc_meeting_id,
    {{ parse_flag('src.icpc_icpc_transfer_in') }} as icpc_icpc_transfer_in,
    {{ parse_date('src.icpc_icpc_target_date') }} as icpc_icpc_target_date,
    {{ parse_date('src.icpc_icpc_date') }} as icpc_icpc_date,
    {{ parse_flag('src.icpc_icpc_outcome_cp_flag') }} as icpc_icpc_outcome_cp_flag,
    {{ clean_text('src.icpc_icpc_team') }} as icpc_icpc_team,
    {{ clean_text('src.icpc_icpc_worker_id') }} as icpc_icpc_worker_id,
    src._extract_date as extract_date,
    src._batch_id as batch_id
from src
