"""Publish (the schema swap), the ops run record and the notifier, against a real database."""

from __future__ import annotations

import sys
import types
from datetime import date

import psycopg2
import pytest

from ingestion import builds, notify, ops, publish
from ingestion.db import connect
from ingestion.grants import ensure_reporter
from ingestion.pipeline.landing import authorities, latest_complete_date, manifest_ready
from ingestion.pipeline.loading import pending_extracts
from ingestion.pipeline.records import finish, record_dbt_nodes, record_failure, record_load, record_start
from tests.conftest import query as _q


@pytest.fixture
def marts_db(db_url):
    """marts holds night 1 (v=1, with a view over it); the started build's schema holds night 2 (v=2)."""
    _q(
        db_url,
        """
        create schema marts;
        create table marts.kpi (v int);
        insert into marts.kpi values (1);
        create view marts.kpi_view as select v * 10 as v10 from marts.kpi;
        create schema raw;
        create table raw._batches (batch_id bigint, la_code text, extract_date date, status text);
        insert into raw._batches values (1, '888', '2026-01-01', 'loaded'),
            (2, '888', '2026-01-02', 'loaded'), (3, '888', '2026-01-03', 'rejected'),
            (4, '855', '2026-01-02', 'loaded');
        """,
    )
    return db_url


def _create_schema(url: str, build: builds.Build) -> None:
    _q(url, f'create schema "{build.build_schema}"')


def _build_for(url: str, run_id: str | None) -> builds.Build:
    with connect(url) as conn:
        build = builds.start(conn, "test", run_id=run_id)
    _create_schema(url, build)
    s = build.build_schema
    _q(
        url,
        f"""create table "{s}".kpi (v int); insert into "{s}".kpi values (2);
            create view "{s}".kpi_view as select v * 10 as v10 from "{s}".kpi""",
    )
    return build


def test_publish_swaps_the_build_schema_in_and_records_the_run(marts_db):
    record_start(marts_db, "run-1", date(2026, 1, 2), ["855", "888"], "cli")
    build = _build_for(marts_db, "run-1")
    with connect(marts_db) as conn:
        result = publish.publish(conn, build)
    assert result.relations == 2 and result.previous_kept
    assert _q(marts_db, "select v from marts.kpi") == [(2,)]
    # the view moved with its schema and reads the new table
    assert _q(marts_db, "select v10 from marts.kpi_view") == [(20,)]
    assert _q(marts_db, "select v from marts__previous.kpi") == [(1,)]
    assert _q(marts_db, "select count(*) from pg_namespace where nspname like 'marts\\_\\_build%'") == [(0,)]
    run = _q(marts_db, "select status, published, extracts from ops.pipeline_runs where run_id = 'run-1'")
    assert run == [("published", True, {"888": "2026-01-02", "855": "2026-01-02"})]
    fresh = _q(marts_db, "select la_code, data_as_at::text, run_id from marts.data_freshness order by 1")
    assert fresh == [("855", "2026-01-02", "run-1"), ("888", "2026-01-02", "run-1")]


def test_publish_without_a_build_refuses_and_leaves_marts_alone(marts_db):
    with connect(marts_db) as conn:
        build = builds.start(conn, "test")
    with connect(marts_db) as conn, pytest.raises(publish.PublishError, match="nothing to publish"):
        publish.publish(conn, build)
    assert _q(marts_db, "select v from marts.kpi") == [(1,)]


def test_a_failed_swap_rolls_back_whole(marts_db):
    """If anything in the publish transaction fails, marts is exactly as before (one transaction)."""
    _q(marts_db, "create schema marts__previous; create table marts__previous.keep (x int)")
    # a dependent view elsewhere on marts__previous cannot block the drop (cascade), so force an
    # error instead: a run record column that does not accept the update.
    _q(marts_db, "create schema ops")
    _q(
        marts_db,
        "create table ops.pipeline_runs (run_id text primary key, published boolean check (not published))",
    )
    build = _build_for(marts_db, "run-1")
    with connect(marts_db) as conn, pytest.raises(psycopg2.Error):
        publish.publish(conn, build)
    assert _q(marts_db, "select v from marts.kpi") == [(1,)]
    assert _q(marts_db, f'select v from "{build.build_schema}".kpi') == [(2,)]


def test_run_record_keeps_the_first_failure_and_counts_dbt_nodes(db_url):
    record_start(db_url, "run-2", date(2026, 1, 3), ["888"], "airflow")
    record_load(db_url, "run-2", {"la_code": "888", "rows_loaded": 10, "rows_quarantined": 1})
    record_load(db_url, "run-2", {"la_code": "855", "rows_loaded": 5, "rows_quarantined": 0})
    record_load(db_url, "run-2", {"la_code": "888", "rows_loaded": 12, "rows_quarantined": 0})  # retry
    record_dbt_nodes(db_url, "run-2", {"model.cscw.a": "success", "test.cscw.t1": "pass"})
    record_dbt_nodes(db_url, "run-2", {"test.cscw.t2": "fail", "test.cscw.t1": "pass"})
    with connect(db_url) as conn:
        ops.fail_run(conn, "run-2", step="dbt.x_test", error="boom")
        ops.fail_run(conn, "run-2", step="finish_run", error="not published")
    run = finish(db_url, "run-2")
    assert run["status"] == "failed" and not run["published"]
    assert (run["failed_step"], run["error"]) == ("dbt.x_test", "boom")
    assert (run["rows_loaded"], run["rows_quarantined"]) == (17, 0)
    assert (run["tests_passed"], run["tests_failed"], run["models_built"]) == (1, 1, 1)
    assert run["finished_at"] and "total" in run["durations"]
    # re-running the night resets the outcome
    record_start(db_url, "run-2", date(2026, 1, 3), ["888"], "airflow")
    again = _q(db_url, "select status, failed_step, rows_loaded, dbt_nodes from ops.pipeline_runs")
    assert again == [("running", None, 0, {})]


