"""Build the performance pack for one authority and year: read kpi_values, draw the charts, fill the
HTML template, print the PDF, keep the last N reports."""

from __future__ import annotations

import os
import re
import shutil
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from ingestion import authority
from ingestion.config import settings
from ingestion.db import connect
from ingestion.report import charts as ch
from ingestion.report import chromium
from ingestion.report.data import (
    FinancialYear,
    KpiInfo,
    KpiValue,
    authorities,
    data_as_at,
    fetch_caveats,
    fetch_iro_caseloads,
    fetch_review_timeliness_by_locality,
    fetch_values,
    latest_financial_year,
    load_catalogue,
    load_code_lists,
    load_comparators,
)
from ingestion.report.layout import (
    BREAKDOWN_CODE_LISTS,
    BREAKDOWN_ORDER,
    BREAKDOWN_TITLES,
    HANDBOOK_CASELOAD,
    SECTIONS,
    SUPPRESSION_MAX,
    TREND_YEARS,
    Item,
)

TEMPLATES = Path(__file__).resolve().parent / "templates"
REPORT_PREFIX = "iro-report"
SUPPRESSED = "x"  # as marts.pub_kpi_values.value_display prints a withheld figure
ALL = "all"
LONG_BREAKDOWN = 8  # a breakdown with more codes than this lists its zero rows on one line


# ---------------------------------------------------------------- formatting and suppression


def fmt_number(x, unit: str = "count") -> str:
    """A number as printed: percentages to one decimal with %, whole numbers (children, reviews) with
    thousands separators, anything else (FTE, rates, published comparators) to one decimal."""
    if x is None:
        return "–"
    x = Decimal(str(x))
    if unit == "percent":
        return f"{x:.1f}%"
    return f"{int(x):,}" if x == x.to_integral_value() else f"{x:,.1f}"


def fmt_value(row: KpiValue) -> str:
    """A figure as the marts rounded it (kpi_values.value_rounded), printed with its own digits."""
    if row.suppressed:
        return SUPPRESSED
    if row.value_rounded is not None:
        d = Decimal(row.value_rounded)
        text = f"{int(d):,}" if row.unit == "count" else f"{d:,f}"
        return text + {"percent": "%", "days": " days"}.get(row.unit, "")
    if row.value is None or row.unit == "percent":
        return fmt_number(row.value, row.unit)
    if row.unit == "days":
        return f"{Decimal(row.value):,.1f} days"
    if row.unit == "count":
        return fmt_number(row.value)
    return f"{Decimal(row.value):,.1f}"  # rates and averages keep their decimal even when whole


def fmt_part(row: KpiValue, x) -> str:
    """A numerator or denominator (children, reviews, FTE, population)."""
    return SUPPRESSED if row.suppressed else fmt_number(x)


def fig(row: KpiValue | None, field_name: str = "value", css: str = "") -> Markup:
    """A printed figure carrying its kpi_values key, so a reader (or a test) can trace it to its row."""
    if row is None:
        return Markup('<span class="fig missing">–</span>')
    raw = getattr(row, field_name)
    text = fmt_value(row) if field_name == "value" else fmt_part(row, raw)
    attrs = {
        "data-kpi-code": row.kpi_code,
        "data-field": field_name,
        "data-period-type": row.period_type,
        "data-period-start": row.period_start.isoformat(),
        "data-period-end": row.period_end.isoformat(),
        "data-breakdown": row.breakdown,
        "data-breakdown-value": row.breakdown_value,
        "data-unit": row.unit,
        "data-suppressed": "true" if row.suppressed else "false",
    }
    if not row.suppressed and raw is not None:
        attrs["data-raw"] = str(raw)
    title = "withheld: small number" if row.suppressed else ""
    html = " ".join(f'{k}="{escape(v)}"' for k, v in attrs.items())
    extra = f' title="{title}"' if title else ""
    return Markup(f'<span class="fig {escape(css)}" {html}{extra}>{escape(text)}</span>')


def rag(info: KpiInfo, row: KpiValue | None) -> str | None:
    """The RAG colour the marts gave the headline row (kpi_values.rag, from the catalogue's target and
    amber band): never recomputed here. None for a context measure or a missing or withheld value."""
    if row is None or row.suppressed:
        return None
    return row.rag


