"""The nightly pipeline's steps, with no Airflow imports: sense, load, check freshness, build, publish,
record. The Airflow DAG (dags/nightly_case_extract.py) calls these functions from its tasks and
`cscw nightly PATH` calls `run_nightly`, so both run the same code.

A run is keyed on its extract date (the night's local date), never on Airflow's data interval.
For each authority the load step also loads any missed nights between its newest loaded extract and
the run's date, oldest first, so a backfill is in date order; the loader is idempotent, so re-running
a night changes nothing. dbt builds the marts into `marts__build`; ingestion.publish swaps them into
`marts` only after every model and test passed.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from ingestion import ops, publish
from ingestion.config import settings
from ingestion.db import connect, database_url

log = logging.getLogger("cscw.pipeline")

BUILD_SCHEMA = publish.BUILD_SCHEMA
DATE_DIR = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# `dbt parse` never connects; the profile only needs to be well formed.
PARSE_ONLY_URL = "postgresql://parse_only@127.0.0.1:5432/parse_only"


class PipelineError(RuntimeError):
    """A step failed for a reason a retry will not fix (bad data, failing tests)."""


class ExtractMissing(PipelineError):
    pass


class ExtractRejected(PipelineError):
    pass


class BuildFailed(PipelineError):
    pass


@dataclass(frozen=True)
class ExtractRef:
    la_code: str
    extract_date: date
    path: Path


# ---------------------------------------------------------------- sense


def authorities(landing: Path) -> list[str]:
    """Authorities with a folder in the landing area (DfE three-digit codes)."""
    landing = Path(landing)
    if not landing.is_dir():
        return []
    return sorted(p.name for p in landing.iterdir() if p.is_dir() and p.name.isdigit())


def extract_dir(landing: Path, la_code: str, extract_date: date) -> Path:
    return Path(landing) / la_code / extract_date.isoformat()


def manifest_ready(landing: Path, la_code: str, extract_date: date) -> bool:
    """The extract job writes manifest.json last: its presence means the folder is complete."""
    return (extract_dir(landing, la_code, extract_date) / "manifest.json").is_file()


def complete_extracts(landing: Path, la_code: str) -> list[ExtractRef]:
    """Every complete extract folder of one authority, oldest first."""
    base = Path(landing) / la_code
    if not base.is_dir():
        return []
    out = []
    for p in base.iterdir():
        if p.is_dir() and DATE_DIR.match(p.name) and (p / "manifest.json").is_file():
            out.append(ExtractRef(la_code, date.fromisoformat(p.name), p))
    return sorted(out, key=lambda r: r.extract_date)


def latest_complete_date(landing: Path) -> date | None:
    dates = [r.extract_date for la in authorities(landing) for r in complete_extracts(landing, la)]
    return max(dates) if dates else None


def wait_for_manifest(
    landing: Path, la_code: str, extract_date: date, *, timeout: float = 0, poke: float = 30
) -> bool:
    """Poll for the manifest (used by `cscw nightly --wait`; the DAG uses a reschedule-mode sensor)."""
    deadline = time.monotonic() + timeout
    while True:
        if manifest_ready(landing, la_code, extract_date):
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(min(poke, max(0.0, deadline - time.monotonic())))


# ---------------------------------------------------------------- load


def loaded_dates(url: str, la_code: str) -> set[date]:
    with connect(url) as conn, conn.cursor() as cur:
        cur.execute("select to_regclass('raw._batches')")
        if cur.fetchone()[0] is None:
            return set()
        cur.execute(
            "select distinct extract_date from raw._batches where la_code = %s and status = 'loaded'",
            (la_code,),
        )
        return {r[0] for r in cur.fetchall()}


def pending_extracts(landing: Path, la_code: str, extract_date: date, url: str) -> list[ExtractRef]:
    """This night's extract plus any missed nights since the newest loaded one, oldest first.

    Older folders that were never loaded (or were rejected) before the newest loaded extract are not
    retried every night: load them explicitly with a run for their own date (a backfill)."""
    done = loaded_dates(url, la_code)
    newest = max(done) if done else None
    refs = []
    for ref in complete_extracts(landing, la_code):
        if ref.extract_date > extract_date or ref.extract_date in done:
            continue
        if ref.extract_date == extract_date or newest is None or ref.extract_date > newest:
            refs.append(ref)
    return refs


def load_authority(
    landing: Path,
    la_code: str,
    extract_date: date,
    url: str,
    *,
    threshold: float = 0.01,
    progress: Callable[[str], None] | None = None,
) -> dict:
    """Load one authority's pending extracts in date order. Returns a JSON-able summary; raises
    ExtractMissing when the night's folder is incomplete and ExtractRejected when the loader rejected
    an extract (the summary is attached as `err.summary`)."""
    from ingestion.loader import load_path

    if not manifest_ready(landing, la_code, extract_date) and extract_date not in loaded_dates(url, la_code):
        raise ExtractMissing(f"{la_code}: no complete extract for {extract_date} under {landing}")
    summary: dict = {"la_code": la_code, "rows_loaded": 0, "rows_quarantined": 0, "batches": []}
    started = time.monotonic()
    for ref in pending_extracts(landing, la_code, extract_date, url):
        for r in load_path(
            ref.path, url, threshold=threshold, archive_dir=settings().archive_dir, progress=progress
        ):
            summary["batches"].append(
                {
                    "extract_date": str(r.extract_date),
                    "batch_id": r.batch_id,
                    "status": r.status,
                    "rows_loaded": r.rows_loaded,
                    "rows_quarantined": r.rows_quarantined,
                    "errors": [str(e) for e in r.errors[:20]],
                }
            )
            summary["rows_loaded"] += r.rows_loaded or 0
            summary["rows_quarantined"] += r.rows_quarantined or 0
    summary["seconds"] = round(time.monotonic() - started, 2)
    rejected = [b for b in summary["batches"] if b["status"] == "rejected"]
    if rejected:
        detail = "; ".join(f"{b['extract_date']}: {' | '.join(b['errors'][:3])}" for b in rejected)
        err = ExtractRejected(f"{la_code}: extract rejected ({detail})")
        err.summary = summary  # type: ignore[attr-defined]
        raise err
    return summary


# ---------------------------------------------------------------- dbt


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


def manifest_path() -> Path:
    from ingestion.dbt_runner import PROJECT_DIR

    return PROJECT_DIR / "target" / "manifest.json"


def source_freshness(url: str, run_id: str | None = None) -> dict:
    """`dbt source freshness`: an error-level staleness fails the night before anything is built."""
    from ingestion.contract import load_contract
    from ingestion.dbt_runner import run_dbt

    # Optional contract tables may legitimately never arrive (their raw tables stay empty), so only
    # the required ones gate the night.
    optional = sorted(f"source:raw.{name}" for name, t in load_contract().tables.items() if not t.required)
    started = time.monotonic()
    # Same vars as the build, so dbt's partial parsing carries over from one command to the next.
    args = ["source", "freshness", *(["--exclude", *optional] if optional else [])]
    res = run_dbt(args, url, vars={"marts_schema": BUILD_SCHEMA})
    if run_id:
        record(url, run_id, durations={"source_freshness": round(time.monotonic() - started, 2)})
    if not res.success:
        raise BuildFailed("source freshness failed:\n" + res.summary())
    return {"sources_checked": len(res.results), **res.counts()}


def prepare_build(
    url: str, run_id: str | None = None, build_schema: str = BUILD_SCHEMA, extra_vars: dict | None = None
) -> None:
    """Before dbt: raw statistics, incremental models reset when the project's
    definition changed (ingestion.warehouse_state), an empty build schema, the dbt start time."""
    from ingestion.build import prepare_warehouse

    prepare_warehouse(url, extra_vars)
    with connect(url) as conn:
        publish.reset_build_schema(conn, build_schema)
        if run_id:
            ops.update_run(conn, run_id, durations={"_dbt_started_epoch": time.time()})


def node_counts(nodes: dict[str, str]) -> dict[str, int]:
    """tests passed/failed and models built from {dbt unique_id: status}."""
    tests = [st for uid, st in nodes.items() if uid.startswith(("test.", "unit_test."))]
    models = [st for uid, st in nodes.items() if uid.startswith("model.")]
    return {
        "tests_passed": sum(st in ("pass", "warn") for st in tests),
        "tests_failed": sum(st in ("fail", "error") for st in tests),
        "models_built": sum(st == "success" for st in models),
    }


def record_dbt_nodes(url: str, run_id: str, nodes: dict[str, str]) -> dict[str, int]:
    """Merge dbt node statuses into the run and recompute its test/model counts. Per-node, so Cosmos
    tasks (one per model, possibly retried) and a single `dbt build` record the same way."""
    if not nodes:
        return {}
    with connect(url) as conn:
        ops.ensure_ops(conn)
        with conn.cursor() as cur:
            cur.execute("select dbt_nodes from ops.pipeline_runs where run_id = %s for update", (run_id,))
            row = cur.fetchone()
            merged = {**(row[0] if row else {}), **nodes}
            counts = node_counts(merged)
            cur.execute(
                """update ops.pipeline_runs set dbt_nodes = %s::jsonb, tests_passed = %s, tests_failed = %s,
                       models_built = %s where run_id = %s""",
                (
                    json.dumps(merged),
                    counts["tests_passed"],
                    counts["tests_failed"],
                    counts["models_built"],
                    run_id,
                ),
            )
        conn.commit()
    return counts


def run_results_nodes(project_dir: Path | str) -> dict[str, str]:
    """{unique_id: status} from a dbt target's run_results.json (what Cosmos leaves per task)."""
    path = Path(project_dir) / "target" / "run_results.json"
    if not path.is_file():
        return {}
    return {r["unique_id"]: r["status"] for r in json.loads(path.read_text()).get("results", [])}


