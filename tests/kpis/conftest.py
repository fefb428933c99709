"""One database with every hand-worked case and a generated Lancashire (888) loaded, and ONE dbt
build, shared by the KPI tests (hand-worked cases, reconciliation, calibration, reporter role, CLI)."""

from __future__ import annotations

from dataclasses import dataclass

import psycopg2
import pytest

from ingestion.build import build
from ingestion.generator import generate
from ingestion.loader import load_path
from tests.conftest import create_database
from tests.kpis.cases import CASES, POPULATION_EXTRA

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


@pytest.fixture(scope="session")
def kpi_build(pg_server, tmp_path_factory) -> KpiBuild:
    url = create_database(pg_server, "kpi")
    landing = tmp_path_factory.mktemp("kpi_landing")
    for case in CASES:
        case().write(landing)
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
    results = load_path(landing, url, archive_dir=tmp_path_factory.mktemp("kpi_archive"))
    bad = [(r.label, r.status, r.errors) for r in results if r.status != "loaded" or r.rows_quarantined]
    assert not bad, bad
    # One full `dbt build` (cscw build's function: raw statistics first): the warehouse's own tests must
    # pass on the hand-worked cases too.
    run = build(
        url,
        vars={"kpi_child_population_extra": POPULATION_EXTRA},
        target_path=tmp_path_factory.mktemp("kpi_target"),
    )
    assert run.success, run.summary()
    assert run.results, "no KPI tests ran"
    return KpiBuild(url, run)
