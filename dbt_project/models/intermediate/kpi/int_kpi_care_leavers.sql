{{ config(post_hook=['analyze {{ this }}']) }}
-- Care leavers (docs/kpis.md, "Care leavers"), snapshots at each period end t from the
-- nightly history (fct_care_leaver_history): each young person's record as it stood in the latest loaded
-- extract on or before t, so a month's figure is the same whenever it is rebuilt. Periods ending before
-- the first extract that held the KPI's tables (kpi_availability.first_extract_date) have no value;
-- kpi_values keeps the authorities whose latest extract holds ssd_care_leavers. Records of a young
-- person the extract holds no person row for are left out (kpi_data_quality counts them).
with periods as (
    select la_code, period_type, period_start, period_end from {{ ref('int_kpi_periods') }}
),

kpis (kpi_code, has_denominator, breakdown) as (
    values
    ('CL_COUNT', false, 'all'),
    ('CL_IN_TOUCH', true, 'all'),
    ('CL_IN_TOUCH', true, 'age_group'),
    ('CL_SUITABLE_ACCOMMODATION', true, 'all'),
    ('CL_SUITABLE_ACCOMMODATION', true, 'age_group'),
    ('CL_EET', true, 'all'),
    ('CL_EET', true, 'age_group'),
    ('CL_EET', true, 'activity_group'),
    ('CL_PATHWAY_PLAN_REVIEWED', true, 'all')
),

breakdown_values (breakdown, breakdown_value) as (
    values
    ('age_group', '19-21'), ('age_group', '17-18'),
    ('activity_group', 'EET'), ('activity_group', 'NEET'), ('activity_group', 'not_known')
),

frame as (
    select f.*
    from ({{ kpi_frame('periods', 'kpis', 'breakdown_values') }}) as f
    inner join {{ ref('kpi_availability') }} as av
        on f.la_code = av.la_code and f.kpi_code = av.kpi_code and f.period_end >= av.first_extract_date
),

at_t as (
    select
        p.la_code,
        p.period_type,
        p.period_start,
        p.period_end,
        h.child_key,
        h.eligibility,
        h.in_touch,
        h.is_accommodation_suitable,
        h.activity_group,
        {{ age_in_years('pe.date_of_birth', 'p.period_end') }} as age,
        coalesce(
            h.in_touch = 'YES'
            and h.latest_contact_date > {{ add_months_clamped('p.period_end', -3) }}
            and h.latest_contact_date <= p.period_end,
            false
        ) as is_in_touch,
        coalesce(
            h.pathway_plan_review_date > {{ add_months_clamped('p.period_end', -6) }}
            and h.pathway_plan_review_date <= p.period_end,
            false
        ) as pathway_plan_reviewed
    from periods as p
    inner join {{ ref('fct_care_leaver_history') }} as h
        on
            p.la_code = h.la_code
            and {{ is_open_at('h.valid_from', 'h.valid_to', 'p.period_end') }}
    inner join {{ ref('int_person') }} as pe on h.la_code = pe.la_code and h.child_key = pe.child_key
    where h.eligibility in ('RELEVANT', 'FORMER_RELEVANT')
),

care_leavers as (
    select * from at_t where age between 16 and 25 and in_touch is distinct from 'DIED'
),

-- the in-touch cohorts: former relevant aged 19-21 (the headline), relevant and former relevant aged
-- 17-18; those who died, returned home (RHOM) or no longer need the service (NREQ) leave them
in_touch_cohort as (
    select
        a.*,
        case when a.age between 19 and 21 and a.eligibility = 'FORMER_RELEVANT' then '19-21' else '17-18' end
            as age_group
    from at_t as a
    where
        (a.in_touch is null or a.in_touch not in ('DIED', 'RHOM', 'NREQ'))
        and (
            (a.age between 19 and 21 and a.eligibility = 'FORMER_RELEVANT')
            or a.age between 17 and 18
        )
),

members as (
    select la_code, 'CL_COUNT' as kpi_code, period_type, period_start, 'all' as breakdown,
        'all' as breakdown_value, 1 as num, 0 as den
    from care_leavers
    union all
    select la_code, 'CL_PATHWAY_PLAN_REVIEWED', period_type, period_start, 'all', 'all',
        cast(pathway_plan_reviewed as integer), 1
    from care_leavers
    union all
    select c.la_code, 'CL_IN_TOUCH', c.period_type, c.period_start, b.breakdown, b.breakdown_value,
        cast(c.is_in_touch as integer), 1
    from in_touch_cohort as c
    cross join lateral (
        values ('all', case when c.age_group = '19-21' then 'all' end), ('age_group', c.age_group)
    ) as b (breakdown, breakdown_value)
    union all
    select c.la_code, 'CL_SUITABLE_ACCOMMODATION', c.period_type, c.period_start, b.breakdown,
        b.breakdown_value, cast(coalesce(c.is_accommodation_suitable, false) as integer), 1
    from in_touch_cohort as c
    cross join lateral (
        values ('all', case when c.age_group = '19-21' then 'all' end), ('age_group', c.age_group)
    ) as b (breakdown, breakdown_value)
    where c.is_in_touch
    union all
    select c.la_code, 'CL_EET', c.period_type, c.period_start, b.breakdown, b.breakdown_value,
        b.num, 1
    from in_touch_cohort as c
    cross join lateral (
        values
        ('all', case when c.age_group = '19-21' then 'all' end, cast(c.activity_group = 'EET' as integer)),
        ('age_group', c.age_group, cast(c.activity_group = 'EET' as integer))
    ) as b (breakdown, breakdown_value, num)
    where c.is_in_touch
    union all
    -- activity group rows: of the headline cohort in touch, those in each group
    select c.la_code, 'CL_EET', c.period_type, c.period_start, 'activity_group', g.breakdown_value,
        cast(c.activity_group = g.breakdown_value as integer), 1
    from in_touch_cohort as c
    cross join (select breakdown_value from breakdown_values where breakdown = 'activity_group') as g
    where c.is_in_touch and c.age_group = '19-21'
)

{{ kpi_rows_from_members('frame', 'members') }}
