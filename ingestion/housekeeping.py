"""Housekeeping: what crashed loads leave behind, and how long raw snapshots are kept.

`cleanup` (run by `cscw cleanup` and the nightly DAG's `housekeeping` task after publishing):

- `raw._batches` rows stuck at `loading` (a load killed between its batch record and its commit;
  its data transaction rolled back) become `failed`, once no loader holds that extract's lock;
- snapshot tables in `raw_snapshots` that no raw table adopted (a helper connection's COPY committed,
  the batch never did) are dropped, under the same lock: they hold children's records nobody can read;
- archive copies left half-made (`<hash>.tmp*` folders) older than an hour are removed.

`apply_retention` keeps the raw snapshots a history needs (docs/operations.md, Retention): every
extract of the last `nightly_days` (35) days, the last extract of every month within the history window
(`history_years`, 6: the SSD window), the last extract of every March (year end) for ever, and each
authority's latest extract. Others are pruned (rows dropped, batch status `pruned`), but only once the
incremental history (`staging.hist_ssd__person`) has read past them, so an incremental build never
misses one; a full refresh then rebuilds the history from the kept snapshots.
"""

from __future__ import annotations

import datetime as dt
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from psycopg2 import sql

from ingestion.contract import load_contract
from ingestion.loader.core import ARCHIVE_TMP_MARK
from ingestion.loader.schema import SCHEMA, SNAPSHOT_SCHEMA, snapshot_name

STUCK_AFTER = dt.timedelta(minutes=10)  # a batch row is `loading` for seconds while its load runs
TMP_ARCHIVE_AFTER_SECONDS = 3600
NIGHTLY_DAYS = 35
HISTORY_YEARS = 6
HISTORY_PROBE = "staging.hist_ssd__person"  # every extract has people: its last date is what history read


@dataclass
class CleanupReport:
    stuck_batches: list[int] = field(default_factory=list)
    dropped_tables: list[str] = field(default_factory=list)
    removed_archive_tmp: list[str] = field(default_factory=list)
    pruned_batches: list[int] = field(default_factory=list)

    def lines(self) -> list[str]:
        return [
            f"batches stuck at loading marked failed: {len(self.stuck_batches)}"
            + (f" ({', '.join(map(str, self.stuck_batches))})" if self.stuck_batches else ""),
            f"unattached snapshot tables dropped: {len(self.dropped_tables)}",
            f"half-made archive copies removed: {len(self.removed_archive_tmp)}",
            f"snapshots pruned by the retention policy: {len(self.pruned_batches)}",
        ]


def _extract_lock(cur, la_code: str, extract_date) -> bool:
    """The loader's per-extract lock (core._load_data), tried without waiting, for this transaction."""
    cur.execute(
        "select pg_try_advisory_xact_lock(hashtextextended(%s, 0))", (f"cscw-load:{la_code}:{extract_date}",)
    )
    return cur.fetchone()[0]


def cleanup(conn, archive_dir: Path | None, *, stuck_after: dt.timedelta = STUCK_AFTER) -> CleanupReport:
    report = CleanupReport()
    with conn.cursor() as cur:
        cur.execute("select to_regclass('raw._batches')")
        if cur.fetchone()[0] is None:
            conn.commit()
            return report
        cur.execute(
            "select batch_id, la_code, extract_date from raw._batches where status = 'loading'"
            " and started_at < clock_timestamp() - %s order by batch_id",
            (stuck_after,),
        )
        for batch_id, la_code, extract_date in cur.fetchall():
            if _extract_lock(cur, la_code, extract_date):
                cur.execute(
                    "update raw._batches set status = 'failed', finished_at = clock_timestamp(),"
                    " error = coalesce(error || E'\\n', '') || 'interrupted (found by cscw cleanup)'"
                    " where batch_id = %s and status = 'loading'",
                    (batch_id,),
                )
                report.stuck_batches.append(batch_id)
            conn.commit()  # releases the lock
        report.dropped_tables = _drop_unattached(conn)
    if archive_dir is not None:
        report.removed_archive_tmp = _remove_archive_tmp(Path(archive_dir))
    return report


def _drop_unattached(conn) -> list[str]:
    tables = sorted(load_contract().tables, key=len, reverse=True)  # longest first: names share prefixes
    dropped = []
    with conn.cursor() as cur:
        cur.execute(
            "select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace"
            " where n.nspname = %s and c.relkind = 'r'"
            " and not exists (select from pg_inherits i where i.inhrelid = c.oid)",
            (SNAPSHOT_SCHEMA,),
        )
        for (name,) in cur.fetchall():
            table = next((t for t in tables if name.startswith(t + "_")), None)
            suffix = name[len(table) + 1 :] if table else ""
            if not suffix.isdigit():
                continue  # not a snapshot table: not ours to drop
            cur.execute(
                "select la_code, extract_date, status from raw._batches where batch_id = %s", (int(suffix),)
            )
            row = cur.fetchone()
            # A batch still loading may be adopting it right now: only with the extract's lock.
            if row is None or _extract_lock(cur, row[0], row[1]):
                cur.execute(
                    sql.SQL("drop table {}.{}").format(sql.Identifier(SNAPSHOT_SCHEMA), sql.Identifier(name))
                )
                dropped.append(name)
            conn.commit()
    return dropped


