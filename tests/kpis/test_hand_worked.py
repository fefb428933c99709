"""Every KPI code against hand-worked expectations (tests/kpis/cases.py explains each number)."""

from __future__ import annotations

import math

import pytest

from tests.kpis.cases import EXPECTATIONS, Expect

pytestmark = pytest.mark.slow


def _close(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)


@pytest.mark.parametrize("e", EXPECTATIONS, ids=lambda e: e.id)
def test_hand_worked_value(kpi_build, e: Expect):
    rows = kpi_build.query(
        """select numerator, denominator, value from marts.kpi_values
           where la_code = %s and kpi_code = %s and period_type = %s and period_start = %s
             and breakdown = %s and breakdown_value = %s""",
        (e.la_code, e.kpi_code, e.period[0], e.period[1], *e.breakdown),
    )
    assert len(rows) == 1, f"{e.id}: expected one row, got {rows}"
    num, den, value = rows[0]
    got = (num, den, value)
    assert _close(num, e.numerator) and _close(den, e.denominator) and _close(value, e.value), (
        f"{e.id}: got {got}, expected {(e.numerator, e.denominator, e.value)} ({e.why})"
    )
