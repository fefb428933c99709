{{ config(alias='kpi_comparators') }}
-- Published comparators (national, regional, statistical neighbours, the authority's own published
-- figure) by financial year, each with its source, beside the period they compare with.
select
    c.la_code,
    c.kpi_code,
    c.financial_year,
    make_date(cast(left(c.financial_year, 4) as integer), 4, 1) as period_start,
    c.comparator,
    c.comparator_name,
    c.value,
    c.source,
    c.note
from {{ ref('kpi_comparators') }} as c
