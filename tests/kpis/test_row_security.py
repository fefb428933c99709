"""Row-level security for a regional hub, with real roles, real logins and real queries on the shared KPI
build (the hand-worked authorities and a generated Lancashire, 888): an authority role reads its own rows
of the marts and the others only through the suppressed publication views, a hub analyst and `reporter`
read every row, and the usual ways around the policies fail. The roles are made with `cscw roles add`,
which applies the policies to the marts at once; that every publish applies them again to the swapped-in
tables is tested with the real publish in tests/operations/test_authority_isolation.py."""

from __future__ import annotations

import uuid
from urllib.parse import urlsplit, urlunsplit

import psycopg2
import pytest

from ingestion import row_security
from ingestion.cli import main
from ingestion.names import MARTS
from tests.conftest import query as _rows

# roles are cluster-wide: names of this module's own
OWN, OTHER, HUB = "rls_la_own", "rls_la_other", "rls_hub_analyst"


def _login(url: str, group: str) -> str:
    """A login role, member of `group`, and its URL."""
    user, password = f"rls_person_{uuid.uuid4().hex[:8]}", uuid.uuid4().hex
    admin = psycopg2.connect(url)
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f"create role {user} login password %s in role {group}", (password,))
    admin.close()
    parts = urlsplit(url)
    return urlunsplit(parts._replace(netloc=f"{user}:{password}@{parts.hostname}:{parts.port}"))


@pytest.fixture(scope="module")
def hub(kpi_build):
    url = kpi_build.url
    own = "888"
    other = _rows(url, "select min(la_code) from marts.kpi_values where la_code <> %s", (own,))[0][0]
    assert main(["roles", "add", OWN, "--la", own, "--url", url]) == 0
    assert main(["roles", "add", OTHER, "--la", other, "--url", url]) == 0
    assert main(["roles", "add", HUB, "--hub", "--url", url]) == 0
    logins = {group: _login(url, group) for group in (OWN, OTHER, HUB, "reporter")}
    yield url, logins, own, other
    for group in (OWN, OTHER, HUB):
        main(["roles", "remove", group, "--url", url])
    admin = psycopg2.connect(url)
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute("select rolname from pg_roles where rolname like 'rls\\_person\\_%'")
        for (user,) in cur.fetchall():
            cur.execute(f"drop role {user}")
    admin.close()


def _la_tables(url: str) -> list[str]:
    conn = psycopg2.connect(url)
    try:
        with conn.cursor() as cur:
            return row_security._la_tables(cur, MARTS)
    finally:
        conn.close()


def _count_by_la(url: str, relation: str) -> dict[str, int]:
    return dict(_rows(url, f"select la_code, count(*) from {relation} group by 1"))


def test_each_role_reads_the_rows_it_should(hub):
    url, logins, own, other = hub
    tables = _la_tables(url)
    assert {"kpi_values", "kpi_headline", "mart_cla_population"} <= set(tables)
    for table in tables:
        everything = _count_by_la(url, f"marts.{table}")  # the build role owns the marts: every row
        assert _count_by_la(logins[OWN], f"marts.{table}") == {
            k: n for k, n in everything.items() if k == own
        }
        assert _count_by_la(logins[OTHER], f"marts.{table}") == {
            k: n for k, n in everything.items() if k == other
        }, table
        assert _count_by_la(logins[HUB], f"marts.{table}") == everything, table
        assert _count_by_la(logins["reporter"], f"marts.{table}") == everything, table
    assert len(_count_by_la(url, "marts.kpi_values")) > 2  # the shared build holds many authorities
    # tables without la_code (the catalogue) are read whole by every reader
    catalogue = _rows(url, "select count(*) from marts.kpi_catalogue")
    assert _rows(logins[OWN], "select count(*) from marts.kpi_catalogue") == catalogue


def test_other_authorities_only_through_the_suppressed_views(hub):
    url, logins, own, other = hub
    for view in ("marts.pub_kpi_values", "marts.pub_kpi_headline"):
        assert _count_by_la(logins[OWN], view) == _count_by_la(url, view)
    # the other authority's figures as OWN sees them: suppressed ones withheld, exactly as published
    columns = "kpi_code, period_type, period_start, breakdown, breakdown_value, numerator, value_display"
    query = f"select {columns} from marts.pub_kpi_values where la_code = %s order by 1, 2, 3, 4, 5"
    seen = _rows(logins[OWN], query, (other,))
    assert seen == _rows(url, query, (other,))
    assert any(r[6] == "x" and r[5] is None for r in seen)
    # the unsuppressed numerators behind those 'x' are in kpi_values, which OWN cannot read
    assert _rows(logins[OWN], "select count(*) from marts.kpi_values where la_code = %s", (other,)) == [(0,)]


