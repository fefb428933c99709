{#- Which loaded batches each incremental model has read (warehouse.model_batches), so that its next run
    starts again from the earliest extract it has not read: the new night, as before, but also a night
    re-sent with corrected files (a new batch for an extract date already read) and an older night
    loaded after newer ones. Corrections and backfills thus reach the history, int_child_changes and
    the facts by the next ordinary build; tests/operations/test_corrections_and_backfills.py checks that
    the result equals a full refresh. -#}

{#- The loaded batches this build reads: the ones pinned when it started (var build_id, set by every
    `cscw` build and the DAG), so a load that commits during the build waits for the next one. Without a
    build id (dbt run by hand), every batch loaded now. A query rather than a ref, so the history models
    and hooks read it without depending on a model (stg_raw__build_batches shows it). -#}
{% macro build_batches() -%}
    {%- if var('build_id', none) -%}
        select
            la_code,
            batch_id,
            extract_date
        from {{ source('ops', 'build_batches') }}
        where build_id = '{{ var("build_id") }}'
    {%- else -%}
        select
            la_code,
            batch_id,
            extract_date
        from {{ source('raw', '_batches') }}
        where status = 'loaded'
    {%- endif -%}
{%- endmacro %}

{% macro model_batches_table() -%}
    warehouse.model_batches
{%- endmacro %}

{#- on-run-start (with the fact watermarks, under their advisory lock) -#}
{% macro create_model_batches_table() -%}
    create table if not exists {{ model_batches_table() }} (
        model_name text not null,
        la_code text not null,
        batch_id bigint not null,
        extract_date date not null,
        primary key (model_name, batch_id)
    )
{%- endmacro %}

{#- (la_code, restart_date): per authority, the earliest extract date among the build's batches that
    this model has not read. Authorities without one have nothing new. -#}
{% macro restart_dates() -%}
    select
        b.la_code,
        min(b.extract_date) as restart_date
    from ({{ build_batches() }}) as b
    where not exists (
        select from {{ model_batches_table() }} as m
        where m.model_name = '{{ this.identifier }}' and m.batch_id = b.batch_id
    )
    group by b.la_code
{%- endmacro %}

{#- pre-hook of an incremental model whose rows are dated by extract: its rows dated on or after the
    restart date are recomputed, so they go first -#}
{% macro delete_from_restart(date_column) -%}
    {%- if is_incremental() -%}
        delete from {{ this }} as t
        using ({{ restart_dates() }}) as rs
        where t.la_code = rs.la_code and t.{{ date_column }} >= rs.restart_date
    {%- endif -%}
{%- endmacro %}

{#- post-hook: the model has now read the build's batches (in the model's transaction) -#}
{% macro record_model_batches() -%}
    delete from {{ model_batches_table() }} where model_name = '{{ this.identifier }}';
    insert into {{ model_batches_table() }} (model_name, la_code, batch_id, extract_date)
    select '{{ this.identifier }}', b.la_code, b.batch_id, b.extract_date from ({{ build_batches() }}) as b
{%- endmacro %}
