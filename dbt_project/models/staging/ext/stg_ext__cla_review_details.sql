{{ config(indexes=[{'columns': ['la_code', 'clrd_cla_review_id']}]) }}
-- ext_cla_review_details: typed, codes normalised, from each authority's latest loaded extract.
with src as (
    {{ latest_extract_rows('ext_cla_review_details') }}
)

select
    src._la_code as la_code,
    {{ clean_text('src.clrd_cla_review_id') }} as clrd_cla_review_id,
    {{ clean_text('src.clrd_meeting_id') }} as clrd_meeting_id,
    {{ clean_text('src.clrd_chair_professional_id') }} as clrd_chair_professional_id,
    {{ normalise_code('src.clrd_review_kind', 'review_kind') }} as clrd_review_kind,
    {{ parse_date('src.clrd_care_plan_received_date') }} as clrd_care_plan_received_date,
    {{ parse_date('src.clrd_sw_report_received_date') }} as clrd_sw_report_received_date,
    {{ parse_date('src.clrd_decisions_recorded_date') }} as clrd_decisions_recorded_date,
    {{ parse_date('src.clrd_record_distributed_date') }} as clrd_record_distributed_date,
    {{ parse_flag('src.clrd_parent_attended') }} as clrd_parent_attended,
    {{ parse_flag('src.clrd_permanence_plan_agreed') }} as clrd_permanence_plan_agreed,
    src._extract_date as extract_date,
    src._batch_id as batch_id
from src
