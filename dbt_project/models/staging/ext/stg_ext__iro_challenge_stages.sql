{{ config(indexes=[{'columns': ['la_code', 'chst_stage_id']}]) }}
-- ext_iro_challenge_stages: typed, codes normalised, from each authority's latest loaded extract.
with src as (
    {{ latest_extract_rows('ext_iro_challenge_stages') }}
)

select
    src._la_code as la_code,
    {{ clean_text('src.chst_stage_id') }} as chst_stage_id,
    {{ clean_text('src.chst_challenge_id') }} as chst_challenge_id,
    {{ parse_int('src.chst_stage_number') }} as chst_stage_number,
    {{ normalise_code('src.chst_level', 'challenge_level') }} as chst_level,
    {{ parse_date('src.chst_start_date') }} as chst_start_date,
    {{ parse_date('src.chst_response_due_date') }} as chst_response_due_date,
    {{ parse_date('src.chst_response_date') }} as chst_response_date,
    {{ free_text('src.chst_outcome') }} as chst_outcome,
    src._extract_date as extract_date,
    src._batch_id as batch_id
from src
