"""`cscw kpis [--la CODE] [--year 2018-19]`: the headline KPI table from the published marts.

Python only reads and formats: every number (value, numerator/denominator, last year's value and the
change, target and RAG) comes from marts.kpi_headline, which dbt computes from the catalogue."""

from __future__ import annotations

import argparse
import re
import sys

from ingestion.db import connect

HELP = "print the headline KPI table (value, numerator/denominator, target, RAG, change on last year)"

COLUMNS = (
    "la_code, financial_year, kpi_code, kpi_name, unit, numerator, denominator, value, "
    "previous_value, change_on_previous_year, target, rag"
)


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
    if v is None:
        return "-"
    f = float(v)
    if unit in ("count", None) and f == int(f):
        return f"{int(f):,}"
    if unit == "percent":
        return f"{f:.1f}%"
    return f"{f:,.1f}" if abs(f) >= 10 or f == int(f) else f"{f:,.2f}"


def _fraction(r: dict) -> str:
    if r["unit"] == "count":
        return ""
    if r["unit"] == "days":
        return f"n={_num(r['denominator'])}"
    return f"{_num(r['numerator'])}/{_num(r['denominator'])}"


def _change(r: dict) -> str:
    c = r["change_on_previous_year"]
    if c is None:
        return "-"
    f = float(c)
    suffix = " pts" if r["unit"] == "percent" else ""
    return f"{f:+,.1f}{suffix}" if f != int(f) or r["unit"] == "percent" else f"{int(f):+,}"


def format_table(rows: list[dict]) -> str:
    out: list[str] = []
    header = ("KPI", "value", "num/den", "last year", "change", "target", "RAG")
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
                    c.ljust(w) if i == 0 else c.rjust(w)
                    for i, (c, w) in enumerate(zip(r, widths, strict=True))
                )
            )
        table.clear()

    for r in rows:
        key = (r["la_code"], r["financial_year"])
        if key != current:
            flush()
            if out:
                out.append("")
            out.append(f"Authority {r['la_code']}, financial year {r['financial_year']}")
            current = key
        table.append(
            (
                r["kpi_code"],
                _num(r["value"], r["unit"]),
                _fraction(r),
                _num(r["previous_value"], r["unit"]),
                _change(r),
                _num(r["target"], r["unit"]) if r["target"] is not None else "-",
                (r["rag"] or "-").upper(),
            )
        )
    flush()
    return "\n".join(out)


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
    if not rows:
        what = " and ".join(x for x in (f"authority {args.la}" if args.la else "", year or "") if x)
        print(f"no KPI values{' for ' + what if what else ''}.", file=sys.stderr)
        return 1
    print(format_table(rows))
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
