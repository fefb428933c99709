"""Loading extracts: one extract, one transaction; every attempt recorded in raw._batches."""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psycopg2
from psycopg2 import sql
from psycopg2.extras import Json, execute_values

from ingestion.config import settings
from ingestion.contract import Contract, Table, load_contract
from ingestion.loader.copyload import attach_child, copy_file
from ingestion.loader.manifest import (
    MANIFEST,
    ExtractFolder,
    FileEntry,
    Manifest,
    find_extracts,
    hash_files,
    missing_files,
    open_regular,
    printable,
    read_manifest,
    sha256_file,
)
from ingestion.loader.parallel import (
    COPY_CONNECTIONS,
    Helpers,
    drop_batch_snapshots,
    drop_unadopted,
    run_jobs,
)
from ingestion.loader.schema import (
    SCHEMA,
    SNAPSHOT_SCHEMA,
    ensure_schema,
    hold_schema_steady,
    snapshot_name,
)
from ingestion.loader.validate import (
    CHUNK_BYTES,
    FileError,
    FileResult,
    FileValidator,
    QuarantineRecord,
    check_header,
    read_header,
)

STATUSES = ("loaded", "already_loaded", "rejected", "skipped_incomplete")
LINEAGE = ("_la_code", "_extract_date", "_batch_id", "_source_line")
PROGRESS_SECONDS = 1.0
# Quarantine details kept per file of a rejected extract (a loaded one keeps all: it is under the
# threshold); past this a wholly broken file would only fill memory and the table with repeats.
QUARANTINE_KEEP = 10_000
QUARANTINE_EXAMPLES = 3  # quarantine records quoted in the errors of an extract over the threshold
ARCHIVE_TMP_MARK = ".tmp"  # an archive copy in progress: <hash prefix>.tmp<random> (cscw cleanup)


class DatabaseUnavailable(RuntimeError):
    """The database went away (or never answered) during a load: not the extract's fault. The
    extract being loaded was rolled back; ``results`` holds the extracts finished before."""

    def __init__(self, message: str, results: list | None = None):
        super().__init__(message)
        self.results = results or []


_CONNECTION_ERRORS = (psycopg2.OperationalError, psycopg2.InterfaceError)


@dataclass
class BatchResult:
    la_code: str
    extract_date: dt.date | None
    batch_id: int | None
    status: str  # one of STATUSES
    rows_loaded: int = 0
    rows_quarantined: int = 0
    errors: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    tables: dict[str, int] = field(default_factory=dict)  # rows loaded per table
    seconds: float = 0.0
    path: Path | None = None
    archive_path: Path | None = None

    @property
    def label(self) -> str:
        return printable(f"{self.la_code}/{self.extract_date or (self.path.name if self.path else '')}")


class _ChunkReader:
    """The file-like object COPY reads: each read() runs validation until the next chunk is ready,
    so Python validates while the server is still parsing the previous chunk."""

    def __init__(self, chunks: Iterator[bytes]):
        self._chunks = chunks

    def read(self, size: int = -1) -> bytes:
        return next(self._chunks, b"")


class _Progress:
    """Throttled progress lines (file, rows, rows/s) for one extract; files may load at once (one
    per connection): each line names the file reporting and counts the rows of all of them."""

    def __init__(self, emit: Callable[[str], None] | None, label: str, nfiles: int):
        self.emit, self.label, self.nfiles = emit, label, nfiles
        self.started = self.last = time.monotonic()
        self.rows_in: dict[str, int] = {}  # rows so far per file
        self.lock = threading.Lock()

    def file(self, name: str, index: int) -> Callable[[int], None]:
        """The callback that the loading of file ``index`` (of nfiles) calls with its rows so far."""

        def rows(in_file: int) -> None:
            now = time.monotonic()
            with self.lock:
                self.rows_in[name] = in_file
                if self.emit is None or now - self.last < PROGRESS_SECONDS:
                    return
                self.last = now
                total = sum(self.rows_in.values())
                rate = total / max(now - self.started, 1e-9)
                self.emit(
                    f"{self.label}: file {index}/{self.nfiles} {name}: {total:,} rows, {rate:,.0f} rows/s"
                )

        return rows


