"""The performance pack against a database shaped as the published interface: every section is there,
every printed figure is its marts.kpi_values row, publication withholds small numbers, old reports are
pruned, and the CLI writes the report."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import psycopg2
import pytest

from ingestion.cli import main
from ingestion.report import build_html, render_report
from ingestion.report.board_pack import SECTIONS as PACK_SECTIONS
from ingestion.report.data import (
    FinancialYear,
    KpiInfo,
    KpiValue,
    data_as_at,
    latest_financial_year,
    load_catalogue,
)
from ingestion.report.layout import SECTIONS
from ingestion.report.render import fmt_value, humanise, rag
from tests.report.checks import check_figures_match, kpi_rows
from tests.report.conftest import AS_AT, LA, SMALL_LA, YEAR
from tests.report.htmlparse import parse_report

SECTION_IDS = {"summary", "definitions", *(s.id for s in SECTIONS)}


@pytest.fixture(scope="module")
def report(full_report):
    return full_report


@pytest.fixture(scope="module")
def published_html(spec_marts_url) -> str:
    conn = psycopg2.connect(spec_marts_url)
    try:
        return build_html(conn, LA, YEAR, publish=True)[0]
    finally:
        conn.close()


def test_report_has_every_section_and_the_data_date(report):
    result, html = report
    parsed = parse_report(html)
    assert parsed.ids >= SECTION_IDS
    assert (
        parsed.attrs_by_id["data-as-at"]["data-as-at"] == AS_AT.isoformat()
    )  # the loaded batch, not the rejected
    assert result.data_as_at == AS_AT
    assert result.html_path.name == "report.html" and result.pdf_path is None


def test_every_printed_figure_equals_its_kpi_values_row(report, spec_marts_url):
    _, html = report
    assert check_figures_match(html, kpi_rows(spec_marts_url, LA), publish=False) > 300


def test_every_figure_of_the_year_is_printed(report, spec_marts_url):
    """Completeness: each headline and each breakdown row of the report year, and each month row of the
    monthly charts, is in the report."""
    _, html = report
    printed = {p.key for p in parse_report(html).figures}
    # the corporate parenting KPIs are the board scorecard's (test_board_pack.py), not this report's
    pack = {c for c, i in load_catalogue().items() if i.section in {s for s, _ in PACK_SECTIONS}}
    year_rows = [
        k
        for k, r in kpi_rows(spec_marts_url, LA).items()
        if r.period_type == "financial_year" and r.period_start == YEAR.start and r.kpi_code not in pack
    ]
    missing = [k for k in year_rows if k not in printed]
    assert not missing, missing[:10]
    month_keys = [k for k in printed if k[1] == "month"]
    assert {k[0] for k in month_keys} >= {"CLA_AT_END", "CP_PLANS_AT_END", "IRO_CHALLENGES_RAISED"}
    assert {k[5] for k in month_keys if k[0] == "IRO_CHALLENGES_RAISED"} == {"PR", "MA"}


def test_charts_are_embedded_and_nothing_is_fetched(report):
    _, html = report
    parsed = parse_report(html)
    # Every trend, month series and charted breakdown carries its chart (tables-only breakdowns do not).
    blocks = re.split(r'<div class="block[ "]', html)[1:]
    titled = {b.split("<h3>", 1)[1].split("</h3>", 1)[0]: b.split("</table>", 1)[0] for b in blocks}
    tables_only = ("by type of challenge", "by kind of case")
    caveats = ("Rows left out", "Measures not available")  # the data-quality page: tables only
    charted = [t for t in titled if not t.endswith(tables_only) and not t.startswith(caveats)]
    assert len(charted) > 40 and [t for t in charted if "<img" not in titled[t]] == []
    assert len(parsed.images) >= 25
    assert all(src.startswith("data:image/png;base64,") for src in parsed.images)
    assert parsed.external_refs == []


def test_names_targets_and_rag_come_from_the_catalogue(report, spec_marts_url):
    _, html = report
    catalogue = load_catalogue()
    rows = kpi_rows(spec_marts_url, LA)
    for code in ("CLA_REVIEWS_TIMELY", "CP_REPEAT_PLANS", "IRO_CASELOAD_AVG"):
        info = catalogue[code]
        assert info.name in html
        row = rows[(code, "financial_year", YEAR.start.isoformat(), YEAR.end.isoformat(), "all", "all")]
        expected = rag(info, row)
        assert expected in ("green", "amber", "red")
        assert f'data-card="{code}"' in html
        card = html.split(f'data-card="{code}"', 1)[1].split("</div>\n", 1)[0]
        assert f'data-rag="{expected}"' in card


def test_rag_and_rounding_come_from_the_marts():
    """The report prints the marts' RAG and rounded value (kpi_values.rag, value_rounded) and computes
    neither: a value of 4.25 that the marts round to 4.3 prints 4.3 (Python alone would print 4.2), and
    a RAG colour the catalogue would contradict is still the marts' colour."""
    info = KpiInfo("X", "x", unit="percent", direction="higher", target=Decimal(95), amber_band=Decimal(3))

    def row(v, rounded, colour, suppressed=False):
        return KpiValue(
            LA,
            "X",
            "financial_year",
            YEAR.start,
            YEAR.end,
            "all",
            "all",
            None,
            None,
            Decimal(v),
            "percent",
            suppressed,
            Decimal(rounded),
            colour,
        )

    assert fmt_value(row("4.25", "4.3", "red")) == "4.3%"
    assert f"{Decimal('4.25'):.1f}" == "4.2"
    assert rag(info, row("99", "99.0", "amber")) == "amber"
    assert rag(info, row("99", "99.0", "green", suppressed=True)) is None


