"""`cscw load`: messages and exit codes."""

from __future__ import annotations

import re

import pytest

from ingestion.cli import main
from ingestion.loader import core
from tests.loader.extract import valid_rows, write_extract


@pytest.fixture
def cli_env(db_url, archive, monkeypatch):
    monkeypatch.setenv("CSCW_DATABASE_URL", db_url)
    monkeypatch.setenv("CSCW_ARCHIVE_DIR", str(archive))
    return db_url


def test_load_reports_each_extract_and_exits_zero(landing, cli_env, archive, capsys):
    write_extract(landing, "901", "2019-04-01")
    write_extract(landing, "901", "2019-04-02", write_manifest=False)
    assert main(["load", str(landing), "--quiet"]) == 0
    out, err = capsys.readouterr()
    assert "901/2019-04-01: loaded as batch 1: 24 rows (0 quarantined)" in out
    assert "901/2019-04-02: no manifest.json yet (still being written): skipped" in err
    assert (archive / "901" / "2019-04-01").is_dir()  # --archive-dir defaults to CSCW_ARCHIVE_DIR
    assert main(["load", str(landing), "--quiet"]) == 0
    out, _ = capsys.readouterr()
    assert "901/2019-04-01: already loaded as batch 1 (same files): nothing to do" in out


def test_a_rejected_extract_gives_one_line_per_problem_and_exit_1(landing, cli_env, capsys):
    people = valid_rows("ssd_person", 10)
    people[2]["pers_dob"] = "2019-02-30"
    write_extract(landing, "901", "2019-04-01", tables={"ssd_person": people})
    write_extract(landing, "902", "2019-04-01")
    assert main(["load", str(landing), "--quiet"]) == 1
    out, err = capsys.readouterr()
    assert "902/2019-04-01: loaded as batch" in out  # the other authority still loads
    lines = err.splitlines()
    assert "901/2019-04-01: REJECTED (batch 1): 2 problem(s)" in lines
    assert "901/2019-04-01 ssd_person.csv: 1 of 10 rows (10.0%) quarantined, over the 1.0% threshold" in lines
    assert (
        "901/2019-04-01 ssd_person.csv line 4: column pers_dob value '2019-02-30': not a real calendar date"
    ) in lines
    assert lines[-1].startswith("next: fix the problems above")  # one "what to do next" line
    assert main(["load", str(landing), "--quiet", "--threshold", "0.2"]) == 0


def test_threshold_and_path_arguments_are_checked(landing, cli_env, capsys):
    assert main(["load", str(landing / "nowhere")]) == 2
    assert "no such folder" in capsys.readouterr().err
    assert main(["load", str(landing), "--threshold", "5"]) == 2
    assert main(["load", str(landing)]) == 0
    assert "no extract folders" in capsys.readouterr().err


def test_progress_is_shown_on_stderr_while_loading(landing, cli_env, capsys, monkeypatch):
    monkeypatch.setattr(core, "PROGRESS_SECONDS", 0.0)  # every block reports, so a small file shows it
    write_extract(landing, tables={"ssd_person": valid_rows("ssd_person", 300)})
    assert main(["load", str(landing)]) == 0
    err = capsys.readouterr().err
    # files done of all, rows so far in the extract, rate
    assert re.search(
        r"^901/2019-04-01: file 10/12 ssd_person\.csv: [\d,]+ rows, [\d,]+ rows/s$", err, re.M
    ), err
