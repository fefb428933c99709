{{ config(enabled=var('ssda903_year', none) is not none) }}
-- SSDA903 episodes of every period of care, built from legal statuses and placements: a new episode
-- starts at each change of legal status or placement (903 guidance). Changes on the same day make one
-- episode with the status and placement in force at the end of that day. A period of care (readmission
-- included) opens with RNE S; a change of both is B (U with the same carer), placement only P (T with the
-- same carer), legal status only L. Whether the carer stayed the same comes from the case system's own
-- episode starting that day (T or U). Not limited to a collection year: the file models filter.
with periods as (
    select * from {{ ref('int_cla_periods_of_care') }}
),

legal as (
    select * from {{ ref('stg_ssd__legal_status') }}
),

placements as (
    select * from {{ ref('stg_ssd__cla_placement') }}
),

change_dates as (
    select p.la_code, p.period_of_care_id, p.start_date as change_date
    from periods as p
    union
    select p.la_code, p.period_of_care_id, ls.lega_legal_status_start_date
    from periods as p
    inner join legal as ls
        on
            p.la_code = ls.la_code
            and p.person_id = ls.lega_person_id
            and ls.lega_legal_status_start_date > p.start_date
            and ls.lega_legal_status_start_date < coalesce(p.end_date, date '9999-12-31')
    union
    select p.la_code, p.period_of_care_id, pl.clap_cla_placement_start_date
    from periods as p
    inner join placements as pl
        on
            p.la_code = pl.la_code
            and p.period_of_care_id = pl.clap_cla_id
            and pl.clap_cla_placement_start_date > p.start_date
            and pl.clap_cla_placement_start_date < coalesce(p.end_date, date '9999-12-31')
),

-- the legal status and placement in force at the end of each change day: of those started by then, the
-- latest still running after it (a status that began and ended that day gave way the same day)
states as (
    select
        c.la_code,
        c.period_of_care_id,
        c.change_date,
        p.person_id,
        (
            select ls.lega_legal_status
            from legal as ls
            where
                ls.la_code = c.la_code
                and ls.lega_person_id = p.person_id
                and ls.lega_legal_status_start_date <= c.change_date
            order by
                coalesce(ls.lega_legal_status_end_date > c.change_date, true) desc,
                ls.lega_legal_status_start_date desc,
                ls.lega_legal_status_id desc
            limit 1
        ) as legal_status,
        (
            select pl.clap_cla_placement_id
            from placements as pl
            where
                pl.la_code = c.la_code
                and pl.clap_cla_id = c.period_of_care_id
                and pl.clap_cla_placement_start_date <= c.change_date
            order by
                coalesce(pl.clap_cla_placement_end_date > c.change_date, true) desc,
                pl.clap_cla_placement_start_date desc,
                pl.clap_cla_placement_id desc
            limit 1
        ) as placement_id
    from change_dates as c
    inner join periods as p on c.la_code = p.la_code and c.period_of_care_id = p.period_of_care_id
),

compared as (
    select
        s.*,
        lag(s.legal_status) over w as previous_legal_status,
        lag(s.placement_id) over w as previous_placement_id,
        row_number() over w as change_sequence
    from states as s
    window w as (partition by s.la_code, s.period_of_care_id order by s.change_date)
),

-- a change day where neither the status nor the placement differs (a status record renewed with the
-- same code) starts no episode
changes as (
    select
        c.*,
        coalesce(c.legal_status != c.previous_legal_status, true) as legal_changed,
        coalesce(c.placement_id != c.previous_placement_id, true) as placement_changed
    from compared as c
    where
        c.change_sequence = 1
        or coalesce(c.legal_status != c.previous_legal_status, true)
        or coalesce(c.placement_id != c.previous_placement_id, true)
),

source_same_carer as (
    select distinct
        la_code,
        clae_cla_id as period_of_care_id,
        clae_cla_episode_start_date as start_date
    from {{ ref('stg_ssd__cla_episodes') }}
    where clae_cla_episode_start_reason in ('T', 'U')
),

episodes as (
    select
        c.la_code,
        c.period_of_care_id,
        c.person_id,
        c.change_date as decom,
        coalesce(lead(c.change_date) over w, p.end_date) as ceased,
        lead(c.change_date) over w is null as is_last_in_period,
        lead(c.placement_changed) over w as next_placement_changed,
        case
            when c.change_sequence = 1 then 'S'
            when c.legal_changed and c.placement_changed then case when sc.start_date is not null then 'U' else 'B' end
            when c.placement_changed then case when sc.start_date is not null then 'T' else 'P' end
            else 'L'
        end as rne,
        c.legal_status as ls,
        p.first_primary_need as cin,
        c.placement_id,
        p.last_ceased_reason as period_ceased_reason,
        row_number() over w as episode_sequence
    from changes as c
    inner join periods as p on c.la_code = p.la_code and c.period_of_care_id = p.period_of_care_id
    left join source_same_carer as sc
        on
            c.la_code = sc.la_code
            and c.period_of_care_id = sc.period_of_care_id
            and c.change_date = sc.start_date
    window w as (partition by c.la_code, c.period_of_care_id order by c.change_date)
)

select
    e.la_code,
    e.person_id,
    e.period_of_care_id,
    e.episode_sequence,
    e.decom,
    e.ceased,
    e.rne,
    e.ls,
    e.cin,
    pl.clap_cla_placement_type as place,
    pl.clap_cla_placement_provider as place_provider,
    case
        when e.ceased is null then null
        when e.is_last_in_period then e.period_ceased_reason
        else 'X1'
    end as rec,
    case when e.next_placement_changed then pl.clap_cla_placement_change_reason end as reason_place_change,
    pl.clap_cla_placement_postcode as pl_post,
    pl.clap_cla_placement_urn as urn,
    e.placement_id,
    e.is_last_in_period
from episodes as e
left join placements as pl on e.la_code = pl.la_code and e.placement_id = pl.clap_cla_placement_id
