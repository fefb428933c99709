"""Hand-made raw extracts for warehouse tests, stored the way the loader leaves them: the loader's
raw schema (ingestion.loader.schema) and one 'loaded' batch per (la_code, extract_date)."""

from __future__ import annotations

import psycopg2
from psycopg2.extras import Json

from ingestion.contract import load_contract
from ingestion.dbt_runner import PROJECT_DIR
from ingestion.loader.schema import ensure_schema


def create_raw_schema(url: str) -> None:
    conn = psycopg2.connect(url)
    try:
        ensure_schema(conn, load_contract())
    finally:
        conn.close()


def _loaded_batch(cur, la_code: str, extract_date: str) -> int:
    cur.execute(
        "insert into raw._batches (la_code, extract_date, status, loaded_at)"
        " values (%s, %s, 'loaded', now()) returning batch_id",
        (la_code, extract_date),
    )
    return cur.fetchone()[0]


def _record_files(cur, batch_id: int, rows: dict[str, int]) -> None:
    """What the loader records of the files an extract sent: every required table (a manifest must
    list them) and the tables given, with their row counts (availability reads these)."""
    contract = load_contract()
    sent = {t: 0 for t in contract.required_tables} | rows
    cur.execute(
        "update raw._batches set file_hashes = %s, rows_loaded = %s where batch_id = %s",
        (
            Json({f"{t}.csv": None for t in sent}),
            Json(sent),
            batch_id,
        ),
    )


def load_extract(url: str, la_code: str, extract_date: str, tables: dict[str, list[dict]]) -> int:
    """Insert one extract (rows per table: contract column -> text) as a loaded batch; returns its id."""
    contract = load_contract()
    conn = psycopg2.connect(url)
    try:
        with conn, conn.cursor() as cur:
            batch_id = _loaded_batch(cur, la_code, extract_date)
            for name, rows in tables.items():
                cols = contract.tables[name].column_names
                names = list(cols) + ["_la_code", "_extract_date", "_batch_id", "_source_line"]
                for line, row in enumerate(rows, start=2):
                    unknown = set(row) - set(cols)
                    if unknown:
                        raise KeyError(f"{name}: not contract columns: {sorted(unknown)}")
                    values = [row.get(c) for c in cols] + [la_code, extract_date, batch_id, line]
                    placeholders = ", ".join(["%s"] * len(names))
                    cur.execute(
                        f"insert into raw.{name} ({', '.join(names)}) values ({placeholders})", values
                    )
            _record_files(cur, batch_id, {name: len(rows) for name, rows in tables.items()})
    finally:
        conn.close()
    return batch_id


def clone_extract(url: str, la_code: str, source_date: str, new_date: str, changes: list[str] = ()) -> int:
    """Copy a loaded snapshot to a later extract date as a new loaded batch (as if the case system sent the
    same data again), then run ``changes`` on it: SQL statements in which ``{batch}`` is the new batch id.
    Returns the batch id."""
    contract = load_contract()
    conn = psycopg2.connect(url)
    try:
        with conn, conn.cursor() as cur:
            batch_id = _loaded_batch(cur, la_code, new_date)
            for name, table in contract.tables.items():
                cols = ", ".join(table.column_names)
                cur.execute(
                    f"insert into raw.{name} ({cols}, _la_code, _extract_date, _batch_id, _source_line)"
                    f" select {cols}, _la_code, %s, %s, _source_line from raw.{name}"
                    " where _la_code = %s and _extract_date = %s",
                    (new_date, batch_id, la_code, source_date),
                )
            cur.execute(
                "update raw._batches n set file_hashes = o.file_hashes, rows_loaded = o.rows_loaded"
                " from raw._batches o where n.batch_id = %s and o.la_code = %s and o.extract_date = %s"
                " and o.status = 'loaded' and o.batch_id <> n.batch_id",
                (batch_id, la_code, source_date),
            )
            for statement in changes:
                cur.execute(statement.replace("{batch}", str(batch_id)))
    finally:
        conn.close()
    return batch_id


# every fact model, from the folder that configures them (incremental, child-scoped)
FACTS = sorted(p.stem for p in (PROJECT_DIR / "models" / "marts" / "warehouse" / "facts").glob("fct_*.sql"))
