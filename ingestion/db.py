"""Where the warehouse database is: CSCW_DATABASE_URL, else the embedded Postgres under CSCW_HOME."""

from __future__ import annotations

from contextlib import contextmanager

import psycopg2

from ingestion.config import Settings, private_dir, settings


def embedded_server(s: Settings | None = None):
    from ingestion.embedded import EmbeddedPostgres

    s = s or settings()
    private_dir(s.home)  # the database, its password and log live under it
    return EmbeddedPostgres(s.embedded_dir)


def database_url(s: Settings | None = None) -> str:
    """The warehouse URL; starts (or finds) the embedded server when no URL is configured."""
    s = s or settings()
    if s.database_url:
        return s.database_url
    return embedded_server(s).start()


@contextmanager
def connect(url: str | None = None):
    """A psycopg2 connection that is closed on exit (commit/rollback is the caller's)."""
    conn = psycopg2.connect(url or database_url())
    try:
        yield conn
    finally:
        conn.close()
