{{ config(materialized='view') }}
-- Each authority's latest loaded extract among the build's batches: the snapshot staging reads. With
-- var('as_at_extract_date') set (YYYY-MM-DD), the latest extract on or before that date instead: the
-- whole warehouse rebuilt as it stood then.
select distinct on (la_code)
    la_code,
    extract_date,
    batch_id
from ({{ build_batches() }}) as b
{% if var('as_at_extract_date', none) -%}
    where extract_date <= cast('{{ var("as_at_extract_date") }}' as date)
{%- endif %}
order by la_code asc, extract_date desc
