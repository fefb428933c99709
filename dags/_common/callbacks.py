"""Glue between Airflow task contexts and ingestion.pipeline: which night a run is for, where the
warehouse is, and the failure callback that records the reason and calls the notifier."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

from _common.config import WAREHOUSE_CONN_ID, nightly_config


def warehouse_url() -> str:
    """The warehouse URL: the Airflow connection `cscw_warehouse`, the one source for every task and
    for Cosmos. A missing or incomplete connection fails the task at once with what to set; the worker
    never falls back to another database."""
    from airflow.sdk import Connection
    from airflow.sdk.exceptions import AirflowNotFoundException

    try:
        conn = Connection.get(WAREHOUSE_CONN_ID)
    except AirflowNotFoundException as err:
        raise RuntimeError(
            f"the Airflow connection {WAREHOUSE_CONN_ID!r} is not configured: set "
            f"AIRFLOW_CONN_{WAREHOUSE_CONN_ID.upper()} (a postgres:// URL) or add it in the UI"
        ) from err
    if not conn.host:
        raise RuntimeError(f"the Airflow connection {WAREHOUSE_CONN_ID!r} has no host")
    return conn.get_uri()


def night(context) -> date:
    """The extract date a run is for: the `extract_date` param, else the local date of the run's
    logical date (Airflow 3's cron runs have a zero-width data interval, so it is not used)."""
    value = (context.get("params") or {}).get("extract_date")
    if value:
        return date.fromisoformat(str(value))
    when = context.get("logical_date") or context["dag_run"].run_after
    return when.astimezone(ZoneInfo(nightly_config().timezone)).date()


def landing(context) -> Path:
    value = (context.get("params") or {}).get("landing_dir")
    if value:
        return Path(value)
    from ingestion.config import settings

    return settings().landing_dir


def on_task_failure(context) -> None:
    """Record the failing task and its reason in ops.pipeline_runs and notify (after the last retry)."""
    from ingestion.pipeline.records import record_failure

    ti = context.get("task_instance") or context.get("ti")
    step = getattr(ti, "task_id", "unknown")
    error = context.get("exception") or "task failed (no exception in context)"
    try:
        url = warehouse_url()
    except Exception:  # the warehouse itself is what failed: the notifier still hears of it
        url = None
    record_failure(url, context["run_id"], step, error)


def record_cosmos_results(project_dir: str, context=None, **_kwargs) -> None:
    """Cosmos operator callback: record the node statuses of this task's dbt run (run_results.json),
    so ops.pipeline_runs shows tests passed/failed. Called by Cosmos whether dbt succeeded or not."""
    from ingestion.pipeline.dbt_steps import heartbeat
    from ingestion.pipeline.records import record_dbt_nodes, run_results_nodes

    url = warehouse_url()
    manifest = Path(project_dir) / "target" / "manifest.json"
    record_dbt_nodes(
        url, context["run_id"], run_results_nodes(project_dir), manifest if manifest.is_file() else None
    )
    heartbeat(url, context["run_id"])  # keeps this run's build lock alive between tasks
