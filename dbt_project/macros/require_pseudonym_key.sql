{#- Run before every dbt command that touches the database (on-run-start): child_key reads the key
    from cscw_private.pseudonym_key, so a database without it fails here with what to do, not in the
    first model with "relation does not exist". `cscw build` installs the key itself; for plain dbt,
    `python -m ingestion.dbt_runner install-key` does (docs/warehouse.md). -#}
{% macro require_pseudonym_key() -%}
    do $$
    begin
        if to_regclass('cscw_private.pseudonym_key') is null
            or not exists (select from cscw_private.pseudonym_key) then
            raise exception 'the pseudonym key is not installed in this database (cscw_private.pseudonym_key)'
                using hint = 'run `python -m ingestion.dbt_runner install-key` with CSCW_DATABASE_URL and '
                || 'CSCW_PSEUDONYM_KEY set (or any cscw build), then run dbt again';
        end if;
    end
    $$
{%- endmacro %}
