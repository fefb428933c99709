{{ config(
    materialized='incremental',
    incremental_strategy='merge',
    unique_key=['la_code', 'source_id', 'valid_from'],
    indexes=[{'columns': ['la_code', 'source_id']}, {'columns': ['valid_from']}, {'columns': ['valid_to']}]
) }}
-- Versions of ssd_cla_placement rows over the extracts (see macros/history.sql).
{{ history_model('ssd_cla_placement', 'clap_cla_placement_id', person_column='clap_person_id') }}
