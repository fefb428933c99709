"""The manifest's optional `history_start` (the date from which the extract holds complete history):
read into the Manifest, refused when it is after the extract date or not a date."""

from __future__ import annotations

import datetime as dt
import json

from ingestion.contract import load_contract
from ingestion.loader.manifest import ExtractFolder, read_manifest


def _manifest(tmp_path, **extra):
    folder = tmp_path / "901" / "2019-04-01"
    folder.mkdir(parents=True)
    doc = {
        "contract_version": load_contract().version,
        "la_code": "901",
        "extract_date": "2019-04-01",
        "files": {"ssd_person.csv": {"rows": 0, "sha256": "0" * 64}},
        **extra,
    }
    (folder / "manifest.json").write_text(json.dumps(doc))
    return read_manifest(ExtractFolder(folder, "901", dt.date(2019, 4, 1)), load_contract())


def test_history_start_is_read(tmp_path):
    manifest, errors = _manifest(tmp_path, history_start="2013-04-01")
    assert manifest.history_start == dt.date(2013, 4, 1)
    assert not [e for e in errors if "history_start" in e]


def test_history_start_is_optional(tmp_path):
    manifest, errors = _manifest(tmp_path)
    assert manifest.history_start is None
    assert not [e for e in errors if "history_start" in e]


def test_history_start_after_the_extract_date_is_refused(tmp_path):
    manifest, errors = _manifest(tmp_path, history_start="2019-04-02")
    assert manifest.history_start is None
    assert [e for e in errors if "history_start 2019-04-02 is after the extract date 2019-04-01" in e]


def test_history_start_not_a_date_is_refused(tmp_path):
    _, errors = _manifest(tmp_path, history_start="2013-02-30")
    assert [e for e in errors if "history_start" in e]
