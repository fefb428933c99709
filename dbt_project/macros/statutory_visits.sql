{#- Regulation 28 (Care Planning, Placement and Case Review (England) Regulations 2010): the date the
    next statutory visit is due, from the placement's start and the latest visit since then at which the
    child was seen (null when none): within one week of the start, then not more than six weeks after a
    visit in the placement's first year, three months after a later one. -#}
{% macro visit_due_after(placement_start, last_seen_visit) -%}
    case
        when {{ last_seen_visit }} is null then cast({{ placement_start }} + 7 as date)
        when {{ last_seen_visit }} < {{ add_months_clamped(placement_start, 12) }}
            then cast({{ last_seen_visit }} + 42 as date)
        else {{ add_months_clamped(last_seen_visit, 3) }}
    end
{%- endmacro %}
