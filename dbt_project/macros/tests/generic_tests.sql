{#- Generic tests (no dbt hub packages here). -#}

{#- The combination of columns is unique (e.g. la_code + source id). -#}
{% test unique_combination(model, columns) %}
    select {{ columns | join(', ') }}, count(*) as n_rows
    from {{ model }}
    group by {{ columns | join(', ') }}
    having count(*) > 1
{% endtest %}

{#- Every non-null value has a parent row in the same authority: (la_code, column) -> (la_code, field). -#}
{% test relationships_in_la(model, column_name, to, field) %}
    select child.la_code, child.{{ column_name }}
    from {{ model }} as child
    left join {{ to }} as parent
        on child.la_code = parent.la_code and child.{{ column_name }} = parent.{{ field }}
    where child.{{ column_name }} is not null and parent.{{ field }} is null
{% endtest %}

{#- accepted_values against a code list of the ref_code_lists seed, so the list is kept in one place. -#}
{% test accepted_code(model, column_name, code_list) %}
    select m.{{ column_name }}
    from {{ model }} as m
    where
        m.{{ column_name }} is not null
        and m.{{ column_name }} not in (
            select cl.code from {{ ref('ref_code_lists') }} as cl where cl.code_list = '{{ code_list }}'
        )
{% endtest %}

{#- A history model's current versions are exactly the rows of each authority's latest loaded extract
    (read from raw._batches, not stg_raw__latest_extracts, which an as-at build moves back). -#}
{% test history_matches_latest(model, table_name, key_column) %}
    with latest_extracts as (
        select la_code, max(extract_date) as extract_date
        from {{ source('raw', '_batches') }}
        where status = 'loaded'
        group by la_code
    ),

    latest as (
        select r._la_code as la_code, trim(r.{{ key_column }}) as source_id
        from {{ source('raw', table_name) }} as r
        inner join latest_extracts as le
            on r._la_code = le.la_code and r._extract_date = le.extract_date
    ),

    current_versions as (
        select la_code, source_id from {{ model }} where valid_to is null
    )

    select coalesce(l.la_code, c.la_code) as la_code, coalesce(l.source_id, c.source_id) as source_id
    from latest as l
    full outer join current_versions as c on l.la_code = c.la_code and l.source_id = c.source_id
    where l.source_id is null or c.source_id is null
{% endtest %}