def fmt_target(info: KpiInfo) -> str:
    if info.target is None or info.direction not in ("higher", "lower"):
        return "no target set"
    t = f"{info.target.normalize():f}" + ("%" if info.unit == "percent" else "")
    return ("at least " if info.direction == "higher" else "at most ") + t


ACRONYMS = {"CLA", "CP", "IRO", "PR", "MA", "PEP", "LA", "S47", "ICPC", "RCPC", "SW", "SEND", "MASH"}


def humanise(code: str) -> str:
    """A breakdown value without a code-list description, as words: 'CLA_REVIEW_NOT_RECORDED' ->
    'CLA review not recorded', 'placed_with_parents' -> 'Placed with parents'; other text is kept."""
    if "_" not in code and not code.islower():
        return code
    text = " ".join(w if w.upper() in ACRONYMS else w.lower() for w in code.replace("_", " ").split(" "))
    return text[:1].upper() + text[1:]


# ---------------------------------------------------------------- the data, indexed


class Values:
    """kpi_values rows of one authority, indexed by (kpi, period_type, period_start, breakdown)."""

    def __init__(self, rows: list[KpiValue]):
        self.by_key: dict[tuple, list[KpiValue]] = defaultdict(list)
        self.codes: set[str] = set()
        for r in rows:
            self.by_key[(r.kpi_code, r.period_type, r.period_start, r.breakdown)].append(r)
            self.codes.add(r.kpi_code)

    def headline(self, kpi: str, fy: FinancialYear) -> KpiValue | None:
        rows = self.by_key.get((kpi, "financial_year", fy.start, ALL), [])
        return rows[0] if rows else None

    def breakdown(self, kpi: str, fy: FinancialYear, breakdown: str) -> list[KpiValue]:
        return self.by_key.get((kpi, "financial_year", fy.start, breakdown), [])

    def breakdowns_of(self, kpi: str, fy: FinancialYear) -> list[str]:
        return sorted(
            {k[3] for k in self.by_key if k[0] == kpi and k[1] == "financial_year" and k[2] == fy.start}
            - {ALL}
        )

    def months(self, kpi: str, fy: FinancialYear, breakdown: str = ALL) -> list[KpiValue]:
        out = [
            r
            for (code, ptype, start, b), rows in self.by_key.items()
            if code == kpi and ptype == "month" and b == breakdown and fy.start <= start <= fy.end
            for r in rows
        ]
        return sorted(out, key=lambda r: (r.period_start, r.breakdown_value))


# ---------------------------------------------------------------- building the context


@dataclass
class Block:
    """One thing printed in a section: a figure card, a chart with its data table, or a table."""

    kind: str
    title: str = ""
    info: KpiInfo | None = None
    row: KpiValue | None = None
    rag: str | None = None
    target: str = ""
    chart: str | None = None
    columns: list[str] = field(default_factory=list)
    rows: list[list] = field(default_factory=list)
    note: str = ""
    wide: bool = False  # spans both columns of the section's grid (month series, one bar per IRO)
    zeros: list = field(default_factory=list)  # zero rows of a long breakdown, printed on one line


