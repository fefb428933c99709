{{ config(
    materialized='incremental',
    incremental_strategy='merge',
    unique_key=['la_code', 'source_id', 'valid_from'],
    indexes=[{'columns': ['la_code', 'source_id']}, {'columns': ['valid_from']}, {'columns': ['valid_to']}]
) }}
-- Versions of ssd_cp_plans rows over the extracts (see macros/history.sql).
{{ history_model('ssd_cp_plans', 'cppl_cp_plan_id', person_column='cppl_person_id') }}
