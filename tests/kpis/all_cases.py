"""Every hand-worked KPI case module, collected: each `tests/kpis/cases*.py` defines CASES (functions
returning an Extract), EXPECTATIONS and optionally POPULATION_EXTRA and IMPORTS (past SSDA903 returns). A
new module is picked up without wiring, and the shared build (tests/kpis/build_cases.py) loads all of them."""

from __future__ import annotations

import importlib
from pathlib import Path

CASE_MODULES = [
    importlib.import_module(f"tests.kpis.{p.stem}") for p in sorted(Path(__file__).parent.glob("cases*.py"))
]
CASES = [case for m in CASE_MODULES for case in m.CASES]
EXPECTATIONS = [e for m in CASE_MODULES for e in m.EXPECTATIONS]
POPULATION_EXTRA = [row for m in CASE_MODULES for row in getattr(m, "POPULATION_EXTRA", [])]
# past SSDA903 returns imported before the build: {la_code: {collection year: (header rows, episode rows)}}
IMPORTS = {la: years for m in CASE_MODULES for la, years in getattr(m, "IMPORTS", {}).items()}
