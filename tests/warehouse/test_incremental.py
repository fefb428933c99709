"""History models are incremental: each night processes only new snapshots and writes only what
changed, and the result equals a full refresh that replays every snapshot."""

from __future__ import annotations

import datetime as dt

import psycopg2
import pytest

from ingestion.build import build

from . import handmade
from .rawdata import create_raw_schema, load_extract

pytestmark = pytest.mark.slow

SELECT = "path:models/staging/history"


def _night(changes: bool) -> dict[str, list[dict]]:
    tables = {k: [dict(r) for r in v] for k, v in handmade.extract().items()}
    if changes:
        tables["ssd_person"][0]["pers_ethnicity"] = "WIRI"  # P1 changes
        tables["ssd_person"].append({"pers_person_id": "P4", "pers_sex": "M", "pers_dob": "2015-02-01"})
    else:
        tables["ssd_person"].append({"pers_person_id": "P9", "pers_sex": "M", "pers_dob": "2005-01-01"})
    return tables


def _history(url: str) -> list[tuple]:
    conn = psycopg2.connect(url)
    try:
        with conn.cursor() as cur:
            cur.execute("select source_id, valid_from, valid_to from staging.hist_ssd__person order by 1, 2")
            return cur.fetchall()
    finally:
        conn.close()


def test_incremental_history_equals_full_refresh(db_url, tmp_path):
    create_raw_schema(db_url)
    target = tmp_path / "target"
    load_extract(db_url, "901", "2019-05-31", _night(changes=False))
    first = build(db_url, select=SELECT, target_path=target)
    assert first.success, first.summary()
    assert _history(db_url) == [
        ("P1", dt.date(2019, 5, 31), None),
        ("P2", dt.date(2019, 5, 31), None),
        ("P3", dt.date(2019, 5, 31), None),
        ("P9", dt.date(2019, 5, 31), None),
    ]

    load_extract(db_url, "901", "2019-06-30", _night(changes=True))
    second = build(db_url, select=SELECT, target_path=target)
    assert second.success, second.summary()
    expected = [
        ("P1", dt.date(2019, 5, 31), dt.date(2019, 6, 30)),  # changed: the old version ends
        ("P1", dt.date(2019, 6, 30), None),
        ("P2", dt.date(2019, 5, 31), None),  # unchanged: untouched
        ("P3", dt.date(2019, 5, 31), None),
        ("P4", dt.date(2019, 6, 30), None),  # new
        ("P9", dt.date(2019, 5, 31), dt.date(2019, 6, 30)),  # gone
    ]
    assert _history(db_url) == expected

    # an unchanged night writes nothing new
    load_extract(db_url, "901", "2019-07-31", _night(changes=True))
    again = build(db_url, select=SELECT, target_path=target)
    assert again.success, again.summary()
    assert _history(db_url) == expected

    # replaying every snapshot from scratch gives the same history
    full = build(db_url, select=SELECT, full_refresh=True, target_path=target)
    assert full.success, full.summary()
    assert _history(db_url) == expected
