"""The COPY path for one file: Postgres parses the CSV; the checks are proven in Python or run on
distinct values in SQL.

Python streams the file's bytes (header and BOM stripped) into ``COPY ... FROM STDIN (FORMAT csv,
FREEZE, ENCODING ...)`` into a fresh table ``raw_snapshots."<table>_<batch_id>"`` made in the batch
transaction, whose column defaults give the lineage (constants, and a temporary sequence for
``_source_line``); once checked it becomes an inheritance child of ``raw.<table>``. Checks:

- while the server parses a chunk, Python tries to prove the next one clean (``_Feed._prove``: no
  quotes, every checked value already known valid); if the whole file is proven, the server only
  looks for blank required ids/texts and repeated keys;
- otherwise one grouping-sets query gives every distinct value of each checked column, whether each
  required id/text column has a blank, and the repeated keys; the distinct values go through the
  same validators as the row-by-row path (``validate.FileValidator``); rows with a bad value are
  deleted and returned as quarantine records (same columns and reasons), then later rows of a
  repeated key (the first line loads), as before.

Python's per-chunk checks make sure that each physical line is exactly one record and that
Postgres reads every value as the csv module would (quotes only around whole fields, no ``\\.``,
no NUL; COPY itself rejects blank lines, stray carriage returns and mixed line ends). A file that
fails them, or that COPY rejects (ragged rows, bad encoding), returns ``None``: the caller rolls back
to a savepoint and runs the row-by-row path, which names the problem exactly as before. See
docs/loader.md, "Speed".
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import psycopg2
import psycopg2.errors
from psycopg2 import sql

from ingestion.contract import CodeList, Table
from ingestion.loader.schema import SCHEMA, SNAPSHOT_SCHEMA
from ingestion.loader.validate import CACHE_LIMIT, FileError, FileResult, FileValidator, QuarantineRecord

READ_BYTES = 1 << 20  # bytes per read from the file; each chunk goes to COPY whole
PG_ENCODING = {"utf-8-sig": "UTF8", "utf-8": "UTF8", "cp1252": "WIN1252"}
LINE_SEQUENCE = "pg_temp.cscw_source_line"
LINEAGE = ("_la_code", "_extract_date", "_batch_id")
# Every character str.strip() removes: a value made only of these is blank (missing), as in Python.
# (tests/loader/test_copyload.py compares it with every code point's isspace())
WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680"
    "\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000"
)
# A line whose quotes all enclose whole fields ("" inside them): Postgres and the csv module then
# read the same values from it, and the line is a whole record.
_FIELD = rb'(?:"(?:[^"]|"")*"|[^",\r\n]*)'
_QUOTED_LINE = re.compile(_FIELD + rb"(?:," + _FIELD + rb")*\r?")
DUPLICATE = "duplicate primary key (an earlier row has it)"
MISSING = "missing required value"
MAX_GROUPING = 31  # grouping() takes at most 31 arguments


# Raw values (bytes as sent) known valid, per (kind of check, encoding); process-wide.
_VALID_BYTES: dict[tuple[str, str], set[bytes]] = {}


@dataclass
class _Proof:
    """What the Python side checks in a chunk: (column index, valid-values cache, validator) per
    checked column; the number of columns."""

    checks: list[tuple[int, set[bytes], Callable[[bytes], bool | None]]]
    ncols: int


def _proof(v: FileValidator, encoding: str) -> _Proof:
    checks = []
    for c in v.checks:
        if c.check is None:
            continue  # required ids and texts: the server looks for blanks (_blanks)
        col = v.table.column(c.name)
        kind = col.type if col.type != "code" else f"code:{col.codes}"
        checks.append((c.index, _VALID_BYTES.setdefault((kind, encoding), set()), _validator(c, encoding)))
    return _Proof(checks, len(v.result.columns))


def _validator(c, encoding: str) -> Callable[[bytes], bool | None]:
    """The row-by-row path's rule for one value (validate.FileValidator._problems), on bytes:
    None when bad, True when good, False when good here but blank (the caches are shared by
    required and optional columns, so blanks never go in them)."""

    def valid(raw: bytes) -> bool | None:
        try:
            s = raw.decode(encoding).strip()
        except UnicodeDecodeError:
            return None
        if not s:
            return None if c.required else False
        return True if c.check(s) is None else None

    return valid


class _Unsuitable(Exception):
    """The file needs the row-by-row path (raised from inside COPY's read, which aborts the COPY)."""


class _Feed:
    """The file-like object COPY reads: chunks cut at line ends, each checked to be plain enough
    that Postgres's record boundaries and values are the csv module's.

    While the server parses one chunk, Python tries to prove the next one clean, cheaply: without
    quotes, one split of the chunk gives the cells row-major, a column is a slice, and its values
    are looked up in caches of values known valid (``_VALID_BYTES``). When
    that proof holds for the whole file, the server only checks required ids and texts for blanks
    (``_blanks``); otherwise the SQL checks decide (``proven`` False)."""

    def __init__(self, f, progress: Callable[[int], None] | None, proof: _Proof | None, ncols: int):
        self.f, self.progress, self.proof, self.ncols = f, progress, proof, ncols
        self.pending = b""
        self.lines = 0
        self.crlf: bool | None = None  # the file's line end, from its first data line
        self.unsuitable: str | None = None  # why the row-by-row path is needed

    @property
    def proven(self) -> bool:
        return self.proof is not None

    def read(self, size: int = -1) -> bytes:
        try:
            return self._read()
        except _Unsuitable as e:  # psycopg2 aborts the COPY (QueryCanceled)
            self.unsuitable = str(e)
            raise

    def _read(self) -> bytes:
        data = self.f.read(READ_BYTES)
        if not data:
            out, self.pending = self.pending, b""
            if out:
                self._check(out)
                self._prove(out + (b"\r\n" if self.crlf else b"\n"), 1)
                self.lines += 1
            return out
        text = self.pending + data if self.pending else data
        cut = text.rfind(b"\n") + 1
        if not cut:
            self.pending = text
            return self._read()
        out, self.pending = text[:cut], text[cut:]
        if self.crlf is None:
            self.crlf = out[cut - 2 : cut - 1] == b"\r"
        self._check(out)
        lines = out.count(b"\n")
        self._prove(out, lines)
        self.lines += lines
        if self.progress:
            self.progress(self.lines)
        return out

    def _prove(self, b: bytes, nrows: int) -> None:
        """b: ``nrows`` whole lines, each ending in the file's line end."""
        p = self.proof
        if p is None:
            return
        if b'"' in b:  # quoted fields: the SQL checks decide
            self.proof = None
            return
        body = b[:-2].replace(b"\r\n", b",") if self.crlf else b[:-1].replace(b"\n", b",")
        cells = body.split(b",")
        ncols = p.ncols
        if len(cells) != nrows * ncols:  # ragged: COPY rejects it
            self.proof = None
            return
        for index, ok, valid in p.checks:
            column = cells[index::ncols]
            if ok.issuperset(column):  # the usual case: nothing new
                continue
            for value in set(column).difference(ok):
                good = valid(value)
                if good is None:
                    self.proof = None
                    return
                if good and len(ok) < CACHE_LIMIT:
                    ok.add(value)

    def _check(self, b: bytes) -> None:
        """What COPY would take differently from the csv module. Blank lines, a carriage return
        not ending a line and mixed line ends need no search here: COPY rejects them (a blank
        line is a row with too few fields), except a blank line in a one-column file."""
        if b"\x00" in b or b"\\." in b:
            raise _Unsuitable("NUL byte or end-of-data marker")
        if self.ncols == 1 and (b.startswith((b"\n", b"\r\n")) or b"\n\n" in b or b"\n\r\n" in b):
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
    progress: Callable[[int], None] | None = None,
) -> FileResult | None:
    """COPY one file into a fresh child of raw.<table> and quarantine its bad rows; None when the
    file needs the row-by-row path. Call it inside a savepoint taken just before (COPY FREEZE needs
    the child created in the current subtransaction; on None the caller rolls back to it).
    FileError for an unusable header."""
    started = time.perf_counter()
    v = FileValidator(path, table, code_lists, encoding=encoding, lineage=("", "", ""))  # header checks
    r = v.result
    if len(v.checks) + 1 > MAX_GROUPING:
        return None
    la_code, extract_date, batch_id = batch
    parent = sql.SQL("{}.{}").format(sql.Identifier(SCHEMA), sql.Identifier(table.name))
    child = sql.SQL("{}.{}").format(
        sql.Identifier(SNAPSHOT_SCHEMA), sql.Identifier(f"{table.name}_{batch_id}")
    )
    lineage = dict(zip(LINEAGE, map(sql.Literal, (la_code, extract_date, batch_id)), strict=False))
    columns = sql.SQL(", ").join(map(sql.Identifier, r.columns))
    # "" is an empty value like an unquoted empty one (NULL in raw, as the row-by-row path has it);
    # FORCE_NULL costs time on every value, so only when the file has "" at all.
    force_null = sql.SQL(", force_null ({})").format(columns) if _has(path, b'""') else sql.SQL("")
    copy = sql.SQL("copy {} ({}) from stdin with (format csv, freeze, encoding {}{})").format(
        child, columns, sql.Literal(PG_ENCODING[encoding]), force_null
    )
    cur.execute(
        sql.SQL(
            "create temporary sequence if not exists {seq} cache 10000;"
            " select setval({seqname}, 1);"  # the header is line 1: the first record is line 2
            " create table {child} (like {parent});"
            " alter table {child} alter _la_code set default {_la_code},"
            " alter _extract_date set default {_extract_date}::date,"
            " alter _batch_id set default {_batch_id},"
            " alter _source_line set default nextval({seqname}),"
            " add check (_la_code = {_la_code} and _extract_date = {_extract_date}::date"
            " and _batch_id = {_batch_id})"
        ).format(
            seq=sql.SQL(LINE_SEQUENCE),
            seqname=sql.Literal(LINE_SEQUENCE),
            child=child,
            parent=parent,
            **lineage,
        )
    )
    with open(path, "rb") as f:
        f.readline()  # the header (one line: read_header checked it)
        feed = _Feed(
            f, progress, _proof(v, "utf-8" if encoding.startswith("utf") else encoding), len(r.columns)
        )
        try:
            cur.copy_expert(copy.as_string(cur.connection), feed, size=READ_BYTES)
        except psycopg2.DataError:  # ragged rows, bad encoding: the row-by-row path names them
            return None
        except psycopg2.errors.QueryCanceled:
            if feed.unsuitable is None:  # not ours
                raise
            return None
    r.rows_read = cur.rowcount
    # The child keeps no defaults (the sequence is temporary); it joins raw.<table> when checked.
    cur.execute(
        sql.SQL(
            "alter table {} alter _la_code drop default, alter _extract_date drop default,"
            " alter _batch_id drop default, alter _source_line drop default"
        ).format(child)
    )
    v.quarantine_limit = None  # records are kept for every row here, then cut in line order
    # Values proven clean by Python and no blanks (_blanks): only the keys are left to check.
    if feed.proven and not _blanks(cur, v, child):
        bad, duplicates = {}, _any_duplicate(cur, v, child)
    else:
        bad, duplicates = _bad_values(cur, v, child, keys=True)
    if bad:
        _quarantine_values(cur, v, child, bad)
    if bad or duplicates:
        _quarantine_duplicates(cur, v, child)
    r.quarantine.sort(key=lambda q: q.line)  # stable: a row's values stay in header order
    v.quarantine_limit = quarantine_limit
    if quarantine_limit is not None and r.rows_quarantined > quarantine_limit:
        lines = sorted({q.line for q in r.quarantine})
        r.quarantine = [q for q in r.quarantine if q.line <= lines[quarantine_limit - 1]]
        r.quarantine_stored_all = False
    cur.execute(sql.SQL("alter table {} inherit {}").format(child, parent))
    r.rows_loaded = r.rows_read - r.rows_quarantined
    r.seconds = time.perf_counter() - started
    return r


