"""The COPY path for one file: Postgres parses the CSV for loading while pyarrow parses the same bytes
in a thread to check them.

Python reads the file's bytes (header and BOM stripped) in blocks cut at line ends and streams them,
each line with its line number put in front, into ``COPY ... FROM STDIN (FORMAT csv, FREEZE,
ENCODING ...)`` into a fresh table ``raw_snapshots."<table>_<batch_id>"`` made in the batch
transaction. After the COPY the constant lineage is added as columns with a default (kept once in
the catalog, not in every row) and the table becomes an inheritance child of ``raw.<table>``. Each
block also goes to a checker thread (``_Checker``): pyarrow's CSV reader parses it (the checked
columns only, as bytes), and per checked column the distinct values go through the same rules as
the row-by-row path (``validate.FileValidator``), blanks in required ids and texts are found with
pyarrow compute, and the keys are checked for repeats. pyarrow and psycopg2 release the GIL, so
the checks run while the server parses. Rows with a bad value, and later rows of a repeated key
(the first line loads), are deleted from the child by line and become quarantine records (same
columns and reasons as the row-by-row path).

The checker also makes sure that each physical line is exactly one record and that Postgres and
pyarrow read every value as the csv module would (quotes only around whole fields, no ``\\.``, no
NUL; COPY itself rejects blank lines, stray carriage returns and mixed line ends). So row i of the
file is line i + 2. A file that fails that, that COPY or pyarrow rejects (ragged rows, bad
encoding), or whose row counts disagree, returns ``None``: the caller rolls back to a savepoint and
runs the row-by-row path, which names the problem exactly as before. See docs/loader.md, "Speed".
"""

from __future__ import annotations

import queue
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import psycopg2
import psycopg2.errors
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from psycopg2 import sql

from ingestion.contract import CodeList, Table
from ingestion.loader.schema import SCHEMA, SNAPSHOT_SCHEMA, snapshot_name
from ingestion.loader.validate import (
    CACHE_LIMIT,
    FileError,
    FileResult,
    FileValidator,
    QuarantineRecord,
    _ColumnCheck,
)

READ_BYTES = 1 << 20  # bytes per message to COPY (progress is reported per message)
BLOCK_BYTES = 1 << 25  # bytes read, and parsed by pyarrow, at a time: a file is held a block or two at once
QUEUED_BLOCKS = 2  # blocks read ahead of the checker at most (bounds memory when it falls behind)
PG_ENCODING = {"utf-8-sig": "UTF8", "utf-8": "UTF8", "cp1252": "WIN1252"}
LINEAGE = ("_la_code", "_extract_date", "_batch_id")
# A line whose quotes all enclose whole fields ("" inside them): Postgres, pyarrow and the csv module
# then read the same values from it, and the line is a whole record.
_FIELD = rb'(?:"(?:[^"]|"")*"|[^",\r\n]*)'
_QUOTED_LINE = re.compile(_FIELD + rb"(?:," + _FIELD + rb")*\r?")
DUPLICATE = "duplicate primary key (an earlier row has it)"
MISSING = "missing required value"
_BLANK_BELOW, _BLANK_ABOVE = pa.scalar(b"!", pa.binary()), pa.scalar(b"~", pa.binary())
_COMMA = pa.scalar(b",", pa.binary())

# Raw values (bytes as sent) known valid, per (kind of check, codec); process-wide.
_VALID_BYTES: dict[tuple[str, str], set[bytes]] = {}

Problem = tuple[str, str, str]  # (column, value as sent, reason), as FileValidator._problems gives


class _Unsuitable(Exception):
    """The file needs the row-by-row path (raised from inside COPY's read, which aborts the COPY,
    or from the checker)."""


@dataclass
class _Checked:
    """What the checker found in a whole file: its rows, and the problems per line (header order
    within a line; a row with a bad value does not hold its key, as in the row-by-row path)."""

    rows: int = 0
    problems: dict[int, list[Problem]] = field(default_factory=dict)


