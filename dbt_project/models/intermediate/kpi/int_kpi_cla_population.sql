{{ config(pre_hook=["{{ kpi_analyze([ref('fct_cla_episodes'), ref('fct_cla_periods_of_care')]) }}"]) }}
-- CLA population and placement KPIs (docs/kpis.md, "Placements" and "The CLA population"), long
-- format before units and values. Short-break-only periods of care are excluded throughout.
with periods as (
    select la_code, period_type, period_start, period_end, fy_start_year from {{ ref('int_kpi_periods') }}
),

at_end as (
    select * from {{ ref('int_kpi_cla_at_end') }}
),

-- The placement-stability KPIs count episodes from int_kpi_stability_episodes: the extract's, and
-- before it imported SSDA903 episodes (docs/ssda903.md); identical to the extract's without an import.
stability_episodes as (
    select * from {{ ref('int_kpi_stability_episodes') }}
),

-- ... and publish also the financial year in which history_start falls when its return was imported
-- (int_kpi_import_window); its year-end cohort is the extract's at its 31 March (the March month's).
import_window as (
    select la_code, period_type, period_start, period_end from {{ ref('int_kpi_import_window') }}
),

stability_periods as (
    select la_code, period_type, period_start, period_end from periods
    union all
    select la_code, period_type, period_start, period_end from import_window
),

stability_cohort as (
    select la_code, period_type, period_start, period_end, child_key, period_of_care_id, age_at_end
    from at_end
    union all
    select w.la_code, w.period_type, w.period_start, w.period_end, a.child_key, a.period_of_care_id, a.age_at_end
    from import_window as w
    inner join at_end as a
        on w.la_code = a.la_code and a.period_type = 'month' and w.period_end = a.period_end
),

period_of_care_starts as (
    select distinct la_code, period_of_care_id, period_of_care_start
    from stability_episodes
    where not is_imported
),

pocs as (
    select * from {{ ref('fct_cla_periods_of_care') }} where not is_short_break_only and child_key is not null
),

headline as (
    select
        p.la_code,
        p.period_type,
        p.period_start,
        p.period_end,
        count(a.child_key) as n_cla,
        count(a.child_key) filter (where a.distance_miles is not null) as n_distance_known,
        count(a.child_key) filter (where a.distance_miles > 20) as n_over_20_miles
    from periods as p
    left join at_end as a
        on p.la_code = a.la_code and p.period_type = a.period_type and p.period_start = a.period_start
    group by p.la_code, p.period_type, p.period_start, p.period_end
),

-- children counted per breakdown value first, then joined to every value the authority has (a value
-- with nobody in it gets 0); matching each child against every value ran 7 M comparisons at 4 authorities
counted as (
    select
        a.la_code,
        a.period_type,
        a.period_start,
        b.breakdown,
        b.breakdown_value,
        count(a.child_key) as n_cla
    from at_end as a
    cross join lateral (
        values
        ('legal_status', a.legal_status),
        ('placement_type', a.placement_type_group),
        ('age_band', a.age_band),
        ('locality', a.locality)
    ) as b (breakdown, breakdown_value)
    group by a.la_code, a.period_type, a.period_start, b.breakdown, b.breakdown_value
),

by_breakdown as (
    select
        p.la_code,
        p.period_type,
        p.period_start,
        p.period_end,
        bv.breakdown,
        bv.breakdown_value,
        coalesce(c.n_cla, 0) as n_cla
    from periods as p
    inner join {{ ref('int_kpi_breakdown_values') }} as bv
        on p.la_code = bv.la_code and bv.breakdown in ('legal_status', 'placement_type', 'age_band', 'locality')
    left join counted as c
        on
            p.la_code = c.la_code and p.period_type = c.period_type and p.period_start = c.period_start
            and bv.breakdown = c.breakdown and bv.breakdown_value = c.breakdown_value
),

flows as (
    select
        p.la_code,
        p.period_type,
        p.period_start,
        count(poc.period_of_care_id) filter (where poc.start_date between p.period_start and p.period_end)
            as n_started,
        count(poc.period_of_care_id) filter (where poc.end_date between p.period_start and p.period_end)
            as n_ceased
    from periods as p
    left join pocs as poc
        on
            p.la_code = poc.la_code
            and poc.start_date <= p.period_end
            and (poc.end_date is null or poc.end_date >= p.period_start)
    group by p.la_code, p.period_type, p.period_start
),

-- Short-term stability (financial years only): the placement held on the first day of the year (when
-- looked after then, whatever happened later) plus every S, P or B episode starting after that day.
year_end_children as (
    select la_code, period_start, period_end, child_key
    from stability_cohort
    where period_type = 'financial_year'
),

