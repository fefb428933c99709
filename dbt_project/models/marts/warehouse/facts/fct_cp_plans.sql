-- recomputed as time passes: an open plan's duration runs to the latest extract
{{ config(meta={'recompute_as_time_passes': ['open_plan']}) }}
-- One row per child protection plan: duration, repeat flags (an earlier plan ever, a row marked
-- cppl_cp_plan_ola included, and an earlier plan that ended within 12 months of this start), and
-- whether the plan ended because the child became looked after (a period of care starting within
-- var('cp_end_looked_after_window_days', 7) days of the plan's end).
with plans as (
    select
        pl.*,
        {{ add_months_clamped('pl.cppl_cp_plan_start_date', -12) }} as start_minus_12m
    from {{ ref('stg_ssd__cp_plans') }} as pl
    where {{ is_changed_child('pl.la_code', 'pl.cppl_person_id') }}
),

previous as (
    select
        cur.la_code,
        cur.cppl_cp_plan_id,
        count(prev.cppl_cp_plan_id) as earlier_plan_count,
        max(coalesce(prev.cppl_cp_plan_end_date, prev.cppl_cp_plan_start_date)) as previous_plan_end_date,
        bool_or(
            prev.cppl_cp_plan_end_date >= cur.start_minus_12m
            -- an earlier plan from another authority without an end date still counts as recent
            or (prev.cppl_cp_plan_end_date is null and prev.cppl_cp_plan_ola)
        ) as has_plan_ended_within_12m
    from plans as cur
    left join plans as prev
        on
            cur.la_code = prev.la_code
            and cur.cppl_person_id = prev.cppl_person_id
            and cur.cppl_cp_plan_id <> prev.cppl_cp_plan_id
            and (
                prev.cppl_cp_plan_start_date < cur.cppl_cp_plan_start_date
                or (prev.cppl_cp_plan_start_date = cur.cppl_cp_plan_start_date and prev.cppl_cp_plan_ola
                    and not coalesce(cur.cppl_cp_plan_ola, false))
            )
    group by cur.la_code, cur.cppl_cp_plan_id
),

looked_after as (
    select
        pl.la_code,
        pl.cppl_cp_plan_id,
        bool_or(poc.period_of_care_id is not null) as ended_because_looked_after
    from plans as pl
    left join {{ ref('int_cla_periods_of_care') }} as poc
        on
            pl.la_code = poc.la_code
            and pl.cppl_person_id = poc.person_id
            and abs(poc.start_date - pl.cppl_cp_plan_end_date) <= {{ var('cp_end_looked_after_window_days', 7) }}
    where pl.cppl_cp_plan_end_date is not null
    group by pl.la_code, pl.cppl_cp_plan_id
)

select
    pl.la_code,
    pl.cppl_cp_plan_id as plan_id,
    p.child_key,
    pl.cppl_icpc_id as icpc_id,
    pl.cppl_cp_plan_start_date as start_date,
    pl.cppl_cp_plan_end_date as end_date,
    pl.cppl_cp_plan_end_date is null as is_open,
    coalesce(pl.cppl_cp_plan_end_date, pl.extract_date) - pl.cppl_cp_plan_start_date as duration_days,
    pl.cppl_cp_plan_end_date >= {{ add_months_clamped('pl.cppl_cp_plan_start_date', 24) }} as lasted_2y_plus,
    coalesce(pl.cppl_cp_plan_ola, false) as is_other_la_plan,
    pl.cppl_cp_plan_initial_category as initial_category,
    pl.cppl_cp_plan_latest_category as latest_category,
    prev.earlier_plan_count,
    prev.previous_plan_end_date,
    prev.earlier_plan_count > 0 as is_repeat_plan,
    coalesce(prev.has_plan_ended_within_12m, false) as is_repeat_within_12m,
    coalesce(la.ended_because_looked_after, false) as ended_because_looked_after,
    {{ age_in_years('p.date_of_birth', 'pl.cppl_cp_plan_start_date') }} as age_at_start,
    {{ locality_at('pl.la_code', 'pl.cppl_person_id', 'pl.cppl_cp_plan_start_date') }} as locality_at_start
from plans as pl
inner join previous as prev on pl.la_code = prev.la_code and pl.cppl_cp_plan_id = prev.cppl_cp_plan_id
left join looked_after as la on pl.la_code = la.la_code and pl.cppl_cp_plan_id = la.cppl_cp_plan_id
left join {{ ref('int_person') }} as p on pl.la_code = p.la_code and pl.cppl_person_id = p.person_id
