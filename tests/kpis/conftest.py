"""One database with every hand-worked case and a generated Lancashire (888) loaded, and ONE dbt
build, shared by the KPI tests (hand-worked cases, reconciliation, calibration, reporter role, CLI) and
the board pack's tests on a real build: the session fixture `kpi_build` (tests/conftest.py) calls
build_kpi_cases once."""

from __future__ import annotations

from dataclasses import dataclass

import psycopg2

from ingestion.generator import generate
from tests.conftest import create_database
from tests.kpis.build_cases import build, load_landing, write_cases

EXTRACT_DATE = "2019-04-01"
CALIBRATION_PROFILE = "lancashire"
CALIBRATION_SCALE = 0.2


@dataclass
class KpiBuild:
    url: str
    run: object  # ingestion.dbt_runner.DbtRun of the KPI dbt tests (checked by test_marts)

    def query(self, sql: str, params=None) -> list[tuple]:
        conn = psycopg2.connect(self.url)
        try:
            with conn.cursor() as cur:
                cur.execute(sql, params)
                return cur.fetchall()
        finally:
            conn.close()


def build_kpi_cases(pg_server, tmp_path_factory) -> KpiBuild:
    url = create_database(pg_server, "kpi")
    landing = tmp_path_factory.mktemp("kpi_landing")
    write_cases(landing)
    # The calibration authority: Lancashire at a fifth of its size (rates and mixes are scale-free), six
    # years of history so repeat plans can see earlier plans, as at the cases' extract date.
    generate(
        landing,
        profile=CALIBRATION_PROFILE,
        years=6,
        scale=CALIBRATION_SCALE,
        seed=1,
        extract_date=EXTRACT_DATE,
    )
    load_landing(url, landing, tmp_path_factory.mktemp("kpi_archive"))
    # One full `dbt build` (cscw build's function: raw statistics first): the warehouse's own tests must
    # pass on the hand-worked cases too.
    run = build(url, tmp_path_factory.mktemp("kpi_target"))
    assert run.success, run.summary()
    assert run.results, "no KPI tests ran"
    return KpiBuild(url, run)
