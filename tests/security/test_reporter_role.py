"""Logged in as a member of the BI role `reporter`: the published marts and nothing else (no build or
previous schema, no raw or key, no temporary tables, no other database). The grants come from the real
code paths: the build's prepare step, the marts post-hook macro (run by dbt), and publish."""

from __future__ import annotations

import uuid
from urllib.parse import urlsplit, urlunsplit

import psycopg2
import pytest

from ingestion import builds, publish
from ingestion.build import prepare_warehouse
from ingestion.dbt_runner import run_dbt


def _as(url: str, user: str, password: str, database: str | None = None) -> str:
    parts = urlsplit(url)
    path = f"/{database}" if database else parts.path
    return urlunsplit(parts._replace(netloc=f"{user}:{password}@{parts.hostname}:{parts.port}", path=path))


def _make_build(url: str, night: int) -> builds.Build:
    """A build (the lock taken) whose schema holds one marts relation, granted as every marts model
    grants itself (dbt)."""
    conn = psycopg2.connect(url)
    build = builds.start(conn, f"test night {night}")
    with conn, conn.cursor() as cur:
        cur.execute(f'create schema "{build.build_schema}"')
        cur.execute(f'create table "{build.build_schema}".kpi_values as select {night} as night')
    conn.close()
    run = run_dbt(["run-operation", "grant_reporter", "--args", f"{{schema: {build.build_schema}}}"], url)
    assert run.success, run.summary()
    return build


@pytest.fixture
def reader(db_url):
    user, password = f"bi_probe_{uuid.uuid4().hex[:8]}", uuid.uuid4().hex
    admin = psycopg2.connect(db_url)
    admin.autocommit = True
    with admin.cursor() as cur:
        prepare_warehouse(db_url)
        cur.execute(f"create role {user} login password %s in role reporter", (password,))
    yield lambda database=None: _as(db_url, user, password, database)
    with admin.cursor() as cur:
        cur.execute(f"drop role {user}")
    admin.close()


def test_reporter_reads_the_published_marts_only(db_url, reader):
    for night in (1, 2):  # two publishes: night 1 becomes marts__previous
        build = _make_build(db_url, night)
        conn = psycopg2.connect(db_url)
        publish.publish(conn, build)
        builds.finish(conn, build.build_id)
        conn.close()
    unpublished = _make_build(db_url, 3)  # a build not (yet) published: unaudited
    conn = psycopg2.connect(reader())
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute("select night from marts.kpi_values")
            assert cur.fetchall() == [(2,)]
            cur.execute(
                "select distinct n.nspname from pg_class c join pg_namespace n on n.oid = c.relnamespace"
                " where n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast')"
                " and has_schema_privilege(n.oid, 'USAGE') and has_table_privilege(c.oid, 'SELECT')"
            )
            assert cur.fetchall() == [("marts",)]
            for relation in (
                f"{publish.PREVIOUS_SCHEMA}.kpi_values",
                f"{unpublished.build_schema}.kpi_values",
                "raw._batches",
                "cscw_private.pseudonym_key",
            ):
                with pytest.raises(psycopg2.errors.InsufficientPrivilege):
                    cur.execute(f"select * from {relation}")
            with pytest.raises(psycopg2.errors.InsufficientPrivilege):
                cur.execute("create temporary table scratch (x int)")
    finally:
        conn.close()
    with pytest.raises(psycopg2.OperationalError, match="permission denied for database"):
        psycopg2.connect(reader("postgres")).close()
