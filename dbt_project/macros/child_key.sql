{#- The pseudonymous child key: a keyed SHA-256 of la_code and the case system's person id. The key
    comes from the environment (CSCW_PSEUDONYM_KEY, set by ingestion.dbt_runner from configuration),
    never from the repo; without it dbt refuses to compile. Facts and dims carry only this key. -#}
{% macro child_key(la_code, person_id) -%}
    case
        when {{ person_id }} is not null
            then encode(
                sha256(convert_to('{{ env_var("CSCW_PSEUDONYM_KEY") }}' || ':' || {{ la_code }} || ':' || {{ person_id }}, 'UTF8')),
                'hex'
            )
    end
{%- endmacro %}
