"""End to end: a generated multi-year extract of two authorities, loaded by the real loader, built by
the real `dbt build`: every test passes and the authorities stay apart."""

from __future__ import annotations

import psycopg2
import pytest

from ingestion.build import build
from ingestion.generator import generate
from ingestion.loader import load_path

from .rawdata import FACTS

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def generated(module_db_url, tmp_path_factory):
    out = tmp_path_factory.mktemp("extracts")
    # six years of history, two authorities side by side, small populations to keep the suite fast
    generate(out, "lancashire", years=6, scale=0.03, las=2, seed=7, extract_date="2025-03-31")
    results = load_path(out, module_db_url)
    assert [r.status for r in results] == ["loaded", "loaded"], [r.errors for r in results]
    la_codes = sorted(r.la_code for r in results)
    # the KPI marts have their own tests; this builds the layers of the warehouse part
    run = build(
        module_db_url,
        exclude="path:models/marts/kpi path:models/intermediate/kpi path:tests/kpi path:seeds/kpi",
        target_path=tmp_path_factory.mktemp("dbt_target"),
    )
    return module_db_url, la_codes, run


def scalar(url: str, sql: str):
    conn = psycopg2.connect(url)
    try:
        with conn.cursor() as cur:
            cur.execute(sql)
            return cur.fetchall()
    finally:
        conn.close()


def test_build_passes_every_test(generated):
    _, _, run = generated
    assert run.success, run.summary()
    tests = [r for r in run.results if r["resource_type"] in ("test", "unit_test")]
    assert len(tests) > 200
    assert not run.failures, run.summary()


def test_every_fact_has_both_authorities_and_they_stay_apart(generated):
    url, la_codes, _ = generated
    for fact in FACTS:
        got = [r[0] for r in scalar(url, f"select distinct la_code from warehouse.{fact} order by 1")]
        assert got == la_codes, fact
    # no child key is shared between the authorities, and every fact's child exists in its own authority
    assert (
        scalar(url, "select count(*) from warehouse.dim_child group by child_key having count(*) > 1") == []
    )
    for fact in ["fct_cla_reviews", "fct_cla_episodes", "fct_cp_plans", "fct_cp_conferences"]:
        orphans = scalar(
            url,
            f"select count(*) from warehouse.{fact} f left join warehouse.dim_child c "
            "on f.la_code = c.la_code and f.child_key = c.child_key where c.child_key is null",
        )
        assert orphans == [(0,)], fact


def test_multi_year_history_is_there(generated):
    url, _, _ = generated
    (years,) = scalar(
        url, "select count(distinct extract(year from review_date)) from warehouse.fct_cla_reviews"
    )
    assert years[0] >= 5
    # the review chain produces both timely and late reviews on realistic data
    (split,) = scalar(
        url,
        "select count(*) filter (where is_on_time), count(*) filter (where not is_on_time) "
        "from warehouse.fct_cla_reviews",
    )
    assert split[0] > 0 and split[1] > 0