def _has(path: Path, needle: bytes) -> bool:
    with open(path, "rb") as f:
        tail = b""
        while block := f.read(READ_BYTES):
            if needle in tail + block[: len(needle)] or needle in block:
                return True
            tail = block[-len(needle) + 1 :]
    return False


def _blank(col) -> sql.Composable:
    # btrim with a set of characters is slow; a value starting with a printable ASCII character
    # (nearly all) is not blank, and ascii() of it is cheap.
    return sql.SQL("({c} is null or (ascii({c}) not between 33 and 126 and btrim({c}, {ws}) = ''))").format(
        c=col, ws=sql.Literal(WHITESPACE)
    )


def _any_duplicate(cur, v: FileValidator, child) -> bool:
    cur.execute(
        sql.SQL("select 1 from {} group by {} having count(*) > 1 limit 1").format(
            child, sql.Identifier(v.table.primary_key)
        )
    )
    return cur.fetchone() is not None


def _blanks(cur, v: FileValidator, child) -> bool:
    """Whether a required id or text column may have a blank (the cheap test of ``_blank``)."""
    names = [v.result.columns[c.index] for c in v.checks if c.check is None]
    if not names:
        return False
    cur.execute(
        sql.SQL("select {} from {}").format(
            sql.SQL(", ").join(
                sql.SQL("coalesce(bool_or({c} is null or ascii({c}) not between 33 and 126), false)").format(
                    c=sql.Identifier(n)
                )
                for n in names
            ),
            child,
        )
    )
    return any(cur.fetchone())


