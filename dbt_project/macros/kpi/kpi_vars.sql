{#- The counting variants of the KPI catalogue: var(name) with the default from seeds/kpi/kpi_variants.csv
    (tests/kpis/test_catalogue.py checks the two agree). Use kpi_var('participation_excludes_pn4'). -#}
{% macro kpi_var_defaults() -%}
    {{ return({
        'participation_excludes_pn4': false,
        'review_record_working_days': 20,
        'review_decisions_working_days': 5,
        'icpc_working_days': 15,
        'challenge_open_days': 28,
        'iro_caseload_cla_weight': 1.5,
        'iro_caseload_cp_weight': 1,
        'iro_handbook_min': 50,
        'iro_handbook_max': 70,
        'suppression_max': 4,
        'kpi_history_years': 7,
    }) }}
{%- endmacro %}

{% macro kpi_var(name) -%}
    {%- set defaults = kpi_var_defaults() -%}
    {%- if name not in defaults -%}
        {{ exceptions.raise_compiler_error("kpi_var: unknown KPI variant " ~ name) }}
    {%- endif -%}
    {%- set value = var(name, defaults[name]) -%}
    {%- if value is string and value | lower in ('true', 'false') -%}
        {{ return(value | lower == 'true') }}
    {%- endif -%}
    {{ return(value) }}
{%- endmacro %}

{#- The value column of kpi_values from numerator and denominator, by unit (docs/kpis.md):
    percent 100 x n / d, rate per 10,000, average n / d, count n; `days` (a median) is computed upstream. -#}
{% macro kpi_value(unit, numerator, denominator, median) -%}
    case {{ unit }}
        when 'percent' then 100.0 * {{ numerator }} / nullif({{ denominator }}, 0)
        when 'rate_per_10k' then 10000.0 * {{ numerator }} / nullif({{ denominator }}, 0)
        when 'average' then 1.0 * {{ numerator }} / nullif({{ denominator }}, 0)
        when 'count' then {{ numerator }}
        when 'days' then {{ median }}
    end
{%- endmacro %}

{#- One column of a wide mart pivoted from kpi_values rows grouped by (la_code, period_type, period_start):
    the `field` (value, numerator or denominator) of the row for kpi_code and breakdown value. -#}
{% macro kpi_pivot(kpi_code, breakdown='all', breakdown_value='all', field='value') -%}
    max(
        case
            when
                kv.kpi_code = '{{ kpi_code }}' and kv.breakdown = '{{ breakdown }}'
                and kv.breakdown_value = '{{ breakdown_value }}'
                then kv.{{ field }}
        end
    )
{%- endmacro %}

{#- The locality of each row of `relation` (a CTE or table with columns la_code, child_key, the date
    column `at` and the unique row `keys`) by the rule of the warehouse macro locality_at (the latest
    allocated-team spell open on the date, else the latest that started before it, else the first after
    it), as one join over int_kpi_locality_spells instead of a subquery per row: a select of relation's
    columns plus `locality` ('Unknown' without an allocation). -#}
{% macro kpi_with_locality(relation, keys, at) -%}
    select distinct on ({% for k in keys %}r.{{ k }}, {% endfor %}r.{{ at }})
        r.*,
        coalesce(ts.locality, 'Unknown') as locality
    from {{ relation }} as r
    left join {{ ref('int_kpi_locality_spells') }} as ts
        on r.la_code = ts.la_code and r.child_key = ts.child_key
    order by
        {% for k in keys %}r.{{ k }} asc, {% endfor %}r.{{ at }} asc,
        case
            when ts.start_date <= r.{{ at }} and (ts.end_date is null or ts.end_date >= r.{{ at }}) then 0
            when ts.start_date <= r.{{ at }} then 1
            else 2
        end asc,
        case when ts.start_date <= r.{{ at }} then ts.start_date end desc,
        ts.start_date asc,
        ts.involvement_id desc
{%- endmacro %}

{#- Planner statistics for freshly built tables: Postgres has none until autovacuum gets round to it,
    and without them it plans nested loops over thousands of rows. KPI models analyze what they read
    (pre-hook) and themselves (post-hook). -#}
{% macro kpi_analyze(relations) -%}
    {%- for r in relations %}{{ analyze_if_no_statistics(r) }};{% endfor -%}
{%- endmacro %}
