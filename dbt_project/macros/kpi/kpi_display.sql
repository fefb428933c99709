{#- A KPI figure rounded as it is printed everywhere (cscw kpis, the performance pack, BI, the
    publication views), so no two outputs disagree: Postgres numeric rounding, half away from zero
    (4.25 -> 4.3; Python's float and Decimal formatting would print 4.2). Counts to whole numbers,
    every other unit (percent, rates, averages, days) to one decimal. -#}
{% macro kpi_round(value, unit) -%}
    round(cast({{ value }} as numeric), case when {{ unit }} = 'count' then 0 else 1 end)
{%- endmacro %}
