-- The headline table per authority and financial year (what `cscw kpis` prints and the report's
-- summary uses): each KPI's headline value with numerator and denominator, last year's value and the
-- change, the target and RAG from the catalogue, and the published comparators beside it.
-- Every reader (cscw kpis, the performance pack, BI) takes RAG and the rounded figures from here.
-- RAG comes from kpi_values (green when the target is met in the KPI's direction, amber within
-- amber_band of it, else red; none without a target or for neutral KPIs).
with headline as (
    select *
    from {{ ref('kpi_values') }}
    where period_type = 'financial_year' and breakdown = 'all'
),

comparators as (
    select
        la_code,
        kpi_code,
        period_start,
        max(case when comparator = 'national' then value end) as national_value,
        max(case when comparator = 'regional' then value end) as regional_value,
        max(case when comparator = 'statistical_neighbours' then value end) as statistical_neighbours_value,
        max(case when comparator = 'published' then value end) as published_value
    from {{ ref('mart_kpi_comparators') }}
    group by la_code, kpi_code, period_start
)

select
    h.la_code,
    h.kpi_code,
    cat.section,
    cat.name as kpi_name,
    h.period_start,
    h.period_end,
    {{ fy_label('h.period_start') }} as financial_year,
    h.unit,
    h.numerator,
    h.denominator,
    h.value,
    prev.value as previous_value,
    h.value - prev.value as change_on_previous_year,
    -- as printed everywhere (macro kpi_round): readers never round the figures themselves
    {{ kpi_round('h.value', 'h.unit') }} as value_rounded,
    {{ kpi_round('prev.value', 'h.unit') }} as previous_value_rounded,
    {{ kpi_round('h.value - prev.value', 'h.unit') }} as change_rounded,
    cat.direction,
    cat.target,
    cat.amber_band,
    h.rag,
    c.national_value,
    c.regional_value,
    c.statistical_neighbours_value,
    c.published_value
from headline as h
inner join {{ ref('kpi_catalogue') }} as cat on h.kpi_code = cat.kpi_code
left join headline as prev
    on
        h.la_code = prev.la_code
        and h.kpi_code = prev.kpi_code
        and prev.period_start = cast(h.period_start - interval '1 year' as date)
left join comparators as c
    on h.la_code = c.la_code and h.kpi_code = c.kpi_code and h.period_start = c.period_start
