"""The Corporate Parenting Board scorecard (`cscw report --pack corporate-parenting`): every printed
figure traced to its marts.kpi_values row, 13 months per KPI, RAG and comparators, caveats for what an
authority did not send and for the rows the data-quality rules left out (read from
marts.kpi_availability and marts.kpi_data_quality of the shared real KPI build, kpi_build), and the PDF
and a non-blank screenshot from a real Chromium."""

from __future__ import annotations

import re
from datetime import date

import psycopg2
import pytest
from PIL import Image, ImageStat

from ingestion.cli import main as cscw
from ingestion.report import chromium
from ingestion.report.board_pack import (
    SECTIONS,
    PackBuilder,
    QualityLine,
    Scorecard,
    build_pack_html,
    month_starts,
    render_board_pack,
)
from ingestion.report.data import KpiValue, load_catalogue
from tests.conftest import create_database
from tests.kpis.cases_corporate_parenting import DATA_QUALITY_906
from tests.report.checks import check_figures_match, kpi_rows
from tests.report.conftest import DDL, LA
from tests.report.htmlparse import parse_report

CP_SECTIONS = {code for code, _ in SECTIONS}


@pytest.fixture(scope="module")
def pack(spec_marts_url, tmp_path_factory):
    result = render_board_pack(spec_marts_url, LA, "2019-03", tmp_path_factory.mktemp("packs"), pdf=False)
    return result, result.html_path.read_text(encoding="utf-8")


def test_thirteen_months_ending_with_the_pack_month():
    months = month_starts(date(2019, 3, 1))
    assert len(months) == 13 and months[0] == date(2018, 3, 1) and months[-1] == date(2019, 3, 1)


def test_every_printed_figure_is_its_kpi_values_row(spec_marts_url, pack):
    _, html = pack
    checked = check_figures_match(html, kpi_rows(spec_marts_url, LA), publish=False)
    assert checked > 50
    parsed = parse_report(html)
    codes = {p.attrs["data-kpi-code"] for p in parsed.figures}
    catalogue = load_catalogue()
    expected = {c for c, i in catalogue.items() if i.section in CP_SECTIONS}
    assert codes == expected  # every corporate parenting KPI, and nothing else
    months = {p.attrs["data-period-start"] for p in parsed.figures if p.attrs["data-period-type"] == "month"}
    # the synthetic marts hold April 2018 - March 2019: twelve of the thirteen columns have figures
    assert months == {f"{m:%Y-%m-%d}" for m in month_starts(date(2019, 3, 1))[1:]}


def test_rag_comparators_and_sections(pack):
    result, html = pack
    assert result.html_path.name == "report.html"
    assert "corporate-parenting_901_2019-03" in str(result.html_path)
    for _, title in SECTIONS:
        assert f"<h2>{title}</h2>" in html
    # visits carry the statutory target, so a colour; measures without a target have none
    assert re.search(r'class="rag rag-(green|amber|red)"', html) and "at least 100%" in html
    assert 'class="rag rag-none"' in html
    assert "Statistical neighbours" in html


def test_a_table_not_sent_is_a_caveat_never_a_zero():
    catalogue = load_catalogue()
    march = (date(2019, 3, 1), date(2019, 3, 31))
    row = KpiValue("901", "CLA_VISITS_OVERDUE", "month", *march, "all", "all", 3, None, 3, "count")
    builder = PackBuilder(Scorecard([row]), catalogue, month_starts(date(2019, 3, 1)), [])
    not_sent = {
        c: "ssd_missing not in the extract" for c, i in catalogue.items() if i.section == "cla_missing"
    }
    missing = builder.section("cla_missing", "Missing from care", not_sent)
    assert missing.lines == [] and missing.districts == []
    names = ", ".join(i.name for i in catalogue.values() if i.section == "cla_missing")
    assert missing.caveats == [
        f"Not published (ssd_missing not in the extract): {names}. A figure that cannot be computed from"
        " what was sent is left out, never shown as zero."
    ]
    # available but without a figure in these months: said so, never a zero
    visits = builder.section("cla_visits", "Statutory visits", {})
    assert [ln.info.code for ln in visits.lines] == ["CLA_VISITS_OVERDUE"]
    assert visits.lines[0].months[-1] is row and visits.lines[0].months[:-1] == [None] * 12
    assert visits.caveats == [f"No figure in these months: {catalogue['CLA_VISITS_UP_TO_DATE'].name}."]


