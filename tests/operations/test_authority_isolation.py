"""Isolation per authority: a night where one authority's data fails a test publishes the others with fresh
figures, and the failing one keeps its previous figures, flagged stale in marts.data_freshness and
ops.pipeline_runs and named by the notifier. Real builds of two hand-made authorities (901, 902): night 1
publishes both; night 2 brings 901 with one child fewer and 902 with a person id repeated (the unique
test on (la_code, pers_person_id) fails with 902 in its rows). The authority role's policies are seen to
survive the publish that composes the marts."""

from __future__ import annotations

import json

import psycopg2
import pytest

from ingestion import builds, isolation, ops
from ingestion.cli import main
from ingestion.pipeline import dbt_steps, publishing
from ingestion.pipeline.records import finish, record_start
from tests.conftest import query as _rows
from tests.warehouse import handmade
from tests.warehouse.rawdata import clone_extract, create_raw_schema, load_extract

RUN_ID = "isolation_night_2"
ROLE = "iso_la_902"  # roles are cluster-wide: a name of this module's own
ANNOUNCED: list[tuple[str, str]] = []


def collect(subject: str, body: str) -> None:
    """The notifier of this module (CSCW_NOTIFIER=module:function)."""
    ANNOUNCED.append((subject, body))


def _figures(url: str, la_code: str) -> dict[str, list[tuple]]:
    """Every row of `la_code` in every marts table that carries la_code, as text, sorted."""
    conn = psycopg2.connect(url)
    try:
        with conn.cursor() as cur:
            tables = isolation._la_tables(cur, "marts")
            out = {}
            for table in tables:
                cur.execute(
                    f"select t::text from marts.{table} as t where la_code = %s order by 1", (la_code,)
                )
                out[table] = [r[0] for r in cur.fetchall()]
            return out
    finally:
        conn.close()


@pytest.fixture(scope="module")
def nights(module_db_url):
    url = module_db_url
    create_raw_schema(url)
    for la in ("901", "902"):
        load_extract(url, la, "2019-06-30", handmade.extract())
    assert main(["roles", "add", ROLE, "--la", "902", "--url", url]) == 0
    assert main(["build", "--url", url]) == 0
    night_1 = {la: _figures(url, la) for la in ("901", "902")}
    freshness_1 = dict(_rows(url, "select la_code, published_at from marts.data_freshness"))

    clone_extract(
        url,
        "901",
        "2019-06-30",
        "2019-07-31",
        ["delete from raw.ssd_cla_episodes where _batch_id = {batch} and clae_person_id = 'P2'"],
    )
    clone_extract(
        url,
        "902",
        "2019-06-30",
        "2019-07-31",
        [
            "insert into raw.ssd_person select * from raw.ssd_person"
            " where _batch_id = {batch} and pers_person_id = 'P1'"
        ],
    )
    # night 2 as `cscw nightly` runs it after the loads: its run record, the build, the gate, the publish
    with pytest.MonkeyPatch.context() as env:
        env.setenv("CSCW_NOTIFIER", f"{__name__}:collect")
        record_start(url, RUN_ID, "2019-07-31", ["901", "902"], "cli")
        with builds.held(url, run_id=RUN_ID) as build:
            dbt_steps.build(url, build)
            with psycopg2.connect(url) as conn:
                run = ops.get_run(conn, RUN_ID)
                publishing.audit(run)
                published = publishing.publish_passing(conn, build, run["dbt_nodes"])
        finish(url, RUN_ID)
    yield url, night_1, freshness_1, published
    admin = psycopg2.connect(url)
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f"drop owned by {ROLE}")
        cur.execute(f"drop role {ROLE}")
    admin.close()


def test_the_passing_authority_is_published_with_fresh_figures(nights):
    url, night_1, freshness_1, published = nights
    assert set(published.withheld) == {"902"}
    fresh = _figures(url, "901")
    assert fresh["mart_cla_population"] and fresh != night_1["901"]  # P2's care left 901's figures
    row = _rows(
        url,
        "select data_as_at::text, is_stale, stale_reason, published_at > %s, run_id"
        " from marts.data_freshness where la_code = '901'",
        (freshness_1["901"],),
    )
    assert row == [("2019-07-31", False, None, True, RUN_ID)]