@dataclass
class _FileJob:
    """One file of an extract on its way into raw (or found unusable)."""

    index: int  # position among the extract's files (name order), for progress lines
    entry: FileEntry
    path: Path
    table: Table
    limit: int  # quarantine records kept
    result: FileResult | None = None
    error: str | None = None  # an unusable header (FileError)
    copied: bool = False  # by the COPY path: a snapshot table to attach
    own_table: bool = False  # row by row into a snapshot table of its own (extra columns): to inherit
    extras: list[str] = field(default_factory=list)  # the file's extra (non-contract) columns
    columns: set[str] = field(default_factory=set)  # its snapshot table's columns (raw's and extras)
    fallback: bool = False  # a helper connection could not COPY it: row by row on the data connection


def load_path(
    path,
    url: str | None = None,
    *,
    threshold: float = 0.01,
    archive_dir=None,
    progress: Callable[[str], None] | None = None,
) -> list[BatchResult]:
    """Load every complete extract under ``path`` (one extract folder, an authority's folder or a
    landing root) in extract-date order; folders without a manifest are skipped as incomplete.

    ``threshold``: the share of a table's rows that may be quarantined before the whole extract
    is rejected. ``progress`` receives throttled one-line progress messages."""
    if not 0 <= threshold <= 1:
        raise ValueError("threshold is a fraction between 0 and 1")
    folders = find_extracts(Path(path))
    contract = load_contract()
    archive = Path(archive_dir) if archive_dir else settings().archive_dir
    if url is None:
        from ingestion.db import database_url

        url = database_url()
    try:
        data = psycopg2.connect(url)
        book = psycopg2.connect(url)
    except _CONNECTION_ERRORS as e:
        raise DatabaseUnavailable(f"cannot connect to the database: {_first_line(e)}") from e
    done: list[BatchResult] = []
    try:
        for conn in (data, book):
            conn.set_client_encoding("UTF8")
        book.autocommit = True  # batch records survive the data transaction's rollback
        loader = _Loader(data, book, contract, threshold, archive, progress)
        loader.helpers = Helpers(url, COPY_CONNECTIONS - 1)
        # The validator allocates millions of short-lived rows and no reference cycles: the cyclic
        # GC only costs time here (about a sixth of the validation time, measured).
        gc_was_enabled = gc.isenabled()
        gc.disable()
        try:
            # The first extract's files are hashed and archived while the server makes the schema.
            first = loader.prepare(folders[0]) if folders else None
            loader.columns = ensure_schema(data, contract)
            hold_schema_steady(book)
            for i, f in enumerate(folders):
                p = first if i == 0 else loader.prepare(f)
                try:
                    done.append(loader.load(p))
                except _CONNECTION_ERRORS as e:
                    raise DatabaseUnavailable(
                        f"{p.folder.label}: the database connection was lost while loading "
                        f"({_first_line(e)}); nothing of this extract was loaded",
                        done,
                    ) from e
            return done
        except _CONNECTION_ERRORS as e:
            raise DatabaseUnavailable(f"the database connection was lost ({_first_line(e)})", done) from e
        finally:
            if gc_was_enabled:
                gc.enable()
            loader.helpers.close()
    finally:
        data.close()
        book.close()


@dataclass
class _Prepared:
    """An extract folder whose manifest has been read, its files being hashed and archived."""

    folder: ExtractFolder
    result: BatchResult
    started: float
    manifest: Manifest | None = None
    errors: list[str] = field(default_factory=list)
    checks: _HashAndArchive | None = None


