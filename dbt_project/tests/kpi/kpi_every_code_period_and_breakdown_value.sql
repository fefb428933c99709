-- kpi_values has a headline row for every catalogue KPI in every period of every authority (financial
-- years only for financial-year KPIs), and a row for every value of every breakdown the catalogue
-- lists for it. Returns what is missing.
with periods as (
    select la_code, period_type, period_start from {{ ref('int_kpi_periods') }}
),

catalogue as (
    select
        kpi_code,
        section,
        period_types,
        coalesce(nullif(breakdowns, ''), '') as breakdowns
    from {{ ref('kpi_catalogue') }}
),

expected as (
    select p.la_code, c.kpi_code, p.period_type, p.period_start, 'all' as breakdown, 'all' as breakdown_value
    from periods as p
    cross join catalogue as c
    where c.period_types = 'both' or c.period_types = p.period_type
    union all
    select p.la_code, c.kpi_code, p.period_type, p.period_start, bv.breakdown, bv.breakdown_value
    from periods as p
    cross join catalogue as c
    cross join lateral unnest(string_to_array(c.breakdowns, '|')) as b (breakdown)
    inner join {{ ref('int_kpi_breakdown_values') }} as bv
        on p.la_code = bv.la_code and b.breakdown = bv.breakdown
    where (c.period_types = 'both' or c.period_types = p.period_type) and c.breakdowns <> ''
)

,

-- The corporate parenting sections are built on optional tables: an authority that does not send one
-- has no rows, and the care leavers' snapshots start at the first extract that held theirs. There, a
-- period's breakdown rows are expected where its headline is published.
optional_sections as (
    select kpi_code from catalogue where section in ('cla_health', 'cla_missing', 'cla_visits', 'care_leavers')
)

select e.*
from expected as e
left join {{ ref('kpi_values') }} as kv
    on
        e.la_code = kv.la_code and e.kpi_code = kv.kpi_code and e.period_type = kv.period_type
        and e.period_start = kv.period_start and e.breakdown = kv.breakdown
        and e.breakdown_value = kv.breakdown_value
where kv.kpi_code is null
    and not (
        e.kpi_code in (select os.kpi_code from optional_sections as os)
        and not exists (
            select from {{ ref('kpi_values') }} as hv
            where
                hv.la_code = e.la_code and hv.kpi_code = e.kpi_code and hv.period_type = e.period_type
                and hv.period_start = e.period_start and hv.breakdown = 'all'
        )
    )