class Builder:
    def __init__(
        self,
        values: Values,
        catalogue: dict[str, KpiInfo],
        fy: FinancialYear,
        comparators: list[dict],
        la_label: str,
    ):
        self.values, self.catalogue, self.fy = values, catalogue, fy
        self.code_lists = load_code_lists()
        self.comparators = comparators
        self.years = [fy.shifted(-i) for i in range(TREND_YEARS - 1, -1, -1)]
        self.shown: set[tuple[str, str]] = set()  # (kpi, breakdown) already printed
        self.la_label = la_label
        self.supplements: dict[str, list[Block | None]] = {}  # section id -> blocks from the wide marts

    def info(self, kpi: str) -> KpiInfo:
        if kpi in self.catalogue:
            return self.catalogue[kpi]
        return KpiInfo(code=kpi, name=kpi.replace("_", " ").capitalize())

    def label(self, breakdown: str, value: str) -> str:
        codes = self.code_lists.get(BREAKDOWN_CODE_LISTS.get(breakdown, ""), [])
        for code, description, _ in codes:
            if code == value:
                return f"{code}: {description}" if breakdown == "participation_code" else description
        return humanise(value)

    def order(self, breakdown: str, rows: list[KpiValue]) -> list[KpiValue]:
        order = [c for c, _, _ in self.code_lists.get(BREAKDOWN_CODE_LISTS.get(breakdown, ""), [])]
        order = order or BREAKDOWN_ORDER.get(breakdown, [])
        rank = {v.lower(): i for i, v in enumerate(order)}
        return sorted(rows, key=lambda r: (rank.get(r.breakdown_value.lower(), len(rank)), r.breakdown_value))

    def card(self, kpi: str) -> Block:
        info = self.info(kpi)
        row = self.values.headline(kpi, self.fy)
        return Block("card", title=info.name, info=info, row=row, rag=rag(info, row), target=fmt_target(info))

    def trend(self, kpi: str, kind: str) -> Block | None:
        info = self.info(kpi)
        rows = [self.values.headline(kpi, y) for y in self.years]
        if not any(rows):
            return None
        labels = [y.label for y in self.years]
        plotted = [None if r is None or r.suppressed or r.value is None else float(r.value) for r in rows]
        unit = next(r.unit for r in rows if r)
        band = HANDBOOK_CASELOAD if kpi == "IRO_CASELOAD_AVG" else None
        chart = ch.trend(
            labels,
            plotted,
            kind=kind,
            percent=unit == "percent",
            target=float(info.target) if info.target is not None else None,
            band=band,
        )
        table_rows = [[self.la_label, *rows]]
        table_rows += self.comparator_rows(kpi)
        # Full width: five years side by side do not fit half an A4 page (the latest year was cut off).
        return Block(
            "trend",
            title=f"{info.name}: the last {len(labels)} years",
            info=info,
            chart=chart,
            columns=labels,
            rows=table_rows,
            wide=True,
        )

    def comparator_rows(self, kpi: str) -> list[list]:
        """Statistical neighbours / region / England for the same years, when the comparators seed holds
        them (they are published figures, not kpi_values rows, so they carry no data-kpi-code)."""
        by_name: dict[str, dict[str, str]] = defaultdict(dict)
        for c in self.comparators:
            if c.get("kpi_code") != kpi:
                continue
            name = str(c.get("comparator_name") or c.get("comparator"))
            if c.get("comparator") == "published":
                name += " (as published)"
            for y in self.years:
                if str(c.get("financial_year")) == y.label:
                    v = c.get("value")
                    by_name[name][y.label] = "–" if v is None else fmt_number(v, self.info(kpi).unit)
        return [
            [name, *[Markup(escape(vals.get(y.label, "–"))) for y in self.years]]
            for name, vals in by_name.items()
        ]

    def breakdown(self, kpi: str, breakdown: str, kind: str) -> Block | None:
        rows = self.order(breakdown, self.values.breakdown(kpi, self.fy, breakdown))
        if not rows:
            return None
        self.shown.add((kpi, breakdown))
        info = self.info(kpi)
        title = f"{info.name}, by {BREAKDOWN_TITLES.get(breakdown, breakdown.replace('_', ' '))}"
        labels = [self.label(breakdown, r.breakdown_value) for r in rows]
        short = [
            r.breakdown_value if breakdown == "participation_code" else lab
            for r, lab in zip(rows, labels, strict=True)
        ]
        vals = [None if r.suppressed or r.value is None else float(r.value) for r in rows]
        unit = rows[0].unit
        chart = None
        if kind == "pie" and any(vals):
            chart = ch.pie(short, [v or 0 for v in vals])
        elif kind in ("bar", "barh") and any(v is not None for v in vals):
            chart = ch.bars(
                short,
                vals,
                horizontal=kind == "barh" or len(rows) > LONG_BREAKDOWN,
                percent=unit == "percent",
            )
        with_parts = any(r.denominator is not None for r in rows)
        headline = self.values.headline(kpi, self.fy)
        # Shares of a count breakdown are of its headline count when that is printed (so they reveal
        # nothing a withheld cell hides), else of the rows' own sum when nothing is withheld.
        total = None
        if headline and headline.unit == "count" and headline.value and not headline.suppressed:
            total = Decimal(headline.value)
        elif not any(r.suppressed or r.value is None for r in rows):
            total = sum((Decimal(r.value) for r in rows), Decimal(0)) or None
        table, zeros = [], []
        for r, lab in zip(rows, labels, strict=True):
            if len(rows) > LONG_BREAKDOWN and r.value == 0 and not r.suppressed:
                zeros.append((lab, fig(r)))  # every code stays printed (and traceable), but briefly
                continue
            share = ""
            if unit == "count" and total and not r.suppressed and r.value is not None:
                share = f"{100 * Decimal(r.value) / total:.1f}%"
            parts = [fig(r, "numerator"), fig(r, "denominator")] if with_parts else [share]
            table.append([lab, fig(r), *parts])
        if headline:
            parts = [fig(headline, "numerator"), fig(headline, "denominator")] if with_parts else [""]
            # A count breakdown of a rate (reviews per PN code under the participation %) ends with the rate.
            name = "All" if headline.unit == unit else info.name
            table.append([Markup(f"<strong>{escape(name)}</strong>"), fig(headline, css="total"), *parts])
        columns = ["", "Value", "Numerator", "Denominator"] if with_parts else ["", "Number", "Share"]
        note = (
            "Figures withheld as small numbers are left out of the chart."
            if any(r.suppressed for r in rows)
            else ""
        )
        return Block(
            "breakdown",
            title=title,
            info=info,
            chart=chart,
            columns=columns,
            rows=table,
            note=note,
            zeros=zeros,
        )

    def monthly(self, kpi: str, kind: str, by: str | None) -> Block | None:
        info = self.info(kpi)
        rows = self.values.months(kpi, self.fy, by or ALL)
        if not rows:
            return None
        months = sorted({r.period_start for r in rows})
        labels = [m.strftime("%b %y") for m in months]
        groups: dict[str, dict[date, KpiValue]] = defaultdict(dict)
        for r in rows:
            groups[r.breakdown_value if by else info.name][r.period_start] = r
        if by:
            rank = {
                r.breakdown_value: i
                for i, r in enumerate(self.order(by, [g[next(iter(g))] for g in groups.values()]))
            }
            groups = dict(sorted(groups.items(), key=lambda kv: rank.get(kv[0], 99)))
        named = {
            (self.label(by, name) if by else name): [
                None if m not in g or g[m].suppressed or g[m].value is None else float(g[m].value)
                for m in months
            ]
            for name, g in groups.items()
        }
        title = f"{info.name}, by month" + (f" and {BREAKDOWN_TITLES.get(by, by)}" if by else "")
        chart = ch.series(labels, named, kind=kind, percent=rows[0].unit == "percent")
        table = [
            [label, *[g.get(m) for m in months]] for label, g in zip(named, groups.values(), strict=True)
        ]
        return Block("monthly", title=title, info=info, chart=chart, columns=labels, rows=table, wide=True)

    def item_blocks(self, item: Item) -> list[Block]:
        blocks: list[Block] = []
        if item.kpi not in self.values.codes:
            if item.headline:
                info = self.info(item.kpi)
                blocks.append(
                    Block(
                        "absent",
                        title=info.name,
                        info=info,
                        note="This measure is not in the marts for this authority.",
                    )
                )
            return blocks
        if item.headline:
            blocks.append(self.card(item.kpi))
        if item.trend:
            blocks.append(self.trend(item.kpi, item.trend))
        if item.monthly:
            blocks.append(self.monthly(item.kpi, item.monthly, item.monthly_by))
        for breakdown, kind in item.breakdowns:
            blocks.append(self.breakdown(item.kpi, breakdown, kind))
        if item.monthly_by:
            self.shown.add((item.kpi, item.monthly_by))
        return [b for b in blocks if b is not None]

    def leftover_breakdowns(self, item: Item) -> list[Block]:
        """Breakdowns the marts hold that the layout does not name (locality, late reasons ...): tables,
        so a new breakdown reaches the report without a code change."""
        if not item.headline:
            return []
        out = []
        for b in self.values.breakdowns_of(item.kpi, self.fy):
            if (item.kpi, b) not in self.shown and not any(b == x for x, _ in item.breakdowns):
                block = self.breakdown(item.kpi, b, "bar" if b == "locality" else "table")
                if block:
                    out.append(block)
        return out

    def review_localities(self, rows: list[tuple], publish: bool) -> Block | None:
        """Review timeliness by locality over the year, from the wide mart (not a kpi_values breakdown)."""
        if not rows:
            return None

        def cell(n) -> str:
            return SUPPRESSED if publish and 1 <= n <= SUPPRESSION_MAX else f"{int(n):,}"

        table, labels, pcts = [], [], []
        for locality, held, on_time in rows:
            hidden = publish and (1 <= held <= SUPPRESSION_MAX or 1 <= on_time <= SUPPRESSION_MAX)
            pct = None if hidden or not held else 100 * Decimal(on_time) / Decimal(held)
            table.append(
                [
                    locality,
                    cell(held),
                    cell(on_time),
                    SUPPRESSED if hidden else "–" if pct is None else f"{pct:.1f}%",
                ]
            )
            if locality != "All localities" and pct is not None:
                labels.append(locality)
                pcts.append(float(pct))
        chart = ch.bars(labels, pcts, horizontal=True, percent=True) if labels else None
        return Block(
            "supplement",
            title="CLA reviews held on time, by locality",
            chart=chart,
            columns=["Locality", "Reviews held", "Held on time", "On time"],
            rows=table,
            note="Locality of the child's allocated team on the review date (mart_cla_review_timeliness).",
        )

    def iro_caseloads(self, rows: list[tuple]) -> Block | None:
        """Each IRO's caseload per FTE at the year end against the Handbook range (mart_iro_caseloads)."""
        if not rows:
            return None
        low, high = HANDBOOK_CASELOAD
        per_fte = [float(r[0]) for r in rows]
        within = sum(low <= v <= high for v in per_fte)
        above = sum(v > high for v in per_fte)
        table = [
            ["IROs holding children", f"{len(rows):,}"],
            [f"Within {low}-{high}", f"{within:,}"],
            [f"Above {high}", f"{above:,}"],
            [f"Below {low}", f"{len(rows) - within - above:,}"],
        ]
        return Block(
            "supplement",
            title=f"Caseload per IRO at {self.fy.end.strftime('%-d %B %Y')}",
            chart=ch.caseloads(per_fte, HANDBOOK_CASELOAD),
            wide=True,
            columns=["", "IROs"],
            rows=table,
            note="Children held per full-time equivalent, one bar per IRO (mart_iro_caseloads); "
            "IROs are not named.",
        )

    def sections(self) -> list[dict]:
        # Every section's planned blocks first, so leftover breakdowns skip those another section prints.
        planned = [(s, [self.item_blocks(i) for i in s.items]) for s in SECTIONS]
        out = []
        for section, per_item in planned:
            blocks = []
            for item, item_blocks in zip(section.items, per_item, strict=True):
                blocks += item_blocks + self.leftover_breakdowns(item)
            blocks += [b for b in self.supplements.get(section.id, []) if b is not None]
            note = ""
            if section.id == "reviews" and not any(
                "reason" in b for i in section.items for b in self.values.breakdowns_of(i.kpi, self.fy)
            ):
                note = (
                    "Reasons for late reviews are not recorded in the case-system extract, so none are shown."
                )
            out.append(
                {
                    "id": section.id,
                    "title": section.title,
                    "intro": section.intro,
                    "blocks": blocks,
                    "note": note,
                }
            )
        placed = {i.kpi for s in SECTIONS for i in s.items}
        extra = sorted(self.values.codes - placed - self.board_pack_codes(), key=lambda c: self.info(c).name)
        if extra:
            items = [Item(code, trend="line") for code in extra]
            blocks = []
            for item in items:
                blocks += self.item_blocks(item) + self.leftover_breakdowns(item)
            out.append(
                {
                    "id": "other",
                    "title": "Other measures",
                    "blocks": blocks,
                    "intro": "Measures in the marts that the sections above do not cover.",
                }
            )
        return out

    def summary(self) -> list[dict]:
        prev = self.fy.shifted(-1)
        seen, rows = set(), []
        for s in SECTIONS:
            for item in s.items:
                if not item.headline or item.kpi in seen or item.kpi not in self.values.codes:
                    continue
                seen.add(item.kpi)
                info = self.info(item.kpi)
                row = self.values.headline(item.kpi, self.fy)
                rows.append(
                    {
                        "info": info,
                        "section": s,
                        "prev": self.values.headline(item.kpi, prev),
                        "row": row,
                        "rag": rag(info, row),
                        "target": fmt_target(info),
                    }
                )
        return rows

    def board_pack_codes(self) -> set[str]:
        """KPIs the Corporate Parenting Board scorecard reports (board_pack.py), not this report."""
        from ingestion.report.board_pack import SECTIONS as PACK_SECTIONS

        sections = {code for code, _ in PACK_SECTIONS}
        return {c for c in self.values.codes if self.info(c).section in sections}

    def definitions(self) -> list[KpiInfo]:
        own = sorted(self.values.codes - self.board_pack_codes())
        codes = [i.kpi for s in SECTIONS for i in s.items] + own
        seen, out = set(), []
        for c in codes:
            if c not in seen and (c in self.values.codes or c in self.catalogue):
                seen.add(c)
                out.append(self.info(c))
        return out


