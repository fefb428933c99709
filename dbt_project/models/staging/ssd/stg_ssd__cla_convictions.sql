{{ config(indexes=[{'columns': ['la_code', 'clac_cla_conviction_id']}]) }}
-- ssd_cla_convictions: typed, codes normalised, from each authority's latest loaded extract.
with src as (
    {{ latest_extract_rows('ssd_cla_convictions') }}
)

select
    src._la_code as la_code,
    {{ clean_text('src.clac_cla_conviction_id') }} as clac_cla_conviction_id,
    {{ clean_text('src.clac_person_id') }} as clac_person_id,
    {{ parse_date('src.clac_cla_conviction_date') }} as clac_cla_conviction_date,
    {{ clean_text('src.clac_cla_conviction_offence') }} as clac_cla_conviction_offence,
    src._extract_date as extract_date,
    src._batch_id as batch_id
from src
