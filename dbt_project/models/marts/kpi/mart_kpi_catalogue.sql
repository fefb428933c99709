{{ config(alias='kpi_catalogue') }}
-- The KPI catalogue for BI tools: what each code means (in plain English and as the exact rule), its
-- unit, direction, target and RAG band, reference and variant variables (the seed kpi_catalogue is the
-- one source).
select
    kpi_code,
    section,
    name,
    plain_definition,
    description,
    unit,
    measure_type,
    period_types,
    breakdowns,
    direction,
    target,
    amber_band,
    target_source,
    reference,
    variant_vars,
    required_tables,
    optional_tables
from {{ ref('kpi_catalogue') }}
