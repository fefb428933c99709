"""Checks shared by the report tests: the printed figures against marts.kpi_values."""

from __future__ import annotations

from decimal import Decimal

import psycopg2

from ingestion.report.data import KpiValue
from tests.report.htmlparse import parse_report


def kpi_rows(url: str, la: str) -> dict[tuple, KpiValue]:
    """kpi_values rows keyed as the report's data-* attributes; `suppressed` from the publication view."""
    conn = psycopg2.connect(url)
    with conn.cursor() as cur:
        cur.execute(
            "select k.la_code, k.kpi_code, k.period_type, k.period_start, k.period_end, k.breakdown,"
            " k.breakdown_value, k.numerator, k.denominator, k.value, k.unit, p.is_suppressed,"
            " k.value_rounded, k.rag"
            " from marts.kpi_values k join marts.pub_kpi_values p"
            " using (la_code, kpi_code, period_type, period_start, period_end, breakdown, breakdown_value)"
            " where k.la_code = %s",
            (la,),
        )
        rows = [KpiValue(*r) for r in cur.fetchall()]
    conn.close()
    return {
        (
            r.kpi_code,
            r.period_type,
            r.period_start.isoformat(),
            r.period_end.isoformat(),
            r.breakdown,
            r.breakdown_value,
        ): r
        for r in rows
    }


def check_figures_match(html: str, rows: dict[tuple, KpiValue], publish: bool) -> int:
    """Each printed figure equals its row: the raw value carried and the printed text (rounded)."""
    parsed = parse_report(html)
    assert parsed.figures, "the report printed no traceable figures"
    checked = 0
    for p in parsed.figures:
        row = rows.get(p.key)
        assert row is not None, f"printed figure {p.key} has no kpi_values row"
        fieldname = p.attrs["data-field"]
        expected = getattr(row, fieldname)
        if publish and row.suppressed:
            assert p.text == "x" and "data-raw" not in p.attrs, p.key
            continue
        assert p.attrs["data-suppressed"] == "false"
        if expected is None:
            assert p.text == "–", (p.key, fieldname, p.text)
            continue
        assert Decimal(p.attrs["data-raw"]) == Decimal(expected), (p.key, fieldname)
        shown = p.number()
        assert shown is not None, (p.key, p.text)
        assert abs(shown - Decimal(expected)) <= Decimal("0.05"), (p.key, fieldname, p.text, expected)
        checked += 1
    return checked
