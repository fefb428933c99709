"""Which definition the warehouse's incremental models were built with, and a reset when it changes.

The incremental models (the history models, int_child_changes and the child-scoped facts) only ever
recompute what changed in the data. A change to what they are computed *with* (their SQL or macros, the
code-list or bank-holiday seeds, a build var, the pseudonym key) would leave every untouched row computed
the old way, so before each build (`cscw build`, `cscw nightly` and the DAG's prepare step) the
definition is fingerprinted and, when it differs from the one recorded in the database, the affected
tables are dropped and dbt builds them in full. Two layers, because replaying history is dearer:

- history: the history macro, models and the sources they read; a change drops the history models too
  (they replay every snapshot still in raw);
- warehouse: everything the facts read, the history's files included (so a history change is a
  warehouse change too); a change drops the facts and int_child_changes. Their watermarks
  (warehouse.fact_watermarks, made by dbt's on-run-start) need no reset: a fact built in full ignores
  its watermark and records a new one.

A comment-only edit counts as a change: a full rebuild is always correct, only slower.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from psycopg2 import sql

from ingestion.dbt_runner import PROJECT_DIR

STATE_TABLE = "ops.warehouse_definition"
# vars that only say where the marts go (write-audit-publish), which build reads which batches and whether
# failing tests are blamed on authorities (ingestion.isolation), not how
# anything is computed
_PLACEMENT_VARS = {"marts_schema", "build_id", "isolate_authorities"}

HISTORY_FILES = (
    "macros/history.sql",
    "macros/model_batches.sql",
    "models/staging/history",
    "models/staging/_raw__sources.yml",
    "models/staging/ref/stg_raw__build_batches.sql",
)
WAREHOUSE_FILES = (
    "dbt_project.yml",
    "macros",
    "models/staging",
    "models/intermediate",
    "models/marts/warehouse",
    "seeds",
)

# per layer: (schema, table name pattern) of the tables its change drops
_DROPS = {
    "history": [("staging", "hist\\_%")],
    "warehouse": [("warehouse", "fct\\_%"), ("intermediate", "int\\_child\\_changes")],
}


def _files(paths, root: Path = PROJECT_DIR) -> list[Path]:
    out = []
    for rel in paths:
        p = root / rel
        out += sorted(f for f in p.rglob("*") if f.is_file()) if p.is_dir() else [p] if p.exists() else []
    return out


def fingerprints(vars: dict | None = None, pseudonym_key: str | None = None) -> dict[str, str]:
    """{layer: sha256} of the files and settings each layer of incremental models is computed with."""
    from ingestion.config import pseudonym_key as configured_key

    settings = {k: v for k, v in sorted((vars or {}).items()) if k not in _PLACEMENT_VARS}
    key = pseudonym_key if pseudonym_key is not None else configured_key()
    out = {}
    for layer, paths in (("history", HISTORY_FILES), ("warehouse", WAREHOUSE_FILES)):
        h = hashlib.sha256()
        files = _files(paths)
        if layer == "warehouse":
            h.update(json.dumps(settings, sort_keys=True, default=str).encode())
            h.update(hashlib.sha256(key.encode()).digest())  # a new key: every child_key changes
        for f in files:
            h.update(str(f.relative_to(PROJECT_DIR.parent)).encode() + b"\0" + f.read_bytes() + b"\0")
        out[layer] = h.hexdigest()
    return out


def _ensure_state_table(cur) -> None:
    cur.execute(
        f"create schema if not exists ops;"
        f" create table if not exists {STATE_TABLE} (layer text primary key, fingerprint text not null,"
        f" recorded_at timestamptz not null default now())"
    )


def _tables(cur, schema: str, pattern: str) -> list[str]:
    cur.execute(
        "select table_name from information_schema.tables"
        " where table_schema = %s and table_name like %s and table_type = 'BASE TABLE' order by 1",
        (schema, pattern),
    )
    return [r[0] for r in cur.fetchall()]


def reset_if_changed(conn, vars: dict | None = None) -> list[str]:
    """Drop the incremental tables built with another definition; record the current one.

    Returns the dropped tables ("schema.table"). One transaction: a failure leaves everything as it was.
    """
    current = fingerprints(vars)
    dropped: list[str] = []
    with conn, conn.cursor() as cur:
        _ensure_state_table(cur)
        cur.execute(f"select layer, fingerprint from {STATE_TABLE}")
        recorded = dict(cur.fetchall())
        changed = [layer for layer in ("history", "warehouse") if recorded.get(layer) != current[layer]]
        for layer in changed:
            for schema, pattern in _DROPS[layer]:
                for table in _tables(cur, schema, pattern):
                    # cascade: the views over them (int_child_change_events), which dbt makes again
                    # before anything reads them; no published mart is a view over these tables
                    cur.execute(sql.SQL("drop table {} cascade").format(sql.Identifier(schema, table)))
                    dropped.append(f"{schema}.{table}")
        for layer in changed:
            cur.execute(
                f"insert into {STATE_TABLE} (layer, fingerprint) values (%s, %s)"
                " on conflict (layer) do update set fingerprint = excluded.fingerprint, recorded_at = now()",
                (layer, current[layer]),
            )
    return dropped
