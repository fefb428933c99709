"""The hand-worked cases' build path, shared by the KPI test fixture and the mutation check
(benchmarks/kpi_mutation.py): write every case's extract, load them, run `dbt build`, compare."""

from __future__ import annotations

import math
import tempfile
from pathlib import Path

import psycopg2

from ingestion.build import prepare_warehouse
from ingestion.dbt_runner import DbtRun, run_dbt
from ingestion.history_import import import_903
from ingestion.history_import.spec import FILES
from ingestion.loader import load_path
from tests.kpis.all_cases import CASES, EXPECTATIONS, IMPORTS, POPULATION_EXTRA
from tests.kpis.cases import Expect

BUILD_VARS = {"kpi_child_population_extra": POPULATION_EXTRA}


def write_cases(landing: Path) -> None:
    for case in CASES:
        case().write(landing)


def load_landing(url: str, landing: Path, archive_dir: Path) -> None:
    """Load every extract in `landing`; each must load whole (nothing rejected or quarantined)."""
    results = load_path(landing, url, archive_dir=archive_dir)
    bad = [(r.label, r.status, r.errors) for r in results if r.status != "loaded" or r.rows_quarantined]
    assert not bad, bad
    import_returns(url, landing.parent)


def import_returns(url: str, scratch: Path) -> None:
    """`cscw import 903` of the cases' past SSDA903 returns (IMPORTS), written as the DfE files."""
    for la_code, years in IMPORTS.items():
        with tempfile.TemporaryDirectory(dir=scratch) as tmp:
            for year, (header, episodes) in years.items():
                folder = Path(tmp) / year
                folder.mkdir()
                for name, rows in (("header", header), ("episodes", episodes)):
                    (folder / f"{name}.csv").write_text(",".join(FILES[name].columns) + "\n" + rows)
            result = import_903(url, la_code, Path(tmp))
            assert set(result.imported) == set(years), result


def build(
    url: str, target_path: Path, project_dir: Path | None = None, args: list[str] | None = None
) -> DbtRun:
    """`dbt build` (or `args`) of the project (default: the repo's) as `cscw build` runs it: raw
    schema and statistics first, with the hand-worked authorities' child populations."""
    prepare_warehouse(url, BUILD_VARS)
    return run_dbt(args or ["build"], url, vars=BUILD_VARS, target_path=target_path, project_dir=project_dir)


def close(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)


def check(cur, e: Expect) -> str | None:
    """None when marts.kpi_values holds exactly the expected row (with the expected RAG colour, when
    the expectation names one), or no row at all when the expectation says it is absent; else what is
    wrong."""
    cur.execute(
        """select numerator, denominator, value, rag from marts.kpi_values
           where la_code = %s and kpi_code = %s and period_type = %s and period_start = %s
             and breakdown = %s and breakdown_value = %s""",
        (e.la_code, e.kpi_code, e.period[0], e.period[1], *e.breakdown),
    )
    rows = cur.fetchall()
    if e.absent:
        return None if not rows else f"{e.id}: expected no row, got {rows} ({e.why})"
    if len(rows) != 1:
        return f"{e.id}: expected one row, got {rows}"
    num, den, value, rag = rows[0]
    if (
        close(num, e.numerator)
        and close(den, e.denominator)
        and close(value, e.value)
        and (e.rag is None or rag == e.rag)
    ):
        return None
    got, expected = (num, den, value), (e.numerator, e.denominator, e.value)
    if e.rag is not None:
        got, expected = (*got, rag), (*expected, e.rag)
    return f"{e.id}: got {got}, expected {expected} ({e.why})"


def failed_expectations(url: str, expectations=EXPECTATIONS) -> list[str]:
    """Every expectation that marts.kpi_values does not meet, on one connection."""
    conn = psycopg2.connect(url)
    try:
        with conn.cursor() as cur:
            return [msg for e in expectations if (msg := check(cur, e))]
    finally:
        conn.close()
