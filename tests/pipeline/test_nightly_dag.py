"""End to end: the real DAG `nightly_case_extract`, run night by night with dag.test() against a real
embedded Postgres, on generated extracts.

One module-scoped scenario, two authorities (the slow part of the suite):
  nights 1+2  run for night 2: night 1 is loaded first (date order), then night 2; published
  night 2     its load step again: nothing new is loaded, nothing changes
  night 3     a broken extract of one authority: rejected; the other authority is published, the
              broken one keeps its night 2 figures, flagged stale, and the run fails naming it
  night 4     a dbt test fails on one authority's rows: the same, for the failing one; BI queries on
              `marts` during the run see the whole previous publish or the whole new one
              (write-audit-publish)
  night 5     recovery: both published

To keep the suite fast the dbt task group is limited (CSCW_DBT_SELECT) to the person staging model and
a mart, with their parents, each a task, and their tests in one task after them (after_all); `make demo`
runs the whole project through the same DAG with a test task per model.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import REPO_DIR
from tests.conftest import query as q

pytestmark = pytest.mark.slow

LA = "888"  # the lancashire profile's code; its data goes wrong on nights 3 and 4
OTHER = "601"  # the generator's first extra authority of a hub
DBT_SELECT = "+stg_ssd__person,+mart_kpi_catalogue"


def marts_snapshot(url):
    """What a BI user sees: which marts schema (its OID changes with every publish), the freshness
    view, and a mart's rows."""
    return q(
        url,
        """select (select oid::bigint from pg_namespace where nspname = 'marts'),
                  (select json_agg(f order by la_code)::text from marts.data_freshness f),
                  (select count(*) from marts.kpi_catalogue)""",
    )[0]


class Night:
    def __init__(self, url: str, landing: Path, home: Path):
        self.url, self.landing, self.home = url, landing, home

    def command(self, extract_date: date) -> tuple[list[str], dict]:
        env = {
            **os.environ,
            "CSCW_DATABASE_URL": self.url,
            "CSCW_DBT_SELECT": DBT_SELECT,
            # With a partial selection, per-model test tasks would also pick up tests over models
            # outside it; one test task after all models runs exactly the selection's tests.
            "CSCW_DBT_TEST_BEHAVIOR": "after_all",
            "CSCW_TASK_RETRIES": "0",
            "CSCW_NOTIFIER": "log",
        }
        cmd = [sys.executable, "-m", "ingestion.airflow_env", "test"]
        cmd += ["--extract-date", extract_date.isoformat(), "--landing", str(self.landing)]
        return cmd, env

    def run(self, extract_date: date) -> dict:
        cmd, env = self.command(extract_date)
        proc = subprocess.run(cmd, cwd=REPO_DIR, env=env, capture_output=True, text=True, timeout=900)
        return self.result(proc.stdout, proc.stderr)

    @staticmethod
    def result(stdout: str, stderr: str) -> dict:
        lines = [ln for ln in stdout.splitlines() if ln.startswith("{")]
        assert lines, f"no result from dag.test:\n{stderr[-6000:]}"
        return json.loads(lines[-1])

    def asset_events(self) -> int:
        db = sqlite3.connect(self.home / "airflow" / "airflow.db")
        try:
            (n,) = db.execute(
                """select count(*) from asset_event e join asset a on a.id = e.asset_id
                   where a.uri = 'x-cscw://warehouse/marts'"""
            ).fetchone()
        finally:
            db.close()
        return n


@pytest.fixture(scope="module")
def nights(module_db_url, tmp_path_factory, dbt_manifest):
    from ingestion.generator import generate

    landing = tmp_path_factory.mktemp("landing")
    today = datetime.now(ZoneInfo("Europe/London")).date()
    # From yesterday on, so `dbt source freshness` (error after 3 days) passes on every night.
    dates = [today + timedelta(days=k) for k in range(-1, 4)]
    generate(
        landing, profile="lancashire", years=6, nights=5, las=2, scale=0.02, seed=7, extract_date=dates[-1]
    )
    return Night(module_db_url, landing, Path(os.environ["CSCW_HOME"])), dates


