"""Fixtures for the loader tests: a landing folder, an archive folder and a database per test."""

from __future__ import annotations

from pathlib import Path

import psycopg2
import pytest

from ingestion.loader import load_path


@pytest.fixture
def landing(tmp_path) -> Path:
    path = tmp_path / "landing"
    path.mkdir()
    return path


@pytest.fixture
def archive(tmp_path) -> Path:
    return tmp_path / "archive"


@pytest.fixture
def load(db_url, archive):
    """load(path, **kwargs) -> list[BatchResult], into this test's database."""

    def _load(path, **kwargs):
        kwargs.setdefault("archive_dir", archive)
        return load_path(path, db_url, **kwargs)

    return _load


@pytest.fixture
def query(db_url):
    """query(sql, params) -> list of tuples, on this test's database."""
    conn = psycopg2.connect(db_url)
    conn.autocommit = True

    def _query(sql, params=None):
        with conn.cursor() as cur:
            cur.execute(sql, params)
            return cur.fetchall() if cur.description else []

    yield _query
    conn.close()
