-- CLA review KPIs (docs/kpis.md, "CLA reviews"), long format before units and values are applied.
-- Short-break-only periods of care are excluded with their reviews; so are reviews of a child or period
-- of care the extract does not hold (int_kpi_cla_review_status: the one review population).
{%- set pn_participating = ['PN1', 'PN2', 'PN3', 'PN5', 'PN6'] if kpi_var('participation_excludes_pn4')
    else ['PN1', 'PN2', 'PN3', 'PN4', 'PN5', 'PN6'] %}
with periods as (
    select la_code, period_type, period_start, period_end from {{ ref('int_kpi_periods') }}
),

reviews as (
    select
        r.*,
        r.decisions_recorded_date
        <= {{ wd_add('r.review_date', kpi_var('review_decisions_working_days')) }} as is_decisions_timely,
        r.record_distributed_date
        <= {{ wd_add('r.review_date', kpi_var('review_record_working_days')) }} as is_record_timely
    from {{ ref('int_kpi_cla_review_status') }} as r
    where r.is_in_population
),

held as (
    select
        p.la_code,
        p.period_type,
        p.period_start,
        p.period_end,
        count(r.review_id) as n_held,
        count(r.review_id) filter (where r.due_date is not null) as n_due_known,
        count(r.review_id) filter (where r.review_date <= r.due_date) as n_on_time,
        count(r.review_id) filter (where r.participation_code in ('PN1', 'PN2', 'PN3', 'PN4', 'PN5', 'PN6', 'PN7'))
            as n_participation_known,
        count(r.review_id) filter (where r.participation_code in ('{{ pn_participating | join("', '") }}'))
            as n_participated,
        count(r.review_id) filter (where r.record_distributed_date is not null) as n_record_known,
        count(r.review_id) filter (where r.is_record_timely) as n_record_timely,
        count(r.review_id) filter (where r.decisions_recorded_date is not null) as n_decisions_known,
        count(r.review_id) filter (where r.is_decisions_timely) as n_decisions_timely,
        count(r.review_id) filter (where r.is_known_second_review and r.has_details) as n_second,
        count(r.review_id) filter (
            where r.is_known_second_review and r.has_details and r.permanence_plan_agreed
        ) as n_second_permanence
    from periods as p
    left join reviews as r
        on p.la_code = r.la_code and r.review_date between p.period_start and p.period_end
    group by p.la_code, p.period_type, p.period_start, p.period_end
),

participation_codes as (
    select
        p.la_code,
        p.period_type,
        p.period_start,
        p.period_end,
        bv.breakdown_value as participation_code,
        count(r.review_id) as n_reviews
    from periods as p
    inner join {{ ref('int_kpi_breakdown_values') }} as bv
        on p.la_code = bv.la_code and bv.breakdown = 'participation_code'
    left join reviews as r
        on
            p.la_code = r.la_code
            and r.review_date between p.period_start and p.period_end
            and r.participation_code = bv.breakdown_value
    group by p.la_code, p.period_type, p.period_start, p.period_end, bv.breakdown_value
),

-- Child level (NI 66 style): the cohort looked after at t for at least 20 working days; a child fails
-- when any statutory step that fell due in the period while the child was looked after was not held
-- on time (a step still unheld counts as late). A step whose due date is unknown (the chain starts
-- before history_start, int_kpi_cla_review_steps) is judged on nothing: a child whose only review in
-- the period is such a step leaves the cohort.
steps as (
    select * from {{ ref('int_kpi_cla_review_steps') }}
),

cohort_all as (
    select c.la_code, c.period_type, c.period_start, c.period_end, c.child_key
    from {{ ref('int_kpi_cla_at_end') }} as c
    where {{ wd_add('c.period_of_care_start', 20) }} <= c.period_end
),

known_steps as (
    select
        c.la_code,
        c.period_type,
        c.period_start,
        c.child_key,
        d.is_held_on_time
    from cohort_all as c
    inner join steps as d
        on
            c.la_code = d.la_code
            and c.child_key = d.child_key
            and d.due_date between c.period_start and c.period_end
            and {{ is_open_at('d.period_start_date', 'd.period_end_date', 'd.due_date') }}
    where not d.is_short_break_period
),

