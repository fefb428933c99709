"""What `cscw demo` (`make demo`) ends with: both reports, the IRO annual report and the Corporate
Parenting Board pack, written as PDF and listed with their paths; a report or PDF that could not be
written is said loudly and fails the demo."""

from __future__ import annotations

from pathlib import Path

from ingestion.commands import demo
from tests.report.conftest import LA


def listed(out: str) -> dict[str, Path]:
    """The demo's closing list: report title -> path (two spaces between them)."""
    lines = out.split("Your reports", 1)[1].splitlines()[1:]
    pairs = [line.strip().rsplit("  ", 1) for line in lines if line.strip()]
    return {title.strip(): Path(path) for title, path in pairs}


def test_the_demo_writes_both_reports_as_pdf_and_says_where(spec_marts_url, chromium_exe, tmp_path, capsys):
    assert demo.print_reports(spec_marts_url, LA, tmp_path) is True
    captured = capsys.readouterr()
    reports = listed(captured.out)
    assert list(reports) == ["IRO annual report", "Corporate Parenting Board pack"]
    for path in reports.values():
        assert path.name == "report.pdf" and path.read_bytes().startswith(b"%PDF-")
        assert (path.parent / "report.html").exists() and path.parent.parent == tmp_path
    assert reports["Corporate Parenting Board pack"].parent.name.startswith(f"corporate-parenting_{LA}_")
    assert "NO " not in captured.err


def test_a_pdf_that_cannot_be_written_fails_the_demo_loudly(spec_marts_url, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CSCW_CHROMIUM", str(tmp_path / "no-chromium-here"))
    assert demo.print_reports(spec_marts_url, LA, tmp_path / "reports") is False
    captured = capsys.readouterr()
    assert "NO PDF of the IRO annual report" in captured.err
    assert "NO PDF of the Corporate Parenting Board pack" in captured.err
    # the HTML was written and is listed, so the reader still has something to open
    assert all(p.name == "report.html" and p.exists() for p in listed(captured.out).values())


def test_an_authority_without_figures_gets_no_report_and_a_failed_demo(spec_marts_url, tmp_path, capsys):
    assert demo.print_reports(spec_marts_url, "999", tmp_path, pdf=False) is False
    err = capsys.readouterr().err
    assert "NO IRO ANNUAL REPORT" in err and "NO CORPORATE PARENTING BOARD PACK" in err
