{{ config(post_hook=['analyze {{ this }}']) }}
-- Statutory visits (docs/kpis.md, "Statutory visits"), a snapshot at each period end t.
-- Cohort: children looked after at t (int_kpi_cla_at_end) whose placement open at t started on or
-- before t - 7 days. The next visit is due 7 days after that placement's start when the child has not
-- been seen since, else on the regulation 28 interval after the latest seen visit (macro
-- visit_due_after); overdue when due before t (a visit due on t is not overdue). A child the extract
-- holds no person row for is in no cohort (int_kpi_cla_at_end) and its visits match no one
-- (kpi_data_quality counts them); kpi_values keeps the authorities whose latest extract holds
-- ssd_cla_visits (kpi_availability).
with periods as (
    select la_code, period_type, period_start, period_end from {{ ref('int_kpi_periods') }}
),

kpis (kpi_code, has_denominator, breakdown) as (
    values
    ('CLA_VISITS_UP_TO_DATE', true, 'all'),
    ('CLA_VISITS_UP_TO_DATE', true, 'locality'),
    ('CLA_VISITS_UP_TO_DATE', true, 'age_band'),
    ('CLA_VISITS_OVERDUE', false, 'all'),
    ('CLA_VISITS_OVERDUE', false, 'locality'),
    ('CLA_VISITS_OVERDUE', false, 'age_band')
),

frame as (
    {{ kpi_frame('periods', 'kpis') }}
),

placed as (
    select distinct on (a.la_code, a.period_type, a.period_start, a.child_key)
        a.la_code,
        a.period_type,
        a.period_start,
        a.period_end,
        a.child_key,
        a.age_band,
        a.locality,
        pl.start_date as placement_start_date
    from {{ ref('int_kpi_cla_at_end') }} as a
    inner join periods as p
        on a.la_code = p.la_code and a.period_type = p.period_type and a.period_start = p.period_start
    inner join {{ ref('fct_cla_placements') }} as pl
        on
            a.la_code = pl.la_code
            and a.child_key = pl.child_key
            and {{ is_open_at('pl.start_date', 'pl.end_date', 'a.period_end') }}
    order by a.la_code asc, a.period_type asc, a.period_start asc, a.child_key asc, pl.start_date desc, pl.placement_id desc
),

-- materialized: the last seen visit is looked up once per child and period (inlined, the lookup
-- ran again in every expression and breakdown that reads it)
cohort as materialized (
    select
        c.*,
        (
            select max(v.visit_date)
            from {{ ref('fct_cla_visits') }} as v
            where
                v.la_code = c.la_code and v.child_key = c.child_key and v.is_seen
                and v.visit_date >= c.placement_start_date and v.visit_date <= c.period_end
        ) as last_seen_visit_date
    from placed as c
    where c.placement_start_date <= c.period_end - 7
),

judged as (
    select
        c.*,
        {{ visit_due_after('c.placement_start_date', 'c.last_seen_visit_date') }} < c.period_end as is_overdue
    from cohort as c
),

per_child as (
    select
        j.la_code, k.kpi_code, j.period_type, j.period_start, j.locality, j.age_band,
        case k.kpi_code
            when 'CLA_VISITS_UP_TO_DATE' then cast(not j.is_overdue as integer)
            else cast(j.is_overdue as integer)
        end as num,
        1 as den
    from judged as j
    cross join (values ('CLA_VISITS_UP_TO_DATE'), ('CLA_VISITS_OVERDUE')) as k (kpi_code)
),

members as (
    {{ kpi_members_by_breakdown('per_child') }}
)

{{ kpi_rows_from_members('frame', 'members') }}
