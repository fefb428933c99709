{{ config(enabled=var('ssda903_year', none) is not none) }}
-- The children of one SSDA903 return: everyone with an episode open in the collection year, and care
-- leavers whose 17th to 21st birthday falls in it (OC3), with the person details the files repeat.
with looked_after as (
    select distinct la_code, child as person_id
    from {{ ref('ssda903_episodes') }}
),

care_leavers as (
    select distinct cl.la_code, cl.clea_person_id as person_id
    from {{ ref('stg_ssd__care_leavers') }} as cl
    inner join {{ ref('stg_ssd__person') }} as p
        on cl.la_code = p.la_code and cl.clea_person_id = p.pers_person_id
    where
        {{ age_in_years('p.pers_dob', ssda903_year_end()) }} between 17 and 21
),

children as (
    select la_code, person_id, true as looked_after from looked_after
    union all
    select cl.la_code, cl.person_id, false from care_leavers as cl
    where not exists (
        select 1 from looked_after as la where la.la_code = cl.la_code and la.person_id = cl.person_id
    )
)

select
    c.la_code,
    c.person_id,
    c.looked_after,
    p.pers_dob as date_of_birth,
    p.pers_sex as sex,
    p.pers_ethnicity as ethnicity,
    p.pers_upn as upn
from children as c
inner join {{ ref('stg_ssd__person') }} as p on c.la_code = p.la_code and c.person_id = p.pers_person_id
