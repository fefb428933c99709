"""`cscw build` is write-audit-publish: the marts are built and tested in the build schema and swapped into
`marts` only when every test passed, through the same publish step as the nightly DAG."""

from __future__ import annotations

import psycopg2

from ingestion.cli import main
from ingestion.names import BUILD_SCHEMA_PREFIX, MARTS
from tests.warehouse import handmade
from tests.warehouse.rawdata import create_raw_schema, load_extract


def _marts_tables(url: str) -> dict[str, int]:
    """{table name: oid} of the relations in `marts` (an OID changes when a table is rebuilt)."""
    with psycopg2.connect(url) as conn, conn.cursor() as cur:
        cur.execute(
            """select c.relname, c.oid::int from pg_class c join pg_namespace n on n.oid = c.relnamespace
               where n.nspname = %s and c.relkind in ('r', 'v')""",
            (MARTS,),
        )
        return dict(cur.fetchall())


def _build_schemas(url: str) -> list[str]:
    with psycopg2.connect(url) as conn, conn.cursor() as cur:
        cur.execute("select nspname from pg_namespace where nspname like %s", (BUILD_SCHEMA_PREFIX + "%",))
        return [r[0] for r in cur.fetchall()]


def test_build_publishes_only_a_passing_build(db_url, capsys):
    create_raw_schema(db_url)
    load_extract(db_url, "901", "2019-06-30", handmade.extract())

    assert main(["build", "--url", db_url]) == 0
    assert "published" in capsys.readouterr().out
    published = _marts_tables(db_url)
    assert "kpi_values" in published and "data_freshness" in published
    assert _build_schemas(db_url) == []  # the build's own schema became `marts`
    with psycopg2.connect(db_url) as conn, conn.cursor() as cur:
        # every publish says what the marts are "as at", `cscw build` too
        cur.execute("select la_code, data_as_at::text from marts.data_freshness")
        assert cur.fetchall() == [("901", "2019-06-30")]
    with psycopg2.connect(db_url) as conn, conn.cursor() as cur:
        cur.execute("select count(*) from marts.kpi_values where la_code = '901'")
        headline_rows = cur.fetchone()[0]
    assert headline_rows > 0

    # A night whose data fails a dbt test (a person id repeated in the extract): nothing is published,
    # the marts keep the very same relations (same OIDs) and the same figures.
    person = {"pers_person_id": "P1", "pers_sex": "M", "pers_dob": "2010-01-01"}
    load_extract(db_url, "903", "2019-06-30", {"ssd_person": [person, dict(person)]})
    assert main(["build", "--url", db_url]) == 1
    assert "not published" in capsys.readouterr().out
    assert _marts_tables(db_url) == published
    with psycopg2.connect(db_url) as conn, conn.cursor() as cur:
        cur.execute("select count(*) from marts.kpi_values where la_code = '901'")
        assert cur.fetchone()[0] == headline_rows
