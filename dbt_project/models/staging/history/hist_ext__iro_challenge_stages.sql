{{ config(
    materialized='incremental',
    incremental_strategy='merge',
    unique_key=['la_code', 'source_id', 'valid_from'],
    indexes=[{'columns': ['la_code', 'source_id']}, {'columns': ['valid_from']}, {'columns': ['valid_to']}]
) }}
-- Versions of ext_iro_challenge_stages rows over the extracts (see macros/history.sql).
{{ history_model('ext_iro_challenge_stages', 'chst_stage_id', parent_column='chst_challenge_id') }}
