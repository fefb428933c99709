"""Reading and checking one collection year's SSDA903 files. Every row is checked before anything is
stored; the first problem stops the import with the file, the line (the header is line 1) and what is
wrong, as the nightly loader reports a rejected file."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ingestion.dbt_runner import PROJECT_DIR
from ingestion.history_import.spec import FILES, REQUIRED_FILES, FileSpec

YEAR = re.compile(r"(\d{4})-(\d{2})")
DATE = re.compile(r"(\d{2})/(\d{2})/(\d{4})")
CODE_LISTS = PROJECT_DIR / "seeds" / "ref_code_lists.csv"


class ImportFileError(Exception):
    """A file that cannot be imported; nothing of the import is stored."""


@dataclass
class ReturnFile:
    spec: FileSpec
    path: Path
    sha256: str
    rows: list[tuple[int, list[str | None]]]  # (line, values in spec.columns order; None when blank)


def year_bounds(year: str) -> tuple[dt.date, dt.date]:
    """1 April and 31 March of a collection year written 2017-18."""
    m = YEAR.fullmatch(year)
    if not m or (int(m.group(1)) + 1) % 100 != int(m.group(2)):
        raise ValueError(f"collection year {year!r}: expected the form 2017-18")
    first = int(m.group(1))
    return dt.date(first, 4, 1), dt.date(first + 1, 3, 31)


@cache
def code_lists() -> dict[str, frozenset[str]]:
    lists: dict[str, set[str]] = {}
    with CODE_LISTS.open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            lists.setdefault(row["code_list"], set()).add(row["code"])
    return {name: frozenset(codes) for name, codes in lists.items()}


def parse_903_date(value: str) -> dt.date | None:
    m = DATE.fullmatch(value)
    if not m:
        return None
    try:
        return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    except ValueError:
        return None


def _header(spec: FileSpec, path: Path, header: list[str]) -> list[int | None]:
    """For each of spec.columns, its position in the file (None when the file has no such column)."""
    names = [spec.aliases.get(h.strip().upper(), h.strip().upper()) for h in header]
    for name in set(names):
        if names.count(name) > 1:
            raise ImportFileError(f"{path.name}: line 1: column {name} appears twice")
    missing = [c for c in spec.required_columns if c not in names]
    if missing:
        raise ImportFileError(f"{path.name}: line 1: missing column(s) {', '.join(missing)}")
    return [names.index(c) if c in names else None for c in spec.columns]


def _check_row(spec: FileSpec, values: dict[str, str | None], year: tuple[dt.date, dt.date]) -> str | None:
    for c in spec.required_values:
        if values[c] is None:
            return f"{c} is blank"
    for c in spec.dates:
        if values[c] is not None and parse_903_date(values[c]) is None:
            return f"{c} {values[c]!r} is not a date in the 903 format DD/MM/YYYY"
    lists = code_lists()
    for c, code_list in spec.codes.items():
        if values[c] is not None and values[c] not in lists[code_list]:
            return f"{c} {values[c]!r} is not a code of the list {code_list}"
    if spec.name == "episodes":
        start, end = parse_903_date(values["DECOM"]), values["DEC"] and parse_903_date(values["DEC"])
        if end and end < start:
            return f"DEC {values['DEC']} is before DECOM {values['DECOM']}"
        # the Episodes file holds the episodes open at some time in the collection year
        if start > year[1] or (end and end < year[0]):
            return f"the episode is not open at any time in the collection year {year[0].year}-{year[1]:%y}"
        if end and values["REC"] is None:
            return "REC is blank on an episode that ended (DEC given)"
    return None


def read_file(spec: FileSpec, path: Path, year: tuple[dt.date, dt.date]) -> ReturnFile:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise ImportFileError(f"{path.name}: not UTF-8 text ({err.reason} at byte {err.start})") from None
    reader = csv.reader(text.splitlines())
    try:
        header = next(reader)
    except StopIteration:
        raise ImportFileError(f"{path.name}: line 1: the file is empty (no header)") from None
    positions = _header(spec, path, header)
    rows = []
    for row in reader:
        line = reader.line_num
        if not any(v.strip() for v in row):
            continue
        if len(row) != len(header):
            raise ImportFileError(
                f"{path.name}: line {line}: {len(row)} fields, the header has {len(header)}"
            )
        values = [None if p is None else (row[p].strip() or None) for p in positions]
        problem = _check_row(spec, dict(zip(spec.columns, values, strict=True)), year)
        if problem:
            raise ImportFileError(f"{path.name}: line {line}: {problem}")
        rows.append((line, values))
    return ReturnFile(spec, path, hashlib.sha256(raw).hexdigest(), rows)


def read_year(folder: Path, year: str) -> list[ReturnFile]:
    """Every SSDA903 file in one year's folder, checked (header.csv and episodes.csv required)."""
    bounds = year_bounds(year)
    present = {p.stem.lower(): p for p in folder.iterdir() if p.suffix.lower() == ".csv"}
    missing = [f"{name}.csv" for name in REQUIRED_FILES if name not in present]
    if missing:
        raise ImportFileError(f"{folder}: no {' or '.join(missing)} (required for every year)")
    return [read_file(spec, present[name], bounds) for name, spec in FILES.items() if name in present]