def test_the_failing_authority_keeps_its_previous_figures_and_is_flagged(nights):
    url, night_1, freshness_1, _ = nights
    assert _figures(url, "902") == night_1["902"]  # row for row, every mart
    assert any(night_1["902"].values())
    (row,) = _rows(
        url,
        "select data_as_at::text, is_stale, stale_reason, published_at = %s from marts.data_freshness"
        " where la_code = '902'",
        (freshness_1["902"],),
    )
    assert row[0] == "2019-06-30" and row[1] is True and row[3] is True
    assert "data test(s) failed on its rows: " in row[2]
    run = _rows(
        url,
        "select status, published, extracts, stale_authorities, tests_failed, tests_passed"
        " from ops.pipeline_runs where run_id = %s",
        (RUN_ID,),
    )
    status, was_published, extracts, stale, tests_failed, tests_passed = run[0]
    assert (status, was_published, extracts) == ("published", True, {"901": "2019-07-31"})
    assert stale == {"902": row[2]}
    # the failed tests the build demoted to warnings count as failed, not passed
    n_blamed = len(row[2].split(": ", 1)[1].split(", "))
    assert tests_failed >= n_blamed > 0 and tests_passed > 0
    (subject, body), *_ = [m for m in ANNOUNCED if "902" in m[0]]
    assert "not refreshed" in subject and "902: " in body and "901" not in subject


def test_the_authority_role_reads_its_own_rows_after_the_composed_publish(nights):
    url = nights[0]
    conn = psycopg2.connect(url)
    try:
        with conn.cursor() as cur:
            cur.execute(f"set role {ROLE}")  # a real role: policies apply to it, not to the owner
            cur.execute("select distinct la_code from marts.mart_cla_population")
            assert cur.fetchall() == [("902",)]
            cur.execute("select count(distinct la_code) from marts.pub_kpi_values")
            assert cur.fetchone()[0] in (0, 2)  # the publication view: every authority or none at all
    finally:
        conn.close()
    tables = _rows(
        url,
        "select count(distinct tablename) from pg_policies where schemaname = 'marts' and policyname = %s",
        (f"cscw_{ROLE}",),
    )
    with psycopg2.connect(url) as conn, conn.cursor() as cur:
        assert tables == [(len(isolation._la_tables(cur, "marts")),)]


def test_a_failure_no_authority_can_be_blamed_for_publishes_nothing(db_url, tmp_path):
    """judge() on stored failures: rows with la_code blame those authorities; rows without it, or an
    error, blame nobody (the whole night fails); a test the project declares a warning is ignored."""
    manifest = tmp_path / "manifest.json"
    tests = {
        "test.cscw.blames": {
            "alias": "blames",
            "name": "blames",
            "unrendered_config": {"severity": "{{ x }}"},
        },
        "test.cscw.no_la": {"alias": "no_la", "name": "no_la", "unrendered_config": {"severity": "{{ x }}"}},
        "test.cscw.declared": {
            "alias": "declared",
            "name": "declared",
            "unrendered_config": {"severity": "warn"},
        },
    }
    manifest.write_text(json.dumps({"nodes": {u: {"resource_type": "test", **n} for u, n in tests.items()}}))
    conn = psycopg2.connect(db_url)
    try:
        with conn.cursor() as cur:
            cur.execute(f"create schema {isolation.FAILURES_SCHEMA}")
            cur.execute(
                f"create view {isolation.FAILURES_SCHEMA}.blames as select '903'::text as la_code, 1 as n"
            )
            cur.execute(f"create view {isolation.FAILURES_SCHEMA}.no_la as select 1 as person_id")
            cur.execute(f"create view {isolation.FAILURES_SCHEMA}.declared as select '904'::text as la_code")
            verdict = isolation.judge(
                cur, {"test.cscw.blames": "warn", "test.cscw.declared": "warn"}, manifest
            )
            assert (verdict.withheld, verdict.unattributed) == ({"903": ["blames"]}, [])
            verdict = isolation.judge(cur, {"test.cscw.blames": "warn", "test.cscw.no_la": "warn"}, manifest)
            assert verdict.unattributed == ["test.cscw.no_la"]
            verdict = isolation.judge(cur, {"model.cscw.x": "error", "test.cscw.blames": "pass"}, manifest)
            assert (verdict.withheld, verdict.unattributed) == ({}, ["model.cscw.x"])
    finally:
        conn.close()
