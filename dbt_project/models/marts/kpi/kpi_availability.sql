-- Whether each KPI of the catalogue can be computed for each authority from its latest loaded extract
-- (docs/kpis.md, "Availability"): one row per (la_code, kpi_code). A KPI needs every
-- table its catalogue row lists (required_tables and optional_tables); a table is in an extract when
-- the extract's manifest listed its file (raw._batches.file_hashes), even with no rows. An unavailable
-- KPI has no row in kpi_values for the authority (never a zero, never a RAG colour); `reason` names
-- what was not sent. `first_extract_date` is the first loaded extract that held every table the KPI
-- needs: a KPI read from the nightly history (care leavers) has no value for a period ending before it.
with latest as (
    select la_code, extract_date from {{ ref('stg_raw__latest_extracts') }}
),

extract_tables as (
    select distinct
        b.la_code,
        b.extract_date,
        regexp_replace(f.file_name, '\.csv$', '') as table_name
    from {{ source('raw', '_batches') }} as b
    inner join latest as le on b.la_code = le.la_code and b.extract_date <= le.extract_date
    cross join lateral jsonb_object_keys(coalesce(b.file_hashes, '{}'::jsonb)) as f (file_name)
    where b.status = 'loaded'
),

needs as (
    select
        c.kpi_code,
        n.table_name
    from {{ ref('kpi_catalogue') }} as c
    cross join lateral unnest(
        string_to_array(
            concat_ws('|', nullif(c.required_tables, ''), nullif(c.optional_tables, '')), '|'
        )
    ) as n (table_name)
),

missing as (
    select
        le.la_code,
        n.kpi_code,
        n.table_name
    from latest as le
    inner join needs as n on true
    left join extract_tables as et
        on le.la_code = et.la_code and le.extract_date = et.extract_date and n.table_name = et.table_name
    where et.table_name is null
),

-- the extracts of each authority that held every table of a KPI
held as (
    select
        x.la_code,
        n.kpi_code,
        x.extract_date
    from (select distinct la_code, extract_date from extract_tables) as x
    inner join needs as n on true
    left join extract_tables as et
        on x.la_code = et.la_code and x.extract_date = et.extract_date and n.table_name = et.table_name
    group by x.la_code, n.kpi_code, x.extract_date
    having bool_and(et.table_name is not null)
),

first_held as (
    select
        la_code,
        kpi_code,
        min(extract_date) as first_extract_date
    from held
    group by la_code, kpi_code
)

select
    le.la_code,
    c.kpi_code,
    count(m.table_name) = 0 as is_available,
    string_agg(m.table_name || ' not in the extract', '; ' order by m.table_name) as reason,
    min(fh.first_extract_date) as first_extract_date
from latest as le
cross join {{ ref('kpi_catalogue') }} as c
left join missing as m on le.la_code = m.la_code and c.kpi_code = m.kpi_code
left join first_held as fh on le.la_code = fh.la_code and c.kpi_code = fh.kpi_code
group by le.la_code, c.kpi_code
