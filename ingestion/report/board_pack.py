"""The monthly Corporate Parenting Board scorecard: health of children looked after, missing from care,
statutory visits and care leavers, each KPI with its 13-month trend, latest value and RAG, the year-end
value beside the published comparators, a district (locality) table, and the data-quality caveats:
what the authority did not send (marts.kpi_availability) and the rows each data-quality rule left out
of these figures, month by month (marts.kpi_data_quality), so no figure is shown without its caveats.
Read from the marts alone; written as HTML and, through Chromium, PDF.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from ingestion.db import connect
from ingestion.report import charts as ch
from ingestion.report import chromium
from ingestion.report.data import (
    KpiInfo,
    KpiValue,
    authorities,
    data_as_at,
    fetch_values,
    load_catalogue,
    load_comparators,
    table_exists,
)
from ingestion.report.render import (
    ReportResult,
    _environment,
    fmt_number,
    fmt_target,
    la_name,
    prune,
    rag,
    report_dir,
    report_keep,
)

PACK_PREFIX = "corporate-parenting"
MONTHS = 13
SECTIONS = (
    ("cla_health", "Health of children looked after"),
    ("cla_missing", "Missing from care"),
    ("cla_visits", "Statutory visits"),
    ("care_leavers", "Care leavers"),
)
COMPARATORS = (
    ("published", "Published"),
    ("regional", "Region"),
    ("national", "England"),
    ("statistical_neighbours", "Statistical neighbours"),
)


def month_starts(last: date, n: int = MONTHS) -> list[date]:
    """The first days of the n months ending with `last`'s month, oldest first."""
    out, y, m = [], last.year, last.month
    for _ in range(n):
        out.append(date(y, m, 1))
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return out[::-1]


def financial_year_of(d: date) -> str:
    y = d.year if d.month >= 4 else d.year - 1
    return f"{y}-{(y + 1) % 100:02d}"


@dataclass
class KpiLine:
    info: KpiInfo
    months: list[KpiValue | None]
    latest: KpiValue | None
    rag: str | None
    target: str
    year_row: KpiValue | None  # the latest financial year's value (year-only KPIs, comparators)
    comparators: dict[str, str] = field(default_factory=dict)
    comparator_year: str = ""
    chart: str | None = None


@dataclass
class District:
    info: KpiInfo
    rows: list[tuple[str, list[KpiValue | None]]]


@dataclass
class PackSection:
    code: str
    title: str
    lines: list[KpiLine]
    districts: list[District]
    caveats: list[str]


class Scorecard:
    """kpi_values rows of one authority for the pack's months and years."""

    def __init__(self, rows: list[KpiValue]):
        self.rows = {
            (r.kpi_code, r.period_type, r.period_start, r.breakdown, r.breakdown_value): r for r in rows
        }
        self.codes = {r.kpi_code for r in rows}

    def get(self, kpi: str, ptype: str, start: date, breakdown: str = "all", value: str = "all"):
        return self.rows.get((kpi, ptype, start, breakdown, value))

    def breakdown_values(self, kpi: str, ptype: str, starts: list[date], breakdown: str) -> list[str]:
        keys = (k for k in self.rows if k[0] == kpi and k[1] == ptype and k[3] == breakdown)
        return sorted({k[4] for k in keys if k[2] in starts})

    def latest_year(self, kpi: str, before: date) -> KpiValue | None:
        years = [
            r
            for k, r in self.rows.items()
            if k[0] == kpi and k[1] == "financial_year" and k[3] == "all" and r.period_end <= before
        ]
        return max(years, key=lambda r: r.period_start) if years else None


def latest_month(conn, la_code: str, codes: list[str]) -> date | None:
    with conn.cursor() as cur:
        cur.execute(
            "select max(period_start) from marts.kpi_values where la_code = %s and period_type = 'month'"
            " and kpi_code = any(%s)",
            (la_code, codes),
        )
        return cur.fetchone()[0]


def _query(conn, sql: str, params) -> list[tuple]:
    with conn.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchall()


CAVEAT_MARTS = ("marts.kpi_availability", "marts.kpi_data_quality")


def require_caveat_marts(conn) -> None:
    """The scorecard shows no figure without its caveats: without the marts that hold them it stops."""
    missing = [t for t in CAVEAT_MARTS if not table_exists(conn, t)]
    if missing:
        raise LookupError(
            f"{' and '.join(missing)} missing: build the KPI marts (cscw build) before the scorecard,"
            " which shows no figure without its data-quality caveats"
        )


def availability_notes(conn, la_code: str, codes: list[str]) -> dict[str, str]:
    """kpi_code -> why it cannot be computed for the authority (marts.kpi_availability)."""
    rows = _query(
        conn,
        "select kpi_code, reason from marts.kpi_availability where la_code = %s and not is_available"
        " and kpi_code = any(%s)",
        (la_code, codes),
    )
    return {code: reason for code, reason in rows}


