{{ config(indexes=[{'columns': ['la_code', 'person_id']}]) }}
-- Each child with the pseudonymous key beside the case-system id. Restricted schema (intermediate):
-- the date of birth is here so facts can derive ages without carrying it.
select
    la_code,
    pers_person_id as person_id,
    {{ child_key('la_code', 'pers_person_id') }} as child_key,
    pers_dob as date_of_birth,
    pers_sex as sex,
    pers_ethnicity as ethnicity,
    pers_death_date as death_date
from {{ ref('stg_ssd__person') }}
