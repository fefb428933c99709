{{ config(
    indexes=[{'columns': ['la_code', 'period_type', 'period_start', 'child_key']}],
    pre_hook=["{{ kpi_analyze([ref('fct_cla_episodes'), ref('fct_cla_periods_of_care'), ref('fct_cla_placements'), ref('int_person')]) }}"],
) }}
-- Children looked after at each period end t (an episode with start <= t and ceased null or > t;
-- short-break-only periods of care excluded), with what the CLA snapshot breakdowns need at t: age,
-- legal status, placement type group, distance of the placement open at t, allocated locality, and
-- the period of care (for continuity). Restricted schema: it carries the date of birth's consequences
-- (age) and person ids; the marts carry none of it.
with periods as (
    select la_code, period_type, period_start, period_end from {{ ref('int_kpi_periods') }}
),

open_episodes as (
    select distinct on (p.la_code, p.period_type, p.period_start, e.child_key)
        p.la_code,
        p.period_type,
        p.period_start,
        p.period_end,
        e.child_key,
        e.period_of_care_id,
        e.placement_type_group as episode_placement_group
    from periods as p
    inner join {{ ref('fct_cla_episodes') }} as e
        on
            p.la_code = e.la_code
            and {{ is_open_at('e.start_date', 'e.ceased_date', 'p.period_end') }}
    where not e.is_short_break_period and e.child_key is not null
    order by p.la_code asc, p.period_type asc, p.period_start asc, e.child_key asc, e.start_date desc, e.episode_id desc
),

legal_spells as (
    select
        pe.la_code,
        pe.child_key,
        ls.lega_legal_status_id,
        ls.lega_legal_status,
        ls.lega_legal_status_start_date,
        ls.lega_legal_status_end_date
    from {{ ref('stg_ssd__legal_status') }} as ls
    inner join {{ ref('int_person') }} as pe on ls.la_code = pe.la_code and ls.lega_person_id = pe.person_id
),

cla as (
    select
        o.*,
        poc.start_date as period_of_care_start,
        pe.date_of_birth
    from open_episodes as o
    inner join {{ ref('fct_cla_periods_of_care') }} as poc
        on o.la_code = poc.la_code and o.period_of_care_id = poc.period_of_care_id
    left join {{ ref('int_person') }} as pe on o.la_code = pe.la_code and o.child_key = pe.child_key
),

with_placement as (
    select distinct on (c.la_code, c.period_type, c.period_start, c.child_key)
        c.*,
        pl.placement_type_group,
        pl.distance_miles
    from cla as c
    left join {{ ref('fct_cla_placements') }} as pl
        on
            c.la_code = pl.la_code
            and c.child_key = pl.child_key
            and {{ is_open_at('pl.start_date', 'pl.end_date', 'c.period_end') }}
    order by
        c.la_code asc, c.period_type asc, c.period_start asc, c.child_key asc,
        pl.start_date desc nulls last, pl.placement_id desc
),

with_legal as (
    select distinct on (c.la_code, c.period_type, c.period_start, c.child_key)
        c.*,
        ls.lega_legal_status as legal_status
    from with_placement as c
    left join legal_spells as ls
        on
            c.la_code = ls.la_code
            and c.child_key = ls.child_key
            and {{ is_open_at('ls.lega_legal_status_start_date', 'ls.lega_legal_status_end_date', 'c.period_end') }}
    order by
        c.la_code asc, c.period_type asc, c.period_start asc, c.child_key asc,
        ls.lega_legal_status_start_date desc nulls last, ls.lega_legal_status_id desc
),

with_locality as (
    {{ kpi_with_locality('with_legal', ['la_code', 'period_type', 'period_start', 'child_key'], 'period_end') }}
)

select
    c.la_code,
    c.period_type,
    c.period_start,
    c.period_end,
    c.child_key,
    c.period_of_care_id,
    c.period_of_care_start,
    {{ age_in_years('c.date_of_birth', 'c.period_end') }} as age_at_end,
    -- the one spelling of the CLA age bands (macro cla_age_band); a birth after t is 'Unknown'
    {{ cla_age_band(
        "case when c.date_of_birth <= c.period_end then "
        ~ age_in_years('c.date_of_birth', 'c.period_end') ~ " end"
    ) }} as age_band,
    coalesce(c.legal_status, 'Unknown') as legal_status,
    coalesce(c.placement_type_group, c.episode_placement_group, 'Unknown') as placement_type_group,
    c.distance_miles,
    c.locality
from with_locality as c
