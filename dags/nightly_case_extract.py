"""
### nightly_case_extract

Every night (cron `CSCW_NIGHTLY_CRON`, Europe/London) for each authority in the landing area:

1. `start_run` records the run in `ops.pipeline_runs` and lists the authorities;
2. `wait_for_manifest[la]` waits (reschedule mode) for that night's `manifest.json`;
3. `load_extract[la]` loads it with the loader (`cscw load`'s code), oldest missed night first;
4. `source_freshness` runs `dbt source freshness`, once every load has finished or given up and at
   least one succeeded (an authority whose extract is late or rejected does not hold back the others);
5. `prepare_build` takes the warehouse build lock for this run and pins the loaded batches the build
   reads (a load that commits later waits for the next night); the marts go to this build's own schema;
6. `dbt` (Cosmos) builds and tests every model, one task per model, with the marts in that schema;
7. `publish` swaps it into `marts` in one transaction, releases the lock and emits the `cscw_marts` asset;
   an authority whose data failed tests, or whose extract of the night was not loaded, keeps its last
   good figures there and is flagged stale, the others are published (ingestion/isolation.py);
8. `housekeeping` (beside `finish_run`) cleans up after interrupted loads and applies the raw
   snapshot retention policy; it never fails the run;
9. `finish_run` releases the lock if still held, closes the run record and fails the run if nothing was
   published or an authority kept its earlier figures;
10. `ssda903_returns` (after publish, beside finish_run) writes and validates each authority's SSDA903
   return (docs/ssda903.md); it never fails the run.


A run is keyed on its extract date (param `extract_date`, else the local date of the logical date).
BI reads only `marts`, so a failed or running night leaves the previous complete night in place.
Task failures are written to `ops.pipeline_runs` and sent to the notifier (`CSCW_NOTIFIER`).
See docs/operations.md.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pendulum
from _common.assets import MARTS_ASSET
from _common.callbacks import landing, night, on_task_failure, record_cosmos_results, warehouse_url
from _common.config import DAG_ID, WAREHOUSE_CONN_ID, nightly_config
from airflow.sdk import (
    DAG,
    AsyncCallback,
    CronTriggerTimetable,
    DeadlineAlert,
    DeadlineReference,
    Param,
    TriggerRule,
    task,
)
from cosmos import DbtTaskGroup, ExecutionConfig, ProfileConfig, ProjectConfig, RenderConfig
from cosmos.constants import ExecutionMode, InvocationMode, LoadMode, TestBehavior, TestIndirectSelection
from cosmos.profiles import PostgresUserPasswordProfileMapping

CFG = nightly_config()
REPO_DIR = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = REPO_DIR / "dbt_project"
# Built by `cscw nightly --prepare` (dbt parse, no database), never at parse time here.
DBT_MANIFEST = DBT_PROJECT_DIR / "target" / "manifest.json"
# Each build's vars (its pinned batches, build schema, and failing data tests blamed on authorities:
# ingestion.builds.Build.dbt_vars) come from prepare_build, when the task runs.
BUILD_VARS = {
    name: "{{ ti.xcom_pull(task_ids='prepare_build')['" + name + "'] }}"
    for name in ("build_id", "marts_schema", "isolate_authorities")
}

if not DBT_MANIFEST.is_file():
    raise FileNotFoundError(
        f"{DBT_MANIFEST} is missing: run `cscw nightly --prepare` (dbt parse) before Airflow parses this DAG"
    )


@task
def start_run(**context) -> list[str]:
    """Record the run and return the authorities to process (the sensors and loads map over them)."""
    from ingestion.pipeline.landing import authorities
    from ingestion.pipeline.records import record_start

    extract_date, folder = night(context), landing(context)
    la_codes = authorities(folder)
    record_start(warehouse_url(), context["run_id"], extract_date, la_codes, "airflow")
    if not la_codes:
        from airflow.sdk.exceptions import AirflowFailException

        raise AirflowFailException(f"no authority folders under the landing area {folder}")
    return la_codes


@task.sensor(
    mode="reschedule",
    poke_interval=CFG.sensor_poke_seconds,
    timeout=CFG.sensor_timeout_minutes * 60,
    retries=0,  # a timeout means the extract did not arrive: fail, the deadline alert follows
)
def wait_for_manifest(la_code: str, **context) -> bool:
    from ingestion.pipeline.landing import manifest_ready

    return manifest_ready(landing(context), la_code, night(context))


@task(max_active_tis_per_dagrun=4)
def load_extract(la_code: str, **context) -> dict:
    from airflow.sdk.exceptions import AirflowFailException

    from ingestion.pipeline.errors import PipelineError
    from ingestion.pipeline.loading import load_authority
    from ingestion.pipeline.records import record_load

    url = warehouse_url()
    try:
        summary = load_authority(landing(context), la_code, night(context), url)
    except PipelineError as err:
        if getattr(err, "summary", None):
            record_load(url, context["run_id"], err.summary)
        # A rejected or missing extract is not transient: no retries.
        raise AirflowFailException(str(err)) from err
    record_load(url, context["run_id"], summary)
    return {k: summary[k] for k in ("la_code", "rows_loaded", "rows_quarantined")}


# After every load has finished or given up, as long as one authority's extract loaded: one authority's
# late or rejected extract does not hold back the others (publish keeps its earlier figures, flagged).
@task(trigger_rule=TriggerRule.ALL_DONE_MIN_ONE_SUCCESS)
def source_freshness(**context) -> dict:
    from airflow.sdk.exceptions import AirflowFailException

    from ingestion.pipeline.dbt_steps import source_freshness
    from ingestion.pipeline.errors import PipelineError

    try:
        return source_freshness(warehouse_url(), context["run_id"])
    except PipelineError as err:  # stale sources: a retry minutes later will not fix it
        raise AirflowFailException(str(err)) from err


@task
def prepare_build(**context) -> dict:
    """Take the build lock and pin the batches; while another build holds the lock this fails with its
    name, and the task's retries (with backoff) wait for it."""
    from ingestion.pipeline.dbt_steps import start_build

    return start_build(warehouse_url(), context["run_id"]).dbt_vars()


