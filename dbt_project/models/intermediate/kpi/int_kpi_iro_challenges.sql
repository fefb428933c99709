{{ config(pre_hook=["{{ kpi_analyze([ref('fct_cla_reviews'), ref('fct_iro_challenges')]) }}"]) }}
-- IRO challenge KPIs (docs/kpis.md, "IRO challenges"), long format before units and values.
-- PR and MA are challenges (an MA escalated into a PR counts once as each); INFORMAL and
-- GOOD_PRACTICE are counted on their own; the level a PR reached is the highest among its stages.
with periods as (
    select la_code, period_type, period_start, period_end from {{ ref('int_kpi_periods') }}
),

challenges as (
    select
        c.*,
        coalesce(nullif(c.category, ''), 'Unknown') as category_value,
        coalesce(c.locality, 'Unknown') as locality_value,
        coalesce(c.highest_level, 'Unknown') as level_value
    from {{ ref('fct_iro_challenges') }} as c
    where c.child_key is not null  -- a challenge about a child the extract does not hold: unknown parent
),

bv as (
    select * from {{ ref('int_kpi_breakdown_values') }}
),

raised_by as (
    -- PR/MA raised in the period, per value of each breakdown (zero rows from the value lists)
    select
        p.la_code,
        p.period_type,
        p.period_start,
        p.period_end,
        bv.breakdown,
        bv.breakdown_value,
        count(c.challenge_id) as n_raised
    from periods as p
    inner join bv
        on p.la_code = bv.la_code and bv.breakdown in ('challenge_type', 'subject', 'category', 'locality')
    left join challenges as c
        on
            p.la_code = c.la_code
            and c.is_challenge
            and c.raised_date between p.period_start and p.period_end
            and bv.breakdown_value = case bv.breakdown
                when 'challenge_type' then c.challenge_type
                when 'subject' then c.subject
                when 'category' then c.category_value
                when 'locality' then c.locality_value
            end
    group by p.la_code, p.period_type, p.period_start, p.period_end, bv.breakdown, bv.breakdown_value
),

counts as (
    select
        p.la_code,
        p.period_type,
        p.period_start,
        p.period_end,
        count(c.challenge_id) filter (
            where c.is_challenge and c.raised_date between p.period_start and p.period_end
        ) as n_raised,
        count(c.challenge_id) filter (
            where c.is_challenge and c.subject = 'CLA' and c.raised_date between p.period_start and p.period_end
        ) as n_raised_cla,
        count(c.challenge_id) filter (
            where c.challenge_type = 'INFORMAL' and c.raised_date between p.period_start and p.period_end
        ) as n_informal,
        count(c.challenge_id) filter (
            where c.challenge_type = 'GOOD_PRACTICE' and c.raised_date between p.period_start and p.period_end
        ) as n_good_practice,
        count(c.challenge_id) filter (
            where
                c.is_challenge
                and c.raised_date <= p.period_end - {{ kpi_var('challenge_open_days') }}
                and (c.resolved_date is null or c.resolved_date > p.period_end)
        ) as n_open_over_4w,
        count(c.challenge_id) filter (
            where c.challenge_type = 'PR' and c.resolved_date between p.period_start and p.period_end
        ) as n_pr_resolved,
        count(c.challenge_id) filter (
            where c.is_challenge and c.resolved_date between p.period_start and p.period_end
        ) as n_resolved,
        percentile_cont(0.5) within group (order by c.days_to_resolve) filter (
            where c.is_challenge and c.resolved_date between p.period_start and p.period_end
        ) as median_days
    from periods as p
    left join challenges as c on p.la_code = c.la_code and c.raised_date <= p.period_end
    group by p.la_code, p.period_type, p.period_start, p.period_end
),

levels as (
    select
        p.la_code,
        p.period_type,
        p.period_start,
        bv.breakdown_value as level_code,
        count(c.challenge_id) as n_at_level
    from periods as p
    inner join bv on p.la_code = bv.la_code and bv.breakdown = 'level'
    left join challenges as c
        on
            p.la_code = c.la_code
            and c.challenge_type = 'PR'
            and c.resolved_date between p.period_start and p.period_end
            and c.level_value = bv.breakdown_value
    group by p.la_code, p.period_type, p.period_start, bv.breakdown_value
),

reviews as (
    select
        p.la_code,
        p.period_type,
        p.period_start,
        count(r.review_id) as n_reviews
    from periods as p
    left join {{ ref('int_kpi_cla_review_status') }} as r
        on
            p.la_code = r.la_code
            and r.review_date between p.period_start and p.period_end
            and r.is_in_population
    group by p.la_code, p.period_type, p.period_start
)

select
    la_code, 'IRO_CHALLENGES_RAISED' as kpi_code, period_type, period_start, period_end,
    'all' as breakdown, 'all' as breakdown_value,
    cast(n_raised as numeric) as numerator, cast(null as numeric) as denominator, cast(null as numeric) as median_value
from counts
union all
select
    la_code, 'IRO_CHALLENGES_RAISED', period_type, period_start, period_end, breakdown, breakdown_value,
    n_raised, null, null
from raised_by
union all
select la_code, 'IRO_INFORMAL_CHALLENGES', period_type, period_start, period_end, 'all', 'all', n_informal, null, null
from counts
union all
select
    la_code, 'IRO_GOOD_PRACTICE_NOTES', period_type, period_start, period_end, 'all', 'all', n_good_practice, null, null
from counts
union all
select
    la_code, 'IRO_CHALLENGES_OPEN_OVER_4W', period_type, period_start, period_end, 'all', 'all',
    n_open_over_4w, null, null
from counts
union all
-- the headline of the level breakdown: all PRs resolved in the period (the levels add up to it)
select
    la_code, 'IRO_CHALLENGE_RESOLUTION_LEVEL', period_type, period_start, period_end, 'all', 'all',
    n_pr_resolved, n_pr_resolved as n_pr_resolved_denominator, null
from counts
union all
select
    c.la_code, 'IRO_CHALLENGE_RESOLUTION_LEVEL', c.period_type, c.period_start, c.period_end, 'level', l.level_code,
    l.n_at_level, c.n_pr_resolved, null
from counts as c
inner join levels as l
    on c.la_code = l.la_code and c.period_type = l.period_type and c.period_start = l.period_start
union all
select
    la_code, 'IRO_CHALLENGE_DAYS_TO_RESOLVE', period_type, period_start, period_end, 'all', 'all',
    null, n_resolved, cast(median_days as numeric)
from counts
union all
select
    c.la_code, 'IRO_CHALLENGES_PER_100_REVIEWS', c.period_type, c.period_start, c.period_end, 'all', 'all',
    c.n_raised_cla, r.n_reviews, null
from counts as c
inner join reviews as r
    on c.la_code = r.la_code and c.period_type = r.period_type and c.period_start = r.period_start
