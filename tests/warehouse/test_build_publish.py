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

    # A night whose data fails a dbt test for one authority (903 repeats a person id): the others (901)
    # are published again, 903 has no earlier figures to keep, so it has none, and is flagged stale; the
    # exit code says not everything was refreshed.
    person = {"pers_person_id": "P1", "pers_sex": "M", "pers_dob": "2010-01-01"}
    load_extract(db_url, "903", "2019-06-30", {"ssd_person": [person, dict(person)]})
    assert main(["build", "--url", db_url]) == 1
    assert "authority 903 kept its earlier figures" in capsys.readouterr().out
    with psycopg2.connect(db_url) as conn, conn.cursor() as cur:
        cur.execute("select count(*) from marts.kpi_values where la_code = '901'")
        assert cur.fetchone()[0] == headline_rows
        cur.execute("select count(*) from marts.mart_cla_population where la_code = '903'")
        assert cur.fetchone()[0] == 0
        cur.execute("select la_code, data_as_at::text, is_stale from marts.data_freshness order by 1")
        assert cur.fetchall() == [("901", "2019-06-30", False), ("903", None, True)]
