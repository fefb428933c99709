{{ config(
    materialized='incremental',
    incremental_strategy='merge',
    unique_key=['la_code', 'source_id', 'valid_from'],
    indexes=[{'columns': ['la_code', 'source_id']}, {'columns': ['valid_from']}, {'columns': ['valid_to']}]
) }}
-- Versions of ssd_cla_health rows over the extracts (see macros/history.sql).
{{ history_model('ssd_cla_health', 'clah_health_check_id', person_column='clah_person_id') }}
