"""Shared fixtures: one throwaway embedded Postgres cluster per test session, a fresh database
per test module (or per test) on request. Tests never touch the user's .cscw/ folder."""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg2
import pytest

from ingestion.embedded import EmbeddedPostgres

REPO_DIR = Path(__file__).resolve().parent.parent
SHARED_DIR = REPO_DIR.parent / "shared"


@pytest.fixture(scope="session", autouse=True)
def isolated_home(tmp_path_factory) -> Path:
    """CSCW_HOME points at a temporary folder for the whole session; no URL is inherited."""
    home = tmp_path_factory.mktemp("cscw_home")
    saved = {k: os.environ.get(k) for k in ("CSCW_HOME", "CSCW_DATABASE_URL", "CSCW_PSEUDONYM_KEY")}
    os.environ["CSCW_HOME"] = str(home)
    os.environ.pop("CSCW_DATABASE_URL", None)
    os.environ["CSCW_PSEUDONYM_KEY"] = "test-only-pseudonym-key"
    os.environ.setdefault("AIRFLOW__COSMOS__ENABLE_TELEMETRY", "False")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    yield home
    for k, v in saved.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


@pytest.fixture(scope="session")
def pg_server(tmp_path_factory):
    """A fresh embedded cluster for this test session, stopped at the end."""
    server = EmbeddedPostgres(tmp_path_factory.mktemp("pg"), fast_unsafe=True)
    server.start()
    yield server
    server.stop()


def with_database(url: str, database: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + database))


def create_database(pg_server: EmbeddedPostgres, prefix: str = "t") -> str:
    """Create an empty database with a unique name and return its URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    conn = psycopg2.connect(pg_server.url("postgres"))
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'create database "{name}"')
    conn.close()
    return with_database(pg_server.url("postgres"), name)


def query(url: str, sql: str, args=None):
    """Run one statement in its own committed transaction; the rows when it returns any, else None."""
    conn = psycopg2.connect(url)
    try:
        with conn.cursor() as cur:
            cur.execute(sql, args)
            rows = cur.fetchall() if cur.description else None
        conn.commit()
        return rows
    finally:
        conn.close()


@pytest.fixture(scope="module")
def module_db_url(pg_server) -> str:
    """A database of its own for one test module."""
    return create_database(pg_server, "m")


@pytest.fixture
def db_url(pg_server) -> str:
    """A database of its own for one test."""
    return create_database(pg_server, "f")


@pytest.fixture(scope="session")
def kpi_build(pg_server, tmp_path_factory):
    """Every hand-worked KPI case and a generated Lancashire in one database, built by ONE `dbt build`
    for the session (tests/kpis/conftest.py), shared by the KPI tests and the board pack's."""
    from tests.kpis.conftest import build_kpi_cases

    return build_kpi_cases(pg_server, tmp_path_factory)
