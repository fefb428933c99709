{{ config(
    materialized='incremental',
    incremental_strategy='merge',
    unique_key=['la_code', 'source_id', 'valid_from'],
    indexes=[{'columns': ['la_code', 'source_id']}, {'columns': ['valid_from']}, {'columns': ['valid_to']}]
) }}
-- Versions of ssd_s47_enquiry rows over the extracts (see macros/history.sql).
{{ history_model('ssd_s47_enquiry', 's47e_s47_enquiry_id', person_column='s47e_person_id') }}
