{#- Custom schemas are used verbatim (staging, intermediate, warehouse), except `marts`, which maps to
    var('marts_schema') so the nightly pipeline can build the marts into a build schema and swap it in
    (write-audit-publish). Models without a custom schema go to the profile's default schema. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- elif custom_schema_name | trim == 'marts' -%}
        {{ var('marts_schema', 'marts') | trim }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
