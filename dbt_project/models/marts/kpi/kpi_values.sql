{{ config(
    indexes=[{'columns': ['la_code', 'kpi_code', 'period_type', 'period_start']}],
) }}
-- THE published interface (docs/kpis.md): one row per (la_code, kpi_code, period_type,
-- period_start, period_end, breakdown, breakdown_value) for every KPI of the catalogue, every complete
-- financial year and month the data covers, per authority. numerator / denominator follow the unit:
-- percent n / d; count n and null; rate n and the population; average the total and the divisor;
-- days (a median) null and the number of values. value is unrounded.
-- Only KPIs available for the authority (kpi_availability: every table they need was sent) have rows:
-- a new KPI family needs nothing more than its catalogue row's tables and a place in `families`.
with families as (
    select * from {{ ref('int_kpi_cla_reviews') }}
    union all
    select * from {{ ref('int_kpi_child_protection') }}
    union all
    select * from {{ ref('int_kpi_iro_challenges') }}
    union all
    select * from {{ ref('int_kpi_cla_population') }}
    union all
    select * from {{ ref('int_kpi_iro_caseloads') }}
    union all
    select * from {{ ref('int_kpi_cla_health') }}
    union all
    select * from {{ ref('int_kpi_cla_missing') }}
    union all
    select * from {{ ref('int_kpi_cla_visits') }}
    union all
    select * from {{ ref('int_kpi_care_leavers') }}
),

valued as (
    select
        f.la_code,
        f.kpi_code,
        f.period_type,
        f.period_start,
        f.period_end,
        f.breakdown,
        f.breakdown_value,
        f.numerator,
        f.denominator,
        -- a breakdown row without a denominator (participation codes) is a count whatever the headline unit
        case
            when f.breakdown <> 'all' and f.denominator is null then f.numerator
            else {{ kpi_value('cat.unit', 'f.numerator', 'f.denominator', 'f.median_value') }}
        end as value,  -- noqa: RF04
        case when f.breakdown <> 'all' and f.denominator is null then 'count' else cat.unit end as unit,
        cat.direction,
        cat.target,
        coalesce(cat.amber_band, 0) as amber_band
    from families as f
    inner join {{ ref('kpi_catalogue') }} as cat on f.kpi_code = cat.kpi_code
    inner join {{ ref('kpi_availability') }} as av
        on f.la_code = av.la_code and f.kpi_code = av.kpi_code and av.is_available
    where cat.period_types = 'both' or f.period_type = cat.period_types
)

select
    la_code,
    kpi_code,
    period_type,
    period_start,
    period_end,
    breakdown,
    breakdown_value,
    numerator,
    denominator,
    value,  -- noqa: RF04
    unit,
    -- the value as printed everywhere (macro kpi_round)
    {{ kpi_round('value', 'unit') }} as value_rounded,
    -- RAG of a headline figure against the catalogue's target (the one definition: kpi_headline, the
    -- publication views, the performance pack and BI read it): green when the target is met in the
    -- KPI's direction, amber within amber_band of it, else red; none without a target, for neutral
    -- KPIs, for breakdown rows and without a value.
    case
        when breakdown <> 'all' or target is null or direction = 'neutral' or value is null then null
        when direction = 'higher' and value >= target then 'green'
        when direction = 'higher' and value >= target - amber_band then 'amber'
        when direction = 'lower' and value <= target then 'green'
        when direction = 'lower' and value <= target + amber_band then 'amber'
        else 'red'
    end as rag
from valued
