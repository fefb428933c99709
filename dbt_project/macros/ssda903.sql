{#- The SSDA903 collection year from var('ssda903_year') ('2025-26'): it runs 1 April 2025 to 31 March 2026.
    Without the var the return models are disabled; dbt still parses them, hence the placeholder year. -#}
{% macro ssda903_first_year() -%}
    {{ (var('ssda903_year', none) or '1900-01')[:4] | int }}
{%- endmacro %}

{% macro ssda903_year_start() -%}
    date '{{ ssda903_first_year() }}-04-01'
{%- endmacro %}

{% macro ssda903_year_end() -%}
    date '{{ ssda903_first_year() | int + 1 }}-03-31'
{%- endmacro %}

{#- A date as the DfE files write it: DD/MM/YYYY (null stays null, an empty field). -#}
{% macro dfe_date(d) -%}
    to_char({{ d }}, 'DD/MM/YYYY')
{%- endmacro %}

{#- Whether the restricted validation-errors table exists yet (`cscw return 903` creates it). Linters
    render models without a database: then it does not. -#}
{% macro ssda903_errors_recorded() -%}
    {%- if adapter is defined and execute -%}
        {{ return(adapter.get_relation(database=target.database, schema='returns_restricted',
                                       identifier='ssda903_validation_errors') is not none) }}
    {%- else -%}
        {{ return(false) }}
    {%- endif -%}
{%- endmacro %}
