{{ config(materialized='view') }}
-- The headline table for publication outside the service: kpi_headline with the small-number
-- suppression of pub_kpi_values (suppressed figures and their change on last year withheld).
select
    h.la_code,
    h.kpi_code,
    h.kpi_name,
    h.financial_year,
    h.period_start,
    h.period_end,
    h.unit,
    p.numerator,
    p.denominator,
    p.value,
    p.value_display,
    p.is_suppressed,
    case
        when not p.is_suppressed and not coalesce(prev.is_suppressed, false) then h.change_on_previous_year
    end as change_on_previous_year,
    p.value_rounded,
    case when not coalesce(prev.is_suppressed, false) then h.previous_value_rounded end as previous_value_rounded,
    case
        when not p.is_suppressed and not coalesce(prev.is_suppressed, false) then h.change_rounded
    end as change_rounded,
    h.target,
    case when not p.is_suppressed then h.rag end as rag,
    h.national_value,
    h.regional_value,
    h.statistical_neighbours_value
from {{ ref('kpi_headline') }} as h
inner join {{ ref('pub_kpi_values') }} as p
    on
        h.la_code = p.la_code and h.kpi_code = p.kpi_code and p.period_type = 'financial_year'
        and h.period_start = p.period_start and p.breakdown = 'all' and p.breakdown_value = 'all'
-- a change on last year would reveal a suppressed previous figure too
left join {{ ref('pub_kpi_values') }} as prev
    on
        h.la_code = prev.la_code and h.kpi_code = prev.kpi_code and prev.period_type = 'financial_year'
        and prev.period_start = cast(h.period_start - interval '1 year' as date)
        and prev.breakdown = 'all' and prev.breakdown_value = 'all'