def test_reading_around_the_policies_fails(hub):
    url, logins, own, _ = hub
    conn = psycopg2.connect(logins[OWN])
    conn.autocommit = True
    denied = psycopg2.errors.InsufficientPrivilege
    try:
        with conn.cursor() as cur:
            for statement in (
                "create view marts.mine as select * from marts.kpi_values",
                "create view public.mine as select * from marts.kpi_values",
                "create temporary view mine as select * from marts.kpi_values",
                "create function public.peek() returns bigint language sql security definer"
                " as 'select count(*) from marts.kpi_values'",
                "alter view marts.pub_kpi_values set (security_invoker = false)",
                "alter table marts.kpi_values disable row level security",
                "alter table marts.kpi_values no force row level security",
                f"set role {HUB}",
                "set role reporter",
                f"set role {OTHER}",
                f"set session authorization {HUB}",
                "select * from staging.stg_ssd__person",
                "select * from warehouse.dim_child",
            ):
                with pytest.raises(denied):
                    cur.execute(statement)
            # switching the policies off for one session is refused, not silently ignored
            cur.execute("set row_security = off")
            with pytest.raises(denied, match="row-level security"):
                cur.execute("select count(*) from marts.kpi_values")
            cur.execute("reset row_security")
            # the planner's sampled values of a table under policies are hidden too
            cur.execute(
                "select count(*) from pg_stats where schemaname = 'marts' and tablename = 'kpi_values'"
            )
            assert cur.fetchone() == (0,)
            # no schema but marts is readable (build schemas, marts__previous, raw, staging, warehouse)
            cur.execute(
                "select distinct n.nspname from pg_class c join pg_namespace n on n.oid = c.relnamespace"
                " where n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast')"
                " and has_schema_privilege(n.oid, 'USAGE') and has_table_privilege(c.oid, 'SELECT')"
            )
            assert cur.fetchall() == [("marts",)]
            cur.execute("select distinct la_code from marts.kpi_values")
            assert cur.fetchall() == [(own,)]
    finally:
        conn.close()
    conn = psycopg2.connect(url)
    try:
        with conn.cursor() as cur:
            cur.execute("analyze marts.kpi_values")
            cur.execute(
                "select count(*) from pg_stats where schemaname = 'marts' and tablename = 'kpi_values'"
            )
            assert cur.fetchone()[0] > 0
        conn.commit()
    finally:
        conn.close()


def test_a_view_added_to_marts_runs_with_the_readers_rights(hub):
    """The publication views read with their owner's rights (every authority, suppressed); any other
    view in marts is made security_invoker by the step that applies the policies."""
    url, logins, own, _ = hub
    conn = psycopg2.connect(url)
    try:
        with conn.cursor() as cur:
            cur.execute("create view marts.adhoc_values as select * from marts.kpi_values")
            cur.execute(f"grant select on marts.adhoc_values to {OWN}")
            row_security.apply(cur)
        conn.commit()
        assert _count_by_la(logins[OWN], "marts.adhoc_values") == {
            own: _count_by_la(url, "marts.kpi_values")[own]
        }
        invoker = dict(
            _rows(
                url,
                "select c.relname, coalesce('security_invoker=true' = any(c.reloptions), false)"
                " from pg_class c join pg_namespace n on n.oid = c.relnamespace"
                " where n.nspname = 'marts' and c.relkind = 'v'",
            )
        )
        assert invoker["adhoc_values"] is True
        assert invoker["pub_kpi_values"] is False and invoker["pub_kpi_headline"] is False
    finally:
        with conn.cursor() as cur:
            cur.execute("drop view if exists marts.adhoc_values")
        conn.commit()
        conn.close()


def test_roles_are_listed_refused_and_removed(hub, capsys):
    url, _, own, _ = hub
    capsys.readouterr()
    assert main(["roles", "list", "--url", url]) == 0
    listed = capsys.readouterr().out
    assert f"{OWN}\tauthority {own}" in listed and f"{HUB}\thub analyst" in listed
    assert main(["roles", "add", "reporter", "--la", own, "--url", url]) == 2
    assert main(["roles", "add", "rls_la_x", "--la", "88", "--url", url]) == 2
    assert "three-digit" in capsys.readouterr().err
    assert main(["roles", "add", "rls_la_gone", "--la", "903", "--url", url]) == 0
    assert _rows(url, "select count(*) from pg_policies where policyname = 'cscw_rls_la_gone'")[0][0] > 0
    assert main(["roles", "remove", "rls_la_gone", "--url", url]) == 0
    assert _rows(url, "select count(*) from pg_roles where rolname = 'rls_la_gone'") == [(0,)]
    assert _rows(url, "select count(*) from pg_policies where policyname = 'cscw_rls_la_gone'") == [(0,)]
    assert main(["roles", "remove", "rls_la_gone", "--url", url]) == 1
