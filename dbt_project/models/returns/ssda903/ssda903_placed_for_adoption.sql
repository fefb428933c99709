{{ config(enabled=var('ssda903_year', none) is not none) }}
-- SSDA903 PlacedAdoption file: children with a placement order (E1, D1) or an adoptive placement (A3-A6)
-- in the collection year. DATE_PLACED is the date of the decision that the child should be placed for
-- adoption, DATE_PLACED_CEASED and REASON_PLACED_CEASED the decision that the child should no longer be
-- (the child's latest ssd_permanence record); without a record, the start of the placement order (or of
-- the adoptive placement) stands in for the decision and the ceased items are blank.
with placed as (
    select
        e.la_code,
        e.child,
        min(to_date(e.decom, 'DD/MM/YYYY')) as first_day
    from {{ ref('ssda903_episodes') }} as e
    where e.ls in ('E1', 'D1') or e.place in ('A3', 'A4', 'A5', 'A6')
    group by e.la_code, e.child
),

decisions as (
    select distinct on (la_code, perm_person_id)
        la_code,
        perm_person_id as person_id,
        perm_adm_decision_date,
        perm_decision_reversed_date,
        perm_decision_reversed_reason
    from {{ ref('stg_ssd__permanence') }}
    where perm_adm_decision_date is not null
    order by la_code asc, perm_person_id asc, perm_adm_decision_date desc, perm_table_id desc
)

select
    pl.la_code,
    pl.child,
    {{ dfe_date('p.pers_dob') }} as dob,
    {{ dfe_date('coalesce(d.perm_adm_decision_date, pl.first_day)') }} as date_placed,
    {{ dfe_date('d.perm_decision_reversed_date') }} as date_placed_ceased,
    case when d.perm_decision_reversed_date is not null then d.perm_decision_reversed_reason end as reason_placed_ceased
from placed as pl
inner join {{ ref('stg_ssd__person') }} as p on pl.la_code = p.la_code and pl.child = p.pers_person_id
left join decisions as d on pl.la_code = d.la_code and pl.child = d.person_id
