{{ config(
    materialized='incremental',
    incremental_strategy='merge',
    unique_key=['la_code', 'source_id', 'valid_from'],
    indexes=[{'columns': ['la_code', 'source_id']}, {'columns': ['valid_from']}, {'columns': ['valid_to']}]
) }}
-- Versions of ssd_cla_episodes rows over the extracts (see macros/history.sql).
{{ history_model('ssd_cla_episodes', 'clae_cla_episode_id', person_column='clae_person_id') }}
