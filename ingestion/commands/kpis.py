"""`cscw kpis [--la CODE] [--year 2018-19]`: the headline KPI table from the published marts, with each
authority's caveats: the KPIs it cannot have (marts.kpi_availability) and the rows each data-quality
rule left out of the year (marts.kpi_data_quality).

Python only reads and formats: every number (value, numerator/denominator, last year's value and the
change, target and RAG) comes from marts.kpi_headline, which dbt computes from the catalogue, already
rounded as it is printed everywhere (macro kpi_round); Python never rounds a KPI figure."""

from __future__ import annotations

import argparse
import re
import sys
from decimal import Decimal

from ingestion import authority
from ingestion.db import connect

HELP = "print the headline KPI table (value, numerator/denominator, target, RAG, change on last year)"

COLUMNS = (
    "la_code, financial_year, period_start, period_end, kpi_code, kpi_name, unit, numerator, denominator, "
    "value_rounded, previous_value_rounded, change_rounded, target, rag"
)
NAME_WIDTH = 44  # KPI names are cut to this many characters in the table


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--la", metavar="CODE", help="one authority (DfE code); default every authority")
    parser.add_argument(
        "--year",
        metavar="YYYY-YY",
        help="financial year, e.g. 2018-19; default the latest complete year of each authority",
    )
    parser.add_argument("--url", help="database URL (default: the configured warehouse)")
    parser.add_argument("--relation", default="marts.kpi_headline", help=argparse.SUPPRESS)


def _year(text: str) -> str:
    m = re.fullmatch(r"(\d{4})[-/](\d{2}|\d{4})", text.strip())
    if not m or int(m.group(2)[-2:]) != (int(m.group(1)) + 1) % 100:
        raise ValueError(f"not a financial year: {text!r} (expected e.g. 2018-19)")
    return f"{m.group(1)}-{m.group(2)[-2:]}"


def fetch(conn, la: str | None, year: str | None, relation: str = "marts.kpi_headline") -> list[dict]:
    """Headline rows, ordered by authority, year and the catalogue's KPI order."""
    where, params = [], []
    if la:
        where.append("h.la_code = %s")
        params.append(la)
    if year:
        where.append("h.financial_year = %s")
        params.append(year)
    else:
        where.append(
            f"h.period_start = (select max(period_start) from {relation} as l where l.la_code = h.la_code)"
        )
    sql = (
        f"select {', '.join('h.' + c.strip() for c in COLUMNS.split(','))} from {relation} as h "
        f"where {' and '.join(where)} order by h.la_code, h.period_start, h.kpi_code"
    )
    with conn.cursor() as cur:
        cur.execute(sql, params)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def _num(v, unit: str | None = None) -> str:
    """A figure as the marts rounded it (kpi_round): printed with its own digits, never re-rounded."""
    if v is None:
        return "-"
    return f"{Decimal(v):,f}" + ("%" if unit == "percent" else "")


def _part(v) -> str:
    """A numerator or denominator: a count, or FTE and populations with their own decimals."""
    if v is None:
        return "-"
    d = Decimal(v)
    return f"{int(d):,}" if d == d.to_integral_value() else f"{d.normalize():,f}"


def _target(v, unit: str) -> str:
    """A catalogue target (an authority's setting, not a computed figure)."""
    if v is None:
        return "-"
    d = Decimal(v)
    return f"{d:,.1f}%" if unit == "percent" else _part(d)


def _fraction(r: dict) -> str:
    if r["unit"] == "count":
        return ""
    if r["unit"] == "days":
        return f"n={_part(r['denominator'])}"
    return f"{_part(r['numerator'])}/{_part(r['denominator'])}"


def _change(r: dict) -> str:
    c = r["change_rounded"]
    if c is None:
        return "-"
    d = Decimal(c)
    text = f"{int(d):+,}" if d == d.to_integral_value() and r["unit"] != "percent" else f"{d:+,f}"
    return text + (" pts" if r["unit"] == "percent" else "")


def _name(text: str | None) -> str:
    text = text or ""
    return text if len(text) <= NAME_WIDTH else text[: NAME_WIDTH - 3] + "..."


