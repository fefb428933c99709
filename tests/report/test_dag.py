"""The performance-pack DAG: parses without database or network, runs on the marts asset the nightly
DAG emits, and its work (render_for_all) writes one report per authority and keeps the newest N."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from ingestion.report import render_for_all, render_report
from tests.conftest import REPO_DIR
from tests.report.conftest import small_authorities_url

PROBE = r"""
import json, socket, sys, time
import psycopg2

def refuse(*args, **kwargs):
    raise RuntimeError("database or network access while parsing the DAG")

psycopg2.connect = refuse
socket.create_connection = refuse

from ingestion import airflow_env
airflow_env.apply("postgresql://nobody:secret@127.0.0.1:9/nowhere")
import airflow.sdk  # noqa: F401
from airflow.dag_processing.dagbag import DagBag

started = time.perf_counter()
bag = DagBag(dag_folder=str(airflow_env.DAGS_DIR / "performance_pack.py"))
seconds = time.perf_counter() - started
dag = bag.dags["performance_pack"]
print(json.dumps({
    "import_errors": {k: str(v) for k, v in bag.import_errors.items()},
    "seconds": seconds,
    "timetable": type(dag.timetable).__name__,
    "assets": sorted(a.uri for a in dag.timetable.asset_condition.objects),
    "tasks": sorted(t.task_id for t in dag.tasks),
    "catchup": dag.catchup,
    "matplotlib_imported": "matplotlib" in sys.modules,
}))
"""


def test_dag_parses_offline_and_runs_on_the_marts_asset():
    proc = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=REPO_DIR,
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    probe = json.loads(proc.stdout.strip().splitlines()[-1])
    assert probe["import_errors"] == {}
    assert probe["timetable"] == "AssetTriggeredTimetable"
    assert probe["assets"] == ["x-cscw://warehouse/marts"]  # MARTS_ASSET, emitted by the nightly publish
    assert probe["tasks"] == ["render_reports"] and probe["catchup"] is False
    assert not probe["matplotlib_imported"] and probe["seconds"] < 2.0


def test_render_for_all_writes_each_authoritys_latest_complete_year(pg_server, tmp_path):
    url = small_authorities_url(pg_server, ["903", "904"])
    older = render_report(url, "904", "2018-19", tmp_path, pdf=False)
    results = render_for_all(url, tmp_path, keep=1, pdf=False)
    assert sorted(r.la_code for r in results) == ["903", "904"]
    # No extract date is recorded here, so the latest year held (2018-19) is reported.
    assert {r.year for r in results} == {"2018-19"}
    kept = sorted(p.parent for p in tmp_path.glob("*/report.html"))
    assert kept == sorted(r.html_path.parent for r in results)
    assert not older.html_path.exists()  # keep=1: the night before's report of 904 was removed
