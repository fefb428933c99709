{{ config(indexes=[{'columns': ['la_code', 'clhp_cla_id']}]) }}
-- ext_cla_home_postcodes: typed, codes normalised, from each authority's latest loaded extract.
with src as (
    {{ latest_extract_rows('ext_cla_home_postcodes') }}
)

select
    src._la_code as la_code,
    {{ clean_text('src.clhp_cla_id') }} as clhp_cla_id,
    {{ clean_text('src.clhp_person_id') }} as clhp_person_id,
    {{ clean_text('src.clhp_home_postcode') }} as clhp_home_postcode,
    src._extract_date as extract_date,
    src._batch_id as batch_id
from src
