"""A change to what the incremental models are computed with rebuilds them in full: the definition is
fingerprinted before each build and the affected tables are dropped when it differs."""

from __future__ import annotations

import psycopg2

from ingestion import warehouse_state
from tests.conftest import query

TABLES = ["staging.hist_ssd__person", "intermediate.int_child_changes", "warehouse.fct_cla_reviews"]


def _make_tables(url: str) -> None:
    for name in TABLES:
        schema = name.split(".")[0]
        query(url, f"create schema if not exists {schema}; create table if not exists {name} (x int)")
    query(url, "create table if not exists warehouse.dim_team (x int)")


def _existing(url: str) -> list[str]:
    rows = query(
        url,
        "select table_schema || '.' || table_name from information_schema.tables"
        " where table_schema in ('staging', 'intermediate', 'warehouse') and table_name <> 'fact_watermarks'",
    )
    return sorted(r[0] for r in rows)


def _reset(url: str, vars=None) -> list[str]:
    conn = psycopg2.connect(url)
    try:
        return warehouse_state.reset_if_changed(conn, vars)
    finally:
        conn.close()


def test_fingerprints_follow_the_definition():
    base = warehouse_state.fingerprints({}, pseudonym_key="k1")
    assert base == warehouse_state.fingerprints({"marts_schema": "marts__build"}, pseudonym_key="k1")
    assert warehouse_state.fingerprints({}, pseudonym_key="k2")["warehouse"] != base["warehouse"]
    with_var = warehouse_state.fingerprints({"cp_end_looked_after_window_days": 10}, pseudonym_key="k1")
    assert with_var["warehouse"] != base["warehouse"] and with_var["history"] == base["history"]
    # the facts are computed from the history: every history file is part of the warehouse's definition
    history, warehouse = map(
        set, map(warehouse_state._files, (warehouse_state.HISTORY_FILES, warehouse_state.WAREHOUSE_FILES))
    )
    assert history and history <= warehouse


def test_reset_drops_only_what_the_change_reaches(db_url, monkeypatch):
    _make_tables(db_url)
    _reset(db_url)  # first build of this database: nothing recorded yet, everything incremental goes
    _make_tables(db_url)
    assert _reset(db_url) == []  # same definition: nothing dropped
    assert _existing(db_url) == sorted([*TABLES, "warehouse.dim_team"])

    # a build var: the facts and the change log are rebuilt, the history stays
    assert _reset(db_url, {"cp_end_looked_after_window_days": 10}) == [
        "warehouse.fct_cla_reviews",
        "intermediate.int_child_changes",
    ]
    assert _existing(db_url) == ["staging.hist_ssd__person", "warehouse.dim_team"]

    # the history's definition (its files are the warehouse's too, so both change): everything incremental
    _make_tables(db_url)
    monkeypatch.setattr(
        warehouse_state,
        "fingerprints",
        lambda vars=None: {"history": "another history definition", "warehouse": "another warehouse"},
    )
    dropped = _reset(db_url, {"cp_end_looked_after_window_days": 10})
    assert sorted(dropped) == sorted(TABLES)
    recorded = dict(query(db_url, "select layer, fingerprint from ops.warehouse_definition"))
    assert recorded["history"] == "another history definition"


def test_reset_also_drops_the_views_over_what_it_drops(db_url):
    _make_tables(db_url)
    _reset(db_url)
    _make_tables(db_url)
    _reset(db_url)
    query(
        db_url,
        "create view intermediate.int_child_change_events as select x from intermediate.int_child_changes",
    )
    # a build var changed: the change log goes, and the view over it with it (dbt makes it again)
    assert "intermediate.int_child_changes" in _reset(db_url, {"cp_end_looked_after_window_days": 11})
    assert query(db_url, "select to_regclass('intermediate.int_child_change_events')") == [(None,)]
