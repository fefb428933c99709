-- Which optional tables each authority sends: in its latest loaded extract (a header-only file counts as
-- sent, with no rows), and the first loaded extract that held each. A KPI built on an optional table has
-- no row for an authority whose latest extract lacks it (never a zero), and a snapshot from the
-- nightly history has no value before the first extract that held its table.
with loaded as (
    select
        b.la_code,
        b.extract_date,
        t.table_name
    from {{ source('raw', '_batches') }} as b
    cross join lateral jsonb_object_keys(coalesce(b.rows_loaded, '{}'::jsonb)) as t (table_name)
    where b.status = 'loaded'
)

select
    l.la_code,
    l.table_name,
    min(l.extract_date) as first_extract_date,
    bool_or(l.extract_date = le.extract_date) as in_latest_extract
from loaded as l
inner join {{ ref('stg_raw__latest_extracts') }} as le
    on l.la_code = le.la_code and l.extract_date <= le.extract_date
group by l.la_code, l.table_name
