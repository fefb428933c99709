"""Every KPI code against hand-worked expectations (tests/kpis/cases*.py explain each number)."""

from __future__ import annotations

import psycopg2
import pytest

from tests.kpis.all_cases import EXPECTATIONS
from tests.kpis.build_cases import check
from tests.kpis.cases import Expect

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("e", EXPECTATIONS, ids=lambda e: e.id)
def test_hand_worked_value(kpi_build, e: Expect):
    conn = psycopg2.connect(kpi_build.url)
    try:
        with conn.cursor() as cur:
            problem = check(cur, e)
    finally:
        conn.close()
    assert problem is None, problem
