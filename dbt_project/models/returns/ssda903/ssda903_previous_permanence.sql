{{ config(enabled=var('ssda903_year', none) is not none) }}
-- SSDA903 PrevPerm file: children who started to be looked after in the collection year. The extract has
-- no previous permanence order, so PREV_PERM is Z1 (not known) and LA_PERM and DATE_PERM are blank.
select distinct
    e.la_code,
    e.child,
    {{ dfe_date('p.pers_dob') }} as dob,
    'Z1' as prev_perm,
    cast(null as text) as la_perm,
    cast(null as text) as date_perm
from {{ ref('ssda903_episodes') }} as e
inner join {{ ref('stg_ssd__person') }} as p on e.la_code = p.la_code and e.child = p.pers_person_id
where e.rne = 'S' and to_date(e.decom, 'DD/MM/YYYY') >= {{ ssda903_year_start() }}
