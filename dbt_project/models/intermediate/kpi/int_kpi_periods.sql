-- The reporting periods of each authority: every financial year (1 April - 31 March) and every
-- calendar month that its data covers and that has ended before its latest extract date (complete
-- periods only, so a snapshot "at period_end" is never a date the extract has not reached). Coverage
-- starts at the first financial year or month that starts on or after the authority's history_start
-- (int_kpi_history_start: a period starting before it would be judged on history the extract does not
-- hold), at most var kpi_history_years financial years back (the var can only shorten the history).
with extracts as (
    select
        la_code,
        extract_date,
        {{ fy_start('extract_date') }} as current_fy_start
    from {{ ref('stg_raw__latest_extracts') }}
),

coverage as (
    select
        x.la_code,
        x.extract_date,
        greatest(
            h.history_start,
            cast(x.current_fy_start - make_interval(years => {{ kpi_var('kpi_history_years') }}) as date)
        ) as first_date
    from extracts as x
    inner join {{ ref('int_kpi_history_start') }} as h on x.la_code = h.la_code
    where h.history_start is not null
),

months as (
    select
        c.la_code,
        'month' as period_type,
        cast(m.month_start as date) as period_start,
        cast(m.month_start + interval '1 month' - interval '1 day' as date) as period_end
    from coverage as c
    cross join lateral generate_series(
        -- the first month starting on or after first_date
        date_trunc('month', c.first_date - 1) + interval '1 month',
        date_trunc('month', c.extract_date),
        interval '1 month'
    ) as m (month_start)
),

years as (
    select
        c.la_code,
        'financial_year' as period_type,
        cast(y.fy_start as date) as period_start,
        cast(y.fy_start + interval '1 year' - interval '1 day' as date) as period_end
    from coverage as c
    cross join lateral generate_series(
        -- the first financial year starting on or after first_date
        cast({{ fy_start('c.first_date - 1') }} + interval '1 year' as date),
        c.extract_date,
        interval '1 year'
    ) as y (fy_start)
),

periods as (
    select * from months
    union all
    select * from years
)

select
    p.la_code,
    p.period_type,
    p.period_start,
    p.period_end,
    -- the financial year a period belongs to: its label and the ONS mid-year of its population
    {{ fy_start_year('p.period_start') }} as fy_start_year,
    {{ fy_label('p.period_start') }} as financial_year,
    x.extract_date
from periods as p
inner join extracts as x on p.la_code = x.la_code
where p.period_end < x.extract_date
