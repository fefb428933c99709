{#- The pseudonymous child key: a keyed SHA-256 of la_code and the case system's person id. The key is
    read inside the database from cscw_private.pseudonym_key (readable only by the build role; filled
    by ingestion.pseudonym.install_key before every build), never from the repo or dbt's environment,
    so it appears in no compiled SQL or dbt artefact. The sub-select runs once per query. Facts and
    dims carry only this key. -#}
{% macro child_key(la_code, person_id) -%}
    case
        when {{ person_id }} is not null
            then encode(
                sha256(convert_to((select k.key from cscw_private.pseudonym_key as k) || ':' || {{ la_code }} || ':' || {{ person_id }}, 'UTF8')),
                'hex'
            )
    end
{%- endmacro %}