def build(
    url: str, *, run_id: str | None = None, build_schema: str = BUILD_SCHEMA, extra_vars: dict | None = None
) -> dict:
    """`dbt build` (seeds, models, tests in DAG order) with the marts going to `build_schema`."""
    from ingestion.dbt_runner import run_dbt

    prepare_build(url, run_id, build_schema, extra_vars)
    res = run_dbt(["build"], url, vars={"marts_schema": build_schema, **(extra_vars or {})})
    nodes = {r["unique_id"]: r["status"] for r in res.results if r.get("unique_id")}
    counts = record_dbt_nodes(url, run_id, nodes) if run_id else node_counts(nodes)
    if not res.success:
        err = BuildFailed(res.summary())
        err.counts = counts  # type: ignore[attr-defined]
        raise err
    return counts


# ---------------------------------------------------------------- record


def new_run_id(extract_date: date) -> str:
    return f"cli__{extract_date.isoformat()}__{datetime.now(UTC).strftime('%Y%m%dT%H%M%S')}"


def record_start(url: str, run_id: str, extract_date: date, la_codes: list[str], trigger: str) -> None:
    with connect(url) as conn:
        ops.start_run(conn, run_id, extract_date=extract_date, la_codes=la_codes, trigger=trigger)


def record(url: str, run_id: str, **fields) -> None:
    with connect(url) as conn:
        ops.update_run(conn, run_id, **fields)


