{{ config(materialized='view') }}
-- Each authority's latest successfully loaded extract: the snapshot staging reads. A view, so it is
-- never stale (raw._batches is small). With var('as_at_extract_date') set (YYYY-MM-DD), the latest
-- extract on or before that date instead: the whole warehouse rebuilt as it stood then.
select
    la_code,
    max(extract_date) as extract_date
from {{ source('raw', '_batches') }}
where
    status = 'loaded'
    {% if var('as_at_extract_date', none) -%}
        and extract_date <= cast('{{ var("as_at_extract_date") }}' as date)
    {%- endif %}
group by la_code
