"""DAG integrity: the DAG folder imports cleanly with no database or network access, in under two
seconds, and the nightly DAG has the expected tasks, dependencies, schedule, timezone and policies.
Airflow reads its configuration at import, so the DAG is inspected in a fresh subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import REPO_DIR

PROBE = r"""
import json, socket, sys, time
import psycopg2

def refuse(*args, **kwargs):
    raise RuntimeError("database or network access while parsing the DAG folder")

psycopg2.connect = refuse
socket.create_connection = refuse

from ingestion import airflow_env
airflow_env.apply("postgresql://nobody:secret@127.0.0.1:9/nowhere")
import airflow.sdk  # noqa: F401  (import cost is Airflow's, not the DAG folder's)
from airflow.dag_processing.dagbag import DagBag

import cosmos  # noqa: F401  (pre-imported by the DAG processor: [dag_processor] parsing_pre_import_modules)

# CPU seconds, best of three: the parse's own cost, not the wait for a busy machine's cores.
parse_seconds = []
for _ in range(3):
    started = time.process_time()
    bag = DagBag(dag_folder=str(airflow_env.DAGS_DIR))
    parse_seconds.append(time.process_time() - started)
parse_seconds = min(parse_seconds)
dag = bag.dags["nightly_case_extract"]  # get_dag() would query the metadata DB
tasks = {}
for t in dag.tasks:
    tasks[t.task_id] = {
        "upstream": sorted(t.upstream_task_ids),
        "ancestors": sorted(t.get_flat_relative_ids(upstream=True)),
        "retries": t.retries,
        "trigger_rule": str(getattr(t.trigger_rule, "value", t.trigger_rule)),
        "mode": getattr(t, "mode", None) or (getattr(t, "partial_kwargs", None) or {}).get("mode"),
        "outlets": [getattr(o, "uri", str(o)) for o in (t.outlets or [])],
        "on_failure_callback": bool(t.on_failure_callback),
    }
print(json.dumps({
    "import_errors": {k: str(v) for k, v in bag.import_errors.items()},
    "dag_ids": sorted(bag.dag_ids),
    "parse_seconds": parse_seconds,
    "timetable": type(dag.timetable).__name__,
    "timetable_args": {"expression": dag.timetable.expression, "timezone": str(dag.timetable.timezone)},
    "catchup": dag.catchup,
    "max_active_runs": dag.max_active_runs,
    "deadline": bool(dag.deadline),
    "params": sorted(dag.params.keys()),
    "tasks": tasks,
}, default=str))
"""


@pytest.fixture(scope="module")
def probe(dbt_manifest):
    env = {**os.environ, "CSCW_NIGHTLY_CRON": "0 2 * * *"}
    env.pop("CSCW_NIGHTLY_TIMEZONE", None)
    proc = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=REPO_DIR, env=env, capture_output=True, text=True, timeout=180
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_dag_folder_imports_without_errors_or_database_access(probe):
    assert probe["import_errors"] == {}
    assert "nightly_case_extract" in probe["dag_ids"]


def test_parsing_the_dag_folder_takes_under_two_seconds(probe):
    assert probe["parse_seconds"] < 2.0, probe["parse_seconds"]


def test_schedule_timezone_and_run_policy(probe):
    assert probe["timetable"] == "CronTriggerTimetable"
    assert probe["timetable_args"]["expression"] == "0 2 * * *"
    assert probe["timetable_args"]["timezone"] == "Europe/London"
    assert probe["max_active_runs"] == 1 and probe["catchup"] is False
    assert probe["deadline"], "a deadline alert for publishing the marts"
    assert probe["params"] == ["extract_date", "landing_dir"]


def test_tasks_and_dependencies(probe):
    tasks = probe["tasks"]
    chain = ["start_run", "wait_for_manifest", "load_extract", "source_freshness", "prepare_build"]
    for before, after in zip(chain, chain[1:], strict=False):
        assert before in tasks[after]["upstream"], (before, after)
    assert tasks["wait_for_manifest"]["mode"] == "reschedule"
    dbt_tasks = [t for t in tasks if t.startswith("dbt.")]
    # models and their tests are tasks of their own, visible (and retryable) by name
    assert "dbt.stg_ssd__person.run" in dbt_tasks and "dbt.stg_ssd__person.test" in dbt_tasks
    assert len(dbt_tasks) > 20
    for t in dbt_tasks:
        assert "prepare_build" in tasks[t]["ancestors"], t
        assert t in tasks["publish"]["ancestors"], t
    assert tasks["publish"]["outlets"] == ["x-cscw://warehouse/marts"]
    assert tasks["finish_run"]["upstream"] == ["publish"]
    assert tasks["finish_run"]["trigger_rule"] == "all_done"
    # one authority's late or rejected extract does not hold back the others
    assert tasks["source_freshness"]["trigger_rule"] == "all_done_min_one_success"


def test_retries_and_failure_callbacks(probe):
    tasks = probe["tasks"]
    for name in ("load_extract", "source_freshness", "prepare_build", "publish", "dbt.stg_ssd__person.run"):
        assert tasks[name]["retries"] >= 1, name
        assert tasks[name]["on_failure_callback"], name
    # the leaf reports the outcome itself; its failure must not be recorded as a new cause
    assert not tasks["finish_run"]["on_failure_callback"]
