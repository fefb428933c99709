-- kpi_values has a headline row for every catalogue KPI available to an authority (kpi_availability) in
-- every period of the authority (financial years only for financial-year KPIs), a row for every value of
-- every breakdown the catalogue lists for it, and no row at all for a KPI that is not available. The care
-- leavers' snapshots (read from the nightly history) start at the first extract that held their tables.
-- Returns what is missing, and what should not be there.
with periods as (
    select la_code, period_type, period_start, period_end from {{ ref('int_kpi_periods') }}
),

catalogue as (
    select
        kpi_code,
        section,
        period_types,
        coalesce(nullif(breakdowns, ''), '') as breakdowns
    from {{ ref('kpi_catalogue') }}
),

available as (
    select
        av.la_code,
        av.kpi_code,
        case when c.section = 'care_leavers' then av.first_extract_date end as first_extract_date
    from {{ ref('kpi_availability') }} as av
    inner join catalogue as c on av.kpi_code = c.kpi_code
    where av.is_available
),

expected as (
    select p.la_code, c.kpi_code, p.period_type, p.period_start, 'all' as breakdown, 'all' as breakdown_value
    from periods as p
    cross join catalogue as c
    inner join available as a on p.la_code = a.la_code and c.kpi_code = a.kpi_code
    where
        (c.period_types = 'both' or c.period_types = p.period_type)
        and (a.first_extract_date is null or p.period_end >= a.first_extract_date)
    union all
    select p.la_code, c.kpi_code, p.period_type, p.period_start, bv.breakdown, bv.breakdown_value
    from periods as p
    cross join catalogue as c
    inner join available as a on p.la_code = a.la_code and c.kpi_code = a.kpi_code
    cross join lateral unnest(string_to_array(c.breakdowns, '|')) as b (breakdown)
    inner join {{ ref('int_kpi_breakdown_values') }} as bv
        on p.la_code = bv.la_code and b.breakdown = bv.breakdown
    where
        (c.period_types = 'both' or c.period_types = p.period_type) and c.breakdowns <> ''
        and (a.first_extract_date is null or p.period_end >= a.first_extract_date)
)

select e.*, 'missing' as problem
from expected as e
left join {{ ref('kpi_values') }} as kv
    on
        e.la_code = kv.la_code and e.kpi_code = kv.kpi_code and e.period_type = kv.period_type
        and e.period_start = kv.period_start and e.breakdown = kv.breakdown
        and e.breakdown_value = kv.breakdown_value
where kv.kpi_code is null

union all
select kv.la_code, kv.kpi_code, kv.period_type, kv.period_start, kv.breakdown, kv.breakdown_value, 'not available'
from {{ ref('kpi_values') }} as kv
left join available as a on kv.la_code = a.la_code and kv.kpi_code = a.kpi_code
where a.kpi_code is null
