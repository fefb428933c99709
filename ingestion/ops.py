"""Pipeline bookkeeping (`ops` schema) and the pluggable notifier.

`ops.pipeline_runs` holds one row per nightly run (keyed on the Airflow run_id, or `cli__...` for
`cscw nightly`): the extract date, authorities, rows loaded, dbt tests passed/failed, whether the marts
were published, per-step durations and, on failure, the failing step and the reason. Re-running a night
updates its row (idempotent). This module is the only one that writes it.
"""

from __future__ import annotations

import json
import logging
from datetime import date, datetime

log = logging.getLogger("cscw.ops")

OPS_DDL = """
create schema if not exists ops;
create table if not exists ops.pipeline_runs (
    run_id            text primary key,
    trigger           text not null default 'airflow',   -- airflow | cli
    extract_date      date,
    la_codes          text[] not null default '{}',
    status            text not null default 'running',    -- running | published | failed
    rows_loaded       bigint not null default 0,
    rows_quarantined  bigint not null default 0,
    batches           jsonb not null default '{}'::jsonb,  -- la_code -> load summary
    extracts          jsonb not null default '{}'::jsonb,  -- la_code -> latest loaded extract_date
    tests_passed      integer,
    tests_failed      integer,
    models_built      integer,
    dbt_nodes         jsonb not null default '{}'::jsonb,  -- dbt unique_id -> last status this run
    published         boolean not null default false,
    published_at      timestamptz,
    failed_step       text,
    error             text,
    durations         jsonb not null default '{}'::jsonb,  -- step -> seconds
    started_at        timestamptz not null default now(),
    finished_at       timestamptz
);
alter table ops.pipeline_runs add column if not exists dbt_nodes jsonb not null default '{}'::jsonb;
-- la_code -> why its figures were not refreshed (its data failed tests; ingestion.isolation)
alter table ops.pipeline_runs add column if not exists stale_authorities jsonb not null default '{}'::jsonb;
create index if not exists pipeline_runs_published_idx on ops.pipeline_runs (published_at desc)
    where published;
"""


def ensure_ops(conn) -> None:
    """Create the ops schema and table if missing (idempotent; caller commits)."""
    with conn.cursor() as cur:
        cur.execute("select pg_advisory_xact_lock(hashtext('cscw.ops.ddl'))")
        cur.execute(OPS_DDL)


