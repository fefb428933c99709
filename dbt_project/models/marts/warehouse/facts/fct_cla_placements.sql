-- One row per placement, with its type group, provider, distance band and whether it counts as a
-- new placement for DfE stability measures: the episode that opened it started with reason S, P or B
-- (the episode naming the placement, else the period's episode starting the same day; a placement
-- with no matching episode counts when it is the first of its period of care).
with placements as (
    select pl.*
    from {{ ref('stg_ssd__cla_placement') }} as pl
    where {{ is_changed_child('pl.la_code', 'pl.clap_person_id') }}
),

episodes as (
    select
        e.la_code,
        e.clae_cla_episode_id,
        e.clae_cla_id,
        e.clae_cla_placement_id,
        e.clae_cla_episode_start_date,
        e.clae_cla_episode_start_reason
    from {{ ref('stg_ssd__cla_episodes') }} as e
    where {{ is_changed_child('e.la_code', 'e.clae_person_id') }}
),

-- the first episode naming each placement
by_placement as (
    select distinct on (la_code, clae_cla_placement_id)
        la_code,
        clae_cla_placement_id,
        clae_cla_episode_start_reason
    from episodes
    where clae_cla_placement_id is not null
    order by la_code asc, clae_cla_placement_id asc, clae_cla_episode_start_date asc, clae_cla_episode_id asc
),

-- the first episode of a period starting on a given day
by_start as (
    select distinct on (la_code, clae_cla_id, clae_cla_episode_start_date)
        la_code,
        clae_cla_id,
        clae_cla_episode_start_date,
        clae_cla_episode_start_reason
    from episodes
    order by la_code asc, clae_cla_id asc, clae_cla_episode_start_date asc, clae_cla_episode_id asc
),

matched as (
    select
        pl.la_code,
        pl.clap_cla_placement_id,
        coalesce(bp.clae_cla_episode_start_reason, bs.clae_cla_episode_start_reason) as opening_episode_start_reason
    from placements as pl
    left join by_placement as bp
        on pl.la_code = bp.la_code and pl.clap_cla_placement_id = bp.clae_cla_placement_id
    left join by_start as bs
        on
            pl.la_code = bs.la_code
            and pl.clap_cla_id = bs.clae_cla_id
            and pl.clap_cla_placement_start_date = bs.clae_cla_episode_start_date
)

select
    pl.la_code,
    pl.clap_cla_placement_id as placement_id,
    pl.clap_cla_id as period_of_care_id,
    p.child_key,
    pl.clap_cla_placement_start_date as start_date,
    pl.clap_cla_placement_end_date as end_date,
    pl.clap_cla_placement_type as placement_type,
    ptg.code_group as placement_type_group,
    pl.clap_cla_placement_provider as placement_provider,
    pl.clap_cla_placement_urn as placement_urn,
    cast(pl.clap_cla_placement_distance as numeric(8, 2)) as distance_miles,
    case
        when pl.clap_cla_placement_distance is null then 'unknown'
        when pl.clap_cla_placement_distance <= 5 then '0-5'
        when pl.clap_cla_placement_distance <= 10 then '5-10'
        when pl.clap_cla_placement_distance <= 20 then '10-20'
        else 'over 20'
    end as distance_band,
    pl.clap_cla_placement_distance > 20 as is_over_20_miles,
    pl.clap_cla_placement_change_reason as change_reason,
    m.opening_episode_start_reason,
    row_number() over (
        partition by pl.la_code, pl.clap_cla_id order by pl.clap_cla_placement_start_date, pl.clap_cla_placement_id
    ) as placement_sequence,
    coalesce(
        m.opening_episode_start_reason in ('S', 'P', 'B'),
        row_number() over (
            partition by pl.la_code, pl.clap_cla_id
            order by pl.clap_cla_placement_start_date, pl.clap_cla_placement_id
        ) = 1
    ) as counts_as_new_placement
from placements as pl
inner join matched as m on pl.la_code = m.la_code and pl.clap_cla_placement_id = m.clap_cla_placement_id
left join {{ ref('int_person') }} as p on pl.la_code = p.la_code and pl.clap_person_id = p.person_id
left join {{ ref('stg_ref__code_lists') }} as ptg
    on ptg.code_list = 'placement_type' and pl.clap_cla_placement_type = ptg.code
