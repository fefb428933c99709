{{ config(enabled=var('ssda903_year', none) is not none) }}
-- The tables each authority's latest loaded extract holds: a table is sent when the extract's manifest
-- listed its file (raw._batches.file_hashes), even with no rows. A return item read from an optional
-- table is blank for an authority that did not send it (unknown), and 0 when it sent it with no record.
select distinct
    le.la_code,
    regexp_replace(f.file_name, '\.csv$', '') as table_name
from {{ ref('stg_raw__latest_extracts') }} as le
inner join {{ source('raw', '_batches') }} as b
    on le.la_code = b.la_code and le.extract_date = b.extract_date
cross join lateral jsonb_object_keys(coalesce(b.file_hashes, '{}'::jsonb)) as f (file_name)
where b.status = 'loaded'
