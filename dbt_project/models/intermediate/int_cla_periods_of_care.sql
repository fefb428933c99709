{{ config(indexes=[{'columns': ['la_code', 'period_of_care_id'], 'unique': True}]) }}
-- Periods of care: episodes sharing clae_cla_id. A period starts at its earliest episode and ends
-- at its latest episode's ceased date (open while any episode is open). It is short-breaks-only when
-- every legal status the child held during it was V3 or V4 (DfE: excluded from CLA measures).
with episodes as (
    select * from {{ ref('stg_ssd__cla_episodes') }}
),

periods as (
    select
        la_code,
        clae_cla_id as period_of_care_id,
        min(clae_person_id) as person_id,
        min(clae_cla_episode_start_date) as start_date,
        case
            when bool_and(clae_cla_episode_ceased_date is not null) then max(clae_cla_episode_ceased_date)
        end as end_date,
        count(*) as episode_count
    from episodes
    group by la_code, clae_cla_id
),

first_last as (
    select
        la_code,
        clae_cla_id as period_of_care_id,
        (array_agg(clae_cla_episode_start_reason order by clae_cla_episode_start_date, clae_cla_episode_id))[1]
            as first_start_reason,
        (array_agg(clae_cla_episode_ceased_reason order by clae_cla_episode_start_date desc, clae_cla_episode_id desc))[1]
            as last_ceased_reason,
        (array_agg(clae_cla_primary_need_code order by clae_cla_episode_start_date, clae_cla_episode_id))[1]
            as first_primary_need
    from episodes
    group by la_code, clae_cla_id
),

legal as (
    select
        p.la_code,
        p.period_of_care_id,
        count(ls.lega_legal_status_id) as legal_status_count,
        count(ls.lega_legal_status_id) filter (where ls.lega_legal_status not in ('V3', 'V4')) as non_short_break_count
    from periods as p
    left join {{ ref('stg_ssd__legal_status') }} as ls
        on
            p.la_code = ls.la_code
            and p.person_id = ls.lega_person_id
            and {{ overlaps('ls.lega_legal_status_start_date', 'ls.lega_legal_status_end_date', 'p.start_date', 'p.end_date') }}
    group by p.la_code, p.period_of_care_id
)

select
    p.la_code,
    p.period_of_care_id,
    p.person_id,
    p.start_date,
    p.end_date,
    p.episode_count,
    fl.first_start_reason,
    fl.last_ceased_reason,
    fl.first_primary_need,
    coalesce(l.legal_status_count > 0 and l.non_short_break_count = 0, false) as is_short_break_only,
    row_number() over (partition by p.la_code, p.person_id order by p.start_date, p.period_of_care_id)
        as period_sequence
from periods as p
inner join first_last as fl on p.la_code = fl.la_code and p.period_of_care_id = fl.period_of_care_id
inner join legal as l on p.la_code = l.la_code and p.period_of_care_id = l.period_of_care_id