@dataclass
class QualityLine:
    """What one data-quality rule left out of the scorecard's figures: rows per pack month and in the
    comparator year. kpi_code None: the rows left every measure reading source_table."""

    issue: str
    source_table: str
    kpi_code: str | None
    left_out_of: str
    months: list[int]
    year: int


def data_quality_lines(
    conn, la_code: str, catalogue: dict[str, KpiInfo], codes: list[str], months: list[date], year: date | None
) -> list[QualityLine]:
    """marts.kpi_data_quality rows about the scorecard's measures: those naming one of them, and those
    that left every measure reading a table the scorecard's measures read."""
    tables = sorted({t for c in codes for t in catalogue[c].tables})
    rows = _query(
        conn,
        "select issue, source_table, kpi_code, period_type, period_start, rows from marts.kpi_data_quality"
        " where la_code = %s and (kpi_code = any(%s) or (kpi_code is null and source_table = any(%s)))"
        " and ((period_type = 'month' and period_start = any(%s))"
        " or (period_type = 'financial_year' and period_start = %s))",
        (la_code, codes, tables, months, year),
    )
    lines: dict[tuple, QualityLine] = {}
    for issue, table, code, ptype, start, n in rows:
        key = (issue, table, code or "")
        if key not in lines:
            name = catalogue[code].name if code else f"every measure reading {table}"
            lines[key] = QualityLine(issue, table, code, name, [0] * len(months), 0)
        if ptype == "month":
            lines[key].months[months.index(start)] = n
        else:
            lines[key].year = n
    return [lines[k] for k in sorted(lines)]


class PackBuilder:
    def __init__(self, card: Scorecard, catalogue: dict[str, KpiInfo], months: list[date], comparators):
        self.card, self.catalogue, self.months = card, catalogue, months
        self.comparators = comparators
        self.last_end = max(
            (r.period_end for r in card.rows.values() if r.period_type == "month"), default=months[-1]
        )

    def line(self, info: KpiInfo) -> KpiLine:
        months = [self.card.get(info.code, "month", m) for m in self.months]
        year_row = self.card.latest_year(info.code, self.last_end)
        latest = next((r for r in reversed(months) if r is not None), None) or year_row
        line = KpiLine(info, months, latest, rag(info, latest), fmt_target(info), year_row)
        if year_row is not None:
            fy = financial_year_of(year_row.period_start)
            line.comparator_year = fy
            for c in self.comparators:
                if c["kpi_code"] == info.code and c["financial_year"] == fy:
                    line.comparators[c["comparator"]] = fmt_number(c["value"], info.unit)
        values = [float(r.value) if r is not None and r.value is not None else None for r in months]
        if any(v is not None for v in values):
            labels = [m.strftime("%b %y") for m in self.months]
            line.chart = ch.series(labels, {info.name: values}, kind="line", percent=info.unit == "percent")
        return line

    def districts(self, info: KpiInfo) -> District | None:
        names = self.card.breakdown_values(info.code, "month", self.months, "locality")
        if not names:
            return None
        get = self.card.get
        rows = [(n, [get(info.code, "month", m, "locality", n) for m in self.months]) for n in names]
        return District(info, rows)

    def year_start(self) -> date | None:
        """The latest financial year ended by the pack's last month (the comparator year)."""
        years = [
            r.period_start
            for r in self.card.rows.values()
            if r.period_type == "financial_year" and r.period_end <= self.last_end
        ]
        return max(years, default=None)

    def section(
        self, code: str, title: str, availability: dict[str, str], quality: list[QualityLine] = ()
    ) -> PackSection:
        infos = [i for i in self.catalogue.values() if i.section == code]
        lines, districts, caveats = [], [], []
        not_sent: dict[str, list[str]] = {}
        no_figures = []
        for info in infos:
            if info.code not in self.card.codes:
                if info.code in availability:
                    not_sent.setdefault(availability[info.code], []).append(info.name)
                else:
                    no_figures.append(info.name)
                continue
            lines.append(self.line(info))
            d = self.districts(info)
            if d:
                districts.append(d)
        for reason, names in sorted(not_sent.items()):
            caveats.append(
                f"Not published ({reason}): {', '.join(names)}. A figure that cannot be computed from what"
                " was sent is left out, never shown as zero."
            )
        if no_figures:
            caveats.append(f"No figure in these months: {', '.join(no_figures)}.")
        codes = {i.code for i in infos}
        tables = {t for i in infos for t in i.tables}
        hits = sorted(
            {
                f"{q.issue} ({q.source_table})"
                for q in quality
                if q.kpi_code in codes or (q.kpi_code is None and q.source_table in tables)
            }
        )
        if hits:
            caveats.append(
                f"Rows left out of these figures by the data-quality rules: {', '.join(hits)}; counted month"
                " by month under Data quality."
            )
        if code == "care_leavers" and lines:
            first = min(
                (m for ln in lines for m, r in zip(self.months, ln.months, strict=True) if r is not None),
                default=None,
            )
            if first is not None and first > self.months[0]:
                caveats.append(
                    "Care-leaver figures are read from the nightly history of the care-leaver records; months"
                    f" before {first:%B %Y}, when the first extract holding them was loaded, have no value."
                )
        return PackSection(code, title, lines, districts, caveats)