def format_table(rows: list[dict], caveats: dict | None = None) -> str:
    out: list[str] = []
    header = ("KPI", "name", "value", "num/den", "last year", "change", "target", "RAG")
    current = None
    table: list[tuple[str, ...]] = []

    def flush():
        if not table:
            return
        widths = [max(len(r[i]) for r in [header, *table]) for i in range(len(header))]
        out.append("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
        out.append("  ".join("-" * w for w in widths))
        for r in table:
            out.append(
                "  ".join(
                    c.ljust(w) if i <= 1 else c.rjust(w)
                    for i, (c, w) in enumerate(zip(r, widths, strict=True))
                ).rstrip()
            )
        table.clear()

    for r in rows:
        key = (r["la_code"], r["financial_year"])
        if key != current:
            flush()
            if current is not None and caveats and current in caveats:
                out.extend(format_caveats(caveats[current]))
            if out:
                out.append("")
            out.append(f"Authority {r['la_code']}, financial year {r['financial_year']}")
            current = key
        table.append(
            (
                r["kpi_code"],
                _name(r["kpi_name"]),
                _num(r["value_rounded"], r["unit"]),
                _fraction(r),
                _num(r["previous_value_rounded"], r["unit"]),
                _change(r),
                _target(r["target"], r["unit"]),
                (r["rag"] or "-").upper(),
            )
        )
    flush()
    if current is not None and caveats and current in caveats:
        out.extend(format_caveats(caveats[current]))
    return "\n".join(out)


def fetch_caveats(conn, rows: list[dict]) -> dict[tuple[str, str], dict[str, list[tuple]]]:
    """Per (la_code, financial_year) shown: the KPIs not available (code, name, reason) and the rows each
    data-quality issue left out of that year (issue, table, KPI or None, rows)."""
    shown = sorted({(r["la_code"], r["financial_year"], r["period_start"]) for r in rows})
    caveats: dict[tuple[str, str], dict[str, list[tuple]]] = {}
    with conn.cursor() as cur:
        for la, year, start in shown:
            cur.execute(
                "select a.kpi_code, c.name, a.reason from marts.kpi_availability as a"
                " left join marts.kpi_catalogue as c on a.kpi_code = c.kpi_code"
                " where a.la_code = %s and not a.is_available order by a.kpi_code",
                (la,),
            )
            unavailable = cur.fetchall()
            cur.execute(
                "select issue, source_table, kpi_code, rows from marts.kpi_data_quality"
                " where la_code = %s and period_type = 'financial_year' and period_start = %s"
                " order by issue, source_table, kpi_code nulls first",
                (la, start),
            )
            caveats[(la, year)] = {"unavailable": unavailable, "data_quality": cur.fetchall()}
    return caveats


def format_caveats(caveats: dict[str, list[tuple]]) -> list[str]:
    out = []
    if caveats["unavailable"]:
        out.append("Not available (a table the KPI needs was not in the extract):")
        out += [f"  {code} ({name}): {reason}" for code, name, reason in caveats["unavailable"]]
    if caveats["data_quality"]:
        out.append("Rows left out by data-quality rules this year:")
        for issue, table, code, n in caveats["data_quality"]:
            scope = f"from {code}" if code else "from every KPI"
            out.append(f"  {issue}: {n:,} {table} row{'s' if n != 1 else ''} {scope}")
    return out


def run(args: argparse.Namespace) -> int:
    try:
        year = _year(args.year) if args.year else None
    except ValueError as e:
        print(e, file=sys.stderr)
        return 2
    with connect(args.url) as conn:
        with conn.cursor() as cur:
            cur.execute("select to_regclass(%s)", (args.relation,))
            if cur.fetchone()[0] is None:
                print(f"{args.relation} does not exist yet: run `cscw build` first.", file=sys.stderr)
                return 1
        rows = fetch(conn, args.la, year, args.relation)
        returns = return_errors(conn, args.la)
        caveats = fetch_caveats(conn, rows) if rows and args.relation == "marts.kpi_headline" else {}
        authorities = [authority.lookup(conn, la) for la in dict.fromkeys(r["la_code"] for r in rows)]
    if not rows:
        what = " and ".join(x for x in (f"authority {args.la}" if args.la else "", year or "") if x)
        print(f"no KPI values{' for ' + what if what else ''}.", file=sys.stderr)
        return 1
    for a in authorities:
        authority.warn(a)
    print(format_table(rows, caveats))
    if returns:
        print("\n" + returns)
    return 0


def return_errors(conn, la: str | None) -> str:
    """The SSDA903 validation error count of each authority's latest validated return, or ''."""
    from ingestion.returns.errors import error_counts

    lines = [
        f"SSDA903 {year} return of {code}: {errors:,} DfE validation errors,"
        f" {children:,} children with errors (validated {validated:%Y-%m-%d %H:%M})"
        for code, year, validated, errors, children in error_counts(conn, la)
    ]
    return "\n".join(lines)
