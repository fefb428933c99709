{{ config(enabled=var('ssda903_year', none) is not none) }}
-- SSDA903 PlacedAdoption file: children with a placement order (E1, D1) or an adoptive placement (A3-A6)
-- in the collection year. The extract has no date of the decision that the child should be placed for
-- adoption; the start of the placement order (or of the adoptive placement) stands in for it. A decision
-- that stopped applying is not in the extract either, so DATE_PLACED_CEASED and its reason are blank.
select
    e.la_code,
    e.child,
    {{ dfe_date('p.pers_dob') }} as dob,
    {{ dfe_date('min(to_date(e.decom, \'DD/MM/YYYY\'))') }} as date_placed,
    cast(null as text) as date_placed_ceased,
    cast(null as text) as reason_placed_ceased
from {{ ref('ssda903_episodes') }} as e
inner join {{ ref('stg_ssd__person') }} as p on e.la_code = p.la_code and e.child = p.pers_person_id
where e.ls in ('E1', 'D1') or e.place in ('A3', 'A4', 'A5', 'A6')
group by e.la_code, e.child, p.pers_dob
