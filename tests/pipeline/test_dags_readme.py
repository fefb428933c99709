"""dags/README.md's schedule table describes the DAGs the folder really defines: every DAG has a row,
and the row gives its schedule, retries and timeouts as parsed (defaults, no CSCW_* overrides)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import REPO_DIR

PROBE = r"""
import json
from ingestion import airflow_env
airflow_env.apply("postgresql://nobody:secret@127.0.0.1:9/nowhere")
from airflow.dag_processing.dagbag import DagBag

bag = DagBag(dag_folder=str(airflow_env.DAGS_DIR))
out = {}
for dag_id, dag in bag.dags.items():
    timetable = dag.timetable
    condition = getattr(timetable, "asset_condition", None)
    tasks = [t for t in dag.tasks if not t.task_id.startswith("dbt.")]
    out[dag_id] = {
        "cron": getattr(timetable, "expression", None),
        "assets": sorted(a.name for a in getattr(condition, "objects", []) if hasattr(a, "name")),
        "dagrun_timeout_h": dag.dagrun_timeout.total_seconds() / 3600 if dag.dagrun_timeout else None,
        "retries": sorted({t.retries for t in tasks}),
        "execution_timeout_h": sorted({t.execution_timeout.total_seconds() / 3600 for t in tasks
                                       if t.execution_timeout}),
        "max_active_runs": dag.max_active_runs,
    }
print(json.dumps({"errors": {k: str(v) for k, v in bag.import_errors.items()}, "dags": out}))
"""


def _fmt(hours: float) -> str:
    return f"{hours:g} h"


@pytest.fixture(scope="module")
def parsed(dbt_manifest, tmp_path_factory) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CSCW_", "AIRFLOW"))}
    env["CSCW_HOME"] = str(tmp_path_factory.mktemp("cscw_home"))
    proc = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=REPO_DIR, env=env, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["errors"] == {}
    return result["dags"]


def rows() -> dict[str, str]:
    out = {}
    for line in (REPO_DIR / "dags" / "README.md").read_text().splitlines():
        if line.startswith("| `"):
            out[line.split("`")[1]] = line
    return out


def test_every_dag_has_a_row_with_its_schedule_retries_and_timeouts(parsed):
    table = rows()
    assert set(table) == set(parsed), "dags/README.md's table and the DAG folder list different DAGs"
    for dag_id, dag in parsed.items():
        row = table[dag_id]
        if dag["cron"]:
            assert f"cron `{dag['cron']}`" in row, dag_id
        for asset in dag["assets"]:
            assert f"`{asset}` asset" in row, dag_id
        if dag["max_active_runs"] == 1:
            assert "one run at a time" in row, dag_id
        if dag["dagrun_timeout_h"]:
            assert f"run: {_fmt(dag['dagrun_timeout_h'])}" in row, dag_id
        for hours in dag["execution_timeout_h"]:
            assert _fmt(hours) in row, (dag_id, hours)
        top = max(dag["retries"])
        assert f"{top} retr" in row, (dag_id, dag["retries"])
