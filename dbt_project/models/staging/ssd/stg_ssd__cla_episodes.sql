{{ config(indexes=[{'columns': ['la_code', 'clae_cla_episode_id']}]) }}
-- ssd_cla_episodes: typed, codes normalised, from each authority's latest loaded extract.
with src as (
    {{ latest_extract_rows('ssd_cla_episodes') }}
)

select
    src._la_code as la_code,
    {{ clean_text('src.clae_cla_episode_id') }} as clae_cla_episode_id,
    {{ clean_text('src.clae_person_id') }} as clae_person_id,
    {{ parse_date('src.clae_cla_episode_start_date') }} as clae_cla_episode_start_date,
    {{ normalise_code('src.clae_cla_episode_start_reason', 'episode_start_reason') }} as clae_cla_episode_start_reason,
    {{ normalise_code('src.clae_cla_primary_need_code', 'category_of_need') }} as clae_cla_primary_need_code,
    {{ parse_date('src.clae_cla_episode_ceased_date') }} as clae_cla_episode_ceased_date,
    {{ normalise_code('src.clae_cla_episode_ceased_reason', 'episode_ceased_reason') }} as clae_cla_episode_ceased_reason,
    {{ clean_text('src.clae_cla_id') }} as clae_cla_id,
    {{ clean_text('src.clae_cla_placement_id') }} as clae_cla_placement_id,
    {{ parse_date('src.clae_entered_care_date') }} as clae_entered_care_date,
    {{ parse_date('src.clae_cla_last_iro_contact_date') }} as clae_cla_last_iro_contact_date,
    src._extract_date as extract_date,
    src._batch_id as batch_id
from src
