{{ config(
    materialized='incremental',
    incremental_strategy='merge',
    unique_key=['la_code', 'source_id', 'valid_from'],
    indexes=[{'columns': ['la_code', 'source_id']}, {'columns': ['valid_from']}, {'columns': ['valid_to']}]
) }}
-- Versions of ssd_sdq_scores rows over the extracts (see macros/history.sql).
{{ history_model('ssd_sdq_scores', 'csdq_table_id', person_column='csdq_person_id') }}
