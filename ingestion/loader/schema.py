"""The `raw` schema: one text table per contract table, plus the loader's bookkeeping tables."""

from __future__ import annotations

from psycopg2 import sql

from ingestion.contract import LINEAGE_COLUMNS, Contract, raw_table_ddl

SCHEMA = "raw"
# Each loaded batch's rows of a table live in their own table here, an inheritance child of
# raw.<table> (so raw.<table> reads every snapshot): the loader COPYs a file straight into a fresh
# child (COPY FREEZE, lineage from constant defaults) and checks only that child. See copyload.py.
SNAPSHOT_SCHEMA = "raw_snapshots"


def snapshot_name(table: str, batch_id: int) -> str:
    """The name, in SNAPSHOT_SCHEMA, of one batch's own table of ``table``'s rows."""
    return f"{table}_{batch_id}"


# Any constant. Taken exclusively (for a transaction) by whoever changes the raw schema, and shared
# (for a session) by every loader while it loads: a schema change then waits for the loaders on
# this lock, never behind their table locks, where a loader's own bookkeeping connection would
# queue behind it in turn and neither could go on.
_SCHEMA_LOCK = 7_305_001

BOOKKEEPING_DDL = """
create table if not exists raw._batches (
  batch_id bigserial primary key,
  la_code text not null,
  extract_date date,
  status text not null
    constraint _batches_status_check
    check (status in ('loading', 'loaded', 'rejected', 'superseded', 'failed', 'pruned')),
  content_hash text,
  contract_version integer,
  source_system text,
  extracted_at text,
  source_path text,
  archive_path text,
  threshold numeric,
  file_hashes jsonb,        -- {file name: sha256}
  rows_loaded jsonb,        -- {table: rows loaded}
  rows_quarantined jsonb,   -- {table: rows quarantined}
  file_seconds jsonb,       -- {file: seconds spent validating and copying}
  total_rows_loaded bigint,
  total_rows_quarantined bigint,
  notices text,
  error text,
  started_at timestamptz not null default clock_timestamp(),
  finished_at timestamptz,
  duration_seconds numeric,
  loaded_at timestamptz,
  superseded_by bigint references raw._batches (batch_id)
);
-- At most one loaded snapshot per authority and extract date (a correction supersedes the old one).
create unique index if not exists _batches_one_loaded
  on raw._batches (la_code, extract_date) where status = 'loaded';
create table if not exists raw._quarantine (
  batch_id bigint not null references raw._batches (batch_id),
  la_code text not null,
  extract_date date,
  file text not null,
  line integer not null,
  column_name text,
  value text,
  reason text not null
);
create index if not exists _quarantine_batch on raw._quarantine (batch_id);
-- the manifest's optional history_start (contract version 2 manifests; older batches have none)
alter table raw._batches add column if not exists history_start date;
"""


def raw_index_ddl(table: str) -> str:
    # BRIN: batches are appended contiguously, so block ranges summarise one snapshot each; it
    # costs next to nothing during COPY, unlike a b-tree, and serves staging's "latest extract"
    # filter and the delete of a superseded snapshot. autosummarize: autovacuum summarises new
    # ranges soon after a load (unsummarised ranges are simply scanned until then).
    return (
        f'create index if not exists "{table}_snapshot_brin" on raw."{table}" '
        "using brin (_la_code, _extract_date, _batch_id) with (autosummarize = on)"
    )


def ensure_schema(conn, contract: Contract) -> dict[str, set[str]]:
    """Create the raw schema, every contract table (optional ones too, so dbt sources always
    exist), contract columns added since a table was made, and the bookkeeping tables. Commits.
    Returns the raw tables' columns ({table: columns}) for later extra-column checks.

    When everything is already there (every night but the first), only the catalogs are read: the
    DDL below locks raw._batches even when it changes nothing (ADD COLUMN IF NOT EXISTS takes an
    exclusive lock), and a loader in the middle of its batch, waiting on its own bookkeeping
    connection, would then wait for ever behind it."""
    with conn.cursor() as cur:
        columns = raw_columns(cur)
        if _schema_is_current(cur, contract, columns):
            conn.commit()
            return columns
        cur.execute("select pg_advisory_xact_lock(%s)", (_SCHEMA_LOCK,))
        # Whoever held the lock before us may have made it all (two loaders of a first night).
        columns = raw_columns(cur)
        if _schema_is_current(cur, contract, columns):
            conn.commit()
            return columns
        cur.execute(f"create schema if not exists {SCHEMA}")
        cur.execute(f"create schema if not exists {SNAPSHOT_SCHEMA}")
        cur.execute(BOOKKEEPING_DDL)
        _allow_pruned(cur)
        columns = raw_columns(cur)
        for table in contract.tables.values():
            if table.name not in columns:
                cur.execute(raw_table_ddl(table, SCHEMA))
                columns[table.name] = set(table.column_names) | set(LINEAGE_COLUMNS)
            cur.execute(raw_index_ddl(table.name))
            add_columns(cur, table.name, table.column_names, columns[table.name])
    conn.commit()
    return columns