def _bad_values(cur, v: FileValidator, child, *, keys: bool) -> tuple[dict[int, dict[str | None, str]], bool]:
    """({check index: {bad value (None for empty): reason}}, whether any key is duplicated), from
    one scan: the distinct values of each checked column, and (``keys``) the keys that occur more
    than once."""
    checks = v.checks
    exprs = []
    for c in checks:
        col = sql.Identifier(v.result.columns[c.index])
        # a required id/text column: only whether a blank is there
        exprs.append(_blank(col) if c.check is None else col)
    n = len(exprs)
    if keys:
        exprs.append(sql.Identifier(v.table.primary_key))
    if not exprs:
        return {}, False
    items = sql.SQL(", ").join(exprs)
    having = sql.SQL(" having grouping({}) = 1 or count(*) > 1").format(exprs[-1]) if keys else sql.SQL("")
    cur.execute(
        sql.SQL(
            "select grouping({items}), {items} from {child} group by grouping sets ({sets}){having}"
        ).format(
            items=items,
            child=child,
            sets=sql.SQL(", ").join(sql.SQL("({})").format(e) for e in exprs),
            having=having,
        )
    )
    width = len(exprs)
    bad: dict[int, dict[str | None, str]] = {}
    duplicates = False
    for row in cur:
        # grouping() has a 1 bit for each expression not in this row's set (the first expression
        # is the highest bit); exactly one is in it.
        i = width - (~row[0] & ((1 << width) - 1)).bit_length()
        if i == n:
            duplicates = True
            continue
        c, value = checks[i], row[1 + i]
        if c.check is None:
            if value:
                bad.setdefault(i, {})[None] = MISSING
            continue
        if value is not None and value in c.ok:
            continue
        s = (value or "").strip()
        if not s:
            if c.required:
                bad.setdefault(i, {})[value] = MISSING
            continue
        reason = c.check(s)
        if reason:
            bad.setdefault(i, {})[value] = reason
        elif len(c.ok) < CACHE_LIMIT:
            c.ok.add(value)
    return bad, duplicates


