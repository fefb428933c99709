"""The nightly run's record in ops.pipeline_runs, by database URL (the SQL is in ingestion.ops)."""

from __future__ import annotations

import json
import logging
from datetime import UTC, date, datetime
from pathlib import Path

from ingestion import notify, ops
from ingestion.db import connect

log = logging.getLogger("cscw.pipeline")


def new_run_id(extract_date: date) -> str:
    return f"cli__{extract_date.isoformat()}__{datetime.now(UTC).strftime('%Y%m%dT%H%M%S')}"


def record_start(url: str, run_id: str, extract_date: date, la_codes: list[str], trigger: str) -> None:
    with connect(url) as conn:
        ops.start_run(conn, run_id, extract_date=extract_date, la_codes=la_codes, trigger=trigger)


def record(url: str, run_id: str, **fields) -> None:
    with connect(url) as conn:
        ops.update_run(conn, run_id, **fields)


def record_load(url: str, run_id: str, summary: dict) -> None:
    with connect(url) as conn:
        ops.record_load(conn, run_id, summary)


def record_dbt_nodes(
    url: str, run_id: str, nodes: dict[str, str], manifest_path: Path | None = None
) -> dict[str, int]:
    """Record a dbt run's node statuses; tests the isolation var demoted to warnings count as failed
    (the project's declared warnings are read from the dbt manifest)."""
    if not nodes:
        return {}
    from ingestion.isolation import declared_warnings

    with connect(url) as conn:
        return ops.record_dbt_nodes(conn, run_id, nodes, declared_warnings(manifest_path))


def run_results_nodes(project_dir: Path | str) -> dict[str, str]:
    """{unique_id: status} from a dbt target's run_results.json (what Cosmos leaves per task)."""
    path = Path(project_dir) / "target" / "run_results.json"
    if not path.is_file():
        return {}
    return {r["unique_id"]: r["status"] for r in json.loads(path.read_text()).get("results", [])}


def record_failure(url: str | None, run_id: str, step: str, error: BaseException | str) -> None:
    """Write the failing step and reason to ops.pipeline_runs (when the warehouse is known) and tell the
    notifier. Never raises."""
    text = error if isinstance(error, str) else f"{type(error).__name__}: {error}"
    if url is not None:
        try:
            with connect(url) as conn:
                ops.fail_run(conn, run_id, step=step, error=text)
        except Exception:
            log.exception("could not record the failure of run %s in ops.pipeline_runs", run_id)
    notify.notify(f"cscw nightly run failed at {step}", f"Run {run_id} failed at step {step}:\n{text[:4000]}")


def finish(url: str, run_id: str) -> dict:
    """Close the run record (failed unless published)."""
    with connect(url) as conn:
        return ops.finish_run(conn, run_id)