class _Loader:
    def __init__(self, data, book, contract: Contract, threshold: float, archive: Path, progress):
        self.data, self.book = data, book
        self.columns: dict[str, set[str]] = {}  # raw table -> columns, as committed (ensure_schema)
        self.contract = contract
        self.threshold = threshold
        self.archive = archive
        self.progress = progress
        self.helpers: Helpers | None = None

    def prepare(self, folder: ExtractFolder) -> _Prepared:
        """Read the manifest and, when it is usable, start hashing and archiving the files in a
        thread (hashlib and sendfile release the GIL), while they are validated and copied; the
        hashes are checked before the commit. No database work."""
        result = BatchResult(
            folder.la_code, folder.extract_date, None, "skipped_incomplete", path=folder.path
        )
        p = _Prepared(folder, result, time.perf_counter())
        if not folder.complete:
            return p
        p.manifest, p.errors = read_manifest(folder, self.contract)
        if p.manifest is not None:
            p.errors += missing_files(folder, p.manifest)
            result.notices += [
                f"{f.name}: not a contract table: archived, not loaded"
                for f in p.manifest.files.values()
                if f.table is None
            ]
        if not p.errors:
            p.checks = _HashAndArchive(self, folder, p.manifest)
            p.checks.start()
        return p

    def load(self, p: _Prepared) -> BatchResult:
        folder, result, manifest, errors, started = p.folder, p.result, p.manifest, p.errors, p.started
        if not folder.complete:
            result.notices.append(f"no {MANIFEST} yet (still being written): skipped")
            return result
        if errors:
            if manifest is not None:
                errors += hash_files(folder, manifest)
            content_hash = manifest.content_hash() if manifest else _manifest_hash(folder)
            # A rejected extract is not archived: it cannot be replayed, the authority has its files,
            # and the errors and quarantine records say what to fix.
            return self._reject_early(result, manifest, content_hash, errors, started)
        checks = p.checks
        try:
            return self._load_data(
                folder, manifest, manifest.content_hash(declared=True), result, started, checks
            )
        except Exception as e:  # not the extract's fault: record it (if the database still can), then raise
            with contextlib.suppress(*_CONNECTION_ERRORS):
                self.data.rollback()
            if result.batch_id is not None:
                with contextlib.suppress(*_CONNECTION_ERRORS), self.book.cursor() as cur:
                    cur.execute(
                        "update raw._batches set status = 'failed', error = %s,"
                        " finished_at = clock_timestamp() where batch_id = %s",
                        (f"{type(e).__name__}: {e}", result.batch_id),
                    )
            raise
        finally:
            checks.join()

    # ---- the data transaction ----
    def _load_data(self, folder, manifest: Manifest, content_hash, result, started, checks) -> BatchResult:
        cur = self.data.cursor()
        # Two loaders of the same extract queue here; the second then finds it loaded.
        cur.execute(
            "select pg_advisory_xact_lock(hashtextextended(%s, 0))",
            (f"cscw-load:{folder.la_code}:{folder.extract_date}",),
        )
        cur.execute(
            "select batch_id, content_hash from raw._batches"
            " where la_code = %s and extract_date = %s and status = 'loaded'",
            (folder.la_code, folder.extract_date),
        )
        previous = cur.fetchone()
        if previous and previous[1] == content_hash and not checks.wait():
            self.data.rollback()
            result.status, result.batch_id = "already_loaded", previous[0]
            result.archive_path = checks.archive_path
            result.notices.append(f"already loaded as batch {previous[0]} (same files): nothing to do")
            return result
        batch_id = self._new_batch(folder, manifest, content_hash, result)
        result.batch_id = batch_id
        correction = (
            f"replaces batch {previous[0]} (same extract date, different files): treated as a correction"
            if previous
            else None
        )
        if correction:
            result.notices.append(correction)
        # Tables a crashed earlier attempt at this extract left behind (see parallel.py).
        drop_unadopted(cur, self.contract.tables, folder.la_code, folder.extract_date)
        entries = sorted((f for f in manifest.files.values() if f.table), key=lambda f: f.name)
        jobs = [self._job(i, e, folder) for i, e in enumerate(entries, start=1)]
        batch = (folder.la_code, folder.extract_date.isoformat(), batch_id)
        try:
            added = self._load_files(cur, jobs, batch, result.label)
            errors, quarantine, seconds, quarantined, extra_notes = self._file_outcomes(jobs, result)
            errors += checks.wait()
            result.archive_path = checks.archive_path
            with self.book.cursor() as bc:
                bc.execute(
                    "update raw._batches set archive_path = %s, file_hashes = %s where batch_id = %s",
                    (None if errors else str(checks.archive_path), Json(_file_hashes(manifest)), batch_id),
                )
            if errors:  # nothing of a rejected extract is loaded
                result.tables = {}
            else:
                result.notices += extra_notes
            result.rows_loaded = sum(result.tables.values())
            result.rows_quarantined = sum(quarantined.values())
            stats = {
                "rows_loaded": Json(result.tables),
                "rows_quarantined": Json(quarantined),
                "file_seconds": Json(seconds),
                "total_rows_loaded": result.rows_loaded,
                "total_rows_quarantined": result.rows_quarantined,
                "notices": "\n".join(result.notices) or None,
            }
            if errors:
                self.data.rollback()
                self._drop_helper_tables(batch_id)
                checks.discard_archive()
                result.archive_path = None
                if correction:
                    result.notices[result.notices.index(correction)] = (
                        f"a correction of batch {previous[0]} (same extract date, different files) was "
                        f"rejected: batch {previous[0]} stays loaded"
                    )
                    stats["notices"] = "\n".join(result.notices)
                return self._finish_rejected(result, batch_id, errors, quarantine, stats, started)
            for job in jobs:
                if job.copied:
                    attach_child(cur, job.table.name, batch)
                elif job.own_table:
                    cur.execute(
                        sql.SQL("alter table {}.{} inherit {}.{}").format(
                            sql.Identifier(SNAPSHOT_SCHEMA),
                            sql.Identifier(snapshot_name(job.table.name, batch_id)),
                            sql.Identifier(SCHEMA),
                            sql.Identifier(job.table.name),
                        )
                    )
            if previous:
                self._supersede(cur, previous[0], batch_id)
            _copy_quarantine(cur, batch_id, folder, quarantine)
            result.seconds = time.perf_counter() - started
            self._update_batch(cur, batch_id, "loaded", stats, result.seconds, loaded=True)
            self.data.commit()
        except BaseException:
            self.data.rollback()
            self._drop_helper_tables(batch_id)
            raise
        for t, cols in added.items():
            self.columns[t] = cols
        result.status = "loaded"
        return result

    def _job(self, index: int, entry: FileEntry, folder: ExtractFolder) -> _FileJob:
        return _FileJob(
            index,
            entry,
            folder.path / entry.name,
            self.contract.tables[entry.table],
            quarantine_limit(entry, self.threshold),
        )

    def _load_files(self, cur, jobs: list[_FileJob], batch, label: str) -> dict[str, set[str]]:
        """Every file through the COPY path (several at once, see parallel.py) or row by row.
        Header problems are found first, in file order: with one, every file is only validated
        (a rejected extract reports every problem). Returns the raw columns as this transaction
        leaves them. Tables that helper connections committed are adopted or dropped later."""
        prog = _Progress(self.progress, label, len(jobs))
        added: dict[str, set[str]] = {}
        extras: dict[str, list[str]] = {}
        for job in jobs:
            try:
                extras[job.entry.name] = read_extra_columns(job.path, job.table, job.entry.encoding)
            except FileError as e:
                job.error = f"{job.entry.name} {e}"
        usable = [job for job in jobs if job.error is None]
        if len(usable) < len(jobs):
            for job in usable:
                self._validate_only(job, batch, prog)
            return added
        for job in jobs:
            # Extra columns stay with this batch's own snapshot table, never the shared raw table
            # (one table's columns are capped: 1,600 extra columns over the years broke every load).
            job.extras = extras[job.entry.name]
            job.columns = set(self.columns[job.table.name]) | set(job.extras)
        failed = threading.Event()  # a file problem: the extract is rejected, later files only validated

        def work(c, job: _FileJob, on_data: bool) -> bool:
            return self._load_file(c, job, batch, job.columns, prog, failed, on_data=on_data)

        helpers = self.helpers.connections() if len(jobs) > 1 else []
        largest_first = sorted(jobs, key=lambda j: -j.path.stat().st_size)
        run_jobs(largest_first, cur, helpers, work, keep=lambda: not failed.is_set())
        for job in jobs:  # files a helper could not COPY: row by row into raw.<table> itself
            if job.fallback:
                self._row_by_row_job(cur, job, batch, prog, copy=not failed.is_set())
        return added

    def _load_file(self, cur, job: _FileJob, batch, raw_columns, prog, failed, *, on_data: bool) -> bool:
        """One file on one connection; whether it left a snapshot table on a helper connection."""
        if failed.is_set():
            self._validate_only(job, batch, prog)
            return False
        cur.execute("savepoint file")
        try:
            r = copy_file(
                cur,
                job.path,
                job.table,
                self.contract.code_lists,
                encoding=job.entry.encoding,
                batch=batch,
                quarantine_limit=job.limit,
                raw_columns=raw_columns,
                progress=prog.file(job.entry.name, job.index),
            )
        except FileError as e:
            cur.execute("rollback to savepoint file")
            job.error = f"{job.entry.name} {e}"
            failed.set()
            return False
        cur.execute("rollback to savepoint file" if r is None else "release savepoint file")
        if r is not None:
            job.result, job.copied = r, True
        elif on_data:
            self._row_by_row_job(cur, job, batch, prog, copy=True)
        else:
            job.fallback = True  # the row-by-row path writes raw.<table>: the batch transaction's
            return False
        if self._problems(job):
            failed.set()
        return job.copied and not on_data

    def _row_by_row_job(self, cur, job: _FileJob, batch, prog, *, copy: bool) -> None:
        try:
            job.result = self._row_by_row(cur, job, batch, prog, copy=copy)
        except FileError as e:
            job.error = f"{job.entry.name} {e}"

    def _validate_only(self, job: _FileJob, batch, prog) -> None:
        self._row_by_row_job(None, job, batch, prog, copy=False)

    def _problems(self, job: _FileJob) -> list[str]:
        """The errors a file gives the extract (each rejects it), in the order they are reported."""
        if job.error:
            return [job.error]
        return file_problems(job.entry, job.result, self.threshold)

    def _file_outcomes(self, jobs: list[_FileJob], result: BatchResult):
        """Errors, notices, quarantine records and per-file statistics, in file order (files may
        have loaded in any order). Returns (errors, quarantine, seconds, quarantined, notes on
        extra columns, for a loaded extract only)."""
        errors: list[str] = []
        quarantine: list[QuarantineRecord] = []
        seconds: dict[str, float] = {}
        quarantined: dict[str, int] = {}
        extra_notes: list[str] = []
        for job in jobs:
            errors += self._problems(job)
            r, name = job.result, job.entry.name
            if r is None or r.error:
                continue
            if r.extra_columns:
                own = f"{SNAPSHOT_SCHEMA}.{snapshot_name(job.table.name, result.batch_id)}"
                extra_notes.append(
                    f"{name}: extra column(s) kept with this extract's snapshot ({own}): "
                    + ", ".join(r.extra_columns)
                )
            seconds[name] = round(r.seconds, 3)
            result.tables[job.table.name] = r.rows_loaded
            quarantined[job.table.name] = r.rows_quarantined
            quarantine += r.quarantine
            over = r.rows_quarantined > self.threshold * r.rows_read
            if over and not r.quarantine_stored_all:
                result.notices.append(
                    f"{name}: only the first {job.limit:,} quarantined rows are kept in raw._quarantine"
                )
            elif r.rows_quarantined and not over:
                result.notices.append(
                    f"{name}: {r.rows_quarantined:,} row(s) quarantined "
                    f"(see raw._quarantine, batch {result.batch_id})"
                )
        return errors, quarantine, seconds, quarantined, extra_notes

    def _drop_helper_tables(self, batch_id: int) -> None:
        """Tables helper connections committed for a batch that did not load (after its rollback)."""
        with self.book.cursor() as bc:
            drop_batch_snapshots(bc, self.contract.tables, batch_id)

    def _row_by_row(self, cur, job: _FileJob, batch, prog: _Progress, *, copy: bool) -> FileResult:
        """The row-by-row path (validate.py): files the fast path cannot take, and every file once
        the extract is rejected (validated, not copied, to report every problem)."""
        table = job.table
        v = FileValidator(
            job.path,
            table,
            self.contract.code_lists,
            encoding=job.entry.encoding,
            lineage=tuple(map(str, batch)),
            quarantine_limit=job.limit,
            progress=prog.file(job.entry.name, job.index),
        )
        if not copy:
            for _ in v.chunks():
                pass
            return v.result
        target = sql.SQL("{}.{}").format(sql.Identifier(SCHEMA), sql.Identifier(table.name))
        if v.result.extra_columns:  # into a snapshot table of this batch's own, inherited at the commit
            target = sql.SQL("{}.{}").format(
                sql.Identifier(SNAPSHOT_SCHEMA), sql.Identifier(snapshot_name(table.name, int(batch[2])))
            )
            cur.execute(
                sql.SQL("create table {} (like {}.{})").format(
                    target, sql.Identifier(SCHEMA), sql.Identifier(table.name)
                )
            )
            for column in v.result.extra_columns:
                cur.execute(
                    sql.SQL("alter table {} add column if not exists {} text").format(
                        target, sql.Identifier(column)
                    )
                )
            job.own_table = True
        stmt = sql.SQL("copy {} ({}) from stdin with (format csv)").format(
            target, sql.SQL(", ").join(map(sql.Identifier, [*v.result.columns, *LINEAGE]))
        )
        cur.copy_expert(stmt.as_string(self.data), _ChunkReader(v.chunks()), size=CHUNK_BYTES)
        return v.result

    def _supersede(self, cur, old: int, new: int) -> None:
        """Delete the old snapshot's rows: the COPY path put them in the old batch's own child
        tables, the row-by-row path in raw.<table> itself. Only those are touched (the children's
        lineage CHECKs are not validated, so a filter on raw.<table> would scan every snapshot)."""
        for t in self.contract.tables:
            cur.execute(
                sql.SQL("delete from only {}.{} where _batch_id = %s").format(
                    sql.Identifier(SCHEMA), sql.Identifier(t)
                ),
                (old,),
            )
        cur.execute(
            "select c.oid::regclass from pg_class c join pg_namespace n on n.oid = c.relnamespace"
            " where n.nspname = %s and c.relname = any(%s)",
            (SNAPSHOT_SCHEMA, [snapshot_name(t, old) for t in self.contract.tables]),
        )
        for (child,) in cur.fetchall():
            cur.execute(sql.SQL("delete from {}").format(sql.SQL(child)))  # a regclass, quoted as needed
        cur.execute(
            "update raw._batches set status = 'superseded', superseded_by = %s where batch_id = %s",
            (new, old),
        )

    # ---- bookkeeping (autocommit connection) ----
    def _new_batch(self, folder: ExtractFolder, manifest: Manifest | None, content_hash, result) -> int:
        doc = manifest.doc if manifest else {}
        with self.book.cursor() as cur:
            cur.execute(
                "insert into raw._batches (la_code, extract_date, status, content_hash, contract_version,"
                " source_system, extracted_at, source_path, archive_path, threshold, file_hashes,"
                " history_start)"
                " values (%s, %s, 'loading', %s, %s, %s, %s, %s, %s, %s, %s, %s) returning batch_id",
                (
                    printable(folder.la_code),
                    folder.extract_date,
                    content_hash,
                    doc.get("contract_version") if type(doc.get("contract_version")) is int else None,
                    str(doc.get("source_system") or "") or None,
                    str(doc.get("extracted_at") or "") or None,
                    printable(str(folder.path)),
                    str(result.archive_path) if result.archive_path else None,  # set later if not yet
                    self.threshold,
                    Json(_file_hashes(manifest) if manifest else {}),
                    manifest.history_start if manifest else None,
                ),
            )
            return cur.fetchone()[0]

    def _update_batch(
        self, cur, batch_id: int, status: str, stats: dict, seconds: float, *, loaded=False, error=None
    ):
        cur.execute(
            "update raw._batches set status = %(status)s, rows_loaded = %(rows_loaded)s,"
            " rows_quarantined = %(rows_quarantined)s, file_seconds = %(file_seconds)s,"
            " total_rows_loaded = %(total_rows_loaded)s, total_rows_quarantined = %(total_rows_quarantined)s,"
            " notices = %(notices)s, error = %(error)s, finished_at = clock_timestamp(),"
            " duration_seconds = %(seconds)s,"
            " loaded_at = case when %(loaded)s then clock_timestamp() end"
            " where batch_id = %(batch_id)s",
            {
                **stats,
                "status": status,
                "error": error,
                "seconds": round(seconds, 3),
                "loaded": loaded,
                "batch_id": batch_id,
            },
        )

    def _reject_early(self, result, manifest, content_hash, errors, started) -> BatchResult:
        """Rejected before any data was read (manifest or file checks): record the attempt."""
        if result.extract_date is None and manifest is not None:
            result.extract_date = manifest.extract_date
        batch_id = self._new_batch(
            ExtractFolder(result.path, result.la_code, result.extract_date), manifest, content_hash, result
        )
        result.batch_id = batch_id
        stats = {
            "rows_loaded": Json({}),
            "rows_quarantined": Json({}),
            "file_seconds": Json({}),
            "total_rows_loaded": 0,
            "total_rows_quarantined": 0,
            "notices": "\n".join(result.notices) or None,
        }
        return self._finish_rejected(result, batch_id, errors, [], stats, started)

    def _finish_rejected(self, result, batch_id, errors, quarantine, stats, started) -> BatchResult:
        errors = [printable(e) for e in errors]
        result.status, result.errors = "rejected", errors
        result.seconds = time.perf_counter() - started
        with self.book.cursor() as cur:
            # Kept for a rejected extract too: it is what the authority needs to fix.
            _copy_quarantine(
                cur, batch_id, ExtractFolder(result.path, result.la_code, result.extract_date), quarantine
            )
            self._update_batch(cur, batch_id, "rejected", stats, result.seconds, error="\n".join(errors))
        return result

    def _archive(self, folder: ExtractFolder, manifest: Manifest, content_hash: str) -> tuple[Path, bool]:
        """Copy the manifest and the files it lists to archive/<la_code>/<extract_date>/<hash prefix>/
        (once); returns the folder and whether this call made it. Only regular files, already
        checked against the manifest's sizes (manifest.missing_files), are copied, folder 0700 and
        files 0600: they hold children's personal data."""
        target = (
            self.archive / folder.la_code / str(folder.extract_date or folder.path.name) / content_hash[:16]
        )
        if target.is_dir():
            return target, False
        make_private_dirs(target.parent, self.archive)
        # A private temporary folder per call: two loaders (processes or threads) may archive at once.
        tmp = Path(tempfile.mkdtemp(prefix=target.name + ARCHIVE_TMP_MARK, dir=target.parent))
        for name in (MANIFEST, *manifest.files):
            with open_regular(folder.path / name) as src:
                fd = os.open(tmp / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(fd, "wb") as dst:
                    shutil.copyfileobj(src, dst, 1 << 20)
            shutil.copystat(folder.path / name, tmp / name, follow_symlinks=False)
            os.chmod(tmp / name, 0o600)
        try:
            tmp.rename(target)
        except OSError:
            shutil.rmtree(tmp, ignore_errors=True)
            if not target.is_dir():  # not just another loader archiving it first
                raise
            return target, False
        return target, True


def quarantine_limit(entry: FileEntry, threshold: float) -> int:
    """Quarantine records kept for a file: past the threshold the extract is rejected anyway."""
    return max(int(threshold * entry.rows), QUARANTINE_KEEP)


def file_problems(entry: FileEntry, r: FileResult, threshold: float) -> list[str]:
    """The errors a validated file gives its extract (each rejects it); `cscw extract check` reports
    the same ones without loading."""
    name = entry.name
    if r.error:
        return [f"{name} {r.error}"]
    problems = []
    if r.rows_read != entry.rows:
        problems.append(f"{name}: {r.rows_read} rows, but {MANIFEST} says {entry.rows}")
    if r.rows_quarantined > threshold * r.rows_read:
        problems.append(
            f"{name}: {r.rows_quarantined:,} of {r.rows_read:,} rows "
            f"({r.rows_quarantined / r.rows_read:.1%}) quarantined, over the "
            f"{threshold:.1%} threshold"
        )
        problems += [describe_quarantine(q) for q in r.quarantine[:QUARANTINE_EXAMPLES]]
    return problems


def read_extra_columns(path: Path, table, encoding: str) -> list[str]:
    """The file's extra (non-contract) columns; FileError when its header is unusable."""
    return check_header(table, read_header(path, encoding))


def _copy_quarantine(cur, batch_id: int, folder: ExtractFolder, records: list[QuarantineRecord]) -> None:
    if records:
        execute_values(
            cur,
            "insert into raw._quarantine"
            " (batch_id, la_code, extract_date, file, line, column_name, value, reason) values %s",
            [
                (batch_id, folder.la_code, folder.extract_date, q.file, q.line, q.column, q.value, q.reason)
                for q in records
            ],
            page_size=1000,
        )


class _HashAndArchive(threading.Thread):
    """Hashes the listed files, then archives the folder under the hash of what was actually
    sent (so a later, correct re-send is not mistaken for an archived bad one)."""

    def __init__(self, loader: _Loader, folder: ExtractFolder, manifest: Manifest):
        super().__init__(name=f"hash-archive {folder.label}", daemon=True)
        self.loader, self.folder, self.manifest = loader, folder, manifest
        self.errors: list[str] = []
        self.archive_path: Path | None = None
        self.created = False  # this attempt made the archive folder (removed if it is rejected)
        self._exc: BaseException | None = None

    def run(self) -> None:
        try:
            self.errors = hash_files(self.folder, self.manifest)
            self.archive_path, self.created = self.loader._archive(
                self.folder, self.manifest, self.manifest.content_hash()
            )
        except BaseException as e:  # re-raised in the loading thread by wait()
            self._exc = e

    def discard_archive(self) -> None:
        """The extract was rejected: remove the copy this attempt made (see Loader.load)."""
        self.join()
        if self.created and self.archive_path is not None:
            shutil.rmtree(self.archive_path, ignore_errors=True)

    def wait(self) -> list[str]:
        """Join; the hash mismatches (empty when the files are as the manifest says)."""
        self.join()
        if self._exc is not None:
            raise self._exc
        return self.errors


def _first_line(e: BaseException) -> str:
    return (str(e).strip().splitlines() or [type(e).__name__])[0]


def _manifest_hash(folder: ExtractFolder) -> str | None:
    """Identity of an attempt whose manifest is unusable: the manifest's own bytes, if readable."""
    try:
        return sha256_file(folder.path / MANIFEST)
    except OSError:
        return None


def make_private_dirs(path: Path, top: Path) -> None:
    """mkdir -p ``path`` with the folders from ``top`` down made 0700 (the archive holds children's
    personal data; umask would make them world-readable)."""
    top.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(top, 0o700)
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    p = path
    while p != top and top in p.parents:
        os.chmod(p, 0o700)
        p = p.parent


def _file_hashes(manifest: Manifest) -> dict[str, str | None]:
    return {f.name: f.actual_sha256 or f.sha256 for f in manifest.files.values()}


def describe_quarantine(q: QuarantineRecord) -> str:
    where = f" column {q.column} value {q.value!r}:" if q.column else ""
    return f"{q.file} line {q.line}:{where} {q.reason}"
