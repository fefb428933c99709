{{ config(indexes=[{'columns': ['la_code', 'miss_table_id']}]) }}
-- ssd_missing: typed, codes normalised, from each authority's latest loaded extract.
with src as (
    {{ latest_extract_rows('ssd_missing') }}
)

select
    src._la_code as la_code,
    {{ clean_text('src.miss_table_id') }} as miss_table_id,
    {{ clean_text('src.miss_person_id') }} as miss_person_id,
    {{ parse_date('src.miss_missing_episode_start_date') }} as miss_missing_episode_start_date,
    {{ normalise_code('src.miss_missing_episode_type', 'missing_type') }} as miss_missing_episode_type,
    {{ parse_date('src.miss_missing_episode_end_date') }} as miss_missing_episode_end_date,
    {{ clean_text('src.miss_missing_rhi_offered') }} as miss_missing_rhi_offered,
    {{ clean_text('src.miss_missing_rhi_accepted') }} as miss_missing_rhi_accepted,
    src._extract_date as extract_date,
    src._batch_id as batch_id
from src