def test_publication_withholds_small_numbers(spec_marts_url, published_html):
    html = published_html
    rows = kpi_rows(spec_marts_url, LA)
    check_figures_match(html, rows, publish=True)
    parsed = parse_report(html)
    withheld = [p for p in parsed.figures if p.attrs["data-suppressed"] == "true"]
    assert withheld, "the synthetic data has small numbers: some must be withheld"
    for p in parsed.figures:
        n = p.number()
        if p.attrs["data-unit"] == "count" and n is not None:
            assert not 1 <= n <= 4, f"count {p.key} printed as {p.text} in a publication"
    assert parsed.attrs_by_id["publication-mode"] is not None and "small numbers withheld" in html


def test_keep_prunes_old_reports(spec_marts_url, tmp_path):
    results = [
        render_report(spec_marts_url, SMALL_LA, "2018-19", tmp_path, keep=2, pdf=False) for _ in range(3)
    ]
    folders = sorted(p.name for p in tmp_path.iterdir())
    assert len(folders) == 2
    assert results[0].html_path.parent.name not in folders
    assert results[2].html_path.parent.name in folders and results[2].removed == [results[0].html_path.parent]
    # A publication is a different kind of report: pruning one kind leaves the other alone.
    render_report(spec_marts_url, SMALL_LA, "2018-19", tmp_path, keep=1, publish=True, pdf=False)
    assert len(list(tmp_path.iterdir())) == 3
    # Other authorities' reports, and folders the report did not write, are never touched.
    (tmp_path / "notes").mkdir()
    render_report(spec_marts_url, SMALL_LA, "2018-19", tmp_path, keep=1, pdf=False)
    assert len(list(tmp_path.iterdir())) == 3 and (tmp_path / "notes").exists()


def test_unknown_year_or_authority_is_an_error(spec_marts_url, tmp_path):
    with pytest.raises(LookupError):
        render_report(spec_marts_url, LA, "2030-31", tmp_path, pdf=False)
    with pytest.raises(LookupError):
        render_report(spec_marts_url, "999", "2018-19", tmp_path, pdf=False)
    with pytest.raises(ValueError):
        render_report(spec_marts_url, LA, "2018-20", tmp_path, pdf=False)


