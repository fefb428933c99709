{{ config(indexes=[{'columns': ['la_code', 'cpcd_meeting_id']}]) }}
-- ext_cp_conference_details: typed, codes normalised, from each authority's latest loaded extract.
with src as (
    {{ latest_extract_rows('ext_cp_conference_details') }}
)

select
    src._la_code as la_code,
    {{ clean_text('src.cpcd_meeting_id') }} as cpcd_meeting_id,
    {{ normalise_code('src.cpcd_conference_type', 'conference_type') }} as cpcd_conference_type,
    {{ clean_text('src.cpcd_chair_professional_id') }} as cpcd_chair_professional_id,
    {{ parse_date('src.cpcd_report_to_parents_date') }} as cpcd_report_to_parents_date,
    {{ parse_date('src.cpcd_record_distributed_date') }} as cpcd_record_distributed_date,
    {{ parse_flag('src.cpcd_stood_down') }} as cpcd_stood_down,
    {{ parse_flag('src.cpcd_child_attended') }} as cpcd_child_attended,
    src._extract_date as extract_date,
    src._batch_id as batch_id
from src
