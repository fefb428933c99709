"""The printed report as a reader holds it: every page carries the protective marking and its page
number (and, for synthetic data, the word SYNTHETIC), and no table is wider than the space it is
printed in (five years side by side used to cut the latest year off). Checked in the real browser:
Chromium prints the PDF and lays the page out at the printed width; poppler's pdftotext reads it."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import psycopg2
import pytest

from ingestion.report import chromium, render_report
from tests.report.conftest import LA, SMALL_LA, small_authorities_url

# A4 (210 mm) less the report's 12 mm side margins, at CSS's 96 px per inch: the printed content width.
PRINTED_WIDTH_PX = round((210 - 2 * 12) / 25.4 * 96)


@pytest.fixture(scope="session")
def pdftotext() -> str:
    found = shutil.which("pdftotext")
    if not found:
        subprocess.run(["apt-get", "install", "-y", "-q", "poppler-utils"], capture_output=True, check=False)
        found = shutil.which("pdftotext")
    if not found:
        pytest.fail("pdftotext (Debian: apt-get install -y poppler-utils) is needed to read the printed PDF")
    return found


def pages(pdftotext: str, pdf: Path) -> list[str]:
    text = subprocess.run([pdftotext, "-layout", str(pdf), "-"], capture_output=True, text=True, check=True)
    return text.stdout.split("\f")[:-1]  # one form feed after every page


def test_every_page_has_the_marking_and_its_number(spec_marts_url, chromium_exe, pdftotext, tmp_path):
    result = render_report(spec_marts_url, LA, "2018-19", tmp_path, pdf=True)
    printed = pages(pdftotext, result.pdf_path)
    assert len(printed) >= 8
    for n, page in enumerate(printed, start=1):
        assert page.count("OFFICIAL-SENSITIVE") >= 2, f"page {n}: marking missing at top or bottom"
        assert f"Page {n} of {len(printed)}" in page, f"page {n}: no page number"
        assert "SYNTHETIC" not in page  # 901 is not marked synthetic in this database


def test_the_marking_is_configurable_and_the_publication_default_is_official(
    spec_marts_url, chromium_exe, pdftotext, tmp_path, monkeypatch
):
    published = render_report(spec_marts_url, SMALL_LA, "2018-19", tmp_path, pdf=True, publish=True)
    first = pages(pdftotext, published.pdf_path)[0]
    assert "OFFICIAL" in first and "OFFICIAL-SENSITIVE" not in first
    monkeypatch.setenv("CSCW_REPORT_MARKING", "OFFICIAL-SENSITIVE PERSONAL")
    internal = render_report(spec_marts_url, SMALL_LA, "2018-19", tmp_path, pdf=True)
    assert all("OFFICIAL-SENSITIVE PERSONAL" in p for p in pages(pdftotext, internal.pdf_path))


def test_a_synthetic_authority_is_marked_on_every_page_and_not_titled_as_a_council(
    pg_server, chromium_exe, pdftotext, tmp_path
):
    url = small_authorities_url(pg_server, ["888"])
    with psycopg2.connect(url) as conn, conn.cursor() as cur:
        cur.execute(
            "create table marts.authority_settings as select '888'::text as la_code, 'Lancashire'::text as"
            " la_name, true as has_population, true as synthetic, 0.25::numeric as synthetic_scale"
        )
    conn.close()
    result = render_report(url, "888", "2018-19", tmp_path, pdf=True)
    html = result.html_path.read_text(encoding="utf-8")
    title = re.search(r"<title>(.*?)</title>", html).group(1)
    assert title.startswith("SYNTHETIC") and "modelled on Lancashire, scale 0.25" in title
    assert 'id="synthetic"' in html
    assert "Lancashire (authority code" not in html  # never titled as the real council alone
    for n, page in enumerate(pages(pdftotext, result.pdf_path), start=1):
        assert "SYNTHETIC DATA" in page, f"page {n} is not marked synthetic"


# Runs in the report page: every table wider than the block it sits in, as [block title, overflow px].
OVERFLOW_SCRIPT = """
<script>
window.addEventListener('load', () => {
  const out = [];
  for (const t of document.querySelectorAll('table')) {
    const box = t.parentElement;
    const over = t.getBoundingClientRect().width - box.getBoundingClientRect().width;
    if (over > 1) {
      const h = box.querySelector('h3, h2');
      out.push([h ? h.textContent.trim() : box.className, Math.round(over)]);
    }
  }
  const pre = document.createElement('pre');
  pre.id = 'overflow-result';
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});
</script>
"""


def test_no_table_is_wider_than_its_place_at_the_printed_width(full_report, chromium_exe):
    """The page laid out at the width of A4 less its margins (the print layout: same grid, same
    fonts); every table of the report, five-year trends included, fits inside its block."""
    _, html = full_report
    assert html.count('data-block="trend"') >= 5  # the five-year tables are there to be measured
    with tempfile.TemporaryDirectory(prefix="cscw-layout-") as tmp:
        page = Path(tmp) / "report.html"
        page.write_text(html.replace("</body>", OVERFLOW_SCRIPT + "</body>"), encoding="utf-8")
        with tempfile.TemporaryDirectory(prefix="cscw-chromium-") as profile:
            proc = subprocess.run(
                [
                    chromium_exe,
                    *chromium.BASE_FLAGS,
                    f"--user-data-dir={profile}",
                    f"--window-size={PRINTED_WIDTH_PX},2000",
                    "--virtual-time-budget=5000",
                    "--dump-dom",
                    page.as_uri(),
                ],
                capture_output=True,
                text=True,
                timeout=120,
            )
    found = re.search(r'<pre id="overflow-result">(.*?)</pre>', proc.stdout, re.S)
    assert found, f"the layout script did not run: {proc.stderr[-500:]}"
    overflowing = json.loads(found.group(1).replace("&quot;", '"'))
    assert overflowing == [], overflowing