# ---------------------------------------------------------------- writing the report


@dataclass
class ReportResult:
    la_code: str
    year: str
    html_path: Path
    pdf_path: Path | None
    pdf_error: str | None
    data_as_at: date | None
    removed: list[Path]


def data_quality_section(
    unavailable: list[tuple], removed: list[tuple], catalogue: dict[str, KpiInfo], fy: FinancialYear
) -> dict:
    """The caveats page: the measures that could not be computed from what the authority sent, and the
    rows each data-quality rule left out of the year (marts.kpi_availability, marts.kpi_data_quality)."""

    def name(code: str | None) -> str:
        if code is None:
            return "every measure"
        return catalogue[code].name if code in catalogue else code

    blocks = []
    if unavailable:
        blocks.append(
            Block(
                "table",
                title="Measures not available",
                columns=["Measure", "Why"],
                rows=[[name(code), reason or ""] for code, reason in unavailable],
                note="Not published rather than shown as zero: a table they need was not in the extract.",
            )
        )
    blocks.append(
        Block(
            "table",
            title=f"Rows left out, {fy.label}",
            columns=["Issue", "Table", "Left out of", "Rows"],
            rows=[[issue, table, name(code), f"{n:,}"] for issue, table, code, n in removed],
            note="" if removed else "No row was left out of this year's figures.",
        )
    )
    return {
        "id": "data-quality",
        "title": "Data quality and availability",
        "intro": "What the figures above could not use, so none is read without its caveats.",
        "blocks": blocks,
        "note": "",
    }


