"""COPYing one extract's files on several connections at once, still all or nothing.

The batch transaction (the data connection, in the loading thread) and ``COPY_CONNECTIONS - 1``
helper connections (a thread each) take the files from one queue, largest first. A helper COPYs
into snapshot tables of its own (``raw_snapshots."<table>_<batch_id>"``, checked as on the data
connection) in its own transaction and commits them unattached: whoever reads ``raw.<table>`` does
not see them. The batch transaction then adopts them (``ALTER TABLE ... INHERIT``) and commits with
the batch's bookkeeping, so raw.<table> and raw._batches change together or not at all. When the
batch is rejected or fails, the helpers' tables are dropped; after a crash between the two commits,
the next load of the same extract drops them (it holds the extract's advisory lock, so no loader is
still working on them).

Why: the server's work for a COPY (forming and writing the rows) is the larger part of a load and
one backend does it on one core; two connections use the machine's two cores
(docs/loader.md, "Speed").
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import psycopg2
from psycopg2 import sql

from ingestion.loader.schema import SNAPSHOT_SCHEMA, snapshot_name

COPY_CONNECTIONS = 2  # the data connection and one helper: the machines here have two cores


@dataclass
class HelperRun:
    """What one helper connection did for one extract: whether it committed tables (unattached)."""

    committed: bool = False
    error: BaseException | None = None


class Helpers:
    """The helper connections of one load_path call, opened when first needed."""

    def __init__(self, url: str, count: int):
        self.url, self.count = url, count
        self.conns: list = []

    def connections(self) -> list:
        while len(self.conns) < self.count:
            conn = psycopg2.connect(self.url)
            conn.set_client_encoding("UTF8")
            self.conns.append(conn)
        return self.conns

    def close(self) -> None:
        for conn in self.conns:
            conn.close()


def run_jobs(jobs: Iterable, data_cur, helpers: list, work: Callable, *, keep: Callable[[], bool]) -> bool:
    """Run ``work(cur, job, on_data)`` for every job: in this thread on the data connection's
    cursor, and on each helper connection in a thread of its own, taking jobs from one queue.
    ``work`` returns whether it left a snapshot table on a helper connection. Each helper then
    commits (when ``keep()`` still says the batch can load) or rolls back; after an exception
    anywhere, the others stop taking jobs and roll back. Returns whether any helper committed
    (its tables are then the caller's to adopt or drop); re-raises an exception once every thread
    has stopped."""
    todo: queue.SimpleQueue = queue.SimpleQueue()
    for job in jobs:
        todo.put(job)
    stop = threading.Event()
    runs = [HelperRun() for _ in helpers]
    threads = [
        threading.Thread(target=_helper, args=(conn, todo, work, keep, stop, run), name=f"copy helper {i}")
        for i, (conn, run) in enumerate(zip(helpers, runs, strict=True), start=1)
    ]
    for t in threads:
        t.start()
    try:
        _drain(todo, stop, lambda job: work(data_cur, job, True))
    except BaseException:
        stop.set()
        raise
    finally:
        for t in threads:
            t.join()
    for run in runs:
        if run.error is not None:
            raise run.error
    return any(run.committed for run in runs)


def _drain(todo: queue.SimpleQueue, stop: threading.Event, step: Callable) -> None:
    while not stop.is_set():
        try:
            job = todo.get_nowait()
        except queue.Empty:
            return
        step(job)


def _helper(
    conn, todo, work: Callable, keep: Callable[[], bool], stop: threading.Event, run: HelperRun
) -> None:
    left = []
    try:
        with conn.cursor() as cur:
            _drain(todo, stop, lambda job: left.append(work(cur, job, False)))
        if any(left) and keep() and not stop.is_set():
            conn.commit()
            run.committed = True
        else:
            conn.rollback()
    except BaseException as e:  # re-raised in the loading thread by run_jobs
        run.error = e
        stop.set()
        with contextlib.suppress(psycopg2.Error):  # a lost connection: nothing left to roll back
            conn.rollback()


def drop_batch_snapshots(cur, tables: Iterable[str], batch_id: int) -> list[str]:
    """Drop this batch's snapshot tables that no raw table adopted: those helper connections
    committed for a batch that was then rejected or failed (call it after the batch's rollback).
    Returns their names."""
    return _drop_unattached(cur, [snapshot_name(t, batch_id) for t in tables])


def drop_unadopted(cur, tables: Iterable[str], la_code: str, extract_date) -> list[str]:
    """Drop the snapshot tables of earlier attempts at this extract that no raw table adopted (a
    crash between a helper's commit and the batch's). Call it holding the extract's advisory lock,
    so that no other loader is still working on them. Returns their names."""
    cur.execute(
        "select batch_id from raw._batches where la_code = %s and extract_date = %s", (la_code, extract_date)
    )
    batch_ids = [r[0] for r in cur.fetchall()]
    return _drop_unattached(cur, [snapshot_name(t, b) for b in batch_ids for t in tables])


def _drop_unattached(cur, names: list[str]) -> list[str]:
    cur.execute(
        "select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace"
        " where n.nspname = %s and c.relname = any(%s) and c.relkind = 'r'"
        " and not exists (select from pg_inherits i where i.inhrelid = c.oid)",
        (SNAPSHOT_SCHEMA, names),
    )
    found = [r[0] for r in cur.fetchall()]
    for name in found:
        cur.execute(sql.SQL("drop table {}.{}").format(sql.Identifier(SNAPSHOT_SCHEMA), sql.Identifier(name)))
    return found
