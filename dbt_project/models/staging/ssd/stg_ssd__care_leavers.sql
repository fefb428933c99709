{{ config(indexes=[{'columns': ['la_code', 'clea_table_id']}]) }}
-- ssd_care_leavers: typed, codes normalised, from each authority's latest loaded extract.
with src as (
    {{ latest_extract_rows('ssd_care_leavers') }}
)

select
    src._la_code as la_code,
    {{ clean_text('src.clea_table_id') }} as clea_table_id,
    {{ clean_text('src.clea_person_id') }} as clea_person_id,
    {{ normalise_code('src.clea_care_leaver_eligibility', 'care_leaver_eligibility') }} as clea_care_leaver_eligibility,
    {{ normalise_code('src.clea_care_leaver_in_touch', 'care_leaver_in_touch') }} as clea_care_leaver_in_touch,
    {{ parse_date('src.clea_care_leaver_latest_contact') }} as clea_care_leaver_latest_contact,
    {{ normalise_code('src.clea_care_leaver_accommodation', 'care_leaver_accommodation') }} as clea_care_leaver_accommodation,
    {{ normalise_code('src.clea_care_leaver_accom_suitable', 'care_leaver_accom_suitable') }} as clea_care_leaver_accom_suitable,
    {{ normalise_code('src.clea_care_leaver_activity', 'care_leaver_activity') }} as clea_care_leaver_activity,
    {{ parse_date('src.clea_pathway_plan_review_date') }} as clea_pathway_plan_review_date,
    {{ clean_text('src.clea_care_leaver_personal_advisor') }} as clea_care_leaver_personal_advisor,
    {{ clean_text('src.clea_care_leaver_allocated_team') }} as clea_care_leaver_allocated_team,
    {{ clean_text('src.clea_care_leaver_worker_id') }} as clea_care_leaver_worker_id,
    src._extract_date as extract_date,
    src._batch_id as batch_id
from src