@task(outlets=[MARTS_ASSET])
def publish(**context) -> dict:
    from airflow.sdk.exceptions import AirflowFailException

    from ingestion.pipeline.publishing import do_publish, release_build
    from ingestion.publish import PublishError

    url = warehouse_url()
    try:
        published = do_publish(url, context["run_id"])
        release_build(url, context["run_id"])
        return published
    except PublishError as err:  # the audit refused (failed or missing dbt results): not transient
        raise AirflowFailException(str(err)) from err


@task(trigger_rule=TriggerRule.ALL_DONE, on_failure_callback=None, retries=0)
def housekeeping(**context) -> dict:
    """Crash leftovers and the raw snapshot retention policy (ingestion.housekeeping), after the
    publish whatever its outcome. It never fails the night (finish_run decides that): a problem is
    logged and returned, and the next night tries again."""
    import logging

    from ingestion.housekeeping import run_quietly

    lines: list[str] = []
    run_quietly(warehouse_url(), night(context), lines.append)
    logging.getLogger("cscw.housekeeping").info("\n".join(lines))
    return {"lines": lines}


@task(retries=0)
def ssda903_returns(**context) -> list[dict]:
    """After publication: each authority's SSDA903 return, validated with the DfE rules, errors recorded.
    Beside finish_run, not before it, and it never raises: the return never holds up publication."""
    from ingestion.config import settings
    from ingestion.returns.run import nightly

    report = nightly(warehouse_url(), settings().home / "returns" / "903")
    for entry in report:
        print(f"SSDA903 return: {entry}")
    return report


@task(trigger_rule=TriggerRule.ALL_DONE, on_failure_callback=None, retries=CFG.retries)
def finish_run(**context) -> dict:
    """Release the build lock, close the run record; fail the run (it is the leaf) when the marts were
    not published, or were published without the authorities whose data failed tests (they keep their
    last good figures: the failed run is what tells the data engineers)."""
    from airflow.sdk.exceptions import AirflowFailException

    from ingestion.pipeline.publishing import release_build
    from ingestion.pipeline.records import finish

    url = warehouse_url()
    release_build(url, context["run_id"])
    run = finish(url, context["run_id"])
    if not run.get("published"):
        reason = f"failed at {run.get('failed_step')}: {run.get('error')}"
        raise AirflowFailException(f"night {run.get('extract_date')} not published: {reason}")
    stale = run.get("stale_authorities") or {}
    if stale:
        kept = "; ".join(f"{la}: {why}" for la, why in sorted(stale.items()))
        raise AirflowFailException(
            f"night {run.get('extract_date')} published without authority {', '.join(sorted(stale))}, "
            f"which kept its earlier figures ({kept})"
        )
    return {"published_at": run.get("published_at"), "rows_loaded": run.get("rows_loaded")}


