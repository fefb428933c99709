"""Streaming validation of one extract file against its contract table.

A file is read in blocks; each block's valid rows become clean CSV (the original text plus the
lineage columns) that COPY consumes as it is produced, so a table is never held in memory. Rows with
a bad value become quarantine records; problems that make the file unreadable (encoding, NUL bytes,
header, ragged rows, broken quoting) stop the file with one error naming the line.

Hot path (the loader has to keep up with plain COPY): ``_fast_block`` checks a whole block column by
column with set operations against caches of values already known valid; only a block with a
problem in it goes row by row (``_slow_block``), which also names each problem. See docs/loader.md.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import chain
from operator import methodcaller
from pathlib import Path

from ingestion.contract import CodeList, Table

# An ISO date, optionally with a time part (dropped downstream); or a UK date DD/MM/YYYY (one-digit
# day and month are accepted, as spreadsheets write them), also optionally with a time.
_TIME = r"(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s*(?:Z|[+-]\d{2}(?::?\d{2})?))?)?"
ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})" + _TIME)
UK_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})" + _TIME)
INT = re.compile(r"[+-]?\d+")
DECIMAL = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
FLAGS = frozenset({"Y", "N"})
# Names an extra (non-contract) column may have: it becomes a raw column, so a plain identifier
# that Postgres will not truncate (63 bytes).
EXTRA_COLUMN_NAME = re.compile(r"[a-z][a-z0-9_]{0,62}")

BLOCK_CHARS = 1 << 19  # characters read per block; each block's clean CSV is one piece for COPY
MAX_PENDING_CHARS = 1 << 26  # a "quoted field" longer than this means the quoting is broken
CHUNK_BYTES = BLOCK_CHARS  # the read size hint given to COPY
_COUNT_COMMAS = methodcaller("count", ",")
NUL_MESSAGE = "line {line}: NUL byte (a binary or UTF-16 file is not accepted)"
# Extra columns one file may carry (they are kept in its batch's own snapshot table; Postgres allows
# 1,600 columns in a table, the contract's and the lineage included).
MAX_EXTRA_COLUMNS = 500
CACHE_LIMIT = 200_000  # per kind of check: valid values remembered for the fast paths
# Non-blank values known valid, per kind of check ("date", "flag", "int", "decimal",
# "code:<code list>"); process-wide, since validity does not depend on the file.
_VALID: dict[str, set[str]] = {}


def _as_list(x) -> list:
    return [x]


def parse_date(value: str) -> dt.date | None:
    """The calendar date of an ISO or DD/MM/YYYY value (time part ignored), else None."""
    m = ISO_DATE.fullmatch(value)
    if m:
        y, mo, d = m.group(1, 2, 3)
    else:
        m = UK_DATE.fullmatch(value)
        if not m:
            return None
        d, mo, y = m.group(1, 2, 3)
    try:
        return dt.date(int(y), int(mo), int(d))
    except ValueError:
        return None


def _check_date(v: str) -> str | None:
    if parse_date(v):
        return None
    if ISO_DATE.fullmatch(v) or UK_DATE.fullmatch(v):  # the form is right, the day does not exist
        return "not a real calendar date"
    return "not a date (expected YYYY-MM-DD or DD/MM/YYYY)"


def _check_flag(v: str) -> str | None:
    return None if v in FLAGS else "not a Y/N flag"


def _check_int(v: str) -> str | None:
    return None if INT.fullmatch(v) else "not a whole number"


def _check_decimal(v: str) -> str | None:
    return None if DECIMAL.fullmatch(v) else "not a number"


def _code_checker(code_list: CodeList) -> Callable[[str], str | None]:
    def check(v: str) -> str | None:
        if code_list.normalise(v) is None:
            return f"unknown {code_list.name} code or description"
        return None

    return check


class FileError(Exception):
    """A problem that makes the whole file unusable (and so rejects the extract)."""


@dataclass
class QuarantineRecord:
    file: str
    line: int
    column: str | None
    value: str | None
    reason: str


@dataclass
class _ColumnCheck:
    index: int
    name: str
    required: bool
    check: Callable[[str], str | None] | None  # None: only the required check applies
    ok: set[str] = field(default_factory=set)  # raw values known valid (fast path)


@dataclass
class FileResult:
    file: str
    table: str
    columns: list[str]  # the header, normalised (COPY column order, before lineage)
    extra_columns: list[str]
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    quarantine: list[QuarantineRecord] = field(default_factory=list)
    quarantine_stored_all: bool = True
    error: str | None = None
    seconds: float = 0.0


UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def utf16_problem(path: Path) -> str | None:
    """UTF-16 (what Excel's "Unicode text" and some SQL Server exports write) named as such: with a
    byte-order mark, or ASCII text with a NUL after (or before) every character."""
    with open(path, "rb") as f:
        head = f.read(64)
    if head.startswith(UTF16_BOMS) or (
        len(head) >= 8 and (head[1::2].count(0) == len(head) // 2 or head[0::2].count(0) == len(head) // 2)
    ):
        return (
            "line 1: the file is UTF-16; save it as UTF-8 (or as Windows-1252 and declare "
            '"encoding": "cp1252" in the manifest)'
        )
    return None


def read_header(path: Path, encoding: str) -> list[str]:
    problem = utf16_problem(path)
    if problem:
        raise FileError(problem)
    with open(path, encoding=encoding, newline="") as f:
        try:
            reader = csv.reader(f, strict=True)
            header = next(reader, None)
            if reader.line_num > 1:
                raise FileError("line 1: the header runs over several lines (a line break in a column name)")
            if header and "\x00" in "".join(header):
                raise FileError(NUL_MESSAGE.format(line=1))
        except UnicodeDecodeError as e:
            raise FileError(_decode_error_message(path, encoding, e)) from None
        except csv.Error as e:
            raise FileError(f"line 1: header is not valid CSV ({e})") from None
    if not header:
        raise FileError("no header row (empty file)")
    return [h.strip().lower() for h in header]


def check_header(table: Table, header: list[str]) -> list[str]:
    """The extra (non-contract) columns of a header; FileError when the header is unusable."""
    seen: set[str] = set()
    for name in header:
        if not name:
            raise FileError("line 1: a header column has no name")
        if name in seen:
            raise FileError(f"line 1: column {name} appears twice in the header")
        seen.add(name)
    missing = [c for c in table.required_columns if c not in seen]
    if missing:
        raise FileError("line 1: missing required column(s) " + ", ".join(missing))
    contract = set(table.column_names)
    extra = [h for h in header if h not in contract]
    if len(extra) > MAX_EXTRA_COLUMNS:
        raise FileError(
            f"line 1: {len(extra):,} extra (non-contract) columns, at most {MAX_EXTRA_COLUMNS} are kept"
        )
    for name in extra:
        if not EXTRA_COLUMN_NAME.fullmatch(name):
            raise FileError(
                f"line 1: extra column {name!r} is not a plain lower-case name "
                "(letters, digits, underscore; at most 63 characters)"
            )
    return extra


class FileValidator:
    """Validates one file and yields its clean rows as CSV bytes for COPY (see ``chunks``)."""

    def __init__(
        self,
        path: Path,
        table: Table,
        code_lists: dict[str, CodeList],
        *,
        encoding: str,
        lineage: tuple[str, str, str],
        quarantine_limit: int | None = None,
        progress: Callable[[int], None] | None = None,
    ):
        self.path = path
        self.table = table
        self.encoding = encoding
        self.lineage = lineage  # _la_code, _extract_date, _batch_id as text
        self.progress = progress
        # Past this many quarantined rows the extract is rejected anyway: stop keeping details.
        self.quarantine_limit = quarantine_limit
        header = read_header(path, encoding)
        extra = check_header(table, header)
        self.result = FileResult(file=path.name, table=table.name, columns=header, extra_columns=extra)
        self.checks = self._column_checks(header, code_lists)
        self.pk_index = header.index(table.primary_key)
        self._fast = self._compile_fast_path()
        self._seen: set[str] = set()  # primary keys so far
        # One clean row in the fast path: the line as sent, then the lineage columns.
        lineage_csv = io.StringIO()
        csv.writer(lineage_csv, lineterminator="").writerow(lineage)
        self._row_format = "%s," + lineage_csv.getvalue().replace("%", "%%") + ",%d\n"

    def _column_checks(self, header: list[str], code_lists: dict[str, CodeList]) -> list[_ColumnCheck]:
        checks = []
        for i, name in enumerate(header):
            if name not in self.table.column_names:
                continue
            col = self.table.column(name)
            kind = col.type if col.type != "code" else f"code:{col.codes}"
            check = {
                "date": _check_date,
                "flag": _check_flag,
                "int": _check_int,
                "decimal": _check_decimal,
            }.get(col.type)
            if col.type == "code":
                check = _code_checker(code_lists[col.codes])
            if check is None and not col.required:
                continue
            # Whether a non-blank value is valid depends only on the kind of check, so columns and
            # files share one cache per kind (every date column and file reuses the same dates).
            ok = _VALID.setdefault(kind, set()) if check else set()
            checks.append(_ColumnCheck(i, name, col.required, check, ok))
        return checks

    def _compile_fast_path(self) -> Callable[[list[str]], bool]:
        """``row -> True`` when every checked value is already known good. Generated code: only
        column indexes and local names go into it, never text from the file."""
        terms, env = [], {}
        for c in self.checks:
            if c.check is None:  # required id/text: non-blank is all there is to check
                terms.append(f"row[{c.index}].strip()")
            else:
                env[f"ok{c.index}"] = c.ok
                blank_ok = "" if c.required else f" or not row[{c.index}]"
                terms.append(f"(row[{c.index}] in ok{c.index}{blank_ok})")
        body = " and ".join(terms) or "True"
        src = f"def fast(row):\n    return bool({body})\n"
        exec(compile(src, f"<fast path {self.table.name}>", "exec"), env)
        return env["fast"]

    def _problems(self, row: list[str]) -> list[tuple[str, str, str]]:
        """(column, value, reason) for each bad value in a row; caches the good ones."""
        problems = []
        for c in self.checks:
            raw = row[c.index]
            v = raw.strip()
            if not v:
                if c.required:
                    problems.append((c.name, raw, "missing required value"))
                continue
            if c.check is None:
                continue
            reason = c.check(v)
            if reason:
                problems.append((c.name, raw, reason))
            elif len(c.ok) < CACHE_LIMIT:
                c.ok.add(raw)  # raw, not stripped: the fast paths look up values as sent
        return problems

    def _quarantine(self, line: int, problems: list[tuple[str | None, str | None, str]]) -> None:
        r = self.result
        r.rows_quarantined += 1
        if self.quarantine_limit is not None and r.rows_quarantined > self.quarantine_limit:
            r.quarantine_stored_all = False
            return
        for column, value, reason in problems:
            r.quarantine.append(QuarantineRecord(r.file, line, column, value, reason))

    def chunks(self) -> Iterator[bytes]:
        """Clean CSV (UTF-8) for ``COPY raw.<table> (<header>, lineage) FROM STDIN (FORMAT csv)``.
        On a file-level problem, stops and sets ``result.error`` (the caller then rolls back).

        The file is read in blocks cut at line ends (never inside a quoted field: the count of
        quote characters before the cut is even). A block goes through ``_fast_block`` when every row in it
        is clean (the common case) and through ``_slow_block`` (row by row) otherwise."""
        r = self.result
        started = time.perf_counter()
        line = 2  # the line the next block starts on (line 1 is the header)
        pending = ""
        f = open(self.path, encoding=self.encoding, newline="", buffering=1 << 20)  # noqa: SIM115
        try:
            f.readline()  # the header, checked already
            while r.error is None:
                data = f.read(BLOCK_CHARS)
                if "\x00" in data:  # Postgres text cannot hold it; UTF-16 and binary files have them
                    at = line + pending.count("\n") + data.count("\n", 0, data.index("\x00"))
                    r.error = NUL_MESSAGE.format(line=at)
                    break
                if data:
                    text = pending + data if pending else data
                    cut = text.rfind("\n") + 1
                    if not cut or text.count('"', 0, cut) & 1:
                        if len(text) < MAX_PENDING_CHARS:  # a quoted field runs on: read more
                            pending = text
                            continue
                        cut = len(text)  # cannot be CSV worth parsing in parts: let csv judge
                    block, pending = text[:cut], text[cut:]
                elif pending:
                    block, pending = pending, ""  # the last line has no line end
                else:
                    break
                out = self._fast_block(block, line)
                if out is None:
                    out = self._slow_block(block, line)
                line += block.count("\n")
                if out:
                    yield out.encode()
                if self.progress:
                    self.progress(r.rows_read)
        except UnicodeDecodeError as e:
            r.error = _decode_error_message(self.path, self.encoding, e)
        finally:
            f.close()
            r.seconds = time.perf_counter() - started

    def _fast_block(self, block: str, line: int) -> str | None:
        """The block's clean CSV when every row in it is clean, else None (nothing changed but
        caches of valid values). Checks go column by column with set operations, not row by row.

        Without quoting, every line holding exactly ncols - 1 commas means one split of the
        whole block gives the cells row-major (a column is a slice), and the lines go to COPY as
        sent. With quoting, the csv module parses the block, which must then have one record per
        line; its rows are written back with the csv module, so raw holds what was validated."""
        if "\r" in block:
            block = block.replace("\r\n", "\n")
            if "\r" in block:
                return None
        body = block[:-1] if block.endswith("\n") else block
        if not body:
            return ""
        lines = body.split("\n")
        n, ncols = len(lines), len(self.result.columns)
        quoted = '"' in body
        if quoted:
            try:
                rows = list(csv.reader(io.StringIO(body, newline=""), strict=True))
            except csv.Error:
                return None
            if len(rows) != n or set(map(len, rows)) != {ncols}:
                return None  # a line break inside quotes, blank or ragged lines: the slow path
            column = list(zip(*rows, strict=True)).__getitem__
        else:
            if set(map(_COUNT_COMMAS, lines)) != {ncols - 1}:
                return None  # blank or ragged lines: the slow path names them
            cells = body.replace("\n", ",").split(",")

            def column(i: int) -> list[str]:  # sliced only for the columns checked
                return cells[i::ncols]

        for c in self.checks:
            values = column(c.index)
            if c.check is None:
                if "" in values or any(map(str.isspace, values)):
                    return None
                continue
            if c.ok.issuperset(values):  # the usual case: no new value, no set built
                continue
            for v in set(values).difference(c.ok):
                s = v.strip()
                if not s:
                    if c.required:
                        return None
                elif c.check(s):
                    return None
                elif len(c.ok) < CACHE_LIMIT:
                    c.ok.add(v)
        key_set = set(column(self.pk_index))
        if len(key_set) != n or not self._seen.isdisjoint(key_set):
            return None
        self._seen |= key_set
        r = self.result
        r.rows_read += n
        r.rows_loaded += n
        numbers = range(line, line + n)
        if quoted:
            out = io.StringIO()
            lineage = list(self.lineage)
            csv.writer(out, lineterminator="\n").writerows(
                map(list.__add__, rows, map(lineage.__add__, map(_as_list, numbers)))
            )
            return out.getvalue()
        return (self._row_format * n) % tuple(chain.from_iterable(zip(lines, numbers, strict=True)))

    def _slow_block(self, block: str, first_line: int) -> str:
        """Row by row with the csv module: names each bad value, quarantines its row."""
        r = self.result
        ncols = len(r.columns)
        fast, problems_of, seen, pk = self._fast, self._problems, self._seen, self.pk_index
        suffix = self.lineage
        out = io.StringIO()
        write = csv.writer(out, lineterminator="\n").writerow
        reader = csv.reader(io.StringIO(block, newline=""), strict=True)
        prev = 0
        try:
            for row in reader:
                line, prev = first_line + prev, reader.line_num
                if len(row) != ncols:
                    if not row:  # a blank line carries no data
                        continue
                    r.error = (
                        f"line {line}: {len(row)} fields where the header has {ncols} "
                        "(truncated or ragged row)"
                    )
                    break
                r.rows_read += 1
                if not fast(row):
                    problems = problems_of(row)
                    if problems:
                        self._quarantine(line, problems)
                        continue
                n = len(seen)
                seen.add(row[pk])
                if len(seen) == n:
                    self._quarantine(
                        line,
                        [(self.table.primary_key, row[pk], "duplicate primary key (an earlier row has it)")],
                    )
                    continue
                row += suffix
                row.append(line)
                write(row)
                r.rows_loaded += 1
        except csv.Error as e:
            r.error = f"line {first_line + prev}: broken CSV quoting ({e})"
        return out.getvalue()


def _decode_error_message(path: Path, encoding: str, err: UnicodeDecodeError) -> str:
    """Name the first line with bytes that do not decode (the stream error has only an offset)."""
    codec = "utf-8" if encoding.startswith("utf") else encoding
    with open(path, "rb") as f:
        for n, raw in enumerate(f, start=1):
            try:
                raw.decode(codec)
            except UnicodeDecodeError as e:
                bad = raw[e.start : e.end].hex(" ")
                hint = ' (declare "encoding": "cp1252" in the manifest if it is Windows-1252)'
                return f"line {n}: bytes {bad} are not valid {codec}" + (hint if codec == "utf-8" else "")
    return f"not valid {codec} ({err.reason})"
