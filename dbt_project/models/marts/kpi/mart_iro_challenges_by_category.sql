-- PR and MA challenges raised per period, category and locality (every category and locality of the
-- authority, zero rows included), for the category and district charts. Only for authorities that
-- sent their challenges (IRO_CHALLENGES_RAISED available): none, rather than zeros, otherwise.
with periods as (
    select p.la_code, p.period_type, p.period_start, p.period_end
    from {{ ref('int_kpi_periods') }} as p
    inner join {{ ref('kpi_availability') }} as av
        on p.la_code = av.la_code and av.kpi_code = 'IRO_CHALLENGES_RAISED' and av.is_available
),

bv as (
    select la_code, breakdown, breakdown_value from {{ ref('int_kpi_breakdown_values') }}
),

challenges as (
    select
        la_code,
        raised_date,
        challenge_type,
        coalesce(nullif(category, ''), 'Unknown') as category,
        coalesce(locality, 'Unknown') as locality
    from {{ ref('fct_iro_challenges') }}
    where is_challenge and child_key is not null
)

select
    p.la_code,
    p.period_type,
    p.period_start,
    p.period_end,
    cat.breakdown_value as category,
    loc.breakdown_value as locality,
    count(c.raised_date) filter (where c.challenge_type = 'PR') as problem_resolutions_raised,
    count(c.raised_date) filter (where c.challenge_type = 'MA') as management_alerts_raised,
    count(c.raised_date) as challenges_raised
from periods as p
inner join bv as cat on p.la_code = cat.la_code and cat.breakdown = 'category'
inner join bv as loc on p.la_code = loc.la_code and loc.breakdown = 'locality'
left join challenges as c
    on
        p.la_code = c.la_code
        and c.raised_date between p.period_start and p.period_end
        and c.category = cat.breakdown_value
        and c.locality = loc.breakdown_value
group by p.la_code, p.period_type, p.period_start, p.period_end, cat.breakdown_value, loc.breakdown_value
