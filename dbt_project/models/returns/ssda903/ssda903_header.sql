{{ config(enabled=var('ssda903_year', none) is not none) }}
-- SSDA903 Header file: one row per child in the return. SEX uses the 2024-25 codes (the pre-2024 1/2
-- are mapped). Without a UPN in the extract: UN1 for a child under 4 on the 31 August before the year
-- (not yet of school age), else UN5 (not yet obtained).
-- MOTHER (girls looked after in the year; not care leavers) is ssd_person.pers_is_mother. MC_DOB is the first child's date of birth
-- (ext_mothers_children); with that table, a girl whose first child was born after the year ended, or
-- after she left care in it, was not yet a mother in the year (the DfE rules check MC_DOB against
-- both). Blank where the extract does not say.
with last_day as (
    -- the last day the child is counted in the return: 31 March, or the day she left care in the year
    select distinct on (la_code, child)
        la_code,
        child,
        coalesce(to_date(dec, 'DD/MM/YYYY'), {{ ssda903_year_end() }}) as last_day
    from {{ ref('ssda903_episodes') }}
    order by la_code asc, child asc, to_date(decom, 'DD/MM/YYYY') desc, dec is null desc
),

first_child as (
    select la_code, moch_person_id as person_id, min(moch_child_dob) as child_dob
    from {{ ref('stg_ext__mothers_children') }}
    group by la_code, moch_person_id
),

children_table as (
    select la_code from {{ ref('int_ssda903_tables_sent') }} where table_name = 'ext_mothers_children'
),

mothers as (
    select
        c.la_code,
        c.person_id,
        fc.child_dob,
        case
            when c.sex not in ('F', '2') or p.pers_is_mother is null or not c.looked_after then null
            when not p.pers_is_mother then '0'
            when ct.la_code is null then '1'  -- no children's dates sent: her flag as it stands
            when fc.child_dob <= coalesce(ld.last_day, {{ ssda903_year_end() }}) then '1'
            else '0'
        end as mother
    from {{ ref('int_ssda903_children') }} as c
    inner join {{ ref('stg_ssd__person') }} as p on c.la_code = p.la_code and c.person_id = p.pers_person_id
    left join last_day as ld on c.la_code = ld.la_code and c.person_id = ld.child
    left join first_child as fc on c.la_code = fc.la_code and c.person_id = fc.person_id
    left join children_table as ct on c.la_code = ct.la_code
)

select
    c.la_code,
    c.person_id as child,
    case c.sex when '1' then 'M' when '2' then 'F' else c.sex end as sex,
    {{ dfe_date('c.date_of_birth') }} as dob,
    coalesce(c.ethnicity, 'NOBT') as ethnic,
    coalesce(
        c.upn,
        case
            when {{ age_in_years('c.date_of_birth', ssda903_year_start() ~ " - interval '7 months 1 day'") }} < 4
                then 'UN1'
            else 'UN5'
        end
    ) as upn,
    m.mother,
    case when m.mother = '1' then {{ dfe_date('m.child_dob') }} end as mc_dob
from {{ ref('int_ssda903_children') }} as c
inner join mothers as m on c.la_code = m.la_code and c.person_id = m.person_id
