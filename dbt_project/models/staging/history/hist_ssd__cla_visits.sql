{{ config(
    materialized='incremental',
    incremental_strategy='merge',
    unique_key=['la_code', 'source_id', 'valid_from'],
    indexes=[{'columns': ['la_code', 'source_id']}, {'columns': ['valid_from']}, {'columns': ['valid_to']}]
) }}
-- Versions of ssd_cla_visits rows over the extracts (see macros/history.sql).
{{ history_model('ssd_cla_visits', 'clav_cla_visit_id', person_column='clav_person_id') }}
