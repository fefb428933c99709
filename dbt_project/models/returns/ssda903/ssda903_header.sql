{{ config(enabled=var('ssda903_year', none) is not none) }}
-- SSDA903 Header file: one row per child in the return. SEX uses the 2024-25 codes (the pre-2024 1/2
-- are mapped); UPN 'UN1' (child not in school) when the extract has none. MOTHER and MC_DOB have no
-- source in the extract (blank).
select
    c.la_code,
    c.person_id as child,
    case c.sex when '1' then 'M' when '2' then 'F' else c.sex end as sex,
    {{ dfe_date('c.date_of_birth') }} as dob,
    coalesce(c.ethnicity, 'NOBT') as ethnic,
    coalesce(c.upn, 'UN1') as upn,
    cast(null as text) as mother,
    cast(null as text) as mc_dob
from {{ ref('int_ssda903_children') }} as c
