-- recomputed as time passes: overdue is as at the latest extract; a review dated after an earlier extract is held once its date has passed
{{ config(meta={'recompute_as_time_passes': ['open_period', 'cla_review_date']}) }}
-- The statutory review chain as steps: one row per (period of care, due_sequence). Step 1 is due
-- 20 working days after the period starts; after held review k, step k + 1 is due 3 months (k = 1)
-- or 6 months (k > 1) after it. Each step records the review that met it, if any, so "next review
-- due and overdue at date t" is: the step with due_from_date <= t < coalesce(held_date, infinity)
-- (or held on t), due_date < t, while the period is open at t.
with periods as (
    select poc.*
    from {{ ref('int_cla_periods_of_care') }} as poc
    where {{ is_changed_child('poc.la_code', 'poc.person_id') }}
),

chain as (
    select c.*
    from {{ ref('int_cla_review_chain') }} as c
    where {{ is_changed_child('c.la_code', 'c.person_id') }}
),

steps as (
    -- the first step: from the period start
    select
        periods.la_code,
        periods.period_of_care_id,
        periods.person_id,
        1 as due_sequence,
        periods.start_date as due_from_date,
        {{ wd_add('periods.start_date', 20) }} as statutory_due_date
    from periods
    union all
    -- after each held review, the next one
    select
        chain.la_code,
        chain.period_of_care_id,
        chain.person_id,
        chain.review_sequence + 1 as due_sequence,
        chain.review_date as due_from_date,
        case
            when chain.review_sequence = 1 then {{ add_months_clamped('chain.review_date', 3) }}
            else {{ add_months_clamped('chain.review_date', 6) }}
        end as statutory_due_date
    from chain
    inner join periods
        on chain.la_code = periods.la_code and chain.period_of_care_id = periods.period_of_care_id
)

select
    s.la_code,
    s.period_of_care_id,
    pe.child_key,
    s.due_sequence,
    s.due_from_date,
    s.statutory_due_date,
    held.review_id as held_review_id,
    held.review_date as held_date,
    held.review_date <= s.statutory_due_date as is_held_on_time,
    held.review_id is null as is_current,
    p.start_date as period_start_date,
    p.end_date as period_end_date,
    p.is_short_break_only as is_short_break_period,
    -- as at which extract is_overdue_at_extract was worked out (open periods; ended ones no longer change)
    case when p.end_date is null then le.extract_date end as extract_date,
    (
        held.review_id is null
        and p.end_date is null
        and s.statutory_due_date < le.extract_date
    ) as is_overdue_at_extract
from steps as s
inner join periods as p on s.la_code = p.la_code and s.period_of_care_id = p.period_of_care_id
left join chain as held
    on
        s.la_code = held.la_code
        and s.period_of_care_id = held.period_of_care_id
        and s.due_sequence = held.review_sequence
left join {{ ref('int_person') }} as pe on s.la_code = pe.la_code and s.person_id = pe.person_id
left join {{ ref('stg_raw__latest_extracts') }} as le on s.la_code = le.la_code
