"""Storing checked SSDA903 years in the restricted `raw` schema: raw.ssda903_<file> (text columns, as
the files had them, plus la_code, collection_year and the file's line) and raw.ssda903_imports (one row
per authority, year and file with its SHA-256). The BI role has no USAGE on `raw` (ingestion/grants.py).

One transaction for the whole import: each year's rows of the authority are deleted and COPYed again,
so importing a corrected year replaces that year and a failure leaves everything as it was. A year
whose files are byte for byte the ones already imported is left untouched (re-importing changes nothing).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import psycopg2
from psycopg2 import sql

from ingestion.history_import.files import YEAR, ImportFileError, ReturnFile, read_year
from ingestion.history_import.spec import FILES

SCHEMA = "raw"
IMPORTS = "ssda903_imports"
LA_CODE = re.compile(r"\d{3}")


def ensure_tables(cur) -> None:
    cur.execute(f"create schema if not exists {SCHEMA}")
    cur.execute(
        f"create table if not exists {SCHEMA}.{IMPORTS} ("
        " la_code text not null, collection_year text not null, file text not null, sha256 text not null,"
        " row_count integer not null, imported_at timestamptz not null default now(),"
        " primary key (la_code, collection_year, file))"
    )
    for spec in FILES.values():
        columns = sql.SQL(", ").join(
            sql.SQL("{} text").format(sql.Identifier(c.lower())) for c in spec.columns
        )
        table = sql.Identifier(SCHEMA, spec.table)
        cur.execute(
            sql.SQL(
                "create table if not exists {} (la_code text not null, collection_year text not null,"
                " line integer not null, {})"
            ).format(table, columns)
        )
        cur.execute(
            sql.SQL("create index if not exists {} on {} (la_code, collection_year)").format(
                sql.Identifier(f"{spec.table}_year"), table
            )
        )


def ensure_import_tables(conn) -> None:
    """The import's tables, empty when nothing was imported: the dbt sources read them (commits)."""
    with conn.cursor() as cur:
        cur.execute("select pg_advisory_xact_lock(hashtext('cscw.import_903'))")
        ensure_tables(cur)
    conn.commit()


@dataclass
class ImportResult:
    la_code: str
    imported: dict[str, dict[str, int]] = field(default_factory=dict)  # year -> file -> rows
    unchanged: list[str] = field(default_factory=list)  # years whose files were already imported
    children: int = 0  # distinct CHILD ids in the authority's imported episodes (every year)
    # of them, not in the latest loaded extract's ssd_person (used nowhere); None: no extract loaded yet
    unmatched: int | None = None


def _matching(cur, la_code: str) -> tuple[int, int | None]:
    """The imported children of the authority, and how many the latest loaded extract does not hold."""
    cur.execute(f"select count(distinct child) from {SCHEMA}.ssda903_episodes where la_code = %s", (la_code,))
    children = cur.fetchone()[0]
    cur.execute(
        "select to_regclass('raw._batches') is not null and to_regclass('raw.ssd_person') is not null"
    )
    if not cur.fetchone()[0]:
        return children, None
    cur.execute(
        "select batch_id from raw._batches where la_code = %s and status = 'loaded'"
        " order by extract_date desc limit 1",
        (la_code,),
    )
    batch = cur.fetchone()
    if batch is None:
        return children, None
    cur.execute(
        f"select count(distinct e.child) from {SCHEMA}.ssda903_episodes as e where e.la_code = %s"
        " and not exists (select 1 from raw.ssd_person as p"
        " where p._batch_id = %s and p.pers_person_id = e.child)",
        (la_code, batch[0]),
    )
    return children, cur.fetchone()[0]


def year_folders(directory: Path, year: str | None) -> dict[str, Path]:
    """{collection year: folder}: DIR's sub-folders named like 2017-18, or DIR itself with --year."""
    if not directory.is_dir():
        raise ImportFileError(f"{directory}: not a folder")
    if year:
        return {year: directory}
    found = {p.name: p for p in sorted(directory.iterdir()) if p.is_dir() and YEAR.fullmatch(p.name)}
    if not found:
        raise ImportFileError(
            f"{directory}: no year folders (2017-18, 2018-19, ...); for one year's files give --year"
        )
    return found


def _copy(cur, la_code: str, year: str, f: ReturnFile) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    for line, values in f.rows:
        writer.writerow([la_code, year, line, *("\\N" if v is None else v for v in values)])
    buf.seek(0)
    columns = sql.SQL(", ").join(
        sql.Identifier(c)
        for c in ["la_code", "collection_year", "line", *(c.lower() for c in f.spec.columns)]
    )
    copy = sql.SQL("copy {} ({}) from stdin with (format csv, null '\\N')").format(
        sql.Identifier(SCHEMA, f.spec.table), columns
    )
    cur.copy_expert(copy.as_string(cur.connection), buf)


def _store_year(cur, la_code: str, year: str, files: list[ReturnFile]) -> None:
    for spec in FILES.values():
        cur.execute(
            sql.SQL("delete from {} where la_code = %s and collection_year = %s").format(
                sql.Identifier(SCHEMA, spec.table)
            ),
            (la_code, year),
        )
    cur.execute(
        f"delete from {SCHEMA}.{IMPORTS} where la_code = %s and collection_year = %s", (la_code, year)
    )
    for f in files:
        _copy(cur, la_code, year, f)
        cur.execute(
            f"insert into {SCHEMA}.{IMPORTS} (la_code, collection_year, file, sha256, row_count)"
            " values (%s, %s, %s, %s, %s)",
            (la_code, year, f.spec.name, f.sha256, len(f.rows)),
        )


def import_903(url: str, la_code: str, directory: Path, year: str | None = None) -> ImportResult:
    """Check every file of every year, then store them in one transaction (docs/ssda903.md)."""
    if not LA_CODE.fullmatch(la_code):
        raise ValueError(f"la code {la_code!r}: expected the DfE's three-digit code, e.g. 888")
    years = {y: read_year(folder, y) for y, folder in year_folders(directory, year).items()}
    result = ImportResult(la_code)
    conn = psycopg2.connect(url)
    try:
        with conn, conn.cursor() as cur:
            # one import at a time: the tables are made once, under the same lock
            cur.execute("select pg_advisory_xact_lock(hashtext('cscw.import_903'))")
            ensure_tables(cur)
            for y, files in years.items():
                cur.execute(
                    f"select file, sha256 from {SCHEMA}.{IMPORTS}"
                    " where la_code = %s and collection_year = %s",
                    (la_code, y),
                )
                if dict(cur.fetchall()) == {f.spec.name: f.sha256 for f in files}:
                    result.unchanged.append(y)
                    continue
                _store_year(cur, la_code, y, files)
                result.imported[y] = {f.spec.name: len(f.rows) for f in files}
            result.children, result.unmatched = _matching(cur, la_code)
            if result.imported:  # planner statistics for the next build's reads
                for spec in FILES.values():
                    cur.execute(sql.SQL("analyze {}").format(sql.Identifier(SCHEMA, spec.table)))
    finally:
        conn.close()
    return result
