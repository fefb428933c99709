{{ config(
    materialized='incremental',
    incremental_strategy='merge',
    unique_key=['la_code', 'source_id', 'valid_from'],
    indexes=[{'columns': ['la_code', 'source_id']}, {'columns': ['valid_from']}, {'columns': ['valid_to']}]
) }}
-- Versions of ext_cp_conference_details rows over the extracts (see macros/history.sql).
{{ history_model('ext_cp_conference_details', 'cpcd_meeting_id', parent_column='cpcd_meeting_id') }}
