{{ config(post_hook=['analyze {{ this }}']) }}
-- Health of children looked after (docs/kpis.md), long format before units
-- and values. The OC2 cohort at t: looked after at t (int_kpi_cla_at_end: short breaks excluded), in a
-- period of care that started on or before add_months(t, -12). Records about a child the extract does
-- not hold (no person row) are left out (kpi_data_quality counts them); kpi_values keeps each KPI for
-- the authorities whose latest extract holds its table (kpi_availability: ssd_cla_health,
-- ssd_cla_immunisations, ssd_sdq_scores).
with periods as (
    select la_code, period_type, period_start, period_end from {{ ref('int_kpi_periods') }}
),

kpis (kpi_code, has_denominator, breakdown) as (
    values
    ('CLA_HEALTH_ASSESSMENT_UP_TO_DATE', true, 'all'),
    ('CLA_HEALTH_ASSESSMENT_UP_TO_DATE', true, 'locality'),
    ('CLA_HEALTH_ASSESSMENT_UP_TO_DATE', true, 'age_band'),
    ('CLA_DENTAL_CHECK', true, 'all'),
    ('CLA_DENTAL_CHECK', true, 'locality'),
    ('CLA_DENTAL_CHECK', true, 'age_band'),
    ('CLA_IHA_TIMELY', true, 'all'),
    ('CLA_IMMUNISATIONS_UP_TO_DATE', true, 'all'),
    ('CLA_IMMUNISATIONS_UP_TO_DATE', true, 'locality'),
    ('CLA_IMMUNISATIONS_UP_TO_DATE', true, 'age_band'),
    ('CLA_SDQ_COMPLETED', true, 'all'),
    ('CLA_SDQ_COMPLETED', true, 'locality'),
    ('CLA_SDQ_COMPLETED', true, 'age_band'),
    ('CLA_SDQ_AVERAGE_SCORE', true, 'all')
),

frame as (
    {{ kpi_frame('periods', 'kpis') }}
),

-- not materialized: each lookup below is then an index scan of the fact (la_code, child_key,
-- check_date), not a scan of all records per child and period
records as not materialized (
    select * from {{ ref('fct_cla_health_checks') }} where child_key is not null
),

oc2 as (
    select
        a.la_code,
        a.period_type,
        a.period_start,
        a.period_end,
        a.child_key,
        a.age_at_end,
        a.age_band,
        a.locality
    from {{ ref('int_kpi_cla_at_end') }} as a
    where a.period_of_care_start <= {{ add_months_clamped('a.period_end', -12) }}
),

-- per cohort child and period: what each measure needs
assessed as (
    select
        o.*,
        exists(
            select from records as r
            where
                r.la_code = o.la_code and r.child_key = o.child_key
                and r.check_group = 'health_assessment' and r.is_completed
                and r.check_date <= o.period_end
                -- every 6 months for a child under 5 at t, else every 12
                and r.check_date > {{ add_months_clamped('o.period_end', 'case when o.age_at_end < 5 then -6 else -12 end') }}
        ) as has_health_assessment,
        exists(
            select from records as r
            where
                r.la_code = o.la_code and r.child_key = o.child_key
                and r.check_group = 'dental_check' and r.is_completed
                and r.check_date <= o.period_end
                and r.check_date > {{ add_months_clamped('o.period_end', -12) }}
        ) as has_dental_check,
        coalesce((
            select r.immunisations_up_to_date
            from records as r
            where
                r.la_code = o.la_code and r.child_key = o.child_key
                and r.record_kind = 'immunisation_status' and r.check_date <= o.period_end
            order by r.check_date desc, r.record_id desc
            limit 1
        ), false) as immunisations_up_to_date,
        (
            select array[r.check_date - date '2000-01-01', r.sdq_score]
            from records as r
            where
                r.la_code = o.la_code and r.child_key = o.child_key
                and r.record_kind = 'sdq' and r.is_completed
                and r.check_date <= o.period_end
                and r.check_date > {{ add_months_clamped('o.period_end', -12) }}
            order by r.check_date desc, r.record_id desc
            limit 1
        ) as latest_sdq
    from oc2 as o
),

-- initial health assessments: periods of care starting in the period, due wd_add(start, 20); a period
-- whose assessment falls due after t is left out, one due by t and not held by then is late
iha as (
    select
        p.la_code,
        p.period_type,
        p.period_start,
        p.period_end,
        poc.child_key,
        {{ wd_add('poc.start_date', 20) }} as due_date,
        (
            select min(r.check_date)
            from records as r
            where
                r.la_code = poc.la_code and r.child_key = poc.child_key
                and r.check_group = 'health_assessment' and r.is_completed
                and r.check_date >= poc.start_date
        ) as iha_date
    from periods as p
    inner join {{ ref('fct_cla_periods_of_care') }} as poc
        on p.la_code = poc.la_code and poc.start_date between p.period_start and p.period_end
    where not poc.is_short_break_only and poc.child_key is not null
),

per_child as (
    select
        a.la_code, k.kpi_code, a.period_type, a.period_start, a.locality, a.age_band,
        case k.kpi_code
            when 'CLA_HEALTH_ASSESSMENT_UP_TO_DATE' then cast(a.has_health_assessment as integer)
            when 'CLA_DENTAL_CHECK' then cast(a.has_dental_check as integer)
            when 'CLA_IMMUNISATIONS_UP_TO_DATE' then cast(a.immunisations_up_to_date as integer)
            when 'CLA_SDQ_COMPLETED' then cast(a.latest_sdq is not null as integer)
        end as num,
        1 as den
    from assessed as a
    cross join (
        values
        ('CLA_HEALTH_ASSESSMENT_UP_TO_DATE'), ('CLA_DENTAL_CHECK'), ('CLA_IMMUNISATIONS_UP_TO_DATE'),
        ('CLA_SDQ_COMPLETED')
    ) as k (kpi_code)
    where
        (k.kpi_code <> 'CLA_DENTAL_CHECK' or a.age_at_end >= 1)
        and (k.kpi_code <> 'CLA_SDQ_COMPLETED' or a.age_at_end between 4 and 16)
),

members as (
    {{ kpi_members_by_breakdown('per_child') }}
    union all
    -- the mean of each child's latest SDQ score in the window (a completed SDQ without a score is left out)
    select
        a.la_code, 'CLA_SDQ_AVERAGE_SCORE', a.period_type, a.period_start, 'all', 'all',
        a.latest_sdq[2], 1
    from assessed as a
    where a.age_at_end between 4 and 16 and a.latest_sdq[2] is not null
    union all
    select
        i.la_code, 'CLA_IHA_TIMELY', i.period_type, i.period_start, 'all', 'all',
        cast(coalesce(i.iha_date <= i.due_date, false) as integer), 1
    from iha as i
    where i.due_date <= i.period_end
)

{{ kpi_rows_from_members('frame', 'members') }}
