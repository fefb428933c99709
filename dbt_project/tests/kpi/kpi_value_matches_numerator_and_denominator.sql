-- Every value follows from its numerator and denominator by the unit the catalogue seed gives its KPI
-- (not kpi_values' own unit column), checked without the kpi_value macro's formula: by
-- cross-multiplication (percent: value x d = 100 n, with 0 <= n <= d; rate: value x d = 10000 n;
-- average: value x d = n; count: value = n, a whole number, no denominator), and a median recomputed
-- from the challenge fact by ranking (the mean of the middle one or two values), not percentile_cont.
-- A breakdown row without a denominator (participation codes) is a count. Returns the rows that break it.
with kv as (
    select
        kv.*,
        case
            when kv.breakdown <> 'all' and kv.denominator is null then 'count'
            else cat.unit
        end as expected_unit
    from {{ ref('kpi_values') }} as kv
    left join {{ ref('kpi_catalogue') }} as cat on kv.kpi_code = cat.kpi_code
),

resolved as (
    select
        p.la_code,
        p.period_type,
        p.period_start,
        c.days_to_resolve,
        row_number() over (
            partition by p.la_code, p.period_type, p.period_start order by c.days_to_resolve, c.challenge_id
        ) as rn,
        count(*) over (partition by p.la_code, p.period_type, p.period_start) as n
    from {{ ref('int_kpi_periods') }} as p
    inner join {{ ref('fct_iro_challenges') }} as c
        on
            p.la_code = c.la_code and c.challenge_type in ('PR', 'MA')
            and c.resolved_date >= p.period_start and c.resolved_date <= p.period_end
            -- orphans (a challenge about a child the extract does not hold) are in no KPI
            and c.child_key is not null
),

medians as (
    select
        la_code,
        period_type,
        period_start,
        max(n) as n_values,
        avg(days_to_resolve) filter (where rn in ((n + 1) / 2, (n + 2) / 2)) as median_days
    from resolved
    group by la_code, period_type, period_start
)

select
    kv.la_code,
    kv.kpi_code,
    kv.period_type,
    kv.period_start,
    kv.breakdown,
    kv.breakdown_value,
    kv.unit,
    kv.expected_unit,
    kv.numerator,
    kv.denominator,
    kv.value
from kv
left join medians as m
    on kv.la_code = m.la_code and kv.period_type = m.period_type and kv.period_start = m.period_start
where
    kv.unit is distinct from kv.expected_unit
    or case kv.expected_unit
        when 'percent' then
            kv.denominator is null
            or (kv.denominator = 0 and kv.value is not null)
            or (kv.denominator <> 0 and abs(kv.value * kv.denominator - 100 * kv.numerator) > 1e-6)
            or (
                kv.kpi_code <> 'IRO_CHALLENGES_PER_100_REVIEWS'
                and (kv.numerator < 0 or kv.numerator > kv.denominator)
            )
        when 'rate_per_10k' then
            (kv.denominator is null and kv.value is not null)
            or (kv.denominator = 0 and kv.value is not null)
            or (kv.denominator <> 0 and abs(kv.value * kv.denominator - 10000 * kv.numerator) > 1e-6)
        when 'average' then
            (kv.denominator = 0 and kv.value is not null)
            or (kv.denominator <> 0 and abs(kv.value * kv.denominator - kv.numerator) > 1e-6)
        when 'count' then
            kv.value is distinct from kv.numerator
            or kv.denominator is not null
            or kv.numerator < 0
            or kv.numerator <> floor(kv.numerator)
        when 'days' then
            kv.numerator is not null
            or kv.denominator is distinct from coalesce(m.n_values, 0)
            or (kv.value is null) <> (m.median_days is null)
            or abs(kv.value - m.median_days) > 1e-9
        else true
    end
