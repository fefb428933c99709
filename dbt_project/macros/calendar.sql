{#- Working-day and month arithmetic: the ONE implementation of the conventions in
    docs/kpis.md, used by every fact and KPI mart. They read dim_date's working-day ordinal
    (the number of working days up to and including each date; a weekend or bank holiday carries the
    previous working day's ordinal), so each call is two index lookups, no range scans.
    Arguments are SQL expressions. -#}

{#- The date n working days after d (d is day 0 and does not count): wd_add(Fri 3 May 2019, 1) is
    Tue 7 May 2019. Negative n counts back: wd_add(d, -1) is the working day before d (from a weekend,
    the Friday). n = 0 gives d. Null in, null out. -#}
{% macro wd_add(d, n) -%}
    case
        when ({{ n }}) = 0 then cast({{ d }} as date)
        else (
            -- the arguments are evaluated in a FROM-less derived table, so an unqualified column in
            -- them binds to the caller's query, never to dim_date's own columns
            select wd_t.date_day
            from (select cast({{ d }} as date) as wd_d, cast({{ n }} as integer) as wd_n) as wd_in
            inner join {{ ref('dim_date') }} as wd_s on wd_in.wd_d = wd_s.date_day
            inner join {{ ref('dim_date') }} as wd_t
                on
                    wd_t.is_working_day
                    and wd_t.working_day_ordinal = wd_s.working_day_ordinal + wd_in.wd_n
                    + case when wd_in.wd_n < 0 and not wd_s.is_working_day then 1 else 0 end
        )
    end
{%- endmacro %}

{#- Working days from a to b: the number of working days in (a, b] when b >= a, minus the number in
    (b, a] when b < a. So wd_diff(d, wd_add(d, n)) = n for n >= 0, and b <= wd_add(a, n) exactly when
    wd_diff(a, b) <= n for a working-day b. Null when either date is null. -#}
{% macro wd_diff(a, b) -%}
    (
        select wd_db.working_day_ordinal - wd_da.working_day_ordinal
        from (select cast({{ a }} as date) as wd_a, cast({{ b }} as date) as wd_b) as wd_in
        inner join {{ ref('dim_date') }} as wd_da on wd_in.wd_a = wd_da.date_day
        inner join {{ ref('dim_date') }} as wd_db on wd_in.wd_b = wd_db.date_day
    )
{%- endmacro %}

{#- d plus n calendar months, the day of month clamped to the month's last day
    (31 Jan + 1 month = 28/29 Feb; 31 Aug + 6 months = 28/29 Feb). Postgres interval arithmetic on a
    date already clamps this way; the macro names the convention and fixes the type. -#}
{% macro add_months_clamped(d, n) -%}
    cast(({{ d }}) + make_interval(months => cast({{ n }} as integer)) as date)
{%- endmacro %}

{#- Whether the spell [a_start, a_end] (null end = open) overlaps the spell [b_start, b_end], where a
    spell that ends on the day the other starts belongs to the earlier one and does not overlap it. -#}
{% macro overlaps(a_start, a_end, b_start, b_end) -%}
    (
        {{ a_start }} <= coalesce({{ b_end }}, date '9999-12-31')
        and coalesce({{ a_end }}, date '9999-12-31') >= {{ b_start }}
        and not coalesce({{ a_end }} = {{ b_start }} and {{ a_start }} < {{ b_start }}, false)
        and not coalesce({{ a_start }} = {{ b_end }} and {{ b_start }} < {{ b_end }}, false)
    )
{%- endmacro %}

{#- Whole years of age on date `at` for a date of birth (null when either is null). -#}
{% macro age_in_years(date_of_birth, at) -%}
    cast(extract(year from age({{ at }}, {{ date_of_birth }})) as integer)
{%- endmacro %}

{#- The locality of a child's allocated team on a date, from int_child_team_spells: the latest spell
    open on that date, else the latest that started before it, else the first after it. -#}
{% macro locality_at(la_code, person_id, at) -%}
    (
        select ts.locality
        from {{ ref('int_child_team_spells') }} as ts
        where ts.la_code = {{ la_code }} and ts.person_id = {{ person_id }}
        order by
            case
                when ts.start_date <= {{ at }} and (ts.end_date is null or ts.end_date >= {{ at }}) then 0
                when ts.start_date <= {{ at }} then 1
                else 2
            end,
            case when ts.start_date <= {{ at }} then ts.start_date end desc,
            ts.start_date,
            ts.involvement_id desc
        limit 1
    )
{%- endmacro %}
