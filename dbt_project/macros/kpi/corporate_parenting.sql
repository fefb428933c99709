{#- Shared pieces of the corporate parenting KPI models (models/intermediate/kpi/int_kpi_cla_health,
    _cla_missing, _cla_visits, _care_leavers). -#}

{#- The CLA age bands of the DfE statistics (under 1, 1-4, 5-9, 10-15, 16-17) for an age in whole years;
    'Unknown' otherwise, so breakdowns sum to the headline. -#}
{% macro cla_age_band(age) -%}
    case
        when {{ age }} is null or {{ age }} < 0 then 'Unknown'
        when {{ age }} < 1 then 'under 1'
        when {{ age }} <= 4 then '1-4'
        when {{ age }} <= 9 then '5-9'
        when {{ age }} <= 15 then '10-15'
        when {{ age }} <= 17 then '16-17'
        else 'Unknown'
    end
{%- endmacro %}

{#- members rows (see kpi_rows_from_members) from `rows`: (la_code, kpi_code, period_type, period_start,
    locality, age_band, num, den), one row per counted thing. Summed per locality and age band first,
    then each group counted in the headline and in its locality and its age band: a cohort of 150,000
    children and periods becomes a few thousand rows before the breakdowns multiply it (expanded row
    by row, the sort of over a million rows spilled to disk). -#}
{% macro kpi_members_by_breakdown(rows) -%}
    select
        g.la_code, g.kpi_code, g.period_type, g.period_start, b.breakdown, b.breakdown_value, g.num, g.den
    from (
        select
            la_code, kpi_code, period_type, period_start, locality, age_band,
            sum(num) as num,
            sum(den) as den
        from {{ rows }}
        group by la_code, kpi_code, period_type, period_start, locality, age_band
    ) as g
    cross join lateral (
        values ('all', 'all'), ('locality', g.locality), ('age_band', g.age_band)
    ) as b (breakdown, breakdown_value)
{%- endmacro %}

{#- kpi_values rows from a frame and members. frame: (la_code, kpi_code, period_type, period_start,
    period_end, breakdown, breakdown_value, has_denominator), one row per row to publish, zero rows
    included. members: (la_code, kpi_code, period_type, period_start, breakdown, breakdown_value, num,
    den), one row per counted thing (a child, an episode) and breakdown it falls in ('all'/'all' for the
    headline). numerator = sum(num); denominator = sum(den) when the KPI has one, else null. -#}
{% macro kpi_rows_from_members(frame, members) -%}
    select
        f.la_code,
        f.kpi_code,
        f.period_type,
        f.period_start,
        f.period_end,
        f.breakdown,
        f.breakdown_value,
        cast(coalesce(sum(m.num), 0) as numeric) as numerator,
        case when f.has_denominator then cast(coalesce(sum(m.den), 0) as numeric) end as denominator,
        cast(null as numeric) as median_value
    from {{ frame }} as f
    -- members summed per key first: the frame then joins at most one row per key, whatever plan the
    -- planner picks (joined row by row, a Lancashire-sized cohort took minutes)
    left join (
        select
            la_code, kpi_code, period_type, period_start, breakdown, breakdown_value,
            sum(num) as num,
            sum(den) as den
        from {{ members }}
        group by la_code, kpi_code, period_type, period_start, breakdown, breakdown_value
    ) as m
        on
            f.la_code = m.la_code
            and f.kpi_code = m.kpi_code
            and f.period_type = m.period_type
            and f.period_start = m.period_start
            and f.breakdown = m.breakdown
            and f.breakdown_value = m.breakdown_value
    group by
        f.la_code, f.kpi_code, f.period_type, f.period_start, f.period_end, f.breakdown, f.breakdown_value,
        f.has_denominator
{%- endmacro %}

{#- The frame: every period of `periods` x every (kpi_code, has_denominator, breakdown) of `kpis` x every
    value of that breakdown: 'all' for the headline, the authority's list from int_kpi_breakdown_values
    (locality, age_band), or the values of `extra_values` (breakdown, breakdown_value) rows. -#}
{% macro kpi_frame(periods, kpis, extra_values=none) -%}
    select
        p.la_code,
        k.kpi_code,
        p.period_type,
        p.period_start,
        p.period_end,
        k.breakdown,
        v.breakdown_value,
        k.has_denominator
    from {{ periods }} as p
    cross join {{ kpis }} as k
    inner join (
        select la_code, 'all' as breakdown, 'all' as breakdown_value from {{ ref('stg_raw__latest_extracts') }}
        union all
        select la_code, breakdown, breakdown_value from {{ ref('int_kpi_breakdown_values') }}
        where breakdown in ('locality', 'age_band')
        {%- if extra_values %}
        union all
        select le.la_code, x.breakdown, x.breakdown_value
        from {{ ref('stg_raw__latest_extracts') }} as le cross join {{ extra_values }} as x
        {%- endif %}
    ) as v on p.la_code = v.la_code and k.breakdown = v.breakdown
{%- endmacro %}
