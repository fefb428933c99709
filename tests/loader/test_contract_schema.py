"""The contract as data is consistent, and the raw schema the loader makes matches it."""

from __future__ import annotations

import pytest

from ingestion.contract import LINEAGE_COLUMNS, load_contract
from ingestion.loader.schema import ensure_schema, hold_schema_steady
from tests.conftest import SHARED_DIR

CONTRACT = load_contract()
SPEC = SHARED_DIR / "spec" / "extract-contract.md"


def test_every_code_column_names_an_existing_non_empty_code_list():
    code_columns = [(t.name, c) for t in CONTRACT.tables.values() for c in t.columns if c.type == "code"]
    assert len(code_columns) >= 15
    for table, col in code_columns:
        assert col.codes in CONTRACT.code_lists, f"{table}.{col.name} -> {col.codes}"
        assert CONTRACT.code_lists[col.codes].codes, f"{col.codes} is empty"


def test_every_primary_key_is_a_required_column():
    for t in CONTRACT.tables.values():
        assert t.column(t.primary_key).required, t.name


# The written specification sits beside the repository only where the project is developed; users
# have the contract as data (ingestion/contract.yml) and docs/contract.md generated from it.
@pytest.mark.skipif(not SPEC.exists(), reason="the written specification is not beside the repository")
def test_the_spec_required_tables_are_required_in_the_contract():
    spec = SPEC.read_text()
    section = spec.split("## SSD tables")[1].split("Optional SSD tables")[0]
    spec_tables = {line.split("|")[1].strip() for line in section.splitlines() if line.startswith("| ssd_")}
    assert spec_tables == set(CONTRACT.required_tables)


def test_raw_tables_match_the_contract(db_url):
    import psycopg2

    conn = psycopg2.connect(db_url)
    ensure_schema(conn, CONTRACT)
    ensure_schema(conn, CONTRACT)  # twice: idempotent
    with conn.cursor() as cur:
        cur.execute(
            "select table_name, column_name, data_type from information_schema.columns"
            " where table_schema = 'raw' order by table_name, ordinal_position"
        )
        rows = cur.fetchall()
    conn.close()
    tables: dict[str, list[tuple[str, str]]] = {}
    for table, column, data_type in rows:
        tables.setdefault(table, []).append((column, data_type))
    assert set(CONTRACT.tables) | {"_batches", "_quarantine"} == set(tables)
    for name, table in CONTRACT.tables.items():
        columns = [c for c, _ in tables[name]]
        assert columns == [*table.column_names, *LINEAGE_COLUMNS], name
        types = dict(tables[name])
        assert all(types[c] == "text" for c in table.column_names), name
        assert types["_extract_date"] == "date" and types["_batch_id"] == "bigint"


def test_a_current_schema_is_checked_without_locking_raw(db_url):
    """A loader mid-batch holds a lock on raw._batches (it read it) and waits on its own
    bookkeeping connection; another loader's or a build's schema check must not queue an exclusive
    lock behind it (two loaders of one extract once hung for ever that way)."""
    import psycopg2

    setup = psycopg2.connect(db_url)
    ensure_schema(setup, CONTRACT)
    setup.close()
    loading = psycopg2.connect(db_url)  # a batch's data transaction, still open
    checking = psycopg2.connect(db_url)
    try:
        with loading.cursor() as cur:
            cur.execute("select count(*) from raw._batches")
            cur.execute("select count(*) from raw.ssd_person")
        with checking.cursor() as cur:
            cur.execute("set lock_timeout = '3s'")
        columns = ensure_schema(checking, CONTRACT)  # raised LockNotAvailable before
        assert set(CONTRACT.tables) <= set(columns)
    finally:
        loading.close()
        checking.close()


def test_a_schema_change_waits_for_a_loader_mid_batch_without_blocking_its_bookkeeping(db_url):
    """A schema change (an upgrade adds a column or index) while a loader is mid-batch: the change
    waits for the loader to finish, and the loader's own bookkeeping writes are never queued behind
    the change's exclusive lock (they were: the two waited on each other for ever)."""
    import threading

    import psycopg2

    setup = psycopg2.connect(db_url)
    ensure_schema(setup, CONTRACT)
    with setup.cursor() as cur:
        cur.execute("drop index raw.ssd_person_snapshot_brin")  # the new version's schema differs
    setup.commit()
    setup.close()
    data = psycopg2.connect(db_url)  # the loader's batch transaction, still open
    book = psycopg2.connect(db_url)
    book.autocommit = True
    upgrading = psycopg2.connect(db_url)
    changed = threading.Event()
    try:
        hold_schema_steady(book)
        with data.cursor() as cur:
            cur.execute("select count(*) from raw._batches")
        upgrade = threading.Thread(target=lambda: (ensure_schema(upgrading, CONTRACT), changed.set()))
        upgrade.start()
        upgrade.join(timeout=1.5)
        assert not changed.is_set(), "the schema changed under a loader mid-batch"
        with book.cursor() as cur:
            cur.execute("set lock_timeout = '3s'")
            cur.execute(
                "insert into raw._batches (la_code, status) values ('888', 'loading') returning batch_id"
            )
        data.close()
        book.close()
        upgrade.join(timeout=30)
        assert changed.is_set(), "the schema change never ran after the loader finished"
    finally:
        for conn in (data, book, upgrading):
            conn.close()
    check = psycopg2.connect(db_url)
    with check.cursor() as cur:
        cur.execute("select count(*) from pg_indexes where indexname = 'ssd_person_snapshot_brin'")
        assert cur.fetchone()[0] == 1
    check.close()


def test_a_missing_piece_of_the_schema_is_made_again(db_url):
    import psycopg2

    conn = psycopg2.connect(db_url)
    ensure_schema(conn, CONTRACT)
    with conn.cursor() as cur:
        cur.execute("alter table raw._batches drop column history_start")
        cur.execute("drop index raw.ssd_person_snapshot_brin")
    conn.commit()
    ensure_schema(conn, CONTRACT)
    with conn.cursor() as cur:
        cur.execute(
            "select count(*) from information_schema.columns"
            " where table_schema = 'raw' and table_name = '_batches' and column_name = 'history_start'"
        )
        assert cur.fetchone()[0] == 1
        cur.execute("select count(*) from pg_indexes where indexname = 'ssd_person_snapshot_brin'")
        assert cur.fetchone()[0] == 1
    conn.close()


def test_the_contract_page_is_generated_from_the_contract():
    """docs/contract.md is what ingestion/contract.yml says: regenerate it after changing the contract."""
    from ingestion import contract_docs

    assert contract_docs.main(["--check"]) == 0, (
        "docs/contract.md is stale: run python -m ingestion.contract_docs"
    )
    text = contract_docs.DOCS.read_text(encoding="utf-8")
    for table in CONTRACT.tables.values():
        assert table.description, f"{table.name} has no description in contract.yml"
        assert f"### {table.name}\n\n{table.description}" in text
        assert all(f"| `{c}` |" in text for c in table.column_names), table.name
