{#- Version history of one raw table over its extracts (each a full snapshot), keyed on the source id
    and a hash of the row's business content (every contract column; never the lineage columns, whose
    batch ids and line numbers churn nightly). One row per version: valid_from is the first extract
    that had it, valid_to the first later extract that did not (changed or gone), null while current.

    Reads only the build's batches (macro build_batches). Incremental: a run starts again from each
    authority's earliest extract it has not read (macros/model_batches.sql): normally the new night; for
    a night re-sent with corrected files, or an older night loaded after newer ones, that night. It
    reads the snapshots from there on plus the versions current at the extract before, deletes its
    versions that began from there on (pre-hook) and writes the new versions and the ones whose end
    changed (merge on la_code, source_id, valid_from). So a night costs one snapshot, and a correction
    or a backfill costs the snapshots from its date on. A full refresh replays every batch.
    Versions are "islands" of consecutive extracts with the same content.

    person_column / parent_column name the raw columns saying whose record each version is (the child's
    person id; for rows without one, the parent row's id): int_child_changes reads them to find the
    children whose facts a night must recompute, including children whose rows were deleted. -#}
{% macro history_model(table_name, key_column, person_column=none, parent_column=none) -%}
{%- set raw_relation = source('raw', table_name) -%}
{%- set lineage = ['_la_code', '_extract_date', '_batch_id', '_source_line'] -%}
{#- the contract columns, as declared in sources.yml (kept equal to contract.yml by a test): extra
    columns an authority sends are kept in raw but are not business content -#}
{%- set contract_columns = [] -%}
{%- if execute -%}
    {%- set source_node = graph.sources['source.' ~ project_name ~ '.raw.' ~ table_name] -%}
    {%- for name in source_node['columns'] -%}
        {%- if name not in lineage -%}{%- do contract_columns.append(name) -%}{%- endif -%}
    {%- endfor -%}
{%- endif -%}
with batches as (
    select
        la_code,
        batch_id,
        extract_date,
        row_number() over (partition by la_code order by extract_date) as batch_ordinal
    from ({{ build_batches() }}) as pinned
),

{% if is_incremental() -%}
restarts as (
    {{ restart_dates() }}
),

-- the extract before the restart, already read: the versions current then carry on
previous as (
    select
        rs.la_code,
        max(b.extract_date) as last_date
    from restarts as rs
    inner join batches as b on rs.la_code = b.la_code and b.extract_date < rs.restart_date
    group by rs.la_code
),

open_versions as (
    select
        h.la_code,
        h.source_id,
        h.content_hash,
        h.person_id,
        h.parent_id,
        h.valid_from,
        h.valid_to,
        p.last_date
    from {{ this }} as h
    inner join previous as p on h.la_code = p.la_code
    where h.valid_from <= p.last_date and (h.valid_to is null or h.valid_to > p.last_date)
),

{% endif -%}
observations as (
    select
        r._la_code as la_code,
        trim(r.{{ key_column }}) as source_id,
        {{ 'trim(r.' ~ person_column ~ ')' if person_column else 'cast(null as text)' }} as person_id,
        {{ 'trim(r.' ~ parent_column ~ ')' if parent_column else 'cast(null as text)' }} as parent_id,
        r._extract_date as extract_date,
        md5(cast(row({% for c in contract_columns %}r.{{ c }}{{ ", " if not loop.last }}{% endfor %}) as text))
            as content_hash,
        cast(null as date) as carried_from,
        cast(null as date) as stored_valid_to
    from {{ raw_relation }} as r
    inner join batches as b
        on r._la_code = b.la_code and r._extract_date = b.extract_date and r._batch_id = b.batch_id
    {% if is_incremental() -%}
    inner join restarts as rs on r._la_code = rs.la_code and r._extract_date >= rs.restart_date
    union all
    -- the versions current at the extract before the restart, as seen then
    select
        la_code,
        source_id,
        person_id,
        parent_id,
        last_date as extract_date,
        content_hash,
        valid_from as carried_from,
        valid_to as stored_valid_to
    from open_versions
    {%- endif %}
),

numbered as (
    select
        o.la_code,
        o.source_id,
        o.content_hash,
        o.person_id,
        o.parent_id,
        o.extract_date,
        o.carried_from,
        o.stored_valid_to,
        b.batch_ordinal,
        b.batch_ordinal - row_number() over (
            partition by o.la_code, o.source_id, o.content_hash order by o.extract_date
        ) as island
    from observations as o
    inner join batches as b on o.la_code = b.la_code and o.extract_date = b.extract_date
),

islands as (
    select
        la_code,
        source_id,
        content_hash,
        -- the content hash covers these columns, so one island has one value of each
        min(person_id) as person_id,
        min(parent_id) as parent_id,
        min(extract_date) as first_seen,
        max(batch_ordinal) as last_ordinal,
        min(carried_from) as carried_from,
        max(stored_valid_to) as stored_valid_to
    from numbered
    group by la_code, source_id, content_hash, island
)

select
    i.la_code,
    i.source_id,
    i.content_hash,
    i.person_id,
    i.parent_id,
    coalesce(i.carried_from, i.first_seen) as valid_from,
    nb.extract_date as valid_to
from islands as i
left join batches as nb on i.la_code = nb.la_code and i.last_ordinal + 1 = nb.batch_ordinal
{% if is_incremental() -%}
-- write only what changed: new versions, and carried versions whose end moved
where i.carried_from is null or nb.extract_date is distinct from i.stored_valid_to
{%- endif %}
{%- endmacro %}
