{#- The BI role `reporter` (NOLOGIN) may read the marts schema and nothing else. Every model in the
    marts schema runs grant_reporter_sql() as a post-hook, so SELECT is in place whatever name the
    schema is built under (var marts_schema) and moves with it when the publish step swaps it into
    `marts`. USAGE on the schema is granted only on `marts` itself: a build schema (a failed build's
    unaudited marts) stays unreadable; ingestion.publish.grant_reporter grants USAGE after the swap and
    revokes it from every other schema (ingestion.grants, e.g. marts__previous).
    `dbt run-operation grant_reporter --args '{schema: marts}'` does it by hand.
    A person gets access with: create role alice login password '...' in role reporter; -#}
{% macro grant_reporter_sql(schema, relation=none) -%}
    -- models build in parallel: concurrent grants on one schema fail ("tuple concurrently updated"),
    -- so they queue on a transaction-scoped lock
    select pg_advisory_xact_lock(hashtext('cscw.grant_reporter'));
    do $$
    begin
        if not exists (select 1 from pg_roles where rolname = 'reporter') then
            create role reporter nologin;
        end if;
    exception when duplicate_object then null;  -- created concurrently by another build
    end
    $$;
    {%- if schema == 'marts' %}
    grant usage on schema "{{ schema }}" to reporter;
    {%- endif %}
    {%- if relation is not none %}
    grant select on {{ relation }} to reporter
    {%- else %}
    grant select on all tables in schema "{{ schema }}" to reporter
    {%- endif %}
{%- endmacro %}

{% macro grant_reporter(schema=none) -%}
    {%- set schema = schema or var('marts_schema', 'marts') -%}
    {%- do run_query(grant_reporter_sql(schema)) -%}
    {{ log("granted reporter read access to schema " ~ schema, info=True) }}
{%- endmacro %}
