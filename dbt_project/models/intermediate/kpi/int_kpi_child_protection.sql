{{ config(pre_hook=["{{ kpi_analyze([ref('fct_cp_conferences'), ref('fct_cp_plans')]) }}"]) }}
-- Child protection KPIs (docs/kpis.md, "Child protection"), long format before units and values.
-- Plans recorded as held by another authority (cppl_cp_plan_ola = Y) are history only: they make a
-- later plan a repeat plan but are never counted as this authority's plans.
with periods as (
    select la_code, period_type, period_start, period_end, fy_start_year from {{ ref('int_kpi_periods') }}
),

plans as (
    select * from {{ ref('fct_cp_plans') }} where not is_other_la_plan and child_key is not null
),

conferences as (
    select * from {{ ref('fct_cp_conferences') }} where not is_stood_down and child_key is not null
),

population as (
    select * from {{ ref('int_kpi_child_population') }}
),

plan_counts as (
    select
        p.la_code,
        p.period_type,
        p.period_start,
        p.period_end,
        count(pl.plan_id) filter (
            where {{ is_open_at('pl.start_date', 'pl.end_date', 'p.period_end') }}
        ) as n_open,
        count(pl.plan_id) filter (
            where
                {{ is_open_at('pl.start_date', 'pl.end_date', 'p.period_end') }}
                and pl.start_date <= {{ add_months_clamped('p.period_end', -18) }}
        ) as n_open_18m,
        count(pl.plan_id) filter (where pl.start_date between p.period_start and p.period_end) as n_started,
        count(pl.plan_id) filter (
            where pl.start_date between p.period_start and p.period_end and pl.is_repeat_plan
        ) as n_repeat,
        count(pl.plan_id) filter (
            where pl.start_date between p.period_start and p.period_end and pl.is_repeat_within_12m
        ) as n_repeat_12m,
        count(pl.plan_id) filter (where pl.end_date between p.period_start and p.period_end) as n_ended,
        count(pl.plan_id) filter (
            where pl.end_date between p.period_start and p.period_end and pl.lasted_2y_plus
        ) as n_ended_2y
    from periods as p
    left join plans as pl on p.la_code = pl.la_code and pl.start_date <= p.period_end
    group by p.la_code, p.period_type, p.period_start, p.period_end
),

conference_counts as (
    select
        p.la_code,
        p.period_type,
        p.period_start,
        -- initial conferences: transfer-in excluded, a linked S47 start not after the conference
        count(c.conference_id) filter (
            where c.conference_type = 'ICPC' and c.s47_start_date <= c.conference_date
        ) as n_icpc,
        count(c.conference_id) filter (
            where
                c.conference_type = 'ICPC' and c.s47_start_date <= c.conference_date
                and c.conference_date <= {{ wd_add('c.s47_start_date', kpi_var('icpc_working_days')) }}
        ) as n_icpc_timely,
        count(c.conference_id) filter (
            where c.conference_type = 'RCPC' and c.statutory_due_date is not null
        ) as n_rcpc,
        count(c.conference_id) filter (where c.conference_type = 'RCPC' and c.is_on_time) as n_rcpc_timely,
        count(c.conference_id) filter (where c.report_to_parents_date is not null) as n_report_known,
        count(c.conference_id) filter (where c.is_report_to_parents_timely) as n_report_timely
    from periods as p
    left join conferences as c
        on p.la_code = c.la_code and c.conference_date between p.period_start and p.period_end
    group by p.la_code, p.period_type, p.period_start
),

-- Review conference overdue at t: for each plan open at t, the next review is due 3 months after the
-- plan started when no review conference was held by t, else 6 months after the latest one held by t.
open_plans as (
    select
        p.la_code,
        p.period_type,
        p.period_start,
        p.period_end,
        pl.plan_id,
        pl.start_date,
        max(c.conference_date) as last_review_date
    from periods as p
    inner join plans as pl
        on
            p.la_code = pl.la_code
            and {{ is_open_at('pl.start_date', 'pl.end_date', 'p.period_end') }}
    left join conferences as c
        on
            pl.la_code = c.la_code
            and pl.plan_id = c.plan_id
            and c.conference_type = 'RCPC'
            and c.conference_date <= p.period_end
    group by p.la_code, p.period_type, p.period_start, p.period_end, pl.plan_id, pl.start_date
),

rcpc_overdue as (
    select
        la_code,
        period_type,
        period_start,
        count(*) as n_overdue
    from open_plans
    where
        case
            when last_review_date is null then {{ add_months_clamped('start_date', 3) }}
            else {{ add_months_clamped('last_review_date', 6) }}
        end < period_end
    group by la_code, period_type, period_start
)

select
    pc.la_code, 'CP_PLANS_AT_END' as kpi_code, pc.period_type, pc.period_start, pc.period_end,
    'all' as breakdown, 'all' as breakdown_value,
    cast(pc.n_open as numeric) as numerator, cast(null as numeric) as denominator, cast(null as numeric) as median_value
from plan_counts as pc
union all
select
    pc.la_code, 'CP_RATE_PER_10K', pc.period_type, pc.period_start, pc.period_end, 'all', 'all',
    pc.n_open, pop.population_0_17, null
from plan_counts as pc
inner join periods as p
    on pc.la_code = p.la_code and pc.period_type = p.period_type and pc.period_start = p.period_start
left join population as pop on p.la_code = pop.la_code and p.fy_start_year = pop.fy_start_year
union all
select
    la_code, 'CP_PLANS_OPEN_18M_PLUS', period_type, period_start, period_end, 'all', 'all', n_open_18m, null, null
from plan_counts
union all
select la_code, 'CP_PLANS_STARTED', period_type, period_start, period_end, 'all', 'all', n_started, null, null
from plan_counts
union all
select la_code, 'CP_REPEAT_PLANS', period_type, period_start, period_end, 'all', 'all', n_repeat, n_started, null
from plan_counts
union all
select
    la_code, 'CP_REPEAT_PLANS_12M', period_type, period_start, period_end, 'all', 'all', n_repeat_12m, n_started, null
from plan_counts
union all
select
    la_code, 'CP_PLANS_ENDED_2Y_PLUS', period_type, period_start, period_end, 'all', 'all', n_ended_2y, n_ended, null
from plan_counts
union all
select
    p.la_code, 'CP_ICPC_TIMELY', p.period_type, p.period_start, p.period_end, 'all', 'all',
    cc.n_icpc_timely, cc.n_icpc, null
from periods as p
inner join conference_counts as cc
    on p.la_code = cc.la_code and p.period_type = cc.period_type and p.period_start = cc.period_start
union all
select
    p.la_code, 'CP_RCPC_TIMELY', p.period_type, p.period_start, p.period_end, 'all', 'all',
    cc.n_rcpc_timely, cc.n_rcpc, null
from periods as p
inner join conference_counts as cc
    on p.la_code = cc.la_code and p.period_type = cc.period_type and p.period_start = cc.period_start
union all
select
    p.la_code, 'CP_REPORT_TO_PARENTS_TIMELY', p.period_type, p.period_start, p.period_end, 'all', 'all',
    cc.n_report_timely, cc.n_report_known, null
from periods as p
inner join conference_counts as cc
    on p.la_code = cc.la_code and p.period_type = cc.period_type and p.period_start = cc.period_start
union all
select
    p.la_code, 'CP_RCPC_OVERDUE', p.period_type, p.period_start, p.period_end, 'all', 'all',
    coalesce(o.n_overdue, 0), null, null
from periods as p
left join rcpc_overdue as o
    on p.la_code = o.la_code and p.period_type = o.period_type and p.period_start = o.period_start