unknown_only as (
    select distinct
        c.la_code,
        c.period_type,
        c.period_start,
        c.child_key
    from cohort_all as c
    inner join steps as d
        on
            c.la_code = d.la_code
            and c.child_key = d.child_key
            and d.due_date is null
            and d.held_date between c.period_start and c.period_end
    where not exists (
        select 1 from known_steps as k
        where
            k.la_code = c.la_code and k.period_type = c.period_type
            and k.period_start = c.period_start and k.child_key = c.child_key
    )
),

cohort as (
    select c.*
    from cohort_all as c
    where not exists (
        select 1 from unknown_only as u
        where
            u.la_code = c.la_code and u.period_type = c.period_type
            and u.period_start = c.period_start and u.child_key = c.child_key
    )
),

failed_steps as (
    select distinct la_code, period_type, period_start, child_key
    from known_steps
    where not coalesce(is_held_on_time, false)
),

children as (
    select
        c.la_code,
        c.period_type,
        c.period_start,
        c.period_end,
        count(*) as n_cohort,
        count(*) filter (where f.child_key is null) as n_all_on_time
    from cohort as c
    left join failed_steps as f
        on
            c.la_code = f.la_code and c.period_type = f.period_type
            and c.period_start = f.period_start and c.child_key = f.child_key
    group by c.la_code, c.period_type, c.period_start, c.period_end
),

-- Overdue at t: the chain step current at t (its clock started on or before t, not held by t) is
-- due before t, for a child looked after at t.
overdue as (
    select
        c.la_code,
        c.period_type,
        c.period_start,
        count(distinct c.child_key) as n_overdue
    from {{ ref('int_kpi_cla_at_end') }} as c
    inner join steps as d
        on
            c.la_code = d.la_code
            and c.period_of_care_id = d.period_of_care_id
            and {{ is_open_at('d.due_from_date', 'd.held_date', 'c.period_end') }}
            and d.due_date < c.period_end
    group by c.la_code, c.period_type, c.period_start
)

select
    h.la_code, 'CLA_REVIEWS_HELD' as kpi_code, h.period_type, h.period_start, h.period_end,
    'all' as breakdown, 'all' as breakdown_value,
    cast(h.n_held as numeric) as numerator, cast(null as numeric) as denominator, cast(null as numeric) as median_value
from held as h
union all
select
    h.la_code, 'CLA_REVIEWS_TIMELY', h.period_type, h.period_start, h.period_end, 'all', 'all',
    h.n_on_time, h.n_due_known, null
from held as h
union all
select
    h.la_code, 'CLA_REVIEW_PARTICIPATION', h.period_type, h.period_start, h.period_end, 'all', 'all',
    h.n_participated, h.n_participation_known, null
from held as h
union all
select
    pc.la_code, 'CLA_REVIEW_PARTICIPATION', pc.period_type, pc.period_start, pc.period_end,
    'participation_code', pc.participation_code, pc.n_reviews, null, null
from participation_codes as pc
union all
select
    h.la_code, 'CLA_REVIEW_RECORD_TIMELY', h.period_type, h.period_start, h.period_end, 'all', 'all',
    h.n_record_timely, h.n_record_known, null
from held as h
union all
select
    h.la_code, 'CLA_REVIEW_DECISIONS_TIMELY', h.period_type, h.period_start, h.period_end, 'all', 'all',
    h.n_decisions_timely, h.n_decisions_known, null
from held as h
union all
select
    h.la_code, 'CLA_PERMANENCE_AT_SECOND_REVIEW', h.period_type, h.period_start, h.period_end, 'all', 'all',
    h.n_second_permanence, h.n_second, null
from held as h
union all
select
    p.la_code, 'CLA_CHILDREN_REVIEWS_TIMELY', p.period_type, p.period_start, p.period_end, 'all', 'all',
    coalesce(ch.n_all_on_time, 0), coalesce(ch.n_cohort, 0), null
from periods as p
left join children as ch
    on p.la_code = ch.la_code and p.period_type = ch.period_type and p.period_start = ch.period_start
union all
select
    p.la_code, 'CLA_REVIEWS_OVERDUE', p.period_type, p.period_start, p.period_end, 'all', 'all',
    coalesce(o.n_overdue, 0), null, null
from periods as p
left join overdue as o
    on p.la_code = o.la_code and p.period_type = o.period_type and p.period_start = o.period_start
