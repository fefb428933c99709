{#- Whether a spell is open at date t ("looked after at date t" in docs/kpis.md; the same reading
    for plans, placements, legal statuses and allocations): it started on or before t and has not
    ended by t (end null or after t). A spell ending on t is not open at t. Arguments are SQL
    expressions. -#}
{% macro is_open_at(start_date, end_date, t) -%}
    ({{ start_date }} <= {{ t }} and ({{ end_date }} is null or {{ end_date }} > {{ t }}))
{%- endmacro %}

{#- The financial year (1 April to 31 March) a date falls in: its start year as an integer
    (fy_start_year('2019-03-31') = 2018), its first day, and its label ('2018-19'). -#}
{% macro fy_start_year(d) -%}
    cast(extract(year from cast({{ d }} as date) - interval '3 months') as integer)
{%- endmacro %}

{% macro fy_start(d) -%}
    make_date({{ fy_start_year(d) }}, 4, 1)
{%- endmacro %}

{% macro fy_label(d) -%}
    ({{ fy_start_year(d) }} || '-' || lpad(cast(mod({{ fy_start_year(d) }} + 1, 100) as text), 2, '0'))
{%- endmacro %}
