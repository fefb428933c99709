{{ config(
    materialized='incremental',
    incremental_strategy='merge',
    unique_key=['la_code', 'source_id', 'valid_from'],
    indexes=[{'columns': ['la_code', 'source_id']}, {'columns': ['valid_from']}, {'columns': ['valid_to']}]
) }}
-- Versions of ssd_cla_reviews rows over the extracts (see macros/history.sql).
{{ history_model('ssd_cla_reviews', 'clar_cla_review_id', person_column='clar_cla_person_id', parent_column='clar_cla_id') }}
