"""Corrections and backfills reach the warehouse by the next ordinary (incremental) build: an older night
loaded after newer ones, and the latest night re-sent with corrected files (the loader supersedes the
first batch of that date). After each ordinary build the history, int_child_changes, every fact and the
published KPI values equal a full refresh of the same raw data."""

from __future__ import annotations

import pytest

from ingestion.build import build_and_publish
from ingestion.contract import load_contract
from ingestion.generator import generate
from ingestion.loader import load_path
from tests.conftest import query
from tests.warehouse.rawdata import FACTS, clone_extract
from tests.warehouse.test_incremental_facts import NIGHT_2_CHANGES

pytestmark = pytest.mark.slow

NIGHT_1, NIGHT_2, NIGHT_3 = "2025-03-31", "2025-04-15", "2025-04-30"
HISTORY = ["hist_ssd__person", "hist_ssd__cla_episodes", "hist_ssd__cla_reviews", "hist_ext__iro_challenges"]


def _state(url: str) -> dict[str, list[tuple]]:
    """What an incremental build must get right, every row (order-free)."""
    relations = [f"staging.{h}" for h in HISTORY] + ["intermediate.int_child_changes"]
    relations += [f"warehouse.{f}" for f in FACTS] + ["marts.kpi_values"]
    return {rel: sorted(query(url, f"select * from {rel}"), key=repr) for rel in relations}


def _differences(incremental: dict, full: dict) -> dict[str, tuple[int, int, int]]:
    """relation -> (rows only after the incremental build, rows only after the full refresh, rows)."""
    out = {}
    for rel, rows in full.items():
        a, b = set(incremental[rel]), set(rows)
        if a != b or len(incremental[rel]) != len(rows):
            out[rel] = (len(a - b), len(b - a), len(rows))
    return out


def _ordinary_then_full(url: str, target) -> tuple[dict, dict]:
    result, published = build_and_publish(url, target_path=target)
    assert result.success and published, result.summary()
    incremental = _state(url)
    result, published = build_and_publish(url, full_refresh=True, target_path=target)
    assert result.success and published, result.summary()
    return incremental, _state(url)


def _resend(url: str, la_code: str, extract_date: str, source_date: str, changes: list[str]) -> int:
    """The loader's correction of a night: the loaded batch of that date is superseded (its rows deleted)
    and the corrected files become the loaded batch of that date."""
    ((old,),) = query(
        url,
        "select batch_id from raw._batches where la_code = %s and extract_date = %s and status = 'loaded'",
        (la_code, extract_date),
    )
    for table in load_contract().tables:
        query(url, f"delete from raw.{table} where _batch_id = %s", (old,))
    query(url, "update raw._batches set status = 'superseded' where batch_id = %s", (old,))
    new = clone_extract(url, la_code, source_date, extract_date, changes)
    query(url, "update raw._batches set superseded_by = %s where batch_id = %s", (new, old))
    return new


@pytest.fixture(scope="module")
def warehouse(module_db_url, tmp_path_factory):
    url = module_db_url
    folders = generate(
        tmp_path_factory.mktemp("extracts"), "lancashire", years=4, scale=0.04, seed=11, extract_date=NIGHT_1
    )
    (loaded,) = load_path(folders[0], url)
    assert loaded.status == "loaded", loaded.errors
    la = loaded.la_code
    target = tmp_path_factory.mktemp("target")
    clone_extract(url, la, NIGHT_1, NIGHT_3, NIGHT_2_CHANGES)
    result, published = build_and_publish(url, target_path=target)
    assert result.success and published, result.summary()
    return {"url": url, "la": la, "target": target}


def test_an_older_night_loaded_later_reaches_the_next_ordinary_build(warehouse):
    url, la = warehouse["url"], warehouse["la"]
    changes_before = query(url, "select count(*) from intermediate.int_child_changes")[0][0]
    # the night between the two loaded ones arrives late, with half of the later night's changes
    clone_extract(url, la, NIGHT_1, NIGHT_2, NIGHT_2_CHANGES[: len(NIGHT_2_CHANGES) // 2])
    incremental, full = _ordinary_then_full(url, warehouse["target"])
    assert _differences(incremental, full) == {}
    # the check had something to check: the late night added versions and change events
    assert len(full["intermediate.int_child_changes"]) > changes_before
    began = [r for h in HISTORY for r in full[f"staging.{h}"] if str(r[5]) == NIGHT_2]  # valid_from
    assert began, "no version began on the late night"


def test_a_corrected_latest_night_reaches_the_next_ordinary_build(warehouse):
    url, la = warehouse["url"], warehouse["la"]
    before = _state(url)
    # the latest night re-sent: the other half of the changes instead of all of them
    _resend(url, la, NIGHT_3, NIGHT_1, NIGHT_2_CHANGES[len(NIGHT_2_CHANGES) // 2 :])
    incremental, full = _ordinary_then_full(url, warehouse["target"])
    assert _differences(incremental, full) == {}
    assert _differences(before, full) != {}, "the correction changed nothing: the test proves nothing"
    fresh = query(url, "select la_code, data_as_at::text from marts.data_freshness")
    assert fresh == [(la, NIGHT_3)]
