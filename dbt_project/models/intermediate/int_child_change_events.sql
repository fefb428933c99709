{{ config(materialized='view') }}
-- Every dated reason to recompute a child's facts (macros/incremental_facts.sql): the changes to their
-- records (int_child_changes), and time moving on: the as-at columns of open periods of care (review
-- overdue), plans (duration) and challenges (days open) age with every extract, and a review or
-- conference dated after an earlier extract counts once its date has passed. Each fact reads the
-- reasons it depends on (meta recompute_as_time_passes). A view: the time-driven part is worked out
-- from the latest extract whenever a fact reads it.
select
    la_code,
    person_id,
    change_date,
    'records_changed' as reason
from {{ ref('int_child_changes') }}
union all
select
    poc.la_code,
    poc.person_id,
    le.extract_date,
    'open_period' as reason
from {{ ref('int_cla_periods_of_care') }} as poc
inner join {{ ref('stg_raw__latest_extracts') }} as le on poc.la_code = le.la_code
where poc.end_date is null
union all
select
    la_code,
    cppl_person_id,
    extract_date,
    'open_plan' as reason
from {{ ref('stg_ssd__cp_plans') }}
where cppl_cp_plan_end_date is null
union all
select
    la_code,
    chal_person_id,
    extract_date,
    'open_challenge' as reason
from {{ ref('stg_ext__iro_challenges') }}
where chal_resolved_date is null
union all
select
    r.la_code,
    coalesce(poc.person_id, r.clar_cla_person_id),
    r.clar_cla_review_date,
    'cla_review_date' as reason
from {{ ref('stg_ssd__cla_reviews') }} as r
left join {{ ref('int_cla_periods_of_care') }} as poc
    on r.la_code = poc.la_code and r.clar_cla_id = poc.period_of_care_id
where r.clar_cla_review_date <= r.extract_date
union all
select
    la_code,
    icpc_person_id,
    icpc_icpc_date,
    'icpc_date' as reason
from {{ ref('stg_ssd__initial_cp_conference') }}
where icpc_icpc_date <= extract_date
union all
select
    la_code,
    cppr_person_id,
    cppr_cp_review_date,
    'rcpc_date' as reason
from {{ ref('stg_ssd__cp_reviews') }}
where cppr_cp_review_date <= extract_date
