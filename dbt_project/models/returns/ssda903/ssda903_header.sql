{{ config(enabled=var('ssda903_year', none) is not none) }}
-- SSDA903 Header file: one row per child in the return. SEX uses the 2024-25 codes (the pre-2024 1/2
-- are mapped). Without a UPN in the extract: UN1 for a child under 4 on the 31 August before the year
-- (not yet of school age), else UN5 (not yet obtained). MOTHER and MC_DOB have no source (blank).
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
    cast(null as text) as mother,
    cast(null as text) as mc_dob
from {{ ref('int_ssda903_children') }} as c