class _Checker(threading.Thread):
    """Checks the blocks of one file as the feed reads them: pyarrow parses each block (only the
    checked columns, as bytes, so cp1252 needs no transcoding), then each column's distinct values
    are validated once (``_VALID_BYTES`` remembers the good ones), blanks in required ids and
    texts are found by their first byte, and at the end the keys are checked for repeats."""

    def __init__(self, v: FileValidator, encoding: str):
        super().__init__(name=f"check {v.path.name}", daemon=True)
        self.v = v
        self.codec = "utf-8" if encoding.startswith("utf") else encoding
        names = v.result.columns
        self.columns = sorted({names[c.index] for c in v.checks} | {v.table.primary_key})
        self.options = (
            pacsv.ReadOptions(column_names=names, block_size=1 << 22, use_threads=False),
            pacsv.ParseOptions(newlines_in_values=False, ignore_empty_lines=False),
            pacsv.ConvertOptions(
                column_types=dict.fromkeys(self.columns, pa.binary()),
                include_columns=self.columns,
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
        self.valid = {
            c.index: _VALID_BYTES.setdefault((_kind(v.table, c), self.codec), set())
            for c in v.checks
            if c.check is not None
        }
        self.blocks: queue.Queue[bytes | None] = queue.Queue(maxsize=QUEUED_BLOCKS)
        self.found = _Checked()
        self.keys: list[pa.ChunkedArray] = []
        self.unsuitable: str | None = None
        self._exc: BaseException | None = None

    def put(self, block: bytes | None) -> None:
        """The next block of the file (whole lines); None after the last."""
        self.blocks.put(block)

    def run(self) -> None:
        while (block := self.blocks.get()) is not None:
            self._guarded(self._block, block)  # after a failure the rest is only drained
        self._guarded(self._repeated_keys)

    def result(self) -> _Checked | None:
        """Join; None when the file needs the row-by-row path."""
        self.join()
        if self._exc is not None:
            raise self._exc
        return None if self.unsuitable else self.found

    def _guarded(self, step: Callable, *args) -> None:
        if self.unsuitable is not None or self._exc is not None:
            return
        try:
            step(*args)
        except _Unsuitable as e:
            self.unsuitable = str(e)
        except (pa.ArrowInvalid, UnicodeDecodeError) as e:  # ragged rows, bad bytes: row by row
            self.unsuitable = f"{type(e).__name__}: {e}"
        except BaseException as e:  # a bug, not the file: re-raised by result()
            self._exc = e

    def _block(self, block: bytes) -> None:
        if not block:
            return
        _plain(block, len(self.v.result.columns))
        table = pacsv.read_csv(pa.py_buffer(block), *self.options)
        first_line = 2 + self.found.rows  # one line per record (the feed's checks)
        for c in self.v.checks:
            column = table.column(self.v.result.columns[c.index])
            if c.check is None:
                self._blanks(c, column, first_line)
            else:
                self._bad_values(c, column, first_line)
        self.keys.append(table.column(self.v.table.primary_key))
        self.found.rows += table.num_rows

    def _blanks(self, c: _ColumnCheck, column: pa.ChunkedArray, first_line: int) -> None:
        """A required id or text: its blank values (nearly every value starts with a printable
        ASCII character, so only the others are decoded and stripped as Python does)."""
        for i in _maybe_blank(column).to_pylist():
            value = column[i].as_py().decode(self.codec)
            if not value.strip():
                self._problem(first_line + i, (c.name, value, MISSING))

    def _bad_values(self, c: _ColumnCheck, column: pa.ChunkedArray, first_line: int) -> None:
        valid = self.valid[c.index]
        bad = {}
        for raw in set(pc.unique(column).to_pylist()).difference(valid):
            reason = self._reason(c, raw)
            if reason:
                bad[raw] = reason
            elif reason is None and len(valid) < CACHE_LIMIT:
                valid.add(raw)
        if not bad:
            return
        rows = pc.indices_nonzero(pc.is_in(column, value_set=pa.array(list(bad), pa.binary())))
        for i in rows.to_pylist():
            raw = column[i].as_py()
            self._problem(first_line + i, (c.name, raw.decode(self.codec), bad[raw]))

    def _reason(self, c: _ColumnCheck, raw: bytes) -> str | None | bool:
        """The row-by-row path's rule for one value (validate.FileValidator._problems): the reason
        it is bad, None when good, False when a blank is allowed here (blanks are never cached:
        the caches are shared by required and optional columns)."""
        value = raw.decode(self.codec).strip()
        if not value:
            return MISSING if c.required else False
        return c.check(value)

    def _problem(self, line: int, problem: Problem) -> None:
        self.found.problems.setdefault(line, []).append(problem)

    def _repeated_keys(self) -> None:
        """Later rows of a key already in the file are quarantined; the first row without a bad
        value holds the key."""
        if not self.keys:
            return
        keys = pa.chunked_array([c for k in self.keys for c in k.chunks], pa.binary())
        lines = None
        if self.found.problems:  # rows already quarantined do not hold their key
            lines = pa.array(np.arange(2, 2 + len(keys)))
            held = pc.invert(pc.is_in(lines, value_set=pa.array(list(self.found.problems), pa.int64())))
            keys, lines = keys.filter(held), lines.filter(held)
        if _increasing(keys) or len(pc.unique(keys)) == len(keys):  # unique: cheaper than count_distinct
            return
        if lines is None:
            lines = pa.array(np.arange(2, 2 + len(keys)))
        counts = pc.value_counts(keys)
        repeated = counts.field("values").filter(pc.greater(counts.field("counts"), 1))
        rows = pc.indices_nonzero(pc.is_in(keys, value_set=repeated))
        seen: set[bytes] = set()
        pk = self.v.table.primary_key
        for i in rows.to_pylist():
            key = keys[i].as_py()
            if key in seen:
                self._problem(lines[i].as_py(), (pk, key.decode(self.codec), DUPLICATE))
            seen.add(key)


def _maybe_blank(column: pa.ChunkedArray | pa.Array) -> pa.Array:
    """Indices of the values that may be blank: empty, or not starting with a printable ASCII
    character (every whitespace character Python's strip() removes starts with such a byte, in
    UTF-8 and in cp1252)."""
    start = pc.binary_slice(column, 0, 1)
    return pc.indices_nonzero(pc.or_(pc.less(start, _BLANK_BELOW), pc.greater(start, _BLANK_ABOVE)))


def _increasing(keys: pa.ChunkedArray) -> bool:
    """Whether every key sorts after the one before it, so that none repeats: extracts are often
    written in key order, and one comparison per key is far cheaper than hashing them all."""
    a = keys.combine_chunks()
    return len(a) < 2 or pc.all(pc.greater(a.slice(1), a.slice(0, len(a) - 1))).as_py()


def _kind(table: Table, c: _ColumnCheck) -> str:
    col = table.column(c.name)
    return col.type if col.type != "code" else f"code:{col.codes}"


class _Blocks:
    """The rest of a file in blocks of whole lines (the last may lack its line end); ``eof`` once
    the last block has been read."""

    def __init__(self, f):
        self.f, self.pending, self.eof = f, b"", False

    def next(self) -> bytes | None:
        while not self.eof:
            data = self.f.read(BLOCK_BYTES)
            self.eof = len(data) < BLOCK_BYTES  # a buffered read is short only at the end
            text = self.pending + data if self.pending else data
            cut = len(text) if self.eof else text.rfind(b"\n") + 1
            block, self.pending = text[:cut], text[cut:]
            if block:
                return block
        return None


class _Feed:
    """The file-like object COPY reads: the blocks of the file, each handed to the checker one
    block ahead of COPY (so it also learns early where the file ends), sent in messages of about
    READ_BYTES of whole lines, each line with its number put in front (``_numbered``). COPY stops
    early once the checker finds the file needs the row-by-row path."""

    def __init__(self, blocks: _Blocks, checker: _Checker, progress):
        self.blocks, self.checker, self.progress = blocks, checker, progress
        self.block, self.pos = b"", 0
        self.ahead = self._next()
        self.line = 2  # the header is line 1

    def _next(self) -> bytes | None:
        block = self.blocks.next()
        self.checker.put(block)
        return block

    def read(self, size: int = -1) -> bytes:
        if self.checker.unsuitable is not None:
            raise _Unsuitable(self.checker.unsuitable)  # psycopg2 aborts the COPY (QueryCanceled)
        if self.pos >= len(self.block):
            if self.ahead is None:
                return b""
            self.block, self.pos = self.ahead, 0
            self.ahead = self._next()
        start, block = self.pos, self.block
        cut = block.rfind(b"\n", start, start + READ_BYTES) + 1
        if cut <= start:  # a line longer than a message
            cut = block.find(b"\n", start + READ_BYTES) + 1 or len(block)
        if start + READ_BYTES >= len(block):
            cut = len(block)
        self.pos = cut
        out, lines = _numbered(memoryview(block)[start:cut], self.line)
        self.line += lines
        if self.progress:
            self.progress(self.line - 2)
        return out

    def drain(self) -> None:
        """Tell the checker the file ends here (after COPY stopped early)."""
        if self.ahead is not None:
            self.ahead = None
            self.checker.put(None)


_NUMBERS: list[pa.Array] = []  # "0", "1", "2", ... as binary, grown on demand


def _numbers(first: int, count: int) -> pa.Array:
    if not _NUMBERS or len(_NUMBERS[0]) < first + count:
        size = max(first + count, 2 * len(_NUMBERS[0]) if _NUMBERS else 1 << 18)
        _NUMBERS[:] = [pc.cast(pc.cast(pa.array(np.arange(size)), pa.string()), pa.binary())]
    return _NUMBERS[0].slice(first, count)


def _numbered(lines: memoryview, first: int) -> tuple[bytes, int]:
    """``lines`` (whole lines but maybe the last) with "<line number>," put in front of each, and
    how many lines: COPY then reads the number into ``_source_line``, which costs the server less
    than a default from a sequence. pyarrow does it without a Python loop: the lines are a binary
    array over the same bytes (offsets at the line ends), joined element-wise with the numbers; the
    joined array's data is the whole message."""
    ends = np.flatnonzero(np.frombuffer(lines, np.uint8) == ord("\n")) + 1
    if not len(ends) or ends[-1] != len(lines):
        ends = np.append(ends, len(lines))  # the last line has no line end
    offsets = np.zeros(len(ends) + 1, np.int32)
    offsets[1:] = ends
    text = pa.Array.from_buffers(pa.binary(), len(ends), [None, pa.py_buffer(offsets), pa.py_buffer(lines)])
    joined = pc.binary_join_element_wise(_numbers(first, len(ends)), text, _COMMA)
    _, joined_offsets, data = joined.buffers()
    bounds = np.frombuffer(joined_offsets, np.int32)[joined.offset : joined.offset + len(joined) + 1]
    return memoryview(data)[bounds[0] : bounds[-1]].tobytes(), len(ends)


def _plain(b: bytes, ncols: int) -> None:
    """What COPY would take differently from the csv module. Blank lines, a carriage return not
    ending a line and mixed line ends need no search here: COPY rejects them (a blank line is a
    row with too few fields), except a blank line in a one-column file."""
    if b"\x00" in b or (b"\\" in b and b"\\." in b):  # one-byte searches are the fast ones
        raise _Unsuitable("NUL byte or end-of-data marker")
    if ncols == 1 and (b.startswith((b"\n", b"\r\n")) or b"\n\n" in b or b"\n\r\n" in b):
        raise _Unsuitable("blank line")
    at = b.find(b'"')
    while at >= 0:  # only the lines with quotes are looked at one by one
        start = b.rfind(b"\n", 0, at) + 1
        end = b.find(b"\n", at)
        end = len(b) if end < 0 else end
        if not _QUOTED_LINE.fullmatch(b, start, end):
            raise _Unsuitable("quotes not around whole fields, or a line break inside quotes")
        at = b.find(b'"', end)


def copy_file(
    cur,
    path: Path,
    table: Table,
    code_lists: dict[str, CodeList],
    *,
    encoding: str,
    batch: tuple[str, str, int],
    quarantine_limit: int | None,
    raw_columns: set[str],
    progress: Callable[[int], None] | None = None,
) -> FileResult | None:
    """COPY one file into a fresh snapshot table and quarantine its bad rows (``attach_child``
    then makes it a child of raw.<table>); None when the file needs the row-by-row path. Call it
    inside a savepoint taken just before (COPY FREEZE needs the table created in the current
    subtransaction; on None the caller rolls back to it).
    ``raw_columns``: raw.<table>'s columns as this transaction has them. FileError for an unusable
    header."""
    started = time.perf_counter()
    v = FileValidator(
        path, table, code_lists, encoding=encoding, lineage=("", "", ""), quarantine_limit=quarantine_limit
    )  # header checks
    r = v.result
    child = _child(table.name, batch[2])
    checker = _Checker(v, encoding)
    with open(path, "rb") as f:
        header = f.readline()  # one line (read_header checked it) ...
        if b"\r" in header.rstrip(b"\r\n"):  # ... unless lines end in lone CRs: the whole file
            return None
        checker.start()
        blocks = _Blocks(f)
        feed = _Feed(blocks, checker, progress)
        try:
            _create_child(cur, child, raw_columns)
            # "" is an empty value like an unquoted empty one (NULL in raw, as the row-by-row path
            # has it); FORCE_NULL costs time on every value, so only when the file has "" at all.
            quoted_empty = _has_quoted_empty(feed.ahead or b"") if blocks.eof else _has(path, b'""')
            copied = _copy(cur, child, r.columns, encoding, feed, force_null=quoted_empty)
        finally:
            feed.drain()
    checked = checker.result()
    if not copied or checked is None or checked.rows != cur.rowcount:
        return None
    r.rows_read = cur.rowcount
    _quarantine(cur, v, child, checked)
    r.rows_loaded = r.rows_read - r.rows_quarantined
    r.seconds = time.perf_counter() - started
    return r


def _create_child(cur, child, raw_columns: set[str]) -> None:
    """The child for COPY FREEZE: the parent's columns (all text) but the constant lineage, added
    after the COPY (see ``_attach``)."""
    columns = sorted(raw_columns.difference(LINEAGE, ["_source_line"]))
    cur.execute(
        sql.SQL("create table {} ({}, _source_line integer not null)").format(
            child, sql.SQL(", ").join(sql.SQL("{} text").format(sql.Identifier(c)) for c in columns)
        )
    )


def attach_child(cur, table: str, batch: tuple[str, str, int]) -> None:
    """Make the snapshot table copy_file filled for ``table`` a child of raw.<table>, in the batch
    transaction (the table may have been filled and committed by a helper connection)."""
    _attach(cur, _child(table, batch[2]), _parent(table), batch)


def _child(table: str, batch_id: int) -> sql.Composable:
    return sql.SQL("{}.{}").format(
        sql.Identifier(SNAPSHOT_SCHEMA), sql.Identifier(snapshot_name(table, batch_id))
    )


def _parent(table: str) -> sql.Composable:
    return sql.SQL("{}.{}").format(sql.Identifier(SCHEMA), sql.Identifier(table))


def _attach(cur, child, parent, batch: tuple[str, str, int]) -> None:
    """The constant lineage as columns added with a default, which Postgres keeps once in the
    catalog instead of in every row (no rewrite), then no defaults, and the child joins
    raw.<table>. The CHECK on the lineage is NOT VALID: validating it scans the whole child (about
    as much as a tenth of the COPY); it still guards every later write, but the planner does not
    use it to skip snapshots (nothing here relies on that: a superseded snapshot is deleted from
    its own tables)."""
    la_code, extract_date, batch_id = map(sql.Literal, batch)
    cur.execute(
        sql.SQL(
            "alter table {child} add _la_code text not null default {la_code},"
            " add _extract_date date not null default {extract_date}::date,"
            " add _batch_id bigint not null default {batch_id},"
            " add check (_la_code = {la_code} and _extract_date = {extract_date}::date"
            " and _batch_id = {batch_id}) not valid;"
            " alter table {child} alter _la_code drop default, alter _extract_date drop default,"
            " alter _batch_id drop default;"
            " alter table {child} inherit {parent}"
        ).format(child=child, parent=parent, la_code=la_code, extract_date=extract_date, batch_id=batch_id)
    )


def _copy(cur, child, columns: list[str], encoding: str, feed: _Feed, *, force_null: bool) -> bool:
    """COPY the feed into the child; False when COPY or the feed's checks reject the file."""
    names = sql.SQL(", ").join(map(sql.Identifier, columns))
    nulls = sql.SQL(", force_null ({})").format(names) if force_null else sql.SQL("")
    copy = sql.SQL("copy {} (_source_line, {}) from stdin with (format csv, freeze, encoding {}{})").format(
        child, names, sql.Literal(PG_ENCODING[encoding]), nulls
    )
    try:
        cur.copy_expert(copy.as_string(cur.connection), feed, size=READ_BYTES)
    except psycopg2.DataError:  # ragged rows, bad encoding: the row-by-row path names them
        return False
    except psycopg2.errors.QueryCanceled:
        if feed.checker.unsuitable is None:  # not ours
            raise
        return False
    return True


def _has_quoted_empty(b: bytes) -> bool:
    return b'"' in b and b'""' in b  # most files have no quote at all: one fast one-byte search


def _has(path: Path, needle: bytes) -> bool:
    with open(path, "rb") as f:
        tail = b""
        while block := f.read(BLOCK_BYTES):
            if needle in tail + block[: len(needle)] or needle in block:
                return True
            tail = block[-len(needle) + 1 :]
    return False


def _quarantine(cur, v: FileValidator, child, checked: _Checked) -> None:
    """Delete the rows with problems from the child; their records, in line order (header order
    within a row), as the row-by-row path keeps them (up to its limit)."""
    if not checked.problems:
        return
    lines = sorted(checked.problems)
    cur.execute(sql.SQL("delete from {} where _source_line = any(%s)").format(child), (lines,))
    for line in lines:
        v._quarantine(line, checked.problems[line])


__all__ = ["FileError", "QuarantineRecord", "copy_file"]
