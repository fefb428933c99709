-- The financial year in which an authority's history_start falls (after its 1 April), when that year's
-- SSDA903 return was imported (docs/ssda903.md, "The imported history in the KPIs"): the return holds
-- the episodes from 1 April up to history_start that the extract does not. Only the placement-stability
-- KPIs publish this year; every other KPI keeps the extract's own history window (int_kpi_periods).
-- Its cohort (looked after at 31 March) is the extract's, so history_start must be on or before 1 March;
-- var kpi_history_years limits it as it limits every period.
with history as (
    select
        la_code,
        history_start,
        extract_date,
        {{ fy_start('history_start') }} as period_start
    from {{ ref('int_kpi_history_start') }}
    where history_start is not null
),

imported_years as (
    select distinct
        la_code,
        cast(left(collection_year, 4) as integer) as fy_start_year
    from {{ optional_source('imported_903', 'ssda903_imports', ['la_code', 'collection_year', 'file']) }} as imports  -- noqa: AL05
    where file = 'episodes'
)

select
    h.la_code,
    'financial_year' as period_type,
    h.period_start,
    cast(h.period_start + interval '1 year' - interval '1 day' as date) as period_end,
    h.history_start
from history as h
inner join imported_years as y
    on h.la_code = y.la_code and y.fy_start_year = extract(year from h.period_start)
where
    h.history_start > h.period_start
    -- the year-end cohort is read from the year's March, a month published only when it starts on or
    -- after history_start
    and h.history_start <= cast(h.period_start + interval '11 months' as date)
    and cast(h.period_start + interval '1 year' - interval '1 day' as date) < h.extract_date
    and h.period_start >= cast(
        {{ fy_start('h.extract_date') }} - make_interval(years => {{ kpi_var('kpi_history_years') }}) as date
    )
