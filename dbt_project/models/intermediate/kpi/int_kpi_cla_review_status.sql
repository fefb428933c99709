{{ config(pre_hook=["{{ kpi_analyze([ref('fct_cla_reviews')]) }}"]) }}
-- Every held CLA review with what the rules for incomplete extracts need to know about it
-- (docs/kpis.md, "Incomplete extracts": history window, availability, one population); the review KPIs and
-- marts.kpi_data_quality both read it, so they count the same reviews.
-- - is_in_population: not a short-break period, and the child and the period of care are in the
--   extract (a review of an unknown person or period is an `unknown parent` row, left out everywhere).
-- - due_date: the statutory chain's due date, except where the chain's start may lie before the
--   authority's history_start (the period of care started before it and this is its earliest review in
--   the extract): then the case system's due date, else unknown (null: left out of timeliness,
--   `chain_before_history`); the next review is then due 6 months after it, as after a later review.
-- - has_details: the review has its ext_cla_review_details row (without it, child-level details such as
--   the permanence plan are unknown, not "no").
with history as (
    select la_code, history_start from {{ ref('int_kpi_history_start') }}
),

details as (
    select distinct la_code, clrd_cla_review_id from {{ ref('stg_ext__cla_review_details') }}
)

select
    r.la_code,
    r.review_id,
    r.period_of_care_id,
    r.child_key,
    r.review_date,
    r.review_sequence,
    r.participation_code,
    r.decisions_recorded_date,
    r.record_distributed_date,
    r.permanence_plan_agreed,
    r.period_start_date,
    r.is_short_break_period,
    r.locality,
    r.child_key is null or r.period_start_date is null as is_unknown_parent,
    not r.is_short_break_period and r.child_key is not null and r.period_start_date is not null
        as is_in_population,
    r.period_start_date < h.history_start and r.review_sequence = 1 as is_chain_before_history,
    -- the second review of the period only when the period's first review is in the extract's history
    r.review_sequence = 2 and not coalesce(r.period_start_date < h.history_start, false) as is_known_second_review,
    case
        when r.period_start_date < h.history_start and r.review_sequence = 1 then r.case_system_due_date
        when r.period_start_date < h.history_start and r.review_sequence = 2
            then {{ add_months_clamped('r.previous_review_date', 6) }}
        else r.statutory_due_date
    end as due_date,
    d.clrd_cla_review_id is not null as has_details
from {{ ref('fct_cla_reviews') }} as r
inner join history as h on r.la_code = h.la_code
left join details as d on r.la_code = d.la_code and r.review_id = d.clrd_cla_review_id