placement_counts as (
    select
        a.la_code,
        a.period_start,
        a.child_key,
        max(case
            when {{ is_open_at('e.start_date', 'e.ceased_date', 'a.period_start') }}
                then 1 else 0
        end)
        + count(e.start_date) filter (
            where e.is_new_placement and e.start_date > a.period_start and e.start_date <= a.period_end
        ) as n_placements
    from year_end_children as a
    left join stability_episodes as e
        on a.la_code = e.la_code and a.child_key = e.child_key and e.start_date <= a.period_end
    group by a.la_code, a.period_start, a.child_key
),

stability_3plus as (
    select
        la_code,
        period_start,
        count(*) as n_cla,
        count(*) filter (where n_placements >= 3) as n_3plus
    from placement_counts
    group by la_code, period_start
),

-- Long-term stability: under 16 at t, in the period of care open at t since add_months(t, -30) or
-- earlier; stable when its latest S, P or B episode started on or before add_months(t, -24).
long_term as (
    select
        a.la_code,
        a.period_type,
        a.period_start,
        a.child_key,
        coalesce(max(e.start_date) <= {{ add_months_clamped('a.period_end', -24) }}, false) as is_stable
    from stability_cohort as a
    inner join period_of_care_starts as ps
        on a.la_code = ps.la_code and a.period_of_care_id = ps.period_of_care_id
    left join stability_episodes as e
        on
            a.la_code = e.la_code and a.period_of_care_id = e.period_of_care_id
            and e.is_new_placement and e.start_date <= a.period_end
    where
        a.age_at_end < 16
        and ps.period_of_care_start <= {{ add_months_clamped('a.period_end', -30) }}
    group by a.la_code, a.period_type, a.period_start, a.child_key, a.period_end
),

long_term_counts as (
    select
        la_code,
        period_type,
        period_start,
        count(*) as n_cohort,
        count(*) filter (where is_stable) as n_stable
    from long_term
    group by la_code, period_type, period_start
)

select
    la_code, 'CLA_AT_END' as kpi_code, period_type, period_start, period_end,
    'all' as breakdown, 'all' as breakdown_value,
    cast(n_cla as numeric) as numerator, cast(null as numeric) as denominator, cast(null as numeric) as median_value
from headline
union all
select la_code, 'CLA_AT_END', period_type, period_start, period_end, breakdown, breakdown_value, n_cla, null, null
from by_breakdown
union all
select
    h.la_code, 'CLA_RATE_PER_10K', h.period_type, h.period_start, h.period_end, 'all', 'all',
    h.n_cla, pop.population_0_17, null
from headline as h
inner join periods as p
    on h.la_code = p.la_code and h.period_type = p.period_type and h.period_start = p.period_start
left join {{ ref('int_kpi_child_population') }} as pop
    on p.la_code = pop.la_code and p.fy_start_year = pop.fy_start_year
union all
select
    la_code, 'CLA_PLACED_20_MILES_PLUS', period_type, period_start, period_end, 'all', 'all',
    n_over_20_miles, n_distance_known, null
from headline
union all
select
    p.la_code, 'CLA_STARTED', p.period_type, p.period_start, p.period_end, 'all', 'all',
    coalesce(f.n_started, 0), null, null
from periods as p
left join flows as f on p.la_code = f.la_code and p.period_type = f.period_type and p.period_start = f.period_start
union all
select
    p.la_code, 'CLA_CEASED', p.period_type, p.period_start, p.period_end, 'all', 'all',
    coalesce(f.n_ceased, 0), null, null
from periods as p
left join flows as f on p.la_code = f.la_code and p.period_type = f.period_type and p.period_start = f.period_start
union all
select
    p.la_code, 'CLA_3PLUS_PLACEMENTS', p.period_type, p.period_start, p.period_end, 'all', 'all',
    coalesce(s.n_3plus, 0), coalesce(s.n_cla, 0), null
from stability_periods as p
left join stability_3plus as s on p.la_code = s.la_code and p.period_start = s.period_start
where p.period_type = 'financial_year'
union all
select
    p.la_code, 'CLA_LONG_TERM_STABILITY', p.period_type, p.period_start, p.period_end, 'all', 'all',
    coalesce(l.n_stable, 0), coalesce(l.n_cohort, 0), null
from stability_periods as p
left join long_term_counts as l
    on p.la_code = l.la_code and p.period_type = l.period_type and p.period_start = l.period_start
