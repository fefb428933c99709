-- IRO caseload KPIs (docs/kpis.md, "IRO service"), long format before units and values.
-- At t: children with an open IRO involvement (start <= t, end null or > t) who are looked after or
-- on a CP plan then (both: counted once, as CLA), over the total FTE of the IROs holding at least one
-- of them (total over total). IROs without a recorded FTE are left out (int_kpi_iro_held).
with periods as (
    select la_code, period_type, period_start, period_end from {{ ref('int_kpi_periods') }}
),

held as (
    select * from {{ ref('int_kpi_iro_held') }} where fte > 0
),

per_iro as (
    select
        la_code,
        period_type,
        period_start,
        professional_id,
        max(fte) as fte,
        count(distinct child_key) as n_children
    from held
    group by la_code, period_type, period_start, professional_id
),

child_counts as (
    select
        la_code,
        period_type,
        period_start,
        count(distinct child_key) as n_children,
        count(distinct child_key) filter (where caseload_kind = 'CLA') as n_cla,
        count(distinct child_key) filter (where caseload_kind = 'CP') as n_cp
    from held
    group by la_code, period_type, period_start
),

iro_counts as (
    select
        la_code,
        period_type,
        period_start,
        sum(fte) as total_fte,
        count(*) as n_iros,
        count(*) filter (
            where n_children / nullif(fte, 0)
            between {{ kpi_var('iro_handbook_min') }} and {{ kpi_var('iro_handbook_max') }}
        ) as n_within_handbook
    from per_iro
    group by la_code, period_type, period_start
),

totals as (
    select
        p.la_code,
        p.period_type,
        p.period_start,
        p.period_end,
        coalesce(c.n_children, 0) as n_children,
        coalesce(c.n_cla, 0) as n_cla,
        coalesce(c.n_cp, 0) as n_cp,
        coalesce(i.total_fte, 0) as total_fte,
        coalesce(i.n_iros, 0) as n_iros,
        coalesce(i.n_within_handbook, 0) as n_within_handbook
    from periods as p
    left join child_counts as c
        on p.la_code = c.la_code and p.period_type = c.period_type and p.period_start = c.period_start
    left join iro_counts as i
        on p.la_code = i.la_code and p.period_type = i.period_type and p.period_start = i.period_start
)

select
    la_code, 'IRO_CASELOAD_AVG' as kpi_code, period_type, period_start, period_end,
    'all' as breakdown, 'all' as breakdown_value,
    cast(n_children as numeric) as numerator, cast(total_fte as numeric) as denominator,
    cast(null as numeric) as median_value
from totals
union all
select la_code, 'IRO_CASELOAD_AVG', period_type, period_start, period_end, 'caseload_kind', 'CLA', n_cla, total_fte, null
from totals
union all
select la_code, 'IRO_CASELOAD_AVG', period_type, period_start, period_end, 'caseload_kind', 'CP', n_cp, total_fte, null
from totals
union all
select
    la_code, 'IRO_CASELOAD_WEIGHTED', period_type, period_start, period_end, 'all', 'all',
    {{ kpi_var('iro_caseload_cla_weight') }} * n_cla + {{ kpi_var('iro_caseload_cp_weight') }} * n_cp, total_fte, null
from totals
union all
select
    la_code, 'IRO_CASELOAD_WITHIN_HANDBOOK', period_type, period_start, period_end, 'all', 'all',
    n_within_handbook, n_iros, null
from totals
