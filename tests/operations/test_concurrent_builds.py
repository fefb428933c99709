"""Builds beside each other and beside loads (real dbt builds on the hand-made authority):

- a `cscw build` started while another build runs fails fast naming it, and BI never loses `marts`;
- a load that commits after a build pinned its batches is not read by that build (its figures and
  watermarks are those of the batches it pinned) and is picked up by the next ordinary build."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time

import pytest

from ingestion import builds, publish
from ingestion.build import build, build_and_publish
from ingestion.commands.build import LOCKED_EXIT
from ingestion.db import connect
from tests.conftest import query
from tests.warehouse import handmade
from tests.warehouse.rawdata import FACTS, clone_extract, create_raw_schema, load_extract

pytestmark = pytest.mark.slow

LA, NIGHT_1, NIGHT_2 = "901", "2019-06-30", "2019-07-31"
# the second night moves a review and adds one: facts and KPIs change
NIGHT_2_CHANGES = [
    "update raw.ssd_cla_reviews set clar_cla_review_date = '2019-06-20'"
    " where _batch_id = {batch} and clar_cla_review_id = 'R1'",
]


def _facts(url: str) -> dict[str, list[tuple]]:
    rows = {f: sorted(query(url, f"select * from warehouse.{f}"), key=repr) for f in FACTS}
    rows["kpi_values"] = sorted(query(url, "select * from marts.kpi_values"), key=repr)
    return rows


def _watermarks(url: str) -> set[str]:
    return {str(r[0]) for r in query(url, "select distinct extract_date from warehouse.fact_watermarks")}


@pytest.fixture
def published(db_url, tmp_path):
    create_raw_schema(db_url)
    load_extract(db_url, LA, NIGHT_1, handmade.extract())
    result, done = build_and_publish(db_url, target_path=tmp_path / "target")
    assert result.success and done, result.summary()
    return db_url


def test_a_second_build_fails_fast_and_marts_are_never_missing(published, tmp_path):
    url = published
    outcome = {}
    first = threading.Thread(
        target=lambda: outcome.update(result=build_and_publish(url, target_path=tmp_path / "first"))
    )
    first.start()
    try:
        deadline = time.monotonic() + 120
        while not query(url, "select build_id from ops.build_lock where build_id is not null"):
            assert time.monotonic() < deadline, "the first build never took the lock"
            time.sleep(0.2)
        ((holder,),) = query(url, "select build_id from ops.build_lock")
        second = subprocess.run(
            [sys.executable, "-m", "ingestion.cli", "build", "--url", url],
            capture_output=True,
            text=True,
            env=os.environ.copy(),
            timeout=300,
        )
        assert second.returncode == LOCKED_EXIT, second.stdout + second.stderr
        assert f"being built by build {holder}" in second.stderr
        # BI reads `marts` throughout the first build: always there, always whole
        while first.is_alive():
            assert query(url, "select count(*) > 0 from marts.kpi_values") == [(True,)]
            time.sleep(0.5)
    finally:
        first.join()
    result, done = outcome["result"]
    assert result.success and done, result.summary()
    assert query(url, "select count(*) from pg_namespace where nspname like 'marts\\_\\_build%'") == [(0,)]
    assert query(url, "select status from ops.builds order by started_at") == [("published",), ("published",)]


def test_a_load_during_a_build_waits_for_the_next_build(published, tmp_path):
    url = published
    night_1 = _facts(url)
    with builds.held(url, "cli test") as this_build:
        # the next night's load commits after the build pinned its batches
        clone_extract(url, LA, NIGHT_1, NIGHT_2, NIGHT_2_CHANGES)
        result = build(url, vars={"marts_schema": this_build.build_schema}, in_build=this_build)
        assert result.success, result.summary()
        with connect(url) as conn:
            publish.publish(conn, this_build)
    # that build is the batches it pinned: same figures as the full build of night 1, watermarks at night 1
    assert _facts(url) == night_1
    assert _watermarks(url) == {NIGHT_1}
    assert query(url, "select data_as_at::text from marts.data_freshness") == [(NIGHT_1,)]

    # the next ordinary build picks the new night up, and equals a full refresh of the same data
    result, done = build_and_publish(url, target_path=tmp_path / "next")
    assert result.success and done, result.summary()
    incremental = _facts(url)
    assert incremental != night_1
    assert _watermarks(url) == {NIGHT_2}
    assert query(url, "select data_as_at::text from marts.data_freshness") == [(NIGHT_2,)]
    result, done = build_and_publish(url, full_refresh=True, target_path=tmp_path / "full")
    assert result.success and done, result.summary()
    assert incremental == _facts(url)
