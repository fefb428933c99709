{{ config(post_hook=['analyze {{ this }}']) }}
-- Missing from care (docs/kpis.md, "Missing from care"), long format before units and values.
-- Counted: episodes of type missing (not "away without authorisation") starting in the period while the
-- child was looked after (a period of care open that day, short breaks excluded). Rows about a child
-- the extract does not hold (no person row) are left out (kpi_data_quality counts them); kpi_values
-- keeps the authorities whose latest extract holds ssd_missing (kpi_availability).
with periods as (
    select la_code, period_type, period_start, period_end from {{ ref('int_kpi_periods') }}
),

kpis (kpi_code, has_denominator, breakdown) as (
    values
    ('CLA_MISSING_CHILDREN', false, 'all'),
    ('CLA_MISSING_CHILDREN_PCT', true, 'all'),
    ('CLA_MISSING_EPISODES', false, 'all'),
    ('CLA_MISSING_EPISODES', false, 'age_band'),
    ('CLA_MISSING_EPISODES', false, 'locality'),
    ('CLA_MISSING_EPISODES_PER_CHILD', true, 'all'),
    ('CLA_MISSING_RHI_OFFERED', true, 'all'),
    ('CLA_MISSING_RHI_ACCEPTED', true, 'all')
),

frame as (
    {{ kpi_frame('periods', 'kpis') }}
),

episodes as (
    select
        p.la_code,
        p.period_type,
        p.period_start,
        p.period_end,
        e.missing_episode_id,
        e.child_key,
        e.start_date,
        e.end_date,
        e.rhi_offered,
        e.rhi_accepted,
        {{ cla_age_band('e.age_at_start') }} as age_band
    from periods as p
    inner join {{ ref('fct_cla_missing_episodes') }} as e
        on p.la_code = e.la_code and e.start_date between p.period_start and p.period_end
    where e.is_missing and e.is_looked_after_at_start and not e.is_short_break_period and e.child_key is not null
),

episodes_with_locality as (
    {{ kpi_with_locality('episodes', ['la_code', 'period_type', 'period_start', 'missing_episode_id'], 'start_date') }}
),

-- children looked after at any time in the period (a period of care open on some day of it)
looked_after as (
    select distinct
        p.la_code,
        p.period_type,
        p.period_start,
        poc.child_key
    from periods as p
    inner join {{ ref('fct_cla_periods_of_care') }} as poc
        on
            p.la_code = poc.la_code
            and poc.start_date <= p.period_end
            and (poc.end_date is null or poc.end_date > p.period_start)
    where not poc.is_short_break_only and poc.child_key is not null
),

missing_children as (
    select distinct la_code, period_type, period_start, child_key from episodes
),

members as (
    select
        e.la_code, 'CLA_MISSING_EPISODES' as kpi_code, e.period_type, e.period_start,
        b.breakdown, b.breakdown_value, 1 as num, 0 as den
    from episodes_with_locality as e
    cross join lateral (
        values ('all', 'all'), ('age_band', e.age_band), ('locality', e.locality)
    ) as b (breakdown, breakdown_value)
    union all
    -- per child: episodes over children
    select e.la_code, 'CLA_MISSING_EPISODES_PER_CHILD', e.period_type, e.period_start, 'all', 'all', 1, 0
    from episodes as e
    union all
    select m.la_code, 'CLA_MISSING_EPISODES_PER_CHILD', m.period_type, m.period_start, 'all', 'all', 0, 1
    from missing_children as m
    union all
    select m.la_code, 'CLA_MISSING_CHILDREN', m.period_type, m.period_start, 'all', 'all', 1, 0
    from missing_children as m
    union all
    select
        l.la_code, 'CLA_MISSING_CHILDREN_PCT', l.period_type, l.period_start, 'all', 'all',
        cast(m.child_key is not null as integer), 1
    from looked_after as l
    left join missing_children as m
        on
            l.la_code = m.la_code and l.period_type = m.period_type and l.period_start = m.period_start
            and l.child_key = m.child_key
    union all
    -- return home interviews: counted episodes that also ended in the period (NA or blank: not offered)
    select
        e.la_code, 'CLA_MISSING_RHI_OFFERED', e.period_type, e.period_start, 'all', 'all',
        cast(coalesce(e.rhi_offered, false) as integer), 1
    from episodes as e
    where e.end_date between e.period_start and e.period_end
    union all
    select
        e.la_code, 'CLA_MISSING_RHI_ACCEPTED', e.period_type, e.period_start, 'all', 'all',
        cast(coalesce(e.rhi_accepted, false) as integer), 1
    from episodes as e
    where e.end_date between e.period_start and e.period_end and e.rhi_offered
)

{{ kpi_rows_from_members('frame', 'members') }}