def _deadline() -> DeadlineAlert | None:
    """Alert when the run has not finished (so not published) by the configured time; 0 disables it."""
    if CFG.deadline_minutes <= 0:
        return None
    return DeadlineAlert(
        reference=DeadlineReference.DAGRUN_LOGICAL_DATE,
        interval=timedelta(minutes=CFG.deadline_minutes),
        callback=AsyncCallback(
            "ingestion.notify.deadline_missed",
            kwargs={"deadline": f"{CFG.deadline_minutes} min after the scheduled start"},
        ),
    )


_TEST_BEHAVIOR = {
    "after_each": TestBehavior.AFTER_EACH,
    "build": TestBehavior.BUILD,
    "after_all": TestBehavior.AFTER_ALL,
}
_EXECUTION_MODE = {"local": ExecutionMode.LOCAL, "watcher": ExecutionMode.WATCHER}


def _operator_args() -> dict:
    # No asset event per dbt model wanted: downstream DAGs wait for the published marts (MARTS_ASSET).
    args = {
        "install_deps": False,
        "callback": record_cosmos_results,
        "emit_datasets": False,
        "vars": BUILD_VARS,
    }
    if CFG.dbt_execution_mode == "watcher" and not CFG.dbt_watcher_deferrable:
        # Without a triggerer (dag.test() runs a deferred trigger inline, in series, before the
        # producer's `dbt build` has started) the per-model sensors poll in reschedule mode instead.
        args.update({"deferrable": False, "mode": "reschedule", "poke_interval": 5})
    return args


with DAG(
    dag_id=DAG_ID,
    description="Nightly case-system extract: sense, load, dbt build and test, publish the marts",
    doc_md=__doc__,
    schedule=CronTriggerTimetable(CFG.cron, timezone=CFG.timezone),
    start_date=pendulum.datetime(2026, 1, 1, tz=CFG.timezone),
    catchup=CFG.catchup,
    max_active_runs=1,  # nights run in date order; never two builds at once
    dagrun_timeout=timedelta(hours=12),
    params={
        "extract_date": Param(None, type=["null", "string"], format="date", description="night to run (ISO)"),
        "landing_dir": Param(
            None, type=["null", "string"], description="landing root (default CSCW_LANDING_DIR)"
        ),
    },
    default_args={
        "owner": "data-engineering",
        "retries": CFG.retries,
        "retry_delay": timedelta(seconds=CFG.retry_delay_seconds),
        "retry_exponential_backoff": 2.0,
        "max_retry_delay": timedelta(minutes=30),
        "execution_timeout": timedelta(hours=3),
        "on_failure_callback": on_task_failure,
    },
    deadline=_deadline(),
    tags=["cscw", "nightly"],
) as dag:
    la_codes = start_run()
    sensed = wait_for_manifest.expand(la_code=la_codes)
    loaded = load_extract.expand(la_code=la_codes)
    dbt = DbtTaskGroup(
        group_id="dbt",
        project_config=ProjectConfig(
            dbt_project_path=DBT_PROJECT_DIR,
            manifest_path=DBT_MANIFEST,
            project_name="cscw",
            install_dbt_deps=False,
        ),
        profile_config=ProfileConfig(
            profile_name="cscw",
            target_name="warehouse",
            profile_mapping=PostgresUserPasswordProfileMapping(
                conn_id=WAREHOUSE_CONN_ID, profile_args={"schema": "dbt_default", "threads": 4}
            ),
        ),
        execution_config=ExecutionConfig(
            execution_mode=_EXECUTION_MODE[CFG.dbt_execution_mode],
            invocation_mode=InvocationMode.DBT_RUNNER,
            # a test task runs only tests whose parents are all built; tests over several models get
            # their own task after all of those models (should_detach_multiple_parents_tests)
            test_indirect_selection=TestIndirectSelection.CAUTIOUS,
        ),
        render_config=RenderConfig(
            load_method=LoadMode.DBT_MANIFEST,
            test_behavior=_TEST_BEHAVIOR[CFG.dbt_test_behavior],
            group_nodes_by_folder=False,
            should_detach_multiple_parents_tests=CFG.dbt_execution_mode == "local",
            select=CFG.dbt_select,
            exclude=CFG.dbt_exclude,
        ),
        operator_args=_operator_args(),
    )
    published = sensed >> loaded >> source_freshness() >> prepare_build() >> dbt >> publish()
    published >> [housekeeping(), finish_run(), ssda903_returns()]
