-- Months roll up to the financial year: for period measures (events in the period) the twelve months'
-- numerators and denominators add up to the year's; for snapshot measures the year's row equals its
-- March row. Medians (days) and cohort measures do not roll up. Only years whose twelve months are all
-- covered are checked. Returns the mismatches.
with kv as (
    select kv.*, cat.measure_type
    from {{ ref('kpi_values') }} as kv
    inner join {{ ref('kpi_catalogue') }} as cat on kv.kpi_code = cat.kpi_code
    where cat.measure_type in ('period', 'snapshot') and kv.unit <> 'days'
),

years as (
    select * from kv where period_type = 'financial_year'
),

months as (
    select
        y.la_code,
        y.kpi_code,
        y.period_start,
        y.breakdown,
        y.breakdown_value,
        count(m.period_start) as n_months,
        sum(m.numerator) as numerator_sum,
        sum(m.denominator) as denominator_sum,
        max(case when m.period_end = y.period_end then m.numerator end) as last_numerator,
        max(case when m.period_end = y.period_end then m.denominator end) as last_denominator
    from years as y
    inner join kv as m
        on
            y.la_code = m.la_code and y.kpi_code = m.kpi_code and m.period_type = 'month'
            and y.breakdown = m.breakdown and y.breakdown_value = m.breakdown_value
            and m.period_start between y.period_start and y.period_end
    group by y.la_code, y.kpi_code, y.period_start, y.breakdown, y.breakdown_value
)

select
    y.la_code,
    y.kpi_code,
    y.period_start,
    y.breakdown,
    y.breakdown_value,
    y.numerator,
    y.denominator,
    m.numerator_sum,
    m.denominator_sum,
    m.last_numerator,
    m.last_denominator
from years as y
inner join months as m
    on
        y.la_code = m.la_code and y.kpi_code = m.kpi_code and y.period_start = m.period_start
        and y.breakdown = m.breakdown and y.breakdown_value = m.breakdown_value
where
    m.n_months = 12
    and case
        when y.measure_type = 'period' then y.numerator is distinct from m.numerator_sum or y.denominator is distinct from m.denominator_sum
        else y.numerator is distinct from m.last_numerator or y.denominator is distinct from m.last_denominator
    end
