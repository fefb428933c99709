"""The Corporate Parenting Board scorecard (`cscw report --pack corporate-parenting`): every printed
figure traced to its marts.kpi_values row, 13 months per KPI, RAG and comparators, caveats for what an
authority did not send, and the PDF and a non-blank screenshot from a real Chromium."""

from __future__ import annotations

import re
from datetime import date

import pytest
from PIL import Image, ImageStat

from ingestion.cli import main as cscw
from ingestion.report import chromium
from ingestion.report.board_pack import (
    SECTIONS,
    PackBuilder,
    Scorecard,
    month_starts,
    render_board_pack,
)
from ingestion.report.data import KpiValue, load_catalogue
from tests.report.checks import check_figures_match, kpi_rows
from tests.report.conftest import LA
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
    missing = builder.section("cla_missing", "Missing from care", {})
    assert missing.lines == [] and missing.districts == []
    assert missing.caveats == [
        "Not published: ssd_missing not in the extract. A figure that cannot be computed from what was sent"
        " is left out, never shown as zero."
    ]
    visits = builder.section("cla_visits", "Statutory visits", {})
    assert [ln.info.code for ln in visits.lines] == ["CLA_VISITS_OVERDUE"]
    assert visits.lines[0].months[-1] is row and visits.lines[0].months[:-1] == [None] * 12
    # the availability mart's reason is used when the marts have one
    reason = builder.section("cla_missing", "Missing from care", {"CLA_MISSING_EPISODES": "no extract yet"})
    assert any("no extract yet" in c for c in reason.caveats)


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
