-- One row per missing or away-from-placement episode, with whether the child was looked after when it
-- started (the period of care open that day), the placement then and how long the child had been in it
-- (episodes in a placement's first week), and the return home interview offered and accepted.
with episodes as (
    select m.*
    from {{ ref('stg_ssd__missing') }} as m
    where {{ is_changed_child('m.la_code', 'm.miss_person_id') }}
),

periods as (
    select poc.*
    from {{ ref('int_cla_periods_of_care') }} as poc
    where {{ is_changed_child('poc.la_code', 'poc.person_id') }}
),

placements as (
    select pl.*
    from {{ ref('stg_ssd__cla_placement') }} as pl
    where {{ is_changed_child('pl.la_code', 'pl.clap_person_id') }}
),

-- the period of care open on the day the episode started, and the placement then (on a move day, the
-- new one): joined on the child and picked per episode (a lookup per episode scanned every child's
-- rows, minutes at Lancashire scale)
in_care as (
    select distinct on (e.la_code, e.miss_table_id)
        e.la_code,
        e.miss_table_id,
        x.period_of_care_id,
        x.is_short_break_only
    from episodes as e
    inner join periods as x
        on
            e.la_code = x.la_code
            and e.miss_person_id = x.person_id
            and {{ is_open_at('x.start_date', 'x.end_date', 'e.miss_missing_episode_start_date') }}
    order by e.la_code asc, e.miss_table_id asc, x.start_date desc, x.period_of_care_id desc
),

in_placement as (
    select distinct on (e.la_code, e.miss_table_id)
        e.la_code,
        e.miss_table_id,
        y.clap_cla_placement_id,
        y.clap_cla_placement_start_date
    from episodes as e
    inner join placements as y
        on
            e.la_code = y.la_code
            and e.miss_person_id = y.clap_person_id
            and {{ is_open_at('y.clap_cla_placement_start_date', 'y.clap_cla_placement_end_date', 'e.miss_missing_episode_start_date') }}
    order by e.la_code asc, e.miss_table_id asc, y.clap_cla_placement_start_date desc, y.clap_cla_placement_id desc
),

placed as (
    select
        e.*,
        poc.period_of_care_id,
        poc.is_short_break_only,
        pl.clap_cla_placement_id,
        pl.clap_cla_placement_start_date
    from episodes as e
    left join in_care as poc on e.la_code = poc.la_code and e.miss_table_id = poc.miss_table_id
    left join in_placement as pl on e.la_code = pl.la_code and e.miss_table_id = pl.miss_table_id
)

select
    pe.la_code,
    pe.miss_table_id as missing_episode_id,
    p.child_key,
    pe.miss_missing_episode_start_date as start_date,
    pe.miss_missing_episode_end_date as end_date,
    pe.miss_missing_episode_type as episode_type,
    coalesce(pe.miss_missing_episode_type = 'M', false) as is_missing,
    pe.period_of_care_id,
    pe.period_of_care_id is not null as is_looked_after_at_start,
    coalesce(pe.is_short_break_only, false) as is_short_break_period,
    {{ age_in_years('p.date_of_birth', 'pe.miss_missing_episode_start_date') }} as age_at_start,
    pe.clap_cla_placement_id as placement_id,
    pe.miss_missing_episode_start_date - pe.clap_cla_placement_start_date as days_into_placement,
    coalesce(pe.miss_missing_episode_start_date - pe.clap_cla_placement_start_date < 7, false)
        as is_in_placement_first_week,
    -- Y / N; NA and blanks are neither (unknown)
    case upper(pe.miss_missing_rhi_offered) when 'Y' then true when 'N' then false end as rhi_offered,
    case upper(pe.miss_missing_rhi_accepted) when 'Y' then true when 'N' then false end as rhi_accepted
from placed as pe
left join {{ ref('int_person') }} as p on pe.la_code = p.la_code and pe.miss_person_id = p.person_id