def test_rows_left_out_are_a_caveat_of_the_sections_reading_their_table():
    catalogue = load_catalogue()
    builder = PackBuilder(Scorecard([]), catalogue, month_starts(date(2019, 3, 1)), [])
    orphans = QualityLine("unknown parent", "ssd_missing", None, "every measure", [0] * 13, 2)
    episodes = QualityLine("unknown parent", "ssd_cla_episodes", None, "every measure", [0] * 13, 1)
    quality = [orphans, episodes]
    missing = builder.section("cla_missing", "Missing from care", {}, quality)
    assert missing.caveats[-1] == (
        "Rows left out of these figures by the data-quality rules: unknown parent (ssd_cla_episodes),"
        " unknown parent (ssd_missing); counted month by month under Data quality."
    )
    # care leavers read neither table: no caveat of theirs
    leavers = builder.section("care_leavers", "Care leavers", {}, quality)
    assert not any("data-quality" in c for c in leavers.caveats)


def test_no_pack_without_the_caveat_marts(pg_server):
    url = create_database(pg_server, "bpnocav")
    conn = psycopg2.connect(url)
    try:
        with conn, conn.cursor() as cur:
            cur.execute(DDL)
            cur.execute("drop table marts.kpi_data_quality")
        with pytest.raises(LookupError, match="marts.kpi_data_quality missing"):
            build_pack_html(conn, LA, date(2019, 3, 1))
    finally:
        conn.close()


def _section(html: str, section_id: str) -> str:
    return html.split(f'<section id="{section_id}"', 1)[1].split("</section>", 1)[0]


def _rows(html: str) -> list[list[str]]:
    return [re.findall(r"<td[^>]*>([^<]*)</td>", tr) for tr in re.findall(r"<tr>(.*?)</tr>", html, re.S)]


@pytest.mark.slow
def test_real_build_pack_shows_what_was_not_sent_and_what_was_left_out(kpi_build):
    """906 (tests/kpis/cases_corporate_parenting.py) sends the health, missing and visit tables but not
    ssd_care_leavers, and GHOST, a child without a person row, has health checks, an SDQ, a visit and a
    missing episode: every figure is its kpi_values row, the care leavers are not published with the
    availability mart's reason, and the rows left out are counted month by month as the data-quality
    mart has them."""
    conn = psycopg2.connect(kpi_build.url)
    try:
        html, _, _ = build_pack_html(conn, "906", date(2019, 3, 1))
    finally:
        conn.close()
    assert check_figures_match(html, kpi_rows(kpi_build.url, "906"), publish=False) > 50
    catalogue = load_catalogue()
    leavers = [i.name for i in catalogue.values() if i.section == "care_leavers"]
    care_leavers = _section(html, "care_leavers")
    assert f"Not published (ssd_care_leavers not in the extract): {', '.join(leavers)}." in care_leavers
    assert "rag-" not in care_leavers  # no figure and no colour for what was not sent
    assert "unknown parent (ssd_missing)" in _section(html, "cla_missing")
    assert "unknown parent (ssd_cla_visits)" in _section(html, "cla_visits")
    page = _section(html, "data-quality")
    for name in leavers:
        assert [name, "ssd_care_leavers not in the extract"] in _rows(page)
    months = [f"{m:%Y-%m-%d}" for m in month_starts(date(2019, 3, 1))]
    printed = {
        (r[1], r[0]): r[3:] for r in _rows(page) if len(r) == 17 and r[2].startswith("every measure reading")
    }
    for (table, issue, (ptype, start)), n in DATA_QUALITY_906.items():
        column = months.index(start) if ptype == "month" else 13  # the year 2018-19 last
        assert printed[(table, issue)][column] == f"{n:,}", (table, issue, ptype, start)
    # nothing was left out of December's missing-from-care figures
    assert printed[("ssd_missing", "unknown parent")][months.index("2018-12-01")] == "0"


def test_cli_writes_the_pack(spec_marts_url, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CSCW_DATABASE_URL", spec_marts_url)
    code = cscw(["report", "--pack", "corporate-parenting", "--la", LA, "--out", str(tmp_path), "--no-pdf"])
    assert code == 0
    out = capsys.readouterr().out
    assert "corporate-parenting_901_2019-03" in out  # the latest month in the marts


def test_pdf_and_screenshot(spec_marts_url, chromium_exe, tmp_path):
    result = render_board_pack(spec_marts_url, LA, "2019-03", tmp_path, pdf=True)
    assert result.pdf_error is None and result.pdf_path.read_bytes().startswith(b"%PDF-")
    png = chromium.screenshot(result.html_path, tmp_path / "shot.png", width=1280, height=1600)
    with Image.open(png) as im:
        rgb = im.convert("RGB")
        stat = ImageStat.Stat(rgb)
        assert max(stat.stddev) > 30, f"screenshot looks blank: stddev {stat.stddev}"
        grey = rgb.convert("L")
        dark = sum(1 for v in grey.getdata() if v < 128) / (grey.width * grey.height)
        assert dark > 0.02, f"only {dark:.1%} of the screenshot is ink"
