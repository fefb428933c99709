{#- Child-scoped incremental facts (models/marts/warehouse/facts, configured in dbt_project.yml).

    Every fact row belongs to one child, and is computed from that child's records only (plus shared
    reference data: code lists, the calendar, professionals and teams). So a night recomputes the rows of
    the children whose records changed since the extract the fact was last built from, and nobody else's:

    1. pre-hook (delete_changed_children): delete those children's rows, and every row without a child
       (child_key null: its person is missing from ssd_person), which is recomputed every night;
    2. the model's SQL keeps only the source rows of those children ({{ is_changed_child(...) }} in each
       fact's first CTE) and the rows are appended;
    3. post-hook (record_fact_watermark): the fact is now built from each authority's latest extract
       among the build's batches (what the build read, never a load that committed meanwhile).

    An authority with a batch the fact has not read dated on or before its watermark (a night re-sent
    with corrected files, an older night loaded after newer ones) is recomputed whole: which of its
    children the earlier nights' rows reached is no longer known (rewound_authorities).

    "Changed" (changed_children, from int_child_change_events): a record of the child's changed, appeared
    or disappeared in a later extract (int_child_changes, from the content-hashed history), or time moved
    on for the child (open periods, plans and challenges, whose as-at columns age every night; records
    dated after an earlier extract, which count once their date has passed). Changes to reference data or to the SQL rebuild the
    facts in full: ingestion.warehouse_state drops them when the project's definition changes.
    tests/warehouse/test_incremental_facts.py checks an incremental night equals a full refresh. -#}

{% macro fact_watermark_table() -%}
    warehouse.fact_watermarks
{%- endmacro %}

{#- on-run-start: the watermark table. Cosmos runs several dbt commands at once, and concurrent
    CREATE ... IF NOT EXISTS can collide in the catalog: an advisory lock takes them one at a time. -#}
{% macro create_fact_watermark_table() -%}
    select pg_advisory_lock(7305002);
    create schema if not exists warehouse;
    create table if not exists {{ fact_watermark_table() }} (
        model_name text not null,
        la_code text not null,
        extract_date date not null,
        primary key (model_name, la_code)
    );
    {{ create_model_batches_table() }};
    select pg_advisory_unlock(7305002)
{%- endmacro %}

{#- (la_code, person_id) of the children whose rows this fact must recompute: their records changed, or
    time moved on in a way this fact depends on (config meta recompute_as_time_passes: reasons in
    int_child_change_events) -#}
{% macro changed_children() -%}
    {#- (config.get is not defined under sqlfluff's jinja templater) -#}
    {%- set meta = (config.get('meta') if config.get is defined else none) or {} -%}
    {%- set reasons = ['records_changed'] + meta.get('recompute_as_time_passes', []) -%}
    select events.la_code, events.person_id
    from {{ ref('int_child_change_events') }} as events
    left join {{ fact_watermark_table() }} as wm
        on wm.model_name = '{{ this.identifier }}' and events.la_code = wm.la_code
    where
        events.reason in ('{{ reasons | join("', '") }}')
        and (wm.extract_date is null or events.change_date > wm.extract_date)
{%- endmacro %}

{#- Authorities whose fact rows are recomputed whole: a batch the fact has not read is dated on or
    before the extract it was last built from (macros/model_batches.sql). -#}
{% macro rewound_authorities() -%}
    select rs.la_code
    from ({{ restart_dates() }}) as rs
    inner join {{ fact_watermark_table() }} as wm
        on wm.model_name = '{{ this.identifier }}' and rs.la_code = wm.la_code
    where rs.restart_date <= wm.extract_date
{%- endmacro %}

{#- dbt records a model's dependencies when it parses it, with is_incremental() false: name the models
    the incremental branch reads so they are always built first. -#}
{% macro _incremental_fact_refs() -%}
    {%- for name in ['int_child_change_events', 'int_person'] -%}
        {%- do ref(name) -%}
    {%- endfor -%}
{%- endmacro %}

{#- The filter on a fact's source rows: true on a full build; on an incremental one, the rows of changed
    children and of children missing from ssd_person (their fact rows have no child_key). -#}
{% macro is_changed_child(la_code, person_id) -%}
    {{- _incremental_fact_refs() -}}
    {%- if is_incremental() -%}
        (
            ({{ la_code }}, {{ person_id }}) in ({{ changed_children() }})
            or {{ la_code }} in ({{ rewound_authorities() }})
            or {{ person_id }} is null
            or not exists (
                select from {{ ref('int_person') }} as known
                where known.la_code = {{ la_code }} and known.person_id = {{ person_id }}
            )
        )
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}

{% macro delete_changed_children() -%}
    {%- if is_incremental() -%}
        delete from {{ this }} as f
        where
            f.child_key is null
            or f.la_code in ({{ rewound_authorities() }})
            or (f.la_code, f.child_key) in (
                select changed.la_code, {{ child_key('changed.la_code', 'changed.person_id') }}
                from ({{ changed_children() }}) as changed
            )
    {%- endif -%}
{%- endmacro %}

{% macro record_fact_watermark() -%}
    delete from {{ fact_watermark_table() }} where model_name = '{{ this.identifier }}';
    insert into {{ fact_watermark_table() }} (model_name, la_code, extract_date)
    select '{{ this.identifier }}', la_code, extract_date from {{ ref('stg_raw__latest_extracts') }}
{%- endmacro %}
