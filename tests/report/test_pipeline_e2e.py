"""End to end on the real pipeline: a generated `lancashire` extract (small scale) is loaded, the dbt
project is built (seeds and models), and the report for 2018-19 is rendered; every printed figure is
compared with marts.kpi_values, the publication with marts.pub_kpi_values, and the Metabase starter
dashboard's SQL is run against the same marts. One build for the module."""

from __future__ import annotations

import psycopg2
import pytest

from ingestion.dbt_runner import run_dbt
from ingestion.generator import generate
from ingestion.loader import load_path
from ingestion.report import build_html, render_report
from ingestion.report.board_pack import SECTIONS as BOARD_PACK_SECTIONS
from ingestion.report.data import FinancialYear
from tests.conftest import create_database
from tests.report.checks import check_figures_match, kpi_rows
from tests.report.htmlparse import parse_report
from tests.report.test_metabase import cards_sql_for
from tests.report.test_report import SECTION_IDS

pytestmark = pytest.mark.slow
LANCASHIRE = "888"
YEAR = FinancialYear.parse("2018-19")


@pytest.fixture(scope="module")
def built_url(pg_server, tmp_path_factory) -> str:
    url = create_database(pg_server, "rpte2e")
    landing = tmp_path_factory.mktemp("report_landing")
    # Extract taken on 2 April 2019, three years of history: 2018-19 is the last complete year.
    generate(landing, profile="lancashire", years=3, scale=0.05, seed=3, extract_date="2019-04-02")
    results = load_path(landing, url, archive_dir=tmp_path_factory.mktemp("report_archive"))
    assert [r.status for r in results] == ["loaded"], [(r.status, r.errors) for r in results]
    target = tmp_path_factory.mktemp("report_target")
    # Seeds and models only: the warehouse's own data tests belong to its suite, not the report's.
    for command in (["seed"], ["run"]):
        run = run_dbt(command, url=url, target_path=target)
        assert run.success, run.summary()
    return url


@pytest.fixture(scope="module")
def lancashire_report(built_url, tmp_path_factory):
    result = render_report(
        built_url, LANCASHIRE, "2018-19", tmp_path_factory.mktemp("e2e_reports"), pdf=False
    )
    return result, result.html_path.read_text(encoding="utf-8")


def test_report_of_the_generated_authority_matches_kpi_values(built_url, lancashire_report):
    result, html = lancashire_report
    parsed = parse_report(html)
    assert parsed.ids >= SECTION_IDS
    assert result.data_as_at is not None and str(result.data_as_at) == "2019-04-02"
    rows = kpi_rows(built_url, LANCASHIRE)
    assert check_figures_match(html, rows, publish=False) > 200
    printed = {p.key for p in parsed.figures}
    # the Corporate Parenting Board scorecard's KPIs are in that pack, not in the IRO report
    pack_sections = [code for code, _ in BOARD_PACK_SECTIONS]
    conn = psycopg2.connect(built_url)
    try:
        with conn.cursor() as cur:
            cur.execute("select kpi_code from marts.kpi_catalogue where section = any(%s)", (pack_sections,))
            in_pack = {code for (code,) in cur.fetchall()}
    finally:
        conn.close()
    assert in_pack, "no KPI of the board pack's sections in the catalogue"
    year = [
        k
        for k, r in rows.items()
        if r.period_type == "financial_year" and r.period_start == YEAR.start and k[0] not in in_pack
    ]
    assert year and not [k for k in year if k not in printed]
    assert not [k for k in printed if k[0] in in_pack]
    # Names and comparators from the catalogue and comparator seeds of the real build.
    assert "Children looked after per 10,000 children" in html and "North West" in html
    assert "This measure is not in the marts" not in html


def test_publication_matches_the_publication_view(built_url):
    conn = psycopg2.connect(built_url)
    try:
        html, _ = build_html(conn, LANCASHIRE, YEAR, publish=True)
    finally:
        conn.close()
    check_figures_match(html, kpi_rows(built_url, LANCASHIRE), publish=True)


def test_metabase_starter_dashboard_sql_runs_on_the_marts(built_url):
    conn = psycopg2.connect(built_url)
    conn.autocommit = True
    empty = []
    try:
        with conn.cursor() as cur:
            for name, sql in cards_sql_for(LANCASHIRE):
                if "marts.data_freshness" in sql:
                    continue  # the view is made by the nightly publish step, which this build does not run
                cur.execute(sql)
                if not cur.fetchall():
                    empty.append(name)
    finally:
        conn.close()
    assert empty == []