def test_cli_writes_the_report(spec_marts_url, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CSCW_DATABASE_URL", spec_marts_url)
    code = main(
        ["report", "--la", SMALL_LA, "--year", "2018-19", "--out", str(tmp_path), "--no-pdf", "--keep", "1"]
    )
    assert code == 0
    out = capsys.readouterr().out
    path = out.split("report: ", 1)[1].splitlines()[0]
    assert path.endswith("report.html") and (tmp_path / path.split("/")[-2] / "report.html").exists()
    assert main(["report", "--la", "999", "--out", str(tmp_path), "--no-pdf"]) == 1


def test_a_measure_missing_from_the_marts_is_said_so(spec_marts_url):
    """Authority 902 has two KPIs: the others are named as not in the marts, sections keep their shape."""
    conn = psycopg2.connect(spec_marts_url)
    try:
        html, _ = build_html(conn, SMALL_LA, YEAR)
    finally:
        conn.close()
    parsed = parse_report(html)
    assert parsed.ids >= SECTION_IDS
    assert {p.key[0] for p in parsed.figures} == {"CLA_AT_END", "CLA_REVIEWS_TIMELY"}
    assert html.count("This measure is not in the marts for this authority.") >= 25


def test_wide_mart_supplements_per_iro_caseloads_and_localities(report):
    """The per-IRO chart against the Handbook range and review timeliness by locality (wide marts)."""
    _, html = report
    iro = html.split("Caseload per IRO at 31 March 2019", 1)[1].split("</table>", 1)[0]
    cells = [c.split("</td>")[0] for c in iro.split("<td>")[1:]]
    assert cells == ["IROs holding children", "4", "Within 50-70", "2", "Above 70", "1", "Below 50", "1"]
    loc = html.split("CLA reviews held on time, by locality", 1)[1].split("</table>", 1)[0]
    cells = [c.split("</td>")[0] for c in loc.split("<td>")[1:]]
    rows = [cells[i : i + 4] for i in range(0, len(cells), 4)]
    assert rows == [
        ["East", "36", "24", "66.7%"],
        ["North", "120", "108", "90.0%"],
        ["West", "2", "1", "50.0%"],
        ["All localities", "156", "132", "84.6%"],  # the mart's own total row
    ]


def test_publication_withholds_small_locality_counts(published_html):
    loc = published_html.split("CLA reviews held on time, by locality", 1)[1].split("</table>", 1)[0]
    cells = [c.split("</td>")[0] for c in loc.split("<td>")[1:]]
    assert cells[cells.index("West") :][:4] == ["West", "x", "x", "x"]  # 2 reviews, 1 on time: withheld
    assert cells[cells.index("North") :][:4] == ["North", "120", "108", "90.0%"]


def test_default_year_is_the_latest_complete_one(spec_marts_url):
    conn = psycopg2.connect(spec_marts_url)
    try:
        assert latest_financial_year(conn, LA, AS_AT) == YEAR  # as at 2 April 2019
        assert latest_financial_year(conn, LA, date(2019, 3, 30)) == YEAR.shifted(-1)  # 2018-19 not over
        assert latest_financial_year(conn, LA, None) == YEAR
        assert latest_financial_year(conn, "999", AS_AT) is None
    finally:
        conn.close()


def test_shares_of_a_count_breakdown_under_a_rate_add_up(report):
    """Participation codes are counts under a percentage headline: their shares are of the reviews."""
    _, html = report
    table = html.split("Participation in CLA reviews, by participation code</h3>", 1)[1].split("</table>", 1)[
        0
    ]
    shares = [Decimal(m) for m in re.findall(r"<td>(\d+\.\d)%</td>", table)]
    assert len(shares) == 8 and abs(sum(shares) - 100) <= Decimal("0.5"), shares
    assert "<strong>Participation in CLA reviews</strong>" in table  # the headline rate closes the table


def test_codes_without_a_description_read_as_words():
    assert humanise("CLA_REVIEW_NOT_RECORDED") == "CLA review not recorded"
    assert humanise("placed_with_parents") == "Placed with parents"
    assert humanise("under 1") == "Under 1"
    assert humanise("Central locality") == "Central locality" and humanise("PN1") == "PN1"


def test_data_as_at_prefers_the_published_freshness(spec_marts_url):
    conn = psycopg2.connect(spec_marts_url)
    try:
        assert data_as_at(conn, SMALL_LA) == date(2019, 5, 1)  # marts.data_freshness
        assert data_as_at(conn, LA) == AS_AT  # no freshness row: the latest loaded batch
        assert data_as_at(conn, "999") is None
    finally:
        conn.close()


def test_financial_year_spellings():
    assert FinancialYear.parse("2018/19") == FinancialYear.parse("2018") == YEAR
    assert (YEAR.start, YEAR.end, YEAR.label) == (date(2018, 4, 1), date(2019, 3, 31), "2018-19")
    assert FinancialYear.parse("1999-2000").label == "1999-00"
    with pytest.raises(ValueError):
        FinancialYear.parse("18-19")


def test_data_quality_page_lists_what_was_left_out(report):
    """The pack ends with the caveats page: with nothing in marts.kpi_availability and
    marts.kpi_data_quality (this fixture's marts) it says nothing was left out; tests/kpis/test_v2_rules
    reads them filled by a real build."""
    _, html = report
    page = html.split('<section id="data-quality"', 1)[1].split("</section>", 1)[0]
    assert "Data quality and availability" in page
    assert "Rows left out, 2018-19" in page and "No row was left out of this year" in page


def test_every_kpi_is_described_in_plain_english(report):
    """A KPI's card and its entry under "Definitions and notes" carry the catalogue's plain-English
    definition, never the analysts' counting rule with its macro names."""
    from markupsafe import escape

    _, html = report
    catalogue = load_catalogue()
    definitions = html.split('id="definitions"', 1)[1]
    cards = re.findall(r'data-card="(\w+)"', html)
    assert len(cards) >= 5
    for code in cards:
        card = html.split(f'data-card="{code}"', 1)[1].split('<div class="card', 1)[0]
        assert f'<p class="def">{escape(catalogue[code].definition)}</p>' in card, code
    described = re.findall(r'<dt id="def-(\w+)">', definitions)
    assert len(described) >= 30
    for code in described:
        entry = definitions.split(f'<dt id="def-{code}">', 1)[1].split("</dd>", 1)[0]
        assert str(escape(catalogue[code].definition)) in entry, code
    assert "wd_add" not in html and "add_months" not in html
