{{ config(indexes=[{'columns': ['la_code', 'clas_substance_misuse_id']}]) }}
-- ssd_cla_substance_misuse: typed, codes normalised, from each authority's latest loaded extract.
with src as (
    {{ latest_extract_rows('ssd_cla_substance_misuse') }}
)

select
    src._la_code as la_code,
    {{ clean_text('src.clas_substance_misuse_id') }} as clas_substance_misuse_id,
    {{ clean_text('src.clas_person_id') }} as clas_person_id,
    {{ parse_date('src.clas_substance_misuse_date') }} as clas_substance_misuse_date,
    {{ clean_text('src.clas_substance_misused') }} as clas_substance_misused,
    {{ parse_flag('src.clas_intervention_received') }} as clas_intervention_received,
    {{ parse_flag('src.clas_intervention_offered') }} as clas_intervention_offered,
    src._extract_date as extract_date,
    src._batch_id as batch_id
from src