@pytest.fixture(scope="module")
def history(nights):
    """Runs the nights in order once; each test below checks one of them."""
    night, d = nights
    out = {}
    out["n2"] = night.run(d[1])
    rec = out["n2"]["record"]
    assert out["n2"]["state"] == "success", (rec.get("failed_step"), rec.get("error"))  # all build on it
    out["n2_marts"] = marts_snapshot(night.url)
    out["n2_events"] = night.asset_events()
    out["n2_batches"] = q(night.url, "select count(*) from raw._batches")[0][0]

    # re-running the night's load (the DAG's load_extract step) finds nothing new to load
    from ingestion.pipeline.loading import load_authority

    out["n2_again"] = load_authority(night.landing, LA, d[1], night.url)
    out["n2_again_marts"] = marts_snapshot(night.url)
    out["n2_again_batches"] = q(night.url, "select count(*) from raw._batches")[0][0]

    # night 3: a file no longer matches its manifest (truncated in transit)
    person = night.landing / LA / d[2].isoformat() / "ssd_person.csv"
    lines = person.read_text().splitlines(keepends=True)
    person.write_text("".join(lines[: len(lines) // 2]))
    out["n3_before"] = marts_snapshot(night.url)
    out["n3"] = night.run(d[2])
    out["n3_marts"] = marts_snapshot(night.url)
    out["n3_events"] = night.asset_events()

    # night 4: loaded, then a duplicate person row lands in one authority's raw rows, which a dbt test
    # (unique on la_code and person) rejects
    from ingestion.loader import load_path

    [loaded] = load_path(night.landing / LA / d[3].isoformat(), night.url)
    assert loaded.status == "loaded", loaded.errors
    q(
        night.url,
        """insert into raw.ssd_person select * from raw.ssd_person
           where _batch_id = %s and _source_line = (select min(_source_line) from raw.ssd_person
                                                    where _batch_id = %s)""",
        (loaded.batch_id, loaded.batch_id),
    )
    out["n4_before"] = marts_snapshot(night.url)
    cmd, env = night.command(d[3])
    logs = night.home / "n4"
    # output to files: the run logs far more than a pipe buffer holds
    with open(f"{logs}.out", "w") as out_f, open(f"{logs}.err", "w") as err_f:
        proc = subprocess.Popen(cmd, cwd=REPO_DIR, env=env, stdout=out_f, stderr=err_f, text=True)
        polls = []
        # BI keeps querying marts for the whole failing run
        while proc.poll() is None:
            polls.append(marts_snapshot(night.url))
            time.sleep(0.25)
    out["n4"] = Night.result(Path(f"{logs}.out").read_text(), Path(f"{logs}.err").read_text())
    out["n4_polls"] = polls
    out["n4_marts"] = marts_snapshot(night.url)
    out["n4_events"] = night.asset_events()

    out["n5"] = night.run(d[4])
    out["n5_marts"] = marts_snapshot(night.url)
    out["n5_events"] = night.asset_events()
    return out


def test_two_nights_load_in_date_order_and_publish(nights, history):
    night, d = nights
    res = history["n2"]
    assert res["state"] == "success", res
    rec = res["record"]
    assert rec["status"] == "published" and rec["published"] and rec["published_at"]
    assert rec["extract_date"] == d[1].isoformat() and sorted(rec["la_codes"]) == [OTHER, LA]
    for la in (LA, OTHER):
        loaded = [b["extract_date"] for b in rec["batches"][la]["batches"]]
        assert loaded == [d[0].isoformat(), d[1].isoformat()]  # the missed night first
    assert rec["rows_loaded"] > 0 and rec["tests_passed"] > 0 and rec["tests_failed"] == 0
    assert rec["models_built"] > 0
    assert {"total", "publish", "dbt", "source_freshness"} <= set(rec["durations"])
    freshness = json.loads(history["n2_marts"][1])
    assert [(f["la_code"], f["data_as_at"], f["is_stale"]) for f in freshness] == [
        (OTHER, d[1].isoformat(), False),
        (LA, d[1].isoformat(), False),
    ]
    assert history["n2_marts"][2] > 0
    assert history["n2_events"] == 1  # publishing emitted the marts asset


def test_rerunning_a_night_changes_nothing(history):
    again = history["n2_again"]
    assert again["rows_loaded"] == 0 and again["batches"] == []
    assert history["n2_again_batches"] == history["n2_batches"]
    assert history["n2_again_marts"] == history["n2_marts"]


def test_a_broken_extract_is_rejected_and_only_its_authority_keeps_earlier_figures(nights, history):
    night, d = nights
    res = history["n3"]
    assert res["state"] == "failed"  # finish_run fails the run, naming the authority not refreshed
    rec = res["record"]
    assert rec["published"] and rec["status"] == "published"
    assert rec["failed_step"] == "load_extract"
    assert "rejected" in rec["error"] and "ssd_person.csv" in rec["error"]
    assert list(rec["stale_authorities"]) == [LA] and "not loaded" in rec["stale_authorities"][LA]
    assert rec["extracts"] == {OTHER: d[2].isoformat()}
    freshness = json.loads(history["n3_marts"][1])
    assert [(f["la_code"], f["data_as_at"], f["is_stale"]) for f in freshness] == [
        (OTHER, d[2].isoformat(), False),
        (LA, d[1].isoformat(), True),  # what BI sees of it is still night 2
    ]
    assert history["n3_marts"] != history["n3_before"] and history["n3_events"] == history["n2_events"] + 1
    status = q(
        night.url, "select la_code, status from raw._batches where extract_date = %s order by 1", (d[2],)
    )
    assert status == [(OTHER, "loaded"), (LA, "rejected")]


def test_one_authoritys_failing_dbt_test_withholds_only_its_figures(nights, history):
    night, d = nights
    res = history["n4"]
    assert res["state"] == "failed"  # finish_run fails the run, naming the withheld authority
    rec = res["record"]
    assert rec["published"] and rec["status"] == "published"
    assert list(rec["stale_authorities"]) == [LA]
    assert "unique_combination" in rec["stale_authorities"][LA]
    assert rec["tests_failed"] > 0  # demoted to a warning by isolation, still counted as failed
    assert rec["extracts"] == {OTHER: d[3].isoformat()}
    freshness = json.loads(history["n4_marts"][1])
    assert [(f["la_code"], f["data_as_at"], f["is_stale"]) for f in freshness] == [
        (OTHER, d[3].isoformat(), False),
        (LA, d[1].isoformat(), True),  # its night 2 figures, still what BI sees
    ]
    polls = history["n4_polls"]
    assert len(polls) >= 10, "the run should have been observed many times"
    assert set(polls) <= {history["n4_before"], history["n4_marts"]}, "BI saw a half-published night"
    assert polls[0] == history["n4_before"] and history["n4_marts"] != history["n4_before"]
    assert history["n4_events"] == history["n3_events"] + 1


def test_the_next_good_night_recovers(nights, history):
    night, d = nights
    res = history["n5"]
    assert res["state"] == "success", res
    assert res["record"]["published"] and res["record"]["tests_failed"] == 0
    assert res["record"]["stale_authorities"] == {}
    freshness = json.loads(history["n5_marts"][1])
    assert [(f["la_code"], f["data_as_at"], f["is_stale"]) for f in freshness] == [
        (OTHER, d[4].isoformat(), False),
        (LA, d[4].isoformat(), False),
    ]
    assert history["n5_marts"][0] != history["n4_marts"][0]
    assert history["n5_events"] == history["n4_events"] + 1
    runs = q(night.url, "select status, count(*) from ops.pipeline_runs group by 1 order by 1")
    assert runs == [("published", 4)]
