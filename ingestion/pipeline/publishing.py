"""The publish step of a night: the audit, then the swap of the run's build schema into `marts`."""

from __future__ import annotations

import time
from pathlib import Path

from ingestion import builds, isolation, ops, publish
from ingestion.db import connect


def audit(run: dict) -> None:
    """The gate before publishing: dbt ran in this run and no model, seed or test failed. Independent of
    how the orchestrator wires task dependencies (a test over several models, a watcher producer)."""
    nodes = run.get("dbt_nodes") or {}
    if not nodes:
        raise publish.PublishError(f"run {run.get('run_id')}: no dbt results recorded; refusing to publish")
    bad = sorted(uid for uid, st in nodes.items() if st in ("fail", "error", "runtime error"))
    if bad:
        raise publish.PublishError(
            f"{len(bad)} dbt node(s) failed, refusing to publish: {', '.join(bad[:10])}"
        )


def not_loaded(cur, build: builds.Build, run: dict) -> dict[str, str]:
    """The run's authorities whose extract of the night the build did not read (its sensor gave up or
    its extract was rejected): la_code -> reason. The build read their earlier extract; publishing
    keeps their published figures instead, flagged stale, so "data as at" never hides a missed night."""
    night = run.get("extract_date")
    if not night:
        return {}
    read = builds.extracts(cur, build.build_id)
    return {
        la: f"its extract of {night} was not loaded (see the run's load_extract and sensor tasks)"
        for la in run.get("la_codes") or []
        if read.get(la) is None or read[la] < night
    }


def publish_passing(
    conn,
    build: builds.Build,
    nodes: dict[str, str],
    manifest: Path | None = None,
    unloaded: dict[str, str] | None = None,
):
    """Publish the build for every authority whose data passed; the authorities its failing data tests
    are blamed on, and the `unloaded` ones (la_code -> reason), keep their published figures
    (ingestion.isolation). Refuses when a failure cannot be blamed on authorities. The result's
    `withheld` names the others (la_code -> reason)."""
    with conn.cursor() as cur:
        verdict = isolation.judge(cur, nodes, manifest)
    if verdict.unattributed:
        conn.rollback()
        listed = ", ".join(verdict.unattributed[:10])
        raise publish.PublishError(
            f"{len(verdict.unattributed)} dbt node(s) failed in a way no authority can be blamed for, "
            f"refusing to publish: {listed}"
        )
    return publish.publish(conn, build, {**(unloaded or {}), **verdict.reasons()})


def do_publish(url: str, run_id: str) -> dict:
    """Swap the run's tested build schema into `marts`; records the dbt stage and publish durations."""
    started = time.time()
    with connect(url) as conn:
        run = ops.get_run(conn, run_id) or {}
        audit(run)
        build = builds.for_run(conn, run_id)
        if build is None:
            raise publish.PublishError(f"run {run_id} started no build; refusing to publish")
        with conn.cursor() as cur:
            unloaded = not_loaded(cur, build, run)
        res = publish_passing(conn, build, run.get("dbt_nodes") or {}, unloaded=unloaded)
        timings = {"publish": round(time.time() - started, 2)}
        dbt_start = (run.get("durations") or {}).get("_dbt_started_epoch")
        if dbt_start:
            timings["dbt"] = round(started - float(dbt_start), 2)
        ops.update_run(conn, run_id, durations=timings)
    return {"relations": res.relations, "build_id": build.build_id, "withheld": res.withheld}


def release_build(url: str, run_id: str) -> None:
    """Free the build lock if this run's build holds it (the DAG's last task, whatever happened)."""
    with connect(url) as conn:
        build = builds.for_run(conn, run_id)
        if build is not None:
            builds.finish(conn, build.build_id)