def build_pack_html(
    conn, la_code: str, month: date | None = None, *, publish: bool = False, generated: datetime | None = None
) -> tuple[str, date, date | None]:
    """The scorecard as one HTML string, the month it is for, and its data-as-at date."""
    require_caveat_marts(conn)
    catalogue = load_catalogue(conn)
    codes = [c for c, i in catalogue.items() if i.section in dict(SECTIONS)]
    last = month or latest_month(conn, la_code, codes)
    if last is None:
        raise LookupError(f"marts.kpi_values has no monthly corporate parenting figures for {la_code}")
    months = month_starts(last)
    first_year = date(months[0].year - 1, 4, 1)
    month_end = date(last.year + (last.month == 12), last.month % 12 + 1, 1)
    fetched = fetch_values(conn, la_code, first_year, month_end, publish=publish)
    rows = [r for r in fetched if r.kpi_code in codes]
    builder = PackBuilder(Scorecard(rows), catalogue, months, load_comparators(conn, la_code))
    availability = availability_notes(conn, la_code, codes)
    year = builder.year_start()
    quality = data_quality_lines(conn, la_code, catalogue, codes, months, year)
    sections = [builder.section(code, title, availability, quality) for code, title in SECTIONS]
    unavailable = [(catalogue[c].name, reason) for c, reason in sorted(availability.items())]
    as_at = data_as_at(conn, la_code)
    name = la_name(conn, la_code) or f"Local authority {la_code}"
    html = (
        _environment()
        .get_template("board_pack.html.j2")
        .render(
            la_code=la_code,
            la_name=name,
            month=last,
            months=months,
            sections=sections,
            quality=quality,
            quality_year=financial_year_of(year) if year else None,
            unavailable=unavailable,
            comparator_columns=COMPARATORS,
            publish=publish,
            as_at=as_at,
            generated=generated or datetime.now(UTC),
        )
    )
    return html, last, as_at


def render_board_pack(
    url: str | None,
    la_code: str,
    month: date | str | None,
    out_dir: Path,
    *,
    publish: bool = False,
    keep: int | None = None,
    pdf: bool = True,
) -> ReportResult:
    """Write <out_dir>/corporate-parenting_<la>_<YYYY-MM>[_publication]_<UTC stamp>/report.html (+ .pdf)."""
    if isinstance(month, str):
        month = date.fromisoformat(month + "-01" if len(month) == 7 else month).replace(day=1)
    out_dir = Path(out_dir)
    with connect(url) as conn:
        html, last, as_at = build_pack_html(conn, la_code, month, publish=publish)
    stem = f"{PACK_PREFIX}_{la_code}_{last:%Y-%m}" + ("_publication" if publish else "")
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    folder, n = out_dir / f"{stem}_{stamp}", 1
    while folder.exists():
        n += 1
        folder = out_dir / f"{stem}_{stamp}-{n}"
    folder.mkdir(parents=True)
    html_path = folder / "report.html"
    html_path.write_text(html, encoding="utf-8")
    pdf_path, pdf_error = None, None
    if pdf:
        try:
            pdf_path = chromium.print_pdf(html_path, folder / "report.pdf")
        except (chromium.ChromiumMissing, RuntimeError, OSError) as exc:
            pdf_error = f"PDF not written: {exc}"
    removed = prune(out_dir, stem, keep) if keep else []
    return ReportResult(la_code, f"{last:%Y-%m}", html_path, pdf_path, pdf_error, as_at, removed)


def render_packs_for_all(url: str | None, out_dir: Path | None = None, keep: int | None = None) -> list:
    """The scorecard for every authority with monthly corporate parenting figures (the nightly report
    task); every authority is attempted, failures raised together."""
    out_dir = Path(out_dir) if out_dir else report_dir()
    keep = keep or report_keep()
    with connect(url) as conn:
        catalogue = load_catalogue(conn)
        codes = [c for c, i in catalogue.items() if i.section in dict(SECTIONS)]
        las = [la for la in authorities(conn) if latest_month(conn, la, codes) is not None]
    results, errors = [], []
    for la in las:
        try:
            results.append(render_board_pack(url, la, None, out_dir, keep=keep))
        except Exception as exc:  # one authority's failure must not cost the others their pack
            errors.append(f"{la}: {type(exc).__name__}: {exc}")
    if errors:
        raise RuntimeError("corporate parenting packs failed for " + "; ".join(errors))
    return results