def record_load(url: str, run_id: str, summary: dict) -> None:
    """Merge one authority's load summary into the run (idempotent per authority: retries overwrite)."""
    with connect(url) as conn:
        ops.ensure_ops(conn)
        with conn.cursor() as cur:
            cur.execute(
                """update ops.pipeline_runs set
                       batches = batches || jsonb_build_object(%s::text, %s::jsonb)
                   where run_id = %s""",
                (summary["la_code"], json.dumps(summary), run_id),
            )
            cur.execute(
                """update ops.pipeline_runs set
                       rows_loaded = (select coalesce(sum((v->>'rows_loaded')::bigint), 0)
                                      from jsonb_each(batches) as e(k, v)),
                       rows_quarantined = (select coalesce(sum((v->>'rows_quarantined')::bigint), 0)
                                           from jsonb_each(batches) as e(k, v))
                   where run_id = %s""",
                (run_id,),
            )
        conn.commit()


def record_failure(url: str | None, run_id: str, step: str, error: BaseException | str) -> None:
    """Write the failing step and reason to ops.pipeline_runs and tell the notifier. Never raises."""
    text = error if isinstance(error, str) else f"{type(error).__name__}: {error}"
    try:
        with connect(url or database_url()) as conn:
            ops.fail_run(conn, run_id, step=step, error=text)
    except Exception:
        log.exception("could not record the failure of run %s in ops.pipeline_runs", run_id)
    ops.notify(f"cscw nightly run failed at {step}", f"Run {run_id} failed at step {step}:\n{text[:4000]}")


def finish(url: str, run_id: str) -> dict:
    """Close the run record: finished_at, total and dbt durations, and failed unless published."""
    with connect(url) as conn:
        ops.ensure_ops(conn)
        with conn.cursor() as cur:
            cur.execute(
                """update ops.pipeline_runs set finished_at = now(),
                       status = case when published then 'published' else 'failed' end,
                       durations = durations || jsonb_build_object('total',
                           round(extract(epoch from now() - started_at)::numeric, 2))
                   where run_id = %s""",
                (run_id,),
            )
        conn.commit()
        return ops.get_run(conn, run_id) or {}


