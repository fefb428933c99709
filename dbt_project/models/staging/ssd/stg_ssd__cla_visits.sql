{{ config(indexes=[{'columns': ['la_code', 'clav_cla_visit_id']}]) }}
-- ssd_cla_visits: typed, codes normalised, from each authority's latest loaded extract.
with src as (
    {{ latest_extract_rows('ssd_cla_visits') }}
)

select
    src._la_code as la_code,
    {{ clean_text('src.clav_cla_visit_id') }} as clav_cla_visit_id,
    {{ clean_text('src.clav_cla_id') }} as clav_cla_id,
    {{ clean_text('src.clav_person_id') }} as clav_person_id,
    {{ parse_date('src.clav_cla_visit_date') }} as clav_cla_visit_date,
    {{ parse_flag('src.clav_cla_visit_seen') }} as clav_cla_visit_seen,
    {{ parse_flag('src.clav_cla_visit_seen_alone') }} as clav_cla_visit_seen_alone,
    src._extract_date as extract_date,
    src._batch_id as batch_id
from src
