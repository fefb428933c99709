{{ config(indexes=[{'columns': ['la_code', 'period_of_care_id']}]) }}
-- Held CLA reviews in order within their period of care, with the statutory due date from the chain
-- of the regulations: the first review is due 20 working days after the period starts, the second
-- 3 months after the first, each later one 6 months after the previous. Every held review (a review
-- brought forward included) restarts the chain from its own date; cancelled reviews are ignored, and
-- so are reviews dated after the extract (not yet held). Two non-cancelled reviews of one period of
-- care on the same date are one review: the lower id is kept (numeric order for numeric ids), the
-- other is counted as `duplicate_review` in marts.kpi_data_quality.
with held as (
    select distinct on (r.la_code, r.clar_cla_id, r.clar_cla_review_date)
        r.la_code,
        r.clar_cla_review_id as review_id,
        r.clar_cla_id as period_of_care_id,
        coalesce(poc.person_id, r.clar_cla_person_id) as person_id,
        r.clar_cla_review_date as review_date,
        r.clar_cla_review_due_date as case_system_due_date,
        r.clar_cla_review_participation as participation_code,
        poc.start_date as period_start_date,
        poc.end_date as period_end_date,
        coalesce(poc.is_short_break_only, false) as is_short_break_period,
        r.extract_date
    from {{ ref('stg_ssd__cla_reviews') }} as r
    left join {{ ref('int_cla_periods_of_care') }} as poc
        on r.la_code = poc.la_code and r.clar_cla_id = poc.period_of_care_id
    where
        not coalesce(r.clar_cla_review_cancelled, false)
        and r.clar_cla_review_date <= r.extract_date
    order by
        r.la_code asc, r.clar_cla_id asc, r.clar_cla_review_date asc,
        length(r.clar_cla_review_id) asc, r.clar_cla_review_id asc
),

sequenced as (
    select
        *,
        row_number() over (
            partition by la_code, period_of_care_id order by review_date, review_id
        ) as review_sequence,
        lag(review_date) over (
            partition by la_code, period_of_care_id order by review_date, review_id
        ) as previous_review_date
    from held
)

select
    *,
    case
        when review_sequence = 1 then {{ wd_add('period_start_date', 20) }}
        when review_sequence = 2 then {{ add_months_clamped('previous_review_date', 3) }}
        else {{ add_months_clamped('previous_review_date', 6) }}
    end as statutory_due_date
from sequenced