def test_notifier_is_pluggable_and_never_raises(monkeypatch):
    seen = []
    mod = types.ModuleType("cscw_test_notifier")
    mod.send = lambda subject, body: seen.append((subject, body))

    def broken(subject, body):
        raise OSError("webhook down")

    mod.broken = broken
    monkeypatch.setitem(sys.modules, "cscw_test_notifier", mod)
    sent = notify.notify("subject", "body", "cscw_test_notifier:send,cscw_test_notifier:broken,log")
    assert sent == 2 and seen == [("subject", "body")]
    monkeypatch.setenv("CSCW_NOTIFIER", "no-such-notifier")
    assert notify.notify("s", "b") == 1  # falls back to the log
    monkeypatch.setenv("CSCW_NOTIFIER", "teams")
    monkeypatch.setenv("CSCW_TEAMS_WEBHOOK_URL", "http://127.0.0.1:9/unreachable")
    assert notify.notify("s", "b") == 0


def test_record_failure_writes_the_reason_and_notifies(db_url, monkeypatch):
    seen = []
    mod = types.ModuleType("cscw_test_notifier2")
    mod.send = lambda subject, body: seen.append(subject)
    monkeypatch.setitem(sys.modules, "cscw_test_notifier2", mod)
    monkeypatch.setenv("CSCW_NOTIFIER", "cscw_test_notifier2:send")
    record_failure(db_url, "run-3", "load_extract", ValueError("bad manifest"))
    row = _q(db_url, "select status, failed_step, error from ops.pipeline_runs where run_id = 'run-3'")
    assert row == [("failed", "load_extract", "ValueError: bad manifest")]
    assert seen == ["cscw nightly run failed at load_extract"]


def test_pending_extracts_backfill_in_date_order(db_url, tmp_path):
    landing = tmp_path / "landing"
    for d in ("2026-01-01", "2026-01-02", "2026-01-03", "2026-01-04", "2026-01-05"):
        folder = landing / "888" / d
        folder.mkdir(parents=True)
        if d != "2026-01-04":  # still being written: no manifest
            (folder / "manifest.json").write_text("{}")
    _q(db_url, "create schema raw; create table raw._batches (la_code text, extract_date date, status text)")
    _q(db_url, "insert into raw._batches values ('888', '2026-01-02', 'loaded')")

    def pending(day):
        return [r.extract_date.isoformat() for r in pending_extracts(landing, "888", day, db_url)]

    # missed nights after the newest loaded one, oldest first; nothing newer than the run's night
    assert pending(date(2026, 1, 5)) == ["2026-01-03", "2026-01-05"]
    assert pending(date(2026, 1, 3)) == ["2026-01-03"]
    # an explicit backfill of an older night loads just that night
    assert pending(date(2026, 1, 1)) == ["2026-01-01"]
    # a night already loaded is not loaded again
    assert pending(date(2026, 1, 2)) == []
    assert manifest_ready(landing, "888", date(2026, 1, 3))
    assert not manifest_ready(landing, "888", date(2026, 1, 4))
    assert authorities(landing) == ["888"]
    assert latest_complete_date(landing) == date(2026, 1, 5)


def test_publish_waits_for_a_table_held_like_autovacuum_instead_of_deadlocking(marts_db):
    """Autovacuum analyses freshly built tables: a session holding a build table as ANALYZE does (share
    update exclusive), which then updates that table's catalog row (as ANALYZE's statistics update
    does), must not deadlock with the publish: the publish takes its tables before any catalog change."""
    import threading
    import time

    build = _build_for(marts_db, None)
    s = build.build_schema
    _q(
        marts_db,
        f'create table "{s}".kpi_la (la_code text, v int); insert into "{s}".kpi_la values (\'888\', 1)',
    )
    with connect(marts_db) as conn, conn.cursor() as cur:
        ensure_reporter(cur)  # the publish grants it the new tables: a catalog change on each
        conn.commit()
    holder = psycopg2.connect(marts_db)
    outcome: dict[str, object] = {}

    def run_publish():
        try:
            with connect(marts_db) as conn:
                outcome["published"] = publish.publish(conn, build).relations
        except Exception as exc:
            outcome["error"] = exc

    try:
        with holder.cursor() as cur:
            cur.execute(f'lock table "{s}".kpi_la in share update exclusive mode')
            publisher = threading.Thread(target=run_publish)
            publisher.start()
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:  # until the publish waits for the holder's lock
                waiting = _q(
                    marts_db,
                    "select count(*) from pg_stat_activity where wait_event_type = 'Lock'"
                    " and pid <> pg_backend_pid()",
                )
                if waiting[0][0]:
                    break
                time.sleep(0.05)
            time.sleep(1.5)  # past deadlock_timeout (1 s), had the publish already changed a catalog row
            cur.execute(f'grant select on "{s}".kpi_la to public')  # the holder's catalog update
        holder.commit()
        publisher.join(timeout=60)
    finally:
        holder.close()
    assert "error" not in outcome, outcome.get("error")
    assert outcome["published"] == 3
    assert _q(marts_db, "select la_code, v from marts.kpi_la") == [("888", 1)]
