-- The wide marts agree with kpi_values: review timeliness 'All localities' rows equal the headline and
-- the localities add up to it; the CLA population cube adds up to CLA_AT_END; the CP population cube
-- adds up to CP_PLANS_AT_END. Returns the mismatches.
with kv as (
    select * from {{ ref('kpi_values') }} where breakdown = 'all'
),

timeliness as (
    select
        la_code,
        month_start,
        sum(reviews_held) filter (where locality = 'All localities') as all_held,
        sum(reviews_on_time) filter (where locality = 'All localities') as all_on_time,
        sum(reviews_held) filter (where locality <> 'All localities') as localities_held
    from {{ ref('mart_cla_review_timeliness') }}
    group by la_code, month_start
),

cla as (
    select la_code, period_type, period_start, sum(children) as children
    from {{ ref('mart_cla_population') }}
    group by la_code, period_type, period_start
),

cp as (
    select la_code, period_type, period_start, sum(children_on_plans) as children
    from {{ ref('mart_cp_population') }}
    group by la_code, period_type, period_start
)

select 'review timeliness' as check_name, t.la_code, t.month_start as period_start
from timeliness as t
inner join kv as h
    on t.la_code = h.la_code and h.period_type = 'month' and t.month_start = h.period_start
    and h.kpi_code = 'CLA_REVIEWS_TIMELY'
inner join kv as held
    on t.la_code = held.la_code and held.period_type = 'month' and t.month_start = held.period_start
    and held.kpi_code = 'CLA_REVIEWS_HELD'
where t.all_held <> held.numerator or t.all_on_time <> h.numerator or t.localities_held <> t.all_held
union all
select 'cla population', h.la_code, h.period_start
from kv as h
left join cla as c
    on h.la_code = c.la_code and h.period_type = c.period_type and h.period_start = c.period_start
where h.kpi_code = 'CLA_AT_END' and coalesce(c.children, 0) <> h.numerator
union all
select 'cp population', h.la_code, h.period_start
from kv as h
left join cp as c
    on h.la_code = c.la_code and h.period_type = c.period_type and h.period_start = c.period_start
where h.kpi_code = 'CP_PLANS_AT_END' and coalesce(c.children, 0) <> h.numerator
