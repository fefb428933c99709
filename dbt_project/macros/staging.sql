{#- The rows of one raw table from each authority's latest extract among the build's batches (its batch
    id too: a correction of that night loaded during the build is another batch). Each extract is a full
    snapshot; older snapshots stay in raw for as-at questions (see the *_history models). -#}
{% macro latest_extract_rows(table_name) -%}
    select r.*
    from {{ source('raw', table_name) }} as r
    inner join {{ ref('stg_raw__latest_extracts') }} as le
        on r._la_code = le.la_code and r._extract_date = le.extract_date and r._batch_id = le.batch_id
{%- endmacro %}
