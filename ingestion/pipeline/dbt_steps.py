"""The dbt steps of a night: what dbt needs on disk, source freshness, and the build of one pinned
build (ingestion.builds) into its own build schema."""

from __future__ import annotations

import time
from pathlib import Path

from ingestion import builds, ops
from ingestion.db import connect
from ingestion.pipeline.errors import BuildFailed
from ingestion.pipeline.records import record, record_dbt_nodes

# `dbt parse` never connects; the profile only needs to be well formed.
PARSE_ONLY_URL = "postgresql://parse_only@127.0.0.1:5432/parse_only"


def prepare_dbt(manifest: bool = True) -> Path | None:
    """What Cosmos needs on disk before Airflow parses the DAG: dbt_project/target/manifest.json for its
    manifest-based rendering (`dbt parse`, no database needed)."""
    from ingestion import dbt_runner

    if not manifest:
        return None
    target = dbt_runner.PROJECT_DIR / "target"
    res = dbt_runner.run_dbt(["parse"], url=PARSE_ONLY_URL, target_path=target)
    if not res.success:
        raise BuildFailed(f"dbt parse failed: {res.exception or res.summary()}")
    return target / "manifest.json"


def source_freshness(url: str, run_id: str | None = None) -> dict:
    """`dbt source freshness`: an error-level staleness fails the night before anything is built."""
    from ingestion.contract import load_contract
    from ingestion.dbt_runner import run_dbt

    # Optional contract tables may legitimately never arrive (their raw tables stay empty), so only
    # the required ones gate the night.
    optional = sorted(f"source:raw.{name}" for name, t in load_contract().tables.items() if not t.required)
    started = time.monotonic()
    args = ["source", "freshness", *(["--exclude", *optional] if optional else [])]
    res = run_dbt(args, url)
    if run_id:
        record(url, run_id, durations={"source_freshness": round(time.monotonic() - started, 2)})
    if not res.success:
        raise BuildFailed("source freshness failed:\n" + res.summary())
    return {"sources_checked": len(res.results), **res.counts()}


def prepare_build(url: str, build: builds.Build, extra_vars: dict | None = None) -> None:
    """Under the build lock, before dbt: raw statistics, incremental
    models reset when the project's definition changed (ingestion.warehouse_state), the dbt start time."""
    from ingestion.build import prepare_warehouse

    prepare_warehouse(url, {**(extra_vars or {}), **build.dbt_vars()})
    if build.run_id:
        record(url, build.run_id, durations={"_dbt_started_epoch": time.time()})


def start_build(url: str, run_id: str, extra_vars: dict | None = None) -> builds.Build:
    """The DAG's prepare step: take the build lock for this run (its tasks run in several processes, so
    the lock lives on heartbeats, not a session), pin the batches, prepare. Raises builds.BuildLocked
    while another build runs (the task's retries wait for it)."""
    as_at = (extra_vars or {}).get("as_at_extract_date")
    with connect(url) as conn:
        build = builds.start(conn, f"airflow run {run_id}", run_id=run_id, as_at_extract_date=as_at)
    prepare_build(url, build, extra_vars)
    return build


def heartbeat(url: str, run_id: str) -> None:
    """Keep this run's build lock alive (each dbt task of the DAG calls it)."""
    with connect(url) as conn:
        build = builds.for_run(conn, run_id)
        if build is not None:
            builds.heartbeat(conn, build.build_id)


def build(url: str, build: builds.Build, *, extra_vars: dict | None = None) -> dict:
    """`dbt build` (seeds, models, tests in DAG order) of one build, its marts in its build schema."""
    from ingestion.dbt_runner import run_dbt

    prepare_build(url, build, extra_vars)
    res = run_dbt(["build"], url, vars={**(extra_vars or {}), **build.dbt_vars()})
    nodes = {r["unique_id"]: r["status"] for r in res.results if r.get("unique_id")}
    counts = record_dbt_nodes(url, build.run_id, nodes) if build.run_id else ops.node_counts(nodes)
    if not res.success:
        err = BuildFailed(res.summary())
        err.counts = counts  # type: ignore[attr-defined]
        raise err
    return counts
