{#- Planner statistics for a table a later model joins: a table dbt has just (re)built has none, so it is
    analysed; an incremental table that already has some is left to autovacuum (a night changes a small
    share of it, and a full ANALYZE of a fact costs more than the night's change to it). -#}
{% macro analyze_if_no_statistics(relation) -%}
    do $$
    begin
        if not exists (
            select from pg_catalog.pg_stats
            where schemaname = '{{ relation.schema }}' and tablename = '{{ relation.identifier }}'
        ) then
            analyze {{ relation.include(database=False) }};
        end if;
    end
    $$
{%- endmacro %}
