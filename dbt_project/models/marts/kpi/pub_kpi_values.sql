{{ config(materialized='view') }}
-- kpi_values for publication outside the service, with small-number suppression as in DfE statistics:
-- a count from 1 to var suppression_max (4), and any figure whose numerator, or whose denominator when
-- it counts children or events, is in that range, is shown as suppressed ('x'); its numerator,
-- denominator and value are withheld. Zero is not suppressed. Population and FTE denominators
-- (rates, averages) are not counts of children and never trigger suppression.
-- Secondary suppression: where exactly one cell of a breakdown (la_code, kpi_code, period, breakdown)
-- is suppressed, the next smallest cell of that breakdown (by numerator, then breakdown value) is
-- suppressed too, so the suppressed figure cannot be recovered from the headline by subtraction.
with primary_suppression as (
    select
        kv.*,
        coalesce((
            kv.numerator > 0 and kv.numerator <= {{ kpi_var('suppression_max') }}
            and kv.unit in ('count', 'percent', 'rate_per_10k', 'average')
        )
        or (
            kv.denominator > 0 and kv.denominator <= {{ kpi_var('suppression_max') }}
            and kv.unit in ('percent', 'days')
        ), false) as is_suppressed
    from {{ ref('kpi_values') }} as kv
),

ranked as (
    select
        ps.*,
        count(*) filter (where ps.is_suppressed) over breakdown_cells as n_suppressed_in_breakdown,
        row_number() over (
            partition by
                ps.la_code, ps.kpi_code, ps.period_type, ps.period_start, ps.breakdown, ps.is_suppressed
            order by ps.numerator asc nulls last, ps.breakdown_value asc
        ) as rank_in_kind
    from primary_suppression as ps
    window breakdown_cells as (partition by ps.la_code, ps.kpi_code, ps.period_type, ps.period_start, ps.breakdown)
),

v as (
    select
        r.*,
        r.is_suppressed as is_primary_suppressed,
        r.is_suppressed
        or (
            r.breakdown <> 'all' and r.n_suppressed_in_breakdown = 1 and r.rank_in_kind = 1
            and r.numerator is not null
        ) as is_any_suppressed
    from ranked as r
)

select
    la_code,
    kpi_code,
    period_type,
    period_start,
    period_end,
    breakdown,
    breakdown_value,
    case when not is_any_suppressed then numerator end as numerator,
    case when not is_any_suppressed then denominator end as denominator,
    case when not is_any_suppressed then value end as value,  -- noqa: RF04
    unit,
    is_any_suppressed as is_suppressed,
    is_any_suppressed and not is_primary_suppressed as is_secondary_suppressed,
    case when not is_any_suppressed then value_rounded end as value_rounded,
    case when not is_any_suppressed then rag end as rag,
    case when is_any_suppressed then 'x' else cast(value_rounded as text) end as value_display
from v
