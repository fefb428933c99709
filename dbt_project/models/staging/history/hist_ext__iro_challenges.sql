{{ config(
    materialized='incremental',
    incremental_strategy='merge',
    unique_key=['la_code', 'source_id', 'valid_from'],
    indexes=[{'columns': ['la_code', 'source_id']}, {'columns': ['valid_from']}, {'columns': ['valid_to']}]
) }}
-- Versions of ext_iro_challenges rows over the extracts (see macros/history.sql).
{{ history_model('ext_iro_challenges', 'chal_challenge_id', person_column='chal_person_id') }}