def _environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"]))
    env.globals.update(fig=fig, fmt_target=fmt_target)
    return env


def la_name(conn, la_code: str) -> str | None:
    """The authority's name: a warehouse table with la_code and la_name if there is one, else the name
    its own published figures carry in the comparators seed."""
    with conn.cursor() as cur:
        cur.execute(
            "select c1.table_schema, c1.table_name from information_schema.columns c1"
            " join information_schema.columns c2 using (table_schema, table_name)"
            " where c1.column_name = 'la_code' and c2.column_name = 'la_name'"
            " and c1.table_schema not in ('information_schema', 'pg_catalog') limit 1"
        )
        found = cur.fetchone()
        if found:
            cur.execute(
                f'select la_name from "{found[0]}"."{found[1]}" where la_code::text = %s limit 1', (la_code,)
            )
            row = cur.fetchone()
            if row:
                return row[0]
    published = {
        c["comparator_name"] for c in load_comparators(conn, la_code) if c["comparator"] == "published"
    }
    return published.pop() if len(published) == 1 else None


def build_html(
    conn,
    la_code: str,
    fy: FinancialYear,
    *,
    publish: bool = False,
    catalogue: dict[str, KpiInfo] | None = None,
    generated: datetime | None = None,
) -> tuple[str, date | None]:
    """The report as one HTML string, plus its data-as-at date."""
    first = fy.shifted(-(TREND_YEARS - 1))
    rows = fetch_values(conn, la_code, first.start, fy.end, publish=publish)
    if not any(r.period_type == "financial_year" and r.period_start == fy.start for r in rows):
        raise LookupError(f"marts.kpi_values has no {fy.label} figures for authority {la_code}")
    catalogue = catalogue if catalogue is not None else load_catalogue(conn)
    as_at = data_as_at(conn, la_code)
    auth = authority.lookup(conn, la_code)
    name = auth.title if auth.la_name or auth.synthetic else la_name(conn, la_code) or auth.title
    # Tables label this authority's row briefly; a synthetic authority's row says so.
    row_label = f"{auth.la_name or f'Authority {la_code}'} (synthetic)" if auth.synthetic else name
    builder = Builder(Values(rows), catalogue, fy, load_comparators(conn, la_code), row_label)
    builder.supplements = {
        "reviews": [
            builder.review_localities(
                fetch_review_timeliness_by_locality(conn, la_code, fy.start, fy.end), publish
            )
        ],
        "iro_service": [builder.iro_caseloads(fetch_iro_caseloads(conn, la_code, fy.end))],
    }
    generated = generated or datetime.now(UTC)
    html = (
        _environment()
        .get_template("report.html.j2")
        .render(
            la_code=la_code,
            la_name=name,
            synthetic=auth.synthetic,
            warnings=auth.warnings(),
            marking=protective_marking(publish),
            year=fy,
            publish=publish,
            as_at=as_at,
            generated=generated,
            summary=builder.summary(),
            sections=builder.sections()
            + [data_quality_section(*fetch_caveats(conn, la_code, fy), catalogue, fy)],
            definitions=builder.definitions(),
            suppressed_symbol=SUPPRESSED,
            handbook=HANDBOOK_CASELOAD,
        )
    )
    return html, as_at


