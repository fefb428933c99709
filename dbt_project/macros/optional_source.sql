{#- A source table that may not exist yet (the raw tables of `cscw import 903`, made by the build's
    preparation or by the first import): the table when it exists, else no rows with the same text
    columns, so a bare `dbt build` on a database that never imported anything still runs. Parsing
    (execute false) records the source as a dependency either way. -#}
{% macro optional_source(source_name, table_name, columns) -%}
    {%- set relation = source(source_name, table_name) -%}
    {%- if not execute or load_relation(relation) is not none -%}
        {{ relation }}
    {%- else -%}
        (
            select
            {%- for column in columns %}
                cast(null as text) as {{ column }}{{ "," if not loop.last }}
            {%- endfor %}
            where false
        )
    {%- endif -%}
{%- endmacro %}
