{#- Free text an authority types (team and locality names, job titles, challenge categories and
    outcomes) reaches the marts that BI tools export to spreadsheets. A value starting with =, +, -, @,
    a tab or a carriage return would run as a formula when opened in Excel (=HYPERLINK(...)), so it gets
    a leading apostrophe, which spreadsheets show as text. Applied once, in staging, so every model and
    join downstream sees the same value; raw keeps the value as sent. -#}
{% macro spreadsheet_safe(expression) -%}
    case
        when left({{ expression }}, 1) in ('=', '+', '-', '@', chr(9), chr(13))
            then '''' || {{ expression }}
        else {{ expression }}
    end
{%- endmacro %}

{% macro free_text(column) -%}
    {{ spreadsheet_safe(clean_text(column)) }}
{%- endmacro %}