def _jsonable(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def start_run(conn, run_id: str, *, extract_date: date | None, la_codes: list[str], trigger: str) -> None:
    """Record (or restart) a run. A re-run of the same run_id resets its outcome columns."""
    ensure_ops(conn)
    with conn.cursor() as cur:
        cur.execute(
            """
            insert into ops.pipeline_runs (run_id, trigger, extract_date, la_codes)
            values (%s, %s, %s, %s)
            on conflict (run_id) do update set
                trigger = excluded.trigger, extract_date = excluded.extract_date,
                la_codes = excluded.la_codes, status = 'running', published = false,
                published_at = null, failed_step = null, error = null, finished_at = null,
                tests_passed = null, tests_failed = null, models_built = null, dbt_nodes = '{}'::jsonb,
                stale_authorities = '{}'::jsonb,
                rows_loaded = 0, rows_quarantined = 0, batches = '{}'::jsonb, durations = '{}'::jsonb,
                started_at = now()
            """,
            (run_id, trigger, extract_date, list(la_codes)),
        )
    conn.commit()


def update_run(conn, run_id: str, **fields) -> None:
    """Set columns of one run. `durations` is merged into the stored object, not replaced."""
    if not fields:
        return
    ensure_ops(conn)
    sets, values = [], []
    for key, value in fields.items():
        if key == "durations":
            sets.append("durations = durations || %s::jsonb")
            values.append(json.dumps(value))
        elif key in ("batches", "extracts"):
            sets.append(f"{key} = %s::jsonb")
            values.append(json.dumps(value, default=_jsonable))
        else:
            sets.append(f"{key} = %s")
            values.append(value)
    with conn.cursor() as cur:
        cur.execute(f"update ops.pipeline_runs set {', '.join(sets)} where run_id = %s", [*values, run_id])
        if cur.rowcount == 0:
            # A callback for a run whose start was never recorded (e.g. it failed before start_run).
            cur.execute(
                "insert into ops.pipeline_runs (run_id) values (%s) on conflict do nothing", (run_id,)
            )
            cur.execute(
                f"update ops.pipeline_runs set {', '.join(sets)} where run_id = %s", [*values, run_id]
            )
    conn.commit()


def fail_run(conn, run_id: str, *, step: str, error: str) -> None:
    """Mark a run failed with the step and reason; keeps the first failure if called twice."""
    ensure_ops(conn)
    with conn.cursor() as cur:
        cur.execute(
            """
            insert into ops.pipeline_runs (run_id, status, failed_step, error, finished_at)
            values (%s, 'failed', %s, %s, now())
            on conflict (run_id) do update set
                status = 'failed', published = false,
                failed_step = coalesce(ops.pipeline_runs.failed_step, excluded.failed_step),
                error = coalesce(ops.pipeline_runs.error, excluded.error),
                finished_at = now()
            """,
            (run_id, step, error[:10000]),
        )
    conn.commit()


def get_run(conn, run_id: str) -> dict | None:
    with conn.cursor() as cur:
        cur.execute("select to_regclass('ops.pipeline_runs')")
        if cur.fetchone()[0] is None:
            return None
        cur.execute("select row_to_json(r) from ops.pipeline_runs r where run_id = %s", (run_id,))
        row = cur.fetchone()
    return row[0] if row else None


def node_counts(nodes: dict[str, str], declared_warnings: frozenset[str] | None = None) -> dict[str, int]:
    """tests passed/failed and models built from {dbt unique_id: status}. With `declared_warnings` (the
    tests the project declares as warnings), any other test ending as a warning counts as failed: an
    isolated build demotes failing data tests to warnings (ingestion.isolation)."""

    def failed(uid: str, status: str) -> bool:
        if status == "warn":
            return declared_warnings is not None and uid not in declared_warnings
        return status in ("fail", "error", "runtime error")

    tests = {uid: st for uid, st in nodes.items() if uid.startswith(("test.", "unit_test."))}
    models = [st for uid, st in nodes.items() if uid.startswith("model.")]
    n_failed = sum(failed(uid, st) for uid, st in tests.items())
    return {
        "tests_passed": sum(st in ("pass", "warn") and not failed(uid, st) for uid, st in tests.items()),
        "tests_failed": n_failed,
        "models_built": sum(st == "success" for st in models),
    }


def record_dbt_nodes(
    conn, run_id: str, nodes: dict[str, str], declared_warnings: frozenset[str] | None = None
) -> dict[str, int]:
    """Merge dbt node statuses into the run and recompute its test/model counts. Per-node, so Cosmos
    tasks (one per model, possibly retried) and a single `dbt build` record the same way."""
    if not nodes:
        return {}
    ensure_ops(conn)
    with conn.cursor() as cur:
        cur.execute("select dbt_nodes from ops.pipeline_runs where run_id = %s for update", (run_id,))
        row = cur.fetchone()
        merged = {**(row[0] if row else {}), **nodes}
        counts = node_counts(merged, declared_warnings)
        cur.execute(
            """update ops.pipeline_runs set dbt_nodes = %s::jsonb, tests_passed = %s, tests_failed = %s,
                   models_built = %s where run_id = %s""",
            (
                json.dumps(merged),
                counts["tests_passed"],
                counts["tests_failed"],
                counts["models_built"],
                run_id,
            ),
        )
    conn.commit()
    return counts


def record_load(conn, run_id: str, summary: dict) -> None:
    """Merge one authority's load summary into the run (idempotent per authority: retries overwrite)."""
    ensure_ops(conn)
    with conn.cursor() as cur:
        cur.execute(
            """update ops.pipeline_runs set
                   batches = batches || jsonb_build_object(%s::text, %s::jsonb)
               where run_id = %s""",
            (summary["la_code"], json.dumps(summary), run_id),
        )
        cur.execute(
            """update ops.pipeline_runs set
                   rows_loaded = (select coalesce(sum((v->>'rows_loaded')::bigint), 0)
                                  from jsonb_each(batches) as e(k, v)),
                   rows_quarantined = (select coalesce(sum((v->>'rows_quarantined')::bigint), 0)
                                       from jsonb_each(batches) as e(k, v))
               where run_id = %s""",
            (run_id,),
        )
    conn.commit()


def mark_published(cur, run_id: str, extracts: dict[str, str], stale: dict[str, str] | None = None) -> None:
    """Inside the publish transaction: the run published these extracts (la_code -> extract date); the
    `stale` authorities (la_code -> reason) kept their earlier figures."""
    cur.execute(
        """update ops.pipeline_runs set published = true, published_at = now(), status = 'published',
           extracts = %s::jsonb, stale_authorities = %s::jsonb where run_id = %s""",
        (json.dumps(extracts), json.dumps(stale or {}), run_id),
    )


def finish_run(conn, run_id: str) -> dict:
    """Close the run record: finished_at, total duration, and failed unless published."""
    ensure_ops(conn)
    with conn.cursor() as cur:
        cur.execute(
            """update ops.pipeline_runs set finished_at = now(),
                   status = case when published then 'published' else 'failed' end,
                   durations = durations || jsonb_build_object('total',
                       round(extract(epoch from now() - started_at)::numeric, 2))
               where run_id = %s""",
            (run_id,),
        )
    conn.commit()
    return get_run(conn, run_id) or {}