@contextmanager
def timed(durations: dict, name: str) -> Iterator[None]:
    started = time.monotonic()
    try:
        yield
    finally:
        durations[name] = round(time.monotonic() - started, 2)


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


def do_publish(url: str, run_id: str) -> dict:
    """Swap the tested build schema into `marts`; records the dbt stage and publish durations."""
    started = time.time()
    with connect(url) as conn:
        run = ops.get_run(conn, run_id) or {}
        audit(run)
        dbt_start = (run.get("durations") or {}).get("_dbt_started_epoch")
        res = publish.publish(conn, run_id=run_id)
        timings = {"publish": round(time.time() - started, 2)}
        if dbt_start:
            timings["dbt"] = round(started - float(dbt_start), 2)
        ops.update_run(conn, run_id, durations=timings)
    return {"relations": res.relations}


# ---------------------------------------------------------------- the whole night without Airflow


@dataclass
class NightlyResult:
    run_id: str
    extract_date: date | None
    la_codes: list[str]
    published: bool = False
    failed_step: str | None = None
    error: str | None = None
    loads: list[dict] = field(default_factory=list)
    counts: dict = field(default_factory=dict)
    durations: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return asdict(self)


def resolve_landing(path: Path) -> tuple[Path, date | None, list[str] | None]:
    """PATH may be the landing root, one authority's folder, or one extract folder."""
    path = Path(path).resolve()
    if (path / "manifest.json").is_file() and DATE_DIR.match(path.name):
        return path.parent.parent, date.fromisoformat(path.name), [path.parent.name]
    if path.name.isdigit() and any(DATE_DIR.match(p.name) for p in path.iterdir() if p.is_dir()):
        return path.parent, None, [path.name]
    return path, None, None


def run_nightly(
    path: Path,
    url: str | None = None,
    *,
    extract_date: date | None = None,
    run_id: str | None = None,
    threshold: float = 0.01,
    wait_seconds: float = 0,
    check_freshness: bool = True,
    extra_vars: dict | None = None,
    progress: Callable[[str], None] | None = None,
) -> NightlyResult:
    """Sense, load, check freshness, build and test in the build schema, publish, record."""
    say = progress or (lambda _msg: None)
    url = url or database_url()
    landing, path_date, path_las = resolve_landing(path)
    extract_date = extract_date or path_date or latest_complete_date(landing)
    la_codes = path_las or authorities(landing)
    run_id = run_id or new_run_id(extract_date or date.today())
    result = NightlyResult(run_id=run_id, extract_date=extract_date, la_codes=la_codes)
    step = "sense"
    try:
        record_start(url, run_id, extract_date, la_codes, "cli")
        if extract_date is None or not la_codes:
            raise ExtractMissing(f"no complete extract under {landing}")
        with timed(result.durations, "sense"):
            for la in la_codes:
                if not wait_for_manifest(landing, la, extract_date, timeout=wait_seconds):
                    raise ExtractMissing(f"{la}: no manifest for {extract_date} under {landing}")
        step = "load"
        with timed(result.durations, "load"):
            for la in la_codes:
                say(f"loading {la} up to {extract_date}")
                try:
                    summary = load_authority(landing, la, extract_date, url, threshold=threshold)
                except ExtractRejected as err:
                    record_load(url, run_id, err.summary)  # type: ignore[attr-defined]
                    raise
                record_load(url, run_id, summary)
                result.loads.append(summary)
        if check_freshness:
            step = "source_freshness"
            say("checking source freshness")
            source_freshness(url, run_id)
        step = "build"
        say("dbt build into the build schema")
        try:
            result.counts = build(url, run_id=run_id, extra_vars=extra_vars)
        except BuildFailed as err:
            result.counts = getattr(err, "counts", {})
            raise
        step = "publish"
        do_publish(url, run_id)
        result.published = True
        say("published")
    except Exception as err:
        result.failed_step, result.error = step, f"{type(err).__name__}: {err}"
        record_failure(url, run_id, step, err)
    finally:
        try:
            record(url, run_id, durations=result.durations)
            finish(url, run_id)
        except Exception:
            log.exception("could not close the run record %s", run_id)
        from ingestion.housekeeping import run_quietly

        run_quietly(url, extract_date, say)  # as the DAG's housekeeping task: never fails the night
    return result
