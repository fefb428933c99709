{{ config(indexes=[{'columns': ['la_code', 'pers_person_id']}]) }}
-- ssd_person: typed, codes normalised, from each authority's latest loaded extract.
with src as (
    {{ latest_extract_rows('ssd_person') }}
)

select
    src._la_code as la_code,
    {{ clean_text('src.pers_person_id') }} as pers_person_id,
    {{ normalise_code('src.pers_sex', 'sex') }} as pers_sex,
    {{ clean_text('src.pers_gender') }} as pers_gender,
    {{ normalise_code('src.pers_ethnicity', 'ethnicity') }} as pers_ethnicity,
    {{ parse_date('src.pers_dob') }} as pers_dob,
    {{ parse_date('src.pers_expected_dob') }} as pers_expected_dob,
    {{ parse_date('src.pers_death_date') }} as pers_death_date,
    {{ clean_text('src.pers_forename') }} as pers_forename,
    {{ clean_text('src.pers_surname') }} as pers_surname,
    {{ clean_text('src.pers_upn') }} as pers_upn,
    {{ clean_text('src.pers_single_unique_id') }} as pers_single_unique_id,
    {{ parse_flag('src.pers_is_mother') }} as pers_is_mother,
    src._extract_date as extract_date,
    src._batch_id as batch_id
from src