def _report_dirs(out_dir: Path, stem: str) -> list[Path]:
    """Report folders of one kind (stem_<UTC stamp>[-n]), oldest first."""
    pattern = re.compile(re.escape(stem) + r"_(\d{8}T\d{6}Z)(?:-(\d+))?")
    found = []
    for p in out_dir.iterdir():
        m = pattern.fullmatch(p.name)
        if m and (p / "report.html").exists():
            found.append(((m.group(1), int(m.group(2) or 1)), p))
    return [p for _, p in sorted(found)]


def prune(out_dir: Path, stem: str, keep: int) -> list[Path]:
    """Remove all but the newest `keep` reports with this stem (folders this module wrote)."""
    dirs = _report_dirs(out_dir, stem)
    old = dirs[: max(0, len(dirs) - keep)]
    for p in old:
        shutil.rmtree(p)
    return old


def render_report(
    url: str | None,
    la_code: str,
    year: str | FinancialYear | None,
    out_dir: Path,
    *,
    publish: bool = False,
    keep: int | None = None,
    pdf: bool = True,
) -> ReportResult:
    """Write <out_dir>/iro-report_<la>_<year>[_publication]_<UTC stamp>/report.html (and report.pdf)."""
    out_dir = Path(out_dir)
    with connect(url) as conn:
        if year is None:
            fy = latest_financial_year(conn, la_code, data_as_at(conn, la_code))
            if fy is None:
                raise LookupError(f"marts.kpi_values has no financial-year figures for authority {la_code}")
        else:
            fy = year if isinstance(year, FinancialYear) else FinancialYear.parse(year)
        html, as_at = build_html(conn, la_code, fy, publish=publish)
    stem = f"{REPORT_PREFIX}_{la_code}_{fy.label}" + ("_publication" if publish else "")
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    folder = out_dir / f"{stem}_{stamp}"
    n = 1
    while folder.exists():  # two reports in one second: keep both
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
    return ReportResult(la_code, fy.label, html_path, pdf_path, pdf_error, as_at, removed)