def hold_schema_steady(conn) -> None:
    """Keep the raw schema as it is while this session loads (until it closes): a schema change
    waits for the end of the load on the advisory lock. ``conn`` must autocommit (the bookkeeping
    connection), so the lock is the only thing it holds between statements."""
    with conn.cursor() as cur:
        cur.execute("select pg_advisory_lock_shared(%s)", (_SCHEMA_LOCK,))


_BOOKKEEPING_COLUMNS = {"_batches": {"history_start", "file_hashes"}, "_quarantine": {"reason"}}
_BOOKKEEPING_INDEXES = {"_batches_one_loaded", "_quarantine_batch"}


def _schema_is_current(cur, contract: Contract, columns: dict[str, set[str]]) -> bool:
    """Whether ensure_schema would change nothing, from the catalogs alone (no table locks)."""
    for table, wanted in _BOOKKEEPING_COLUMNS.items():
        if not wanted <= columns.get(table, set()):
            return False
    for table in contract.tables.values():
        if not set(table.column_names) <= columns.get(table.name, set()):
            return False
    cur.execute(
        "select (select count(*) from pg_namespace where nspname = %s),"
        " (select array_agg(indexname::text) from pg_indexes where schemaname = %s),"
        " (select pg_get_constraintdef(k.oid) from pg_constraint k"
        "   join pg_class c on c.oid = k.conrelid join pg_namespace n on n.oid = c.relnamespace"
        "   where n.nspname = %s and c.relname = '_batches' and k.conname = '_batches_status_check')",
        (SNAPSHOT_SCHEMA, SCHEMA, SCHEMA),
    )
    snapshot_schemas, indexes, status_check = cur.fetchone()
    wanted_indexes = _BOOKKEEPING_INDEXES | {f"{t}_snapshot_brin" for t in contract.tables}
    return (
        snapshot_schemas == 1
        and wanted_indexes <= set(indexes or ())
        and status_check is not None
        and "pruned" in status_check
    )


def _allow_pruned(cur) -> None:
    """Databases made before the retention policy: let raw._batches.status be `pruned` too."""
    cur.execute(
        "select pg_get_constraintdef(oid) from pg_constraint"
        " where conrelid = 'raw._batches'::regclass and conname = '_batches_status_check'"
    )
    row = cur.fetchone()
    if row is None or "pruned" not in row[0]:
        cur.execute(
            "alter table raw._batches drop constraint if exists _batches_status_check;"
            " alter table raw._batches add constraint _batches_status_check check (status in"
            " ('loading', 'loaded', 'rejected', 'superseded', 'failed', 'pruned'))"
        )


def raw_columns(cur) -> dict[str, set[str]]:
    """{table: column names} for every table in the raw schema, in one catalog query."""
    cur.execute(
        "select c.relname, a.attname from pg_attribute a"
        " join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace"
        " where n.nspname = %s and c.relkind in ('r', 'p') and a.attnum > 0 and not a.attisdropped",
        (SCHEMA,),
    )
    columns: dict[str, set[str]] = {}
    for table, column in cur.fetchall():
        columns.setdefault(table, set()).add(column)
    return columns


def add_columns(cur, table: str, wanted, existing: set[str]) -> list[str]:
    """Add the text columns a raw table lacks (contract columns added later, or a file's extras);
    ``existing`` is updated (inside a load transaction the caller passes a copy, since a
    rollback undoes the columns)."""
    missing = [c for c in wanted if c not in existing]
    for c in missing:
        cur.execute(
            sql.SQL("alter table {}.{} add column if not exists {} text").format(
                sql.Identifier(SCHEMA), sql.Identifier(table), sql.Identifier(c)
            )
        )
        existing.add(c)
    return missing


def analyze_raw(conn) -> list[str]:
    """Planner statistics for the raw tables loaded since they were last analyzed; returns their names.

    Run before dbt reads raw (by `cscw build` and the pipeline's build step), not by the loader: it
    is the consumer's need, and it costs about as much as the load's own COPY. Without it the first
    build after a load is planned blind and takes minutes (autovacuum would come a minute too late).
    """
    with conn.cursor() as cur:
        cur.execute("select to_regclass('raw._batches')")
        if cur.fetchone()[0] is None:
            return []
        cur.execute(
            """select c.relname from pg_class c
               join pg_namespace n on n.oid = c.relnamespace and n.nspname = %s
               left join pg_stat_user_tables s on s.relid = c.oid
               where c.relkind in ('r', 'p') and c.relname not like '\\_%%'
                 and coalesce(greatest(s.last_analyze, s.last_autoanalyze), '-infinity') <
                     (select coalesce(max(finished_at), '-infinity') from raw._batches
                      where status in ('loaded', 'superseded'))
               order by 1""",
            (SCHEMA,),
        )
        stale = [r[0] for r in cur.fetchall()]
        for table in stale:
            cur.execute(sql.SQL("analyze {}.{}").format(sql.Identifier(SCHEMA), sql.Identifier(table)))
    conn.commit()
    return stale
