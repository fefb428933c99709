"""The embedded database: starts on TCP with a password, is found again by a second handle,
and keeps its data across stop/start."""

from __future__ import annotations

import subprocess
import sys

import psycopg2

from ingestion.embedded import EmbeddedPostgres


def test_start_is_found_again_and_data_survives_stop(tmp_path):
    server = EmbeddedPostgres(tmp_path / "db", fast_unsafe=True)
    url = server.start()
    try:
        assert url.startswith("postgresql://") and "@127.0.0.1:" in url
        with psycopg2.connect(url) as conn, conn.cursor() as cur:
            cur.execute("create table kept (x int); insert into kept values (42)")
        # another handle on the same folder finds the same running server
        other = EmbeddedPostgres(tmp_path / "db")
        assert other.start() == url
        assert other.status().pid == server.status().pid
    finally:
        assert server.stop() is True
    assert server.status().running is False
    assert server.stop() is False
    url2 = server.start()
    try:
        with psycopg2.connect(url2) as conn, conn.cursor() as cur:
            cur.execute("select x from kept")
            assert cur.fetchone() == (42,)
    finally:
        server.stop()


def test_password_is_required(pg_server):
    url = pg_server.url()
    wrong = url.replace(url.split(":")[2].split("@")[0], "not-the-password")
    try:
        psycopg2.connect(wrong).close()
        raise AssertionError("connected with a wrong password")
    except psycopg2.OperationalError as err:
        assert "password authentication failed" in str(err)


def test_cli_db_lifecycle_uses_cscw_home(tmp_path):
    env = {"CSCW_HOME": str(tmp_path / "home"), "PATH": "/usr/bin:/bin"}

    def cscw(*args):
        return subprocess.run(
            [sys.executable, "-m", "ingestion.cli", "db", *args], env=env, capture_output=True, text=True
        )

    assert cscw("status").returncode == 3
    started = cscw("start")
    assert started.returncode == 0, started.stderr
    try:
        url = cscw("url").stdout.strip()
        assert url.startswith("postgresql://")
        assert "running" in cscw("status").stdout
    finally:
        assert cscw("stop").returncode == 0
    assert (tmp_path / "home" / "pg" / "pgdata" / "PG_VERSION").exists()
