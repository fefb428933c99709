"""The performance pack: the IRO annual report's quantitative sections generated from the KPI marts
(`marts.kpi_values`), as one self-contained HTML file and a PDF of it. See docs/report.md."""

from ingestion.report.render import (
    ReportResult,
    build_html,
    render_for_all,
    render_report,
    report_dir,
    report_keep,
)

__all__ = ["ReportResult", "build_html", "render_for_all", "render_report", "report_dir", "report_keep"]
