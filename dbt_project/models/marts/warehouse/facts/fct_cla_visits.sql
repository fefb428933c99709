-- int_kpi_cla_visits looks up one child's visits up to a date
{{ config(indexes=[{'columns': ['la_code', 'child_key', 'visit_date']}]) }}
-- One row per statutory visit to a looked-after child, with the placement it fell in and the date it
-- was due on the regulation 28 chain (macro visit_due_after): within a week of the placement's start,
-- then six weeks after a seen visit in the placement's first year, three months after a later one. Only
-- visits at which the child was seen restart the interval; a new placement restarts from "within a week".
with visits as (
    select v.*
    from {{ ref('stg_ssd__cla_visits') }} as v
    where {{ is_changed_child('v.la_code', 'v.clav_person_id') }}
),

placements as (
    select pl.*
    from {{ ref('stg_ssd__cla_placement') }} as pl
    where {{ is_changed_child('pl.la_code', 'pl.clap_person_id') }}
),

-- the placement the child was in on the visit's date (on a move day, the new one): joined on the child
-- and picked per visit (a lookup per visit scanned every child's placements, minutes at Lancashire scale)
visit_placement as (
    select distinct on (v.la_code, v.clav_cla_visit_id)
        v.la_code,
        v.clav_cla_visit_id,
        p.clap_cla_placement_id,
        p.clap_cla_id,
        p.clap_cla_placement_start_date
    from visits as v
    inner join placements as p
        on
            v.la_code = p.la_code
            and v.clav_person_id = p.clap_person_id
            and {{ is_open_at('p.clap_cla_placement_start_date', 'p.clap_cla_placement_end_date', 'v.clav_cla_visit_date') }}
    order by v.la_code asc, v.clav_cla_visit_id asc, p.clap_cla_placement_start_date desc, p.clap_cla_placement_id desc
),

placed as (
    select
        v.la_code,
        v.clav_cla_visit_id,
        v.clav_person_id,
        v.clav_cla_id,
        v.clav_cla_visit_date,
        coalesce(v.clav_cla_visit_seen, false) as is_seen,
        v.clav_cla_visit_seen_alone,
        pl.clap_cla_placement_id,
        pl.clap_cla_id,
        pl.clap_cla_placement_start_date
    from visits as v
    left join visit_placement as pl on v.la_code = pl.la_code and v.clav_cla_visit_id = pl.clav_cla_visit_id
),

chained as (
    select
        placed.*,
        max(case when placed.is_seen then placed.clav_cla_visit_date end) over (
            partition by placed.la_code, placed.clap_cla_placement_id
            order by placed.clav_cla_visit_date, placed.clav_cla_visit_id
            rows between unbounded preceding and 1 preceding
        ) as previous_seen_visit_date
    from placed
),

due as (
    select
        chained.*,
        case
            when chained.clap_cla_placement_id is not null
                then {{ visit_due_after('chained.clap_cla_placement_start_date', 'chained.previous_seen_visit_date') }}
        end as due_date
    from chained
)

select
    d.la_code,
    d.clav_cla_visit_id as visit_id,
    p.child_key,
    coalesce(d.clav_cla_id, d.clap_cla_id) as period_of_care_id,
    d.clap_cla_placement_id as placement_id,
    d.clap_cla_placement_start_date as placement_start_date,
    d.clav_cla_visit_date as visit_date,
    d.is_seen,
    d.clav_cla_visit_seen_alone as is_seen_alone,
    d.previous_seen_visit_date,
    d.due_date,
    case when d.is_seen then d.clav_cla_visit_date <= d.due_date end as is_on_time,
    case when d.is_seen then greatest(d.clav_cla_visit_date - d.due_date, 0) end as days_late
from due as d
left join {{ ref('int_person') }} as p on d.la_code = p.la_code and d.clav_person_id = p.person_id
