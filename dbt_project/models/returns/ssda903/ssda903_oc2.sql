{{ config(enabled=var('ssda903_year', none) is not none) }}
-- SSDA903 OC2 file: one row per child looked after continuously for 12 months at 31 March. The extract
-- has no health, SDQ, substance-misuse or conviction records, so every outcome item is blank.
select
    c.la_code,
    c.person_id as child,
    {{ dfe_date('p.pers_dob') }} as dob,
    cast(null as text) as sdq_score,
    cast(null as text) as sdq_reason,
    cast(null as text) as convicted,
    cast(null as text) as health_check,
    cast(null as text) as immunisations,
    cast(null as text) as teeth_check,
    cast(null as text) as health_assessment,
    cast(null as text) as substance_misuse,
    cast(null as text) as intervention_received,
    cast(null as text) as intervention_offered
from {{ ref('int_ssda903_continuously_looked_after') }} as c
inner join {{ ref('stg_ssd__person') }} as p on c.la_code = p.la_code and c.person_id = p.pers_person_id
