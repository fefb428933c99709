{{ config(enabled=var('ssda903_year', none) is not none) }}
-- SSDA903 AD1 file: children adopted in the collection year (period ended E11 or E12), with the adoption
-- details of that period of care from ssd_permanence (blank without a record).
select
    e.la_code,
    e.child,
    {{ dfe_date('p.pers_dob') }} as dob,
    {{ dfe_date('pm.perm_adm_decision_date') }} as date_int,
    {{ dfe_date('pm.perm_matched_date') }} as date_match,
    cast(cast(pm.perm_adopted_by_carer_flag as int) as text) as foster_care,
    cast(pm.perm_number_of_adopters as text) as nb_adoptr,
    pm.perm_adopter_sex as sex_adoptr,
    pm.perm_adopter_legal_status as ls_adoptr
from {{ ref('ssda903_episodes') }} as e
inner join {{ ref('stg_ssd__person') }} as p on e.la_code = p.la_code and e.child = p.pers_person_id
left join {{ ref('int_ssda903_episode_chain') }} as ch
    on e.la_code = ch.la_code and e.child = ch.person_id and to_date(e.decom, 'DD/MM/YYYY') = ch.decom
left join lateral (
    select x.*
    from {{ ref('stg_ssd__permanence') }} as x
    where x.la_code = e.la_code and x.perm_person_id = e.child and x.perm_cla_id = ch.period_of_care_id
    order by x.perm_adm_decision_date desc nulls last, x.perm_table_id desc
    limit 1
) as pm on true
where e.rec in ('E11', 'E12')
