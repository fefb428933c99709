{#- Run before every dbt command that touches the database (on-run-start): child_key reads the key
    from cscw_private.pseudonym_key, so on a database without it the run fails with what to do (listed
    first among its errors), not only with "relation does not exist" in each model that needs it.
    `cscw build` installs the key itself; for plain dbt, `python -m ingestion.dbt_runner install-key`
    does (docs/warehouse.md). Two IFs: PL/pgSQL plans the table's query only when the table exists. -#}
{% macro require_pseudonym_key() -%}
    do $$
    declare
        missing constant text := 'the pseudonym key is not installed in this database '
            || '(cscw_private.pseudonym_key): run `python -m ingestion.dbt_runner install-key` with '
            || 'CSCW_DATABASE_URL and CSCW_PSEUDONYM_KEY set (or any cscw build), then run dbt again';
    begin
        if to_regclass('cscw_private.pseudonym_key') is null then
            raise exception '%', missing;
        end if;
        if not exists (select from cscw_private.pseudonym_key) then
            raise exception '%', missing;
        end if;
    end
    $$
{%- endmacro %}