def _remove_archive_tmp(archive: Path) -> list[str]:
    if not archive.is_dir():
        return []
    removed = []
    now = time.time()
    for la in archive.iterdir():
        for day in la.iterdir() if la.is_dir() and not la.is_symlink() else ():
            for p in day.iterdir() if day.is_dir() and not day.is_symlink() else ():
                if ARCHIVE_TMP_MARK in p.name and now - p.lstat().st_mtime > TMP_ARCHIVE_AFTER_SECONDS:
                    shutil.rmtree(p, ignore_errors=True)
                    removed.append(str(p))
    return removed


def kept_extracts(
    dates: list[dt.date], today: dt.date, *, nightly_days=NIGHTLY_DAYS, history_years=HISTORY_YEARS
):
    """Which of one authority's loaded extract dates the policy keeps (see the module docstring)."""
    if not dates:
        return set()
    keep = {max(dates)}
    recent = today - dt.timedelta(days=nightly_days)
    window = dt.date(today.year - history_years, today.month, min(today.day, 28))
    last_of_month: dict[tuple[int, int], dt.date] = {}
    for d in dates:
        if d >= recent:
            keep.add(d)
        key = (d.year, d.month)
        last_of_month[key] = max(d, last_of_month.get(key, d))
    for (_, month), d in last_of_month.items():
        if month == 3 or d >= window:
            keep.add(d)
    return keep


def apply_retention(conn, today: dt.date, **policy) -> list[int]:
    """Prune the loaded snapshots the policy does not keep and the history has read; returns batch ids."""
    tables = list(load_contract().tables)
    pruned = []
    with conn.cursor() as cur:
        cur.execute("select to_regclass(%s)", (HISTORY_PROBE,))
        if cur.fetchone()[0] is None:
            conn.commit()
            return pruned  # no history built yet: nothing may go
        cur.execute(
            f"select la_code, max(greatest(valid_from, coalesce(valid_to, valid_from))) from {HISTORY_PROBE}"
            " group by la_code"
        )
        read_up_to = dict(cur.fetchall())
        cur.execute("select la_code, batch_id, extract_date from raw._batches where status = 'loaded'")
        by_la: dict[str, list[tuple[int, dt.date]]] = {}
        for la, batch_id, day in cur.fetchall():
            by_la.setdefault(la, []).append((batch_id, day))
        conn.commit()
        for la, batches in sorted(by_la.items()):
            keep = kept_extracts([d for _, d in batches], today, **policy)
            for batch_id, day in sorted(batches):
                if day in keep or read_up_to.get(la) is None or day >= read_up_to[la]:
                    continue
                if not _extract_lock(cur, la, day):
                    conn.commit()
                    continue
                _prune(cur, tables, batch_id)
                conn.commit()
                pruned.append(batch_id)
    return pruned


def _prune(cur, tables: list[str], batch_id: int) -> None:
    for t in tables:
        cur.execute(
            sql.SQL("delete from only {}.{} where _batch_id = %s").format(
                sql.Identifier(SCHEMA), sql.Identifier(t)
            ),
            (batch_id,),
        )
        cur.execute(
            sql.SQL("drop table if exists {}.{}").format(
                sql.Identifier(SNAPSHOT_SCHEMA), sql.Identifier(snapshot_name(t, batch_id))
            )
        )
    cur.execute(
        "update raw._batches set status = 'pruned', notices = coalesce(notices || E'\\n', '')"
        " || 'snapshot pruned by the retention policy' where batch_id = %s",
        (batch_id,),
    )


def run(url: str | None = None, *, archive_dir: Path | None = None, today: dt.date | None = None,
        retention: bool = True) -> CleanupReport:  # fmt: skip
    """Everything above, as the nightly task and `cscw cleanup` run it."""
    from ingestion.config import settings
    from ingestion.db import connect

    archive_dir = archive_dir if archive_dir is not None else settings().archive_dir
    with connect(url) as conn:
        report = cleanup(conn, archive_dir)
        if retention:
            report.pruned_batches = apply_retention(conn, today or dt.date.today())
    return report


def run_quietly(url: str, today: dt.date | None, say=print) -> CleanupReport | None:
    """`run` for the end of a night (`cscw nightly`, the DAG task): a problem is logged and said,
    never raised, so housekeeping cannot fail a night that published."""
    import logging

    try:
        report = run(url, today=today)
    except Exception as err:
        logging.getLogger("cscw.housekeeping").exception("housekeeping failed")
        say(f"housekeeping failed ({type(err).__name__}: {err}); the next night tries again")
        return None
    for line in report.lines():
        say(f"housekeeping: {line}")
    return report
