"""The report as a reader sees it: headless Chromium prints it to PDF and takes a screenshot, and the
screenshot is not blank (Debian's chromium package; installed by the chromium_exe fixture when missing)."""

from __future__ import annotations

from PIL import Image, ImageStat

from ingestion.report import chromium, render_report
from tests.report.conftest import SMALL_LA


def test_render_report_prints_the_pdf(spec_marts_url, chromium_exe, tmp_path):
    assert chromium.find_chromium() == chromium_exe
    result = render_report(spec_marts_url, SMALL_LA, "2018-19", tmp_path, pdf=True)
    assert result.pdf_error is None and result.pdf_path == result.html_path.parent / "report.pdf"
    assert result.pdf_path.read_bytes().startswith(b"%PDF-")


def test_pdf_and_screenshot_of_the_full_report(full_report, chromium_exe, tmp_path):
    result, _ = full_report
    pdf = chromium.print_pdf(result.html_path, tmp_path / "report.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-")
    assert pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages") >= 8  # a multi-page A4 report

    png = chromium.screenshot(result.html_path, tmp_path / "shot.png", width=1280, height=1600)
    with Image.open(png) as im:
        rgb = im.convert("RGB")
        assert rgb.size == (1280, 1600)
        stat = ImageStat.Stat(rgb)
        assert max(stat.stddev) > 30, f"screenshot looks blank: stddev {stat.stddev}"
        grey = rgb.convert("L")
        dark = sum(grey.histogram()[:200]) / (grey.width * grey.height)
        assert dark > 0.05, f"only {dark:.1%} of the screenshot is ink"
        assert len(rgb.getcolors(maxcolors=1 << 20) or []) > 100  # text, charts and colour, not a flat page


def test_missing_chromium_is_reported_and_html_still_written(spec_marts_url, tmp_path, monkeypatch):
    monkeypatch.setenv("CSCW_CHROMIUM", str(tmp_path / "no-such-chromium"))
    result = render_report(spec_marts_url, SMALL_LA, "2018-19", tmp_path, pdf=True)
    assert result.html_path.exists() and result.pdf_path is None
    assert "Chromium is not installed" in result.pdf_error
