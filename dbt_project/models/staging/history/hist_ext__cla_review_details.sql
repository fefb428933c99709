{{ config(
    materialized='incremental',
    incremental_strategy='merge',
    unique_key=['la_code', 'source_id', 'valid_from'],
    indexes=[{'columns': ['la_code', 'source_id']}, {'columns': ['valid_from']}, {'columns': ['valid_to']}]
) }}
-- Versions of ext_cla_review_details rows over the extracts (see macros/history.sql).
{{ history_model('ext_cla_review_details', 'clrd_cla_review_id', parent_column='clrd_cla_review_id') }}