def protective_marking(publish: bool) -> str:
    """The marking printed on every page: CSCW_REPORT_MARKING, else OFFICIAL-SENSITIVE for the internal
    report (it shows small numbers) and OFFICIAL for the publication version (small numbers withheld)."""
    return os.environ.get("CSCW_REPORT_MARKING") or ("OFFICIAL" if publish else "OFFICIAL-SENSITIVE")


def report_dir() -> Path:
    """Where reports go by default: CSCW_REPORT_DIR, else CSCW_HOME/reports."""
    return Path(os.environ.get("CSCW_REPORT_DIR") or settings().home / "reports")


def report_keep() -> int:
    """How many reports of each kind to keep: CSCW_REPORT_KEEP (default 7, a week of nights)."""
    return int(os.environ.get("CSCW_REPORT_KEEP") or 7)


def render_for_all(
    url: str | None,
    out_dir: Path | None = None,
    keep: int | None = None,
    *,
    publish: bool = False,
    pdf: bool = True,
) -> list[ReportResult]:
    """One report per authority in the marts, for its latest complete financial year; for the DAG that
    runs after the marts are published. Every authority is attempted; failures are raised together."""
    out_dir = Path(out_dir) if out_dir else report_dir()
    keep = keep or report_keep()
    with connect(url) as conn:
        codes = authorities(conn)
    results, errors = [], []
    for la in codes:
        try:
            results.append(render_report(url, la, None, out_dir, publish=publish, keep=keep, pdf=pdf))
        except Exception as exc:  # one authority's failure must not cost the others their report
            errors.append(f"{la}: {type(exc).__name__}: {exc}")
    if errors:
        raise RuntimeError("reports failed for " + "; ".join(errors))
    return results
