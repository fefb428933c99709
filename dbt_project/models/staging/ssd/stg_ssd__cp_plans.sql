{{ config(indexes=[{'columns': ['la_code', 'cppl_cp_plan_id']}]) }}
-- ssd_cp_plans: typed, codes normalised, from each authority's latest loaded extract.
with src as (
    {{ latest_extract_rows('ssd_cp_plans') }}
)

select
    src._la_code as la_code,
    {{ clean_text('src.cppl_cp_plan_id') }} as cppl_cp_plan_id,
    {{ clean_text('src.cppl_person_id') }} as cppl_person_id,
    {{ clean_text('src.cppl_icpc_id') }} as cppl_icpc_id,
    {{ parse_date('src.cppl_cp_plan_start_date') }} as cppl_cp_plan_start_date,
    {{ parse_date('src.cppl_cp_plan_end_date') }} as cppl_cp_plan_end_date,
    {{ parse_flag('src.cppl_cp_plan_ola') }} as cppl_cp_plan_ola,
    {{ normalise_code('src.cppl_cp_plan_initial_category', 'abuse_category') }} as cppl_cp_plan_initial_category,
    {{ normalise_code('src.cppl_cp_plan_latest_category', 'abuse_category') }} as cppl_cp_plan_latest_category,
    src._extract_date as extract_date,
    src._batch_id as batch_id
from src
