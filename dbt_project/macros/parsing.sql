{#- Typing raw text columns. The loader has already rejected unparseable values (they are in
    raw._quarantine), so these only have to handle the accepted spellings. -#}

{#- A date in ISO (YYYY-MM-DD, optionally followed by a time part, which is dropped) or UK DD/MM/YYYY;
    empty means null. The one place dates are parsed. -#}
{% macro parse_date(column) -%}
    case
        when {{ column }} ~ '^\s*\d{4}-\d{2}-\d{2}'
            then to_date(substring({{ column }} from '\d{4}-\d{2}-\d{2}'), 'YYYY-MM-DD')
        when {{ column }} ~ '^\s*\d{1,2}/\d{1,2}/\d{4}'
            then to_date(substring({{ column }} from '\d{1,2}/\d{1,2}/\d{4}'), 'DD/MM/YYYY')
    end
{%- endmacro %}

{#- Y/N flags (case-insensitive) to boolean; empty or anything else is null. -#}
{% macro parse_flag(column) -%}
    case upper(trim({{ column }}))
        when 'Y' then true
        when 'N' then false
    end
{%- endmacro %}

{#- Identifiers and free text: trimmed, empty means null. -#}
{% macro clean_text(column) -%}
    nullif(trim({{ column }}), '')
{%- endmacro %}

{% macro parse_int(column) -%}
    cast(nullif(trim({{ column }}), '') as integer)
{%- endmacro %}

{% macro parse_decimal(column) -%}
    cast(nullif(trim({{ column }}), '') as numeric)
{%- endmacro %}

{#- A code or a known DfE/Liquidlogic description mapped to the DfE code through the ref_code_lists seed
    (stg_ref__code_lookup holds every spelling), mirroring ingestion.contract.CodeList.normalise. -#}
{% macro normalise_code(column, code_list) -%}
    coalesce(
        -- the usual case, a code: one index lookup
        (
            select lk.code
            from {{ ref('stg_ref__code_lookup') }} as lk
            where lk.code_list = '{{ code_list }}' and lk.lookup_key = upper(trim({{ column }}))
        ),
        -- only when that fails, a description (codes win: the lookup holds one row per spelling)
        (
            select lk.code
            from {{ ref('stg_ref__code_lookup') }} as lk
            where lk.code_list = '{{ code_list }}' and lk.lookup_key = {{ description_key(column) }}
        )
    )
{%- endmacro %}

{#- Description matching ignores case, punctuation and spacing (as the loader does). -#}
{% macro description_key(column) -%}
    trim(regexp_replace(lower({{ column }}), '[^a-z0-9]+', ' ', 'g'))
{%- endmacro %}
