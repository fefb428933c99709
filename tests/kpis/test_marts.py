"""The marts around kpi_values: the dbt reconciliation tests ran and passed, the reporter role reads
marts and nothing else, suppression in the publication views, the headline table (RAG, change on last
year), `cscw kpis`, and the counting variants as dbt vars."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

import psycopg2
import pytest

from ingestion import cli
from ingestion.dbt_runner import run_dbt
from tests.kpis.all_cases import POPULATION_EXTRA

pytestmark = pytest.mark.slow

RECONCILIATION_TESTS = {
    "kpi_value_matches_numerator_and_denominator",
    "kpi_breakdowns_sum_to_headline",
    "kpi_months_roll_up_to_years",
    "kpi_every_code_period_and_breakdown_value",
    "kpi_wide_marts_match_kpi_values",
}


def test_reconciliation_tests_ran_and_passed(kpi_build):
    results = {r["name"]: r["status"] for r in kpi_build.run.results if r["resource_type"].endswith("test")}
    assert set(results) >= RECONCILIATION_TESTS, RECONCILIATION_TESTS - set(results)
    assert all(results[name] == "pass" for name in RECONCILIATION_TESTS), results


def test_every_catalogue_code_is_published_for_every_authority_that_sent_its_tables(kpi_build):
    rows = kpi_build.query(
        """select c.kpi_code, c.section, count(distinct v.la_code),
                  count(distinct a.la_code) filter (where a.is_available)
           from marts.kpi_catalogue as c
           left join marts.kpi_values as v on v.kpi_code = c.kpi_code
           left join marts.kpi_availability as a on a.kpi_code = c.kpi_code
           group by c.kpi_code, c.section"""
    )
    assert len(rows) >= 36
    for code, section, published, available in rows:
        if section == "care_leavers":
            # published from the first extract that held the table: the generated 888 has one night
            assert published <= available, code
        else:
            assert published == available, code
    # the generated 888 sends every table: every KPI is available to it
    assert kpi_build.query(
        "select count(*) from marts.kpi_availability where la_code = '888' and not is_available"
    ) == [(0,)]


def _as_user(url: str, user: str, password: str) -> str:
    parts = urlsplit(url)
    netloc = f"{user}:{password}@{parts.hostname}:{parts.port}"
    return urlunsplit(parts._replace(netloc=netloc))


def test_reporter_reads_marts_and_nothing_else(kpi_build):
    admin = psycopg2.connect(kpi_build.url)
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute("drop role if exists kpi_test_reader")
        cur.execute("create role kpi_test_reader login password 'reader-pw' in role reporter")
        cur.execute("select rolcanlogin from pg_roles where rolname = 'reporter'")
        assert cur.fetchone() == (False,)  # the BI role itself cannot log in
    reader = psycopg2.connect(_as_user(kpi_build.url, "kpi_test_reader", "reader-pw"))
    reader.autocommit = True
    try:
        with reader.cursor() as cur:
            for relation in (
                "marts.kpi_values",
                "marts.kpi_headline",
                "marts.pub_kpi_values",
                "marts.mart_iro_caseloads",
                "marts.kpi_catalogue",
            ):
                cur.execute(f"select count(*) from {relation}")
                assert cur.fetchone()[0] > 0, relation
            for relation in (
                "raw.ssd_person",
                "raw._batches",
                "staging.stg_ssd__person",
                "intermediate.int_person",
                "intermediate.int_kpi_cla_at_end",
                "warehouse.fct_cla_reviews",
                "warehouse.dim_child",
            ):
                with pytest.raises(psycopg2.errors.InsufficientPrivilege):
                    cur.execute(f"select 1 from {relation} limit 1")
            with pytest.raises(psycopg2.errors.InsufficientPrivilege):
                cur.execute("create table marts.not_allowed (x int)")
    finally:
        reader.close()
        with admin.cursor() as cur:
            cur.execute("drop role kpi_test_reader")
        admin.close()


def test_publication_view_suppresses_small_numbers(kpi_build):
    def pub(kpi, period_start="2018-04-01", period_type="financial_year"):
        rows = kpi_build.query(
            """select numerator, denominator, value, is_suppressed, value_display from marts.pub_kpi_values
               where la_code = '901' and kpi_code = %s and period_type = %s and period_start = %s
                 and breakdown = 'all'""",
            (kpi, period_type, period_start),
        )
        assert len(rows) == 1
        return rows[0]

    # 11 reviews held: shown
    assert pub("CLA_REVIEWS_HELD")[2:] == (11, False, "11")
    # one child overdue: a count of 1-4 is suppressed, its numbers withheld
    assert pub("CLA_REVIEWS_OVERDUE") == (None, None, None, True, "x")
    # zero is shown
    assert pub("CLA_REVIEWS_OVERDUE", "2018-11-01", "month")[2:4] == (0, False)
    # 8 of 11 on time: shown; 2 of 5 children: numerator 2 suppressed
    assert pub("CLA_REVIEWS_TIMELY")[3] is False
    assert pub("CLA_CHILDREN_REVIEWS_TIMELY")[3:] == (True, "x")
    # a rate's denominator is the population, not a count of children: 5 per 2,000 is suppressed only
    # because its numerator (5) is above 4 -> shown
    assert pub("CLA_RATE_PER_10K")[3] is False


def test_headline_rag_and_change(kpi_build):
    rows = {
        (la, code): (value, prev, change, rag)
        for la, code, value, prev, change, rag in kpi_build.query(
            """select la_code, kpi_code, value, previous_value, change_on_previous_year, rag
               from marts.kpi_headline where period_start = '2018-04-01'"""
        )
    }
    # 72.7% against a target of 100 with 2 points of amber: red
    assert rows[("901", "CLA_REVIEWS_TIMELY")][3] == "red"
    # 6.7 children per FTE against a maximum of 70 (lower is better): green
    assert rows[("905", "IRO_CASELOAD_AVG")][3] == "green"
    # neutral KPIs have no RAG
    assert rows[("901", "CLA_REVIEWS_HELD")][3] is None
    # change on last year = this year - last year (901 held 11 reviews in 2018-19)
    value, prev, change, _ = rows[("901", "CLA_REVIEWS_HELD")]
    assert prev is not None and float(change) == float(value) - float(prev)
    # Lancashire comparators do not leak onto other authorities
    assert not kpi_build.query(
        "select 1 from marts.kpi_headline where la_code like '9%%' and national_value is not null"
    )


def test_cscw_kpis_prints_the_headline_table(kpi_build, capsys):
    assert cli.main(["kpis", "--la", "901", "--year", "2018-19", "--url", kpi_build.url]) == 0
    out = capsys.readouterr().out
    assert "Authority 901, financial year 2018-19" in out
    line = next(x for x in out.splitlines() if x.startswith("CLA_REVIEWS_TIMELY "))
    assert "72.7%" in line and "8/11" in line and "RED" in line and "100.0%" in line
    held = next(x for x in out.splitlines() if x.startswith("CLA_REVIEWS_HELD "))
    assert " 11 " in f"{held} "
    # default year: the latest complete year of each authority; every authority when --la is omitted
    assert cli.main(["kpis", "--url", kpi_build.url]) == 0
    out = capsys.readouterr().out
    assert all(f"Authority {la}, financial year 2018-19" in out for la in ("901", "902", "903", "904", "905"))
    assert cli.main(["kpis", "--year", "2018-20", "--url", kpi_build.url]) == 2
    assert cli.main(["kpis", "--la", "999", "--url", kpi_build.url]) == 1


def test_variants_change_the_count(kpi_build, tmp_path):
    """participation_excludes_pn4 moves 901's PN4 review to the non-participating side (8/9 -> 7/9);
    review_record_working_days 25 makes B's record at 23 working days on time (2/3 -> 3/3). `dbt show`
    recomputes the model with the vars without touching the shared build."""
    run = run_dbt(
        ["show", "-s", "int_kpi_cla_reviews", "--limit", "-1"],
        url=kpi_build.url,
        vars={
            "kpi_child_population_extra": POPULATION_EXTRA,
            "participation_excludes_pn4": True,
            "review_record_working_days": 25,
        },
        target_path=tmp_path / "target",
    )
    assert run.success, run.summary()
    table = run.raw.result.results[0].agate_table
    got = {}
    for row in table.rows:
        d = dict(zip(table.column_names, row, strict=True))
        if (d["la_code"], d["period_type"], str(d["period_start"]), d["breakdown"]) == (
            "901",
            "financial_year",
            "2018-04-01",
            "all",
        ):
            got[d["kpi_code"]] = (d["numerator"], d["denominator"])
    assert got["CLA_REVIEW_PARTICIPATION"] == (7, 9)
    assert got["CLA_REVIEW_RECORD_TIMELY"] == (3, 3)
    # the published default is unchanged
    assert kpi_build.query(
        """select numerator, denominator from marts.kpi_values where la_code = '901'
           and kpi_code = 'CLA_REVIEW_PARTICIPATION' and period_type = 'financial_year'
           and period_start = '2018-04-01' and breakdown = 'all'"""
    ) == [(8, 9)]
