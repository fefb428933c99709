-- Placement stability per period: 3+ placements in the year (financial years only), long-term
-- stability and placed more than 20 miles from home, numerators and denominators beside the rates.
select
    kv.la_code,
    kv.period_type,
    kv.period_start,
    kv.period_end,
    {{ kpi_pivot('CLA_AT_END') }} as children_looked_after,
    {{ kpi_pivot('CLA_3PLUS_PLACEMENTS', field='numerator') }} as children_3plus_placements,
    {{ kpi_pivot('CLA_3PLUS_PLACEMENTS') }} as pct_3plus_placements,
    {{ kpi_pivot('CLA_LONG_TERM_STABILITY', field='denominator') }} as long_term_cohort,
    {{ kpi_pivot('CLA_LONG_TERM_STABILITY', field='numerator') }} as long_term_same_placement,
    {{ kpi_pivot('CLA_LONG_TERM_STABILITY') }} as pct_long_term_stability,
    {{ kpi_pivot('CLA_PLACED_20_MILES_PLUS', field='denominator') }} as distance_known,
    {{ kpi_pivot('CLA_PLACED_20_MILES_PLUS', field='numerator') }} as placed_over_20_miles,
    {{ kpi_pivot('CLA_PLACED_20_MILES_PLUS') }} as pct_placed_over_20_miles
from {{ ref('kpi_values') }} as kv
where kv.kpi_code in ('CLA_AT_END', 'CLA_3PLUS_PLACEMENTS', 'CLA_LONG_TERM_STABILITY', 'CLA_PLACED_20_MILES_PLUS')
group by kv.la_code, kv.period_type, kv.period_start, kv.period_end
