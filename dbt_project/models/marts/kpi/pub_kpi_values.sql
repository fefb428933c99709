{{ config(schema='marts', materialized='view', post_hook=["{{ grant_reporter_sql(this.schema, this) }}"]) }}
-- kpi_values for publication outside the service, with small-number suppression as in DfE statistics:
-- a count from 1 to var suppression_max (4), and any figure whose numerator, or whose denominator when
-- it counts children or events, is in that range, is shown as suppressed ('x'); its numerator,
-- denominator and value are withheld. Zero is not suppressed. Population and FTE denominators
-- (rates, averages) are not counts of children and never trigger suppression.
with v as (
    select
        kv.*,
        (
            kv.numerator > 0 and kv.numerator <= {{ kpi_var('suppression_max') }}
            and kv.unit in ('count', 'percent', 'rate_per_10k', 'average')
        )
        or (
            kv.denominator > 0 and kv.denominator <= {{ kpi_var('suppression_max') }}
            and kv.unit in ('percent', 'days')
        ) as is_suppressed
    from {{ ref('kpi_values') }} as kv
)

select
    la_code,
    kpi_code,
    period_type,
    period_start,
    period_end,
    breakdown,
    breakdown_value,
    case when not is_suppressed then numerator end as numerator,
    case when not is_suppressed then denominator end as denominator,
    case when not is_suppressed then value end as value,  -- noqa: RF04
    unit,
    is_suppressed,
    case when is_suppressed then 'x' else cast(round(value, 1) as text) end as value_display
from v
