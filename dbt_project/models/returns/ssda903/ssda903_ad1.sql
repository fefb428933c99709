{{ config(enabled=var('ssda903_year', none) is not none) }}
-- SSDA903 AD1 file: children adopted in the collection year (period ended E11 or E12). The extract has
-- no adoption details (decision, match, adopters), so those items are blank.
select
    e.la_code,
    e.child,
    {{ dfe_date('p.pers_dob') }} as dob,
    cast(null as text) as date_int,
    cast(null as text) as date_match,
    cast(null as text) as foster_care,
    cast(null as text) as nb_adoptr,
    cast(null as text) as sex_adoptr,
    cast(null as text) as ls_adoptr
from {{ ref('ssda903_episodes') }} as e
inner join {{ ref('stg_ssd__person') }} as p on e.la_code = p.la_code and e.child = p.pers_person_id
where e.rec in ('E11', 'E12')