def _quarantine_values(cur, v: FileValidator, child, bad) -> None:
    checks, names = v.checks, v.result.columns
    conds = []
    for i, values in bad.items():
        col = sql.Identifier(names[checks[i].index])
        if checks[i].check is None:
            conds.append(
                sql.SQL("({} is null or btrim({}, {}) = '')").format(col, col, sql.Literal(WHITESPACE))
            )
            continue
        listed = [x for x in values if x is not None]
        if listed:
            conds.append(sql.SQL("{} = any({})").format(col, sql.Literal(listed)))
        if None in values:
            conds.append(sql.SQL("{} is null").format(col))
    cols = sql.SQL(", ").join(sql.Identifier(names[checks[i].index]) for i in sorted(bad))
    cur.execute(
        sql.SQL("delete from {} where {} returning _source_line, {}").format(
            child, sql.SQL(" or ").join(conds), cols
        )
    )
    order = sorted(bad)
    for line, *values in sorted(cur.fetchall()):
        problems = []
        for i, value in zip(order, values, strict=True):
            c = checks[i]
            if c.check is None:
                if value is None or not value.strip():
                    problems.append((c.name, value or "", MISSING))
            elif value in bad[i]:
                problems.append((c.name, value or "", bad[i][value]))
        v._quarantine(line, problems)


def _quarantine_duplicates(cur, v: FileValidator, child) -> None:
    """Later rows of a key already loaded from this file are quarantined; the first line stays."""
    cur.execute(
        sql.SQL(
            "delete from {t} d using (select {pk} as key, min(_source_line) as first from {t}"
            " group by {pk} having count(*) > 1) k"
            " where d.{pk} = k.key and d._source_line > k.first"
            " returning d._source_line, d.{pk}"
        ).format(t=child, pk=sql.Identifier(v.table.primary_key))
    )
    for line, key in sorted(cur.fetchall()):
        v._quarantine(line, [(v.table.primary_key, key, DUPLICATE)])


__all__ = ["FileError", "QuarantineRecord", "copy_file"]
