-- CLA review timeliness by month and locality (the locality of the child's allocated team on the
-- review date), with an 'All localities' row per month that equals kpi_values' CLA_REVIEWS_HELD and
-- CLA_REVIEWS_TIMELY. Short-break periods of care excluded. Months come from kpi_values' periods.
with periods as (
    select la_code, period_start, period_end from {{ ref('int_kpi_periods') }} where period_type = 'month'
),

localities as (
    select la_code, breakdown_value as locality
    from {{ ref('int_kpi_breakdown_values') }}
    where breakdown = 'locality'
    union all
    select distinct la_code, 'All localities' from {{ ref('int_kpi_periods') }}
),

reviews as (
    select
        la_code,
        review_date,
        review_date <= due_date as is_on_time,
        coalesce(locality, 'Unknown') as locality
    from {{ ref('int_kpi_cla_review_status') }}
    where is_in_population
)

select
    p.la_code,
    p.period_start as month_start,
    p.period_end as month_end,
    l.locality,
    count(r.review_date) as reviews_held,
    count(r.review_date) filter (where r.is_on_time) as reviews_on_time,
    count(r.review_date) filter (where not r.is_on_time) as reviews_late,
    -- reviews whose due date is unknown (chain before history_start) are neither on time nor late
    count(r.review_date) filter (where r.is_on_time is null) as reviews_timeliness_unknown,
    100.0 * count(r.review_date) filter (where r.is_on_time)
    / nullif(count(r.review_date) filter (where r.is_on_time is not null), 0) as pct_on_time
from periods as p
inner join localities as l on p.la_code = l.la_code
left join reviews as r
    on
        p.la_code = r.la_code
        and r.review_date between p.period_start and p.period_end
        and (l.locality = 'All localities' or r.locality = l.locality)
group by p.la_code, p.period_start, p.period_end, l.locality
