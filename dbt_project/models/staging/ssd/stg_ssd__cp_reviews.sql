{{ config(indexes=[{'columns': ['la_code', 'cppr_cp_review_id']}]) }}
-- ssd_cp_reviews: typed, codes normalised, from each authority's latest loaded extract.
with src as (
    {{ latest_extract_rows('ssd_cp_reviews') }}
)

select
    src._la_code as la_code,
    {{ clean_text('src.cppr_cp_review_id') }} as cppr_cp_review_id,
    {{ clean_text('src.cppr_person_id') }} as cppr_person_id,
    {{ clean_text('src.cppr_cp_plan_id') }} as cppr_cp_plan_id,
    {{ parse_date('src.cppr_cp_review_due') }} as cppr_cp_review_due,
    {{ parse_date('src.cppr_cp_review_date') }} as cppr_cp_review_date,
    {{ clean_text('src.cppr_cp_review_meeting_id') }} as cppr_cp_review_meeting_id,
    {{ parse_flag('src.cppr_cp_review_outcome_continue_cp') }} as cppr_cp_review_outcome_continue_cp,
    {{ parse_flag('src.cppr_cp_review_quorate') }} as cppr_cp_review_quorate,
    {{ clean_text('src.cppr_cp_review_participation') }} as cppr_cp_review_participation,
    src._extract_date as extract_date,
    src._batch_id as batch_id
from src
