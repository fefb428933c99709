"""`cscw extract manifest` and `cscw extract check`: a council's own folder of CSV files gets a manifest
the loader accepts, and the dry-run check reports exactly what a load would, without a database."""

from __future__ import annotations

import json

import pytest

from ingestion.cli import main
from ingestion.extract.check import check_path
from ingestion.extract.write import ManifestProblem, draft_manifest, write_manifest
from tests.loader.extract import valid_rows, write_extract


def _without_manifest(landing, **kwargs):
    return write_extract(landing, "601", "2025-06-02", write_manifest=False, **kwargs)


def test_the_written_manifest_is_what_the_loader_expects(landing, load):
    # Two teams: a blank line between them and a quoted line break inside a name. The loader counts CSV
    # records, not lines: 2 rows (a line count would say 4).
    teams = valid_rows("ssd_department", 2)
    teams[0]["dept_team_name"] = '"North\nand West"'
    text = ",".join(teams[0]) + "\r\n" + ",".join(teams[0].values()) + "\r\n\r\n"
    text += ",".join(teams[1].values()) + "\r\n"
    folder = _without_manifest(landing, tables={"ssd_department": text})
    (folder / "notes.txt").write_text("not part of the extract")
    assert main(["extract", "manifest", str(folder), "--source-system", "liquidlogic"]) == 0
    doc = json.loads((folder / "manifest.json").read_text())
    assert doc["la_code"] == "601" and doc["extract_date"] == "2025-06-02"
    assert doc["source_system"] == "liquidlogic"
    assert doc["files"]["ssd_department.csv"]["rows"] == 2
    assert "notes.txt" not in doc["files"]
    [result] = load(folder)
    assert result.status == "loaded", result.errors
    assert result.tables["ssd_department"] == 2


def test_a_windows_1252_export_is_declared_as_such(landing, load):
    rows = valid_rows("ssd_department", 2)
    rows[0]["dept_team_name"] = "Équipe Nord"  # é is byte e9 in cp1252, not valid UTF-8
    folder = _without_manifest(landing, tables={"ssd_department": rows}, encoding="cp1252")
    draft = draft_manifest(folder)
    assert draft.doc["files"]["ssd_department.csv"]["encoding"] == "cp1252"
    assert draft.doc["files"]["ssd_person.csv"].get("encoding") is None
    assert any("Windows-1252" in n for n in draft.notices)
    write_manifest(draft)
    [result] = load(folder)
    assert result.status == "loaded", result.errors


def test_no_manifest_without_every_required_table_or_over_an_existing_one(landing):
    folder = _without_manifest(landing, tables={"ssd_person": None})
    with pytest.raises(ManifestProblem, match=r"ssd_person\.csv"):
        write_manifest(draft_manifest(folder))
    assert not (folder / "manifest.json").exists()
    assert main(["extract", "manifest", str(folder)]) == 1

    folder = write_extract(landing, "602", "2025-06-02")
    assert main(["extract", "manifest", str(folder)]) == 1  # exists already
    assert main(["extract", "manifest", str(folder), "--force"]) == 0


def test_a_folder_not_named_la_code_and_date_is_refused_with_the_layout(tmp_path):
    folder = tmp_path / "my extract"
    folder.mkdir()
    with pytest.raises(ManifestProblem, match=r"<la_code>/<YYYY-MM-DD>"):
        draft_manifest(folder)


def test_check_reports_what_the_load_reports_and_writes_nothing(landing, load, monkeypatch, capsys):
    # One person with an impossible date of birth in 2 rows: 50% quarantined, over the 1% threshold.
    people = valid_rows("ssd_person", 2)
    people[1]["pers_dob"] = "31/02/2019"
    folder = write_extract(landing, "601", "2025-06-02", tables={"ssd_person": people})
    # No database at all: a URL nothing listens on. The check must not need one.
    monkeypatch.setenv("CSCW_DATABASE_URL", "postgresql://nobody@127.0.0.1:9/none")
    [checked] = check_path(folder)
    assert not checked.ok
    assert main(["extract", "check", str(landing)]) == 1
    out = capsys.readouterr().out
    assert "would be REJECTED" in out and "ssd_person.csv line 3: column pers_dob value '31/02/2019'" in out
    monkeypatch.delenv("CSCW_DATABASE_URL")
    [loaded] = load(folder)
    assert loaded.status == "rejected"
    assert checked.errors == loaded.errors


def test_check_passes_a_clean_folder_before_and_after_its_manifest(landing, capsys):
    folder = _without_manifest(landing)
    [before] = check_path(folder)
    assert before.ok, before.errors
    assert any("no manifest.json yet" in n for n in before.notices)
    assert main(["extract", "manifest", str(folder)]) == 0
    assert main(["extract", "check", str(folder)]) == 0
    assert "would load" in capsys.readouterr().out


def test_check_names_a_changed_file(landing):
    folder = write_extract(landing, "601", "2025-06-02")
    with open(folder / "ssd_department.csv", "a", encoding="utf-8") as f:
        f.write("dept99,Late team,,\r\n")
    [checked] = check_path(folder)
    assert any(e.startswith("ssd_department.csv: sha256") for e in checked.errors), checked.errors
    assert any("ssd_department.csv: 3 rows, but manifest.json says 2" in e for e in checked.errors)
