"""Housekeeping against a real database: a load killed mid-way (kill -9 between the helper's commit and
the batch's) leaves a batch at `loading` and unattached snapshot tables, which `cscw cleanup` removes;
the retention policy keeps what the history and an incremental build need."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import textwrap

import psycopg2

from ingestion.cli import main
from ingestion.contract import load_contract
from ingestion.dbt_runner import run_dbt
from ingestion.housekeeping import apply_retention, cleanup, kept_extracts, run_quietly
from ingestion.loader.schema import ensure_schema
from tests.loader.extract import valid_rows, write_extract

D = dt.date


def _unattached(query) -> list[str]:
    return [
        r[0]
        for r in query(
            "select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace"
            " where n.nspname = 'raw_snapshots' and c.relkind = 'r'"
            " and not exists (select from pg_inherits i where i.inhrelid = c.oid)"
        )
    ]


def _crash_a_load(folder, db_url, archive) -> None:
    """Load in a child process that dies (os._exit: no cleanup, like kill -9) just before the batch
    transaction adopts the helper connection's committed snapshot tables."""
    script = textwrap.dedent(
        f"""
        import os
        from ingestion.loader import core
        core.attach_child = lambda *a, **k: os._exit(9)
        core.load_path({str(folder)!r}, {db_url!r}, archive_dir={str(archive)!r})
        """
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert proc.returncode == 9, proc.stderr


def test_cleanup_after_a_killed_load(landing, db_url, archive, query, load, monkeypatch, capsys):
    folder = write_extract(landing, n=40)
    _crash_a_load(folder, db_url, archive)
    assert query("select status from raw._batches") == [("loading",)]
    leftovers = _unattached(query)
    assert leftovers, "the helper connection's tables are left unattached"
    stale = archive / "901" / "2019-04-01" / "0123456789abcdef.tmpxyz"
    stale.mkdir(parents=True)
    (stale / "ssd_person.csv").write_text("children's data")
    os.utime(stale, (0, 0))

    monkeypatch.setenv("CSCW_DATABASE_URL", db_url)
    assert main(["cleanup", "--no-retention", "--archive-dir", str(archive)]) == 0
    out = capsys.readouterr().out
    # the batch row is minutes old at most: `cscw cleanup` leaves it (it may be a load still running)
    assert "batches stuck at loading marked failed: 0" in out
    conn = psycopg2.connect(db_url)
    report = cleanup(conn, archive, stuck_after=dt.timedelta(0))
    conn.close()
    assert len(report.stuck_batches) == 1 and report.dropped_tables == []  # dropped by the CLI run already
    assert query("select status, error from raw._batches") == [
        ("failed", "interrupted (found by cscw cleanup)")
    ]
    assert _unattached(query) == [] and not stale.exists()
    assert f"unattached snapshot tables dropped: {len(leftovers)}" in out
    assert "half-made archive copies removed: 1" in out
    [r] = load(folder)  # the extract loads normally afterwards
    assert r.status == "loaded"


def test_cleanup_leaves_a_load_that_holds_its_lock(db_url, archive, query):
    conn = psycopg2.connect(db_url)
    ensure_schema(conn, load_contract())
    with conn.cursor() as cur:
        cur.execute(
            "insert into raw._batches (la_code, extract_date, status) values ('901', '2019-04-01', 'loading')"
        )
        conn.commit()
        cur.execute(
            "select pg_advisory_lock(hashtextextended('cscw-load:901:2019-04-01', 0))"
        )  # a live loader
    other = psycopg2.connect(db_url)
    assert cleanup(other, archive, stuck_after=dt.timedelta(0)).stuck_batches == []
    assert query("select status from raw._batches") == [("loading",)]
    conn.close()  # the loader goes away: now it is stuck
    assert len(cleanup(other, archive, stuck_after=dt.timedelta(0)).stuck_batches) == 1
    other.close()


def test_the_policy_keeps_recent_nights_month_ends_year_ends_and_the_latest():
    # today 2019-06-30, 35 nightly days back to 2019-05-26; history window of 1 year back to 2018-06-28
    dates = [
        D(2017, 3, 10), D(2017, 3, 31),  # before the window: 31 March (the year end) kept for ever
        D(2017, 4, 30),  # before the window, not March: pruned
        D(2018, 6, 15), D(2018, 6, 30),  # month 2018-06: its last extract kept (inside the window)
        D(2019, 1, 15), D(2019, 1, 31),  # January: the 31st kept, the 15th pruned
        D(2019, 2, 10),  # February's only (so last) extract: kept
        D(2019, 5, 25), D(2019, 5, 26), D(2019, 5, 27),  # 26th on are within 35 days; the 25th goes
        D(2019, 6, 1), D(2019, 6, 29),  # within 35 days: kept
    ]  # fmt: skip
    kept = kept_extracts(dates, D(2019, 6, 30), nightly_days=35, history_years=1)
    assert sorted(kept) == [
        D(2017, 3, 31), D(2018, 6, 30), D(2019, 1, 31), D(2019, 2, 10),
        D(2019, 5, 26), D(2019, 5, 27), D(2019, 6, 1), D(2019, 6, 29),
    ]  # fmt: skip
    # an authority that stopped sending keeps its latest extract
    assert kept_extracts([D(2010, 1, 5), D(2010, 1, 20)], D(2019, 6, 30), history_years=1) == {D(2010, 1, 20)}


NIGHTS = [D(2019, 1, 10), D(2019, 1, 20), D(2019, 1, 31), D(2019, 2, 14), D(2019, 3, 1), D(2019, 3, 2)]


def _history_at(query, day) -> list[str]:
    return [
        r[0]
        for r in query(
            "select source_id from staging.hist_ssd__person where la_code = '901' and valid_from <= %s"
            " and (valid_to is null or valid_to > %s) order by 1",
            (day, day),
        )
    ]


def _snapshot_ids(query, day) -> list[str]:
    return [
        r[0]
        for r in query(
            "select trim(pers_person_id) from raw.ssd_person where _la_code = '901' and _extract_date = %s"
            " order by 1",
            (day,),
        )
    ]


def _build_history(db_url, *extra) -> None:
    run = run_dbt(
        ["build", "--select", "+hist_ssd__person", "--indirect-selection", "cautious", *extra], db_url
    )
    assert run.success, run.summary()


def test_retention_keeps_what_history_and_incremental_builds_need(landing, db_url, load, query):
    for i, night in enumerate(NIGHTS):  # a child joins every night: each night's history differs
        write_extract(
            landing, extract_date=night.isoformat(), tables={"ssd_person": valid_rows("ssd_person", i + 2)}
        )
    assert {r.status for r in load(landing)} == {"loaded"}
    conn = psycopg2.connect(db_url)
    assert apply_retention(conn, D(2019, 3, 2), nightly_days=5, history_years=0) == []  # no history yet
    _build_history(db_url)
    # keep: 2019-03-01 and 03-02 (nightly), March's last (03-02), the latest; 01-31 is not March and
    # before the window: everything before 03-01 goes, but only what the history has read (all of it)
    pruned = apply_retention(conn, D(2019, 3, 2), nightly_days=5, history_years=0)
    conn.close()
    statuses = dict(query("select extract_date, status from raw._batches"))
    assert [d for d in NIGHTS if statuses[d] == "pruned"] == NIGHTS[:4] and len(pruned) == 4
    assert all(_snapshot_ids(query, d) == [] for d in NIGHTS[:4])  # their rows are gone
    # the next night loads and the incremental build (with its history_matches_latest test) passes
    write_extract(landing, extract_date="2019-03-03", tables={"ssd_person": valid_rows("ssd_person", 9)})
    assert [r.status for r in load(landing / "901" / "2019-03-03")] == ["loaded"]
    _build_history(db_url)
    incremental = query("select * from staging.hist_ssd__person order by source_id, valid_from")
    # retained snapshots reproduce history: as at each kept night, the history holds that night's rows
    for day in (*NIGHTS[4:], D(2019, 3, 3)):
        assert _history_at(query, day) == _snapshot_ids(query, day), day
    _build_history(db_url, "--full-refresh")
    for day in (*NIGHTS[4:], D(2019, 3, 3)):
        assert _history_at(query, day) == _snapshot_ids(query, day), day
    full = query("select * from staging.hist_ssd__person order by source_id, valid_from")
    assert {r[:2] for r in full} == {r[:2] for r in incremental}  # the same records


def test_housekeeping_at_the_end_of_a_night_never_raises():
    said: list[str] = []
    assert run_quietly("postgresql://nobody:x@127.0.0.1:1/none", D(2019, 4, 1), said.append) is None
    assert said and said[0].startswith("housekeeping failed (OperationalError")
