{{ config(pre_hook=["{{ kpi_analyze([ref('fct_cla_review_due')]) }}"]) }}
-- The statutory review chain's steps (fct_cla_review_due) with the due date the KPIs judge them on:
-- where the period of care started before the authority's history_start, the first step (from the
-- period start) has the case system's due date of the review that met it, else no due date (unknown),
-- and the second step is due 6 months after the first review in the extract, as after a later review.
with history as (
    select la_code, history_start from {{ ref('int_kpi_history_start') }}
)

select
    d.la_code,
    d.period_of_care_id,
    d.child_key,
    d.due_sequence,
    d.due_from_date,
    d.held_review_id,
    d.held_date,
    d.period_start_date,
    d.period_end_date,
    d.is_short_break_period,
    d.period_start_date < h.history_start and d.due_sequence = 1 as is_chain_before_history,
    case
        when d.period_start_date < h.history_start and d.due_sequence = 1 then r.case_system_due_date
        when d.period_start_date < h.history_start and d.due_sequence = 2
            then {{ add_months_clamped('d.due_from_date', 6) }}
        else d.statutory_due_date
    end as due_date,
    d.held_date <= case
        when d.period_start_date < h.history_start and d.due_sequence = 1 then r.case_system_due_date
        when d.period_start_date < h.history_start and d.due_sequence = 2
            then {{ add_months_clamped('d.due_from_date', 6) }}
        else d.statutory_due_date
    end as is_held_on_time
from {{ ref('fct_cla_review_due') }} as d
inner join history as h on d.la_code = h.la_code
left join {{ ref('fct_cla_reviews') }} as r on d.la_code = r.la_code and d.held_review_id = r.review_id
