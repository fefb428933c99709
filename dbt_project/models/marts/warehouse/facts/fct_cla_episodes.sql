-- One row per CLA episode, with its period of care, the DfE stability reading of its start reason
-- (S, P and B start a new placement with a new carer; T, U and L do not), the legal status and
-- placement it started with, and short-break flags.
with episodes as (
    select e.*
    from {{ ref('stg_ssd__cla_episodes') }} as e
    where {{ is_changed_child('e.la_code', 'e.clae_person_id') }}
),

legal as (
    select
        e.la_code,
        e.clae_cla_episode_id,
        count(ls.lega_legal_status_id) as legal_status_count,
        count(ls.lega_legal_status_id) filter (where ls.lega_legal_status not in ('V3', 'V4')) as non_short_break_count,
        (array_agg(ls.lega_legal_status order by ls.lega_legal_status_start_date desc, ls.lega_legal_status_id desc)
            filter (
                where ls.lega_legal_status_start_date <= e.clae_cla_episode_start_date
                and (ls.lega_legal_status_end_date is null or ls.lega_legal_status_end_date > e.clae_cla_episode_start_date)
            ))[1] as legal_status_at_start
    from episodes as e
    left join {{ ref('stg_ssd__legal_status') }} as ls
        on
            e.la_code = ls.la_code
            and e.clae_person_id = ls.lega_person_id
            and {{ overlaps('ls.lega_legal_status_start_date', 'ls.lega_legal_status_end_date',
                'e.clae_cla_episode_start_date', 'e.clae_cla_episode_ceased_date') }}
    group by e.la_code, e.clae_cla_episode_id
)

select
    e.la_code,
    e.clae_cla_episode_id as episode_id,
    e.clae_cla_id as period_of_care_id,
    p.child_key,
    e.clae_cla_episode_start_date as start_date,
    e.clae_cla_episode_ceased_date as ceased_date,
    e.clae_cla_episode_start_reason as start_reason,
    e.clae_cla_episode_start_reason in ('S', 'P', 'B') as is_new_placement,
    e.clae_cla_episode_ceased_reason as ceased_reason,
    e.clae_cla_primary_need_code as primary_need,
    e.clae_cla_placement_id as placement_id,
    pl.clap_cla_placement_type as placement_type,
    ptg.code_group as placement_type_group,
    l.legal_status_at_start,
    row_number() over (
        partition by e.la_code, e.clae_cla_id order by e.clae_cla_episode_start_date, e.clae_cla_episode_id
    ) as episode_sequence,
    coalesce(l.legal_status_count > 0 and l.non_short_break_count = 0, false) as is_short_break_episode,
    coalesce(poc.is_short_break_only, false) as is_short_break_period,
    {{ age_in_years('p.date_of_birth', 'e.clae_cla_episode_start_date') }} as age_at_start
from episodes as e
inner join legal as l on e.la_code = l.la_code and e.clae_cla_episode_id = l.clae_cla_episode_id
left join {{ ref('int_cla_periods_of_care') }} as poc
    on e.la_code = poc.la_code and e.clae_cla_id = poc.period_of_care_id
left join {{ ref('int_person') }} as p on e.la_code = p.la_code and e.clae_person_id = p.person_id
left join {{ ref('stg_ssd__cla_placement') }} as pl
    on e.la_code = pl.la_code and e.clae_cla_placement_id = pl.clap_cla_placement_id
left join {{ ref('stg_ref__code_lists') }} as ptg
    on ptg.code_list = 'placement_type' and pl.clap_cla_placement_type = ptg.code
