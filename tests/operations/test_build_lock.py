"""The warehouse build lock and the publish gate, against a real database (no dbt): one build at a time
whichever path starts it, a crashed holder frees the lock, and a build never publishes when it lost the
lock or when an extract it read was replaced while it ran."""

from __future__ import annotations

import psycopg2
import pytest

from ingestion import builds, publish
from ingestion.db import connect
from tests.conftest import query as _q


@pytest.fixture
def raw_db(db_url):
    _q(
        db_url,
        """create schema raw;
           create table raw._batches (batch_id bigint, la_code text, extract_date date, status text);
           insert into raw._batches values (1, '888', '2026-01-01', 'loaded'),
               (2, '888', '2026-01-02', 'loaded'), (3, '855', '2026-01-02', 'loaded')""",
    )
    return db_url


def _built(url: str, build: builds.Build) -> None:
    _q(url, f'create schema "{build.build_schema}"; create table "{build.build_schema}".kpi (v int)')


def test_a_second_build_fails_fast_naming_the_first_and_a_dead_holder_frees_it(raw_db):
    with builds.held(raw_db, "cli alice") as first:
        with (
            pytest.raises(builds.BuildLocked, match=f"build {first.build_id} by cli alice"),
            builds.held(raw_db, "cli bob"),
        ):
            pass
        # the pins: every batch loaded when the build started, and only those
        _q(raw_db, "insert into raw._batches values (4, '888', '2026-01-03', 'loaded')")
        pinned = _q(
            raw_db, "select batch_id from ops.build_batches where build_id = %s order by 1", (first.build_id,)
        )
        assert pinned == [(1,), (2,), (3,)]
    # released at the end of the block: the next build starts and pins the new night too
    with builds.held(raw_db, "cli bob") as second:
        pinned = _q(raw_db, "select count(*) from ops.build_batches where build_id = %s", (second.build_id,))
        assert pinned == [(4,)]

    # a holder whose process died (its session ended without releasing) does not block anyone
    session = psycopg2.connect(raw_db)
    with session.cursor() as cur:
        cur.execute("select pg_backend_pid()")
        pid = cur.fetchone()[0]
    session.commit()
    builds.start(session, "cli crashed", holder_pid=pid)
    with connect(raw_db) as conn, pytest.raises(builds.BuildLocked, match="cli crashed"):
        builds.start(conn, "cli carol")
    session.close()  # what a kill -9 of the process does to its session
    with connect(raw_db) as conn:
        assert builds.start(conn, "cli carol").owner == "cli carol"


def test_a_dag_run_holds_the_lock_across_tasks_until_its_heartbeat_goes_stale(raw_db, monkeypatch):
    with connect(raw_db) as conn:
        night = builds.start(conn, "airflow run n1", run_id="n1")  # no session: its tasks heartbeat
    with connect(raw_db) as conn, pytest.raises(builds.BuildLocked, match="airflow run n1"):
        builds.start(conn, "cli dave")
    # a retry of the same run's prepare task takes its own lock over with a fresh build
    with connect(raw_db) as conn:
        retry = builds.start(conn, "airflow run n1", run_id="n1")
    assert retry.build_id != night.build_id
    assert _q(raw_db, "select status from ops.builds where build_id = %s", (night.build_id,)) == [("failed",)]
    # no heartbeat for longer than the stale limit: the run is taken as abandoned
    _q(raw_db, "update ops.build_lock set heartbeat_at = now() - interval '181 minutes'")
    with connect(raw_db) as conn:
        assert builds.start(conn, "cli dave").owner == "cli dave"


def test_publish_refuses_a_build_that_lost_the_lock_and_leaves_marts_alone(raw_db):
    _q(raw_db, "create schema marts; create table marts.kpi (v int); insert into marts.kpi values (1)")
    with connect(raw_db) as conn:
        stale = builds.start(conn, "airflow run n1", run_id="n1")
    _built(raw_db, stale)
    _q(raw_db, "update ops.build_lock set heartbeat_at = now() - interval '1 day'")
    with connect(raw_db) as conn:
        builds.start(conn, "cli erin")  # takes the abandoned lock (and drops the other build schema)
    _q(raw_db, f'create schema "{stale.build_schema}"; create table "{stale.build_schema}".kpi (v int)')
    with (
        connect(raw_db) as conn,
        pytest.raises(publish.PublishError, match="no longer holds the warehouse build lock"),
    ):
        publish.publish(conn, stale)
    assert _q(raw_db, "select v from marts.kpi") == [(1,)]


def test_publish_refuses_when_a_night_it_read_was_corrected_during_the_build(raw_db):
    _q(raw_db, "create schema marts; create table marts.kpi (v int); insert into marts.kpi values (1)")
    with builds.held(raw_db, "cli frank") as build:
        _built(raw_db, build)
        # the loader's correction of 2026-01-02 commits while the build runs: the pinned batch is superseded
        _q(raw_db, "update raw._batches set status = 'superseded' where batch_id = 2")
        _q(raw_db, "insert into raw._batches values (5, '888', '2026-01-02', 'loaded')")
        with connect(raw_db) as conn, pytest.raises(publish.PublishError, match="888 2026-01-02 .batch 2."):
            publish.publish(conn, build)
    assert _q(raw_db, "select v from marts.kpi") == [(1,)]
    # the next build reads the correction and publishes
    with builds.held(raw_db, "cli frank") as build:
        _built(raw_db, build)
        with connect(raw_db) as conn:
            publish.publish(conn, build)
    assert _q(raw_db, "select la_code, data_as_at::text, run_id from marts.data_freshness order by 1") == [
        ("855", "2026-01-02", build.build_id),
        ("888", "2026-01-02", build.build_id),
    ]
    assert _q(
        raw_db, "select batch_id from ops.build_batches where build_id = %s order by 1", (build.build_id,)
    ) == [
        (1,),
        (3,),
        (5,),
    ]


def test_published_extracts_are_those_of_the_last_published_build(raw_db):
    with connect(raw_db) as conn, conn.cursor() as cur:
        assert builds.published_extracts(cur) == {}  # nothing published yet
    with builds.held(raw_db, "cli alice") as first:
        _built(raw_db, first)
        with connect(raw_db) as conn:
            publish.publish(conn, first)
    _q(raw_db, "insert into raw._batches values (4, '888', '2026-01-03', 'loaded')")
    with builds.held(raw_db, "cli bob"):  # started after the new night, never published
        pass
    with connect(raw_db) as conn, conn.cursor() as cur:
        assert builds.published_extracts(cur) == {"888": "2026-01-02", "855": "2026-01-02"}
