"""`cscw nightly`: the whole night without Airflow, from the same steps the DAG runs."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

from ingestion import builds, ops
from ingestion.db import connect, database_url
from ingestion.pipeline.dbt_steps import build, source_freshness
from ingestion.pipeline.errors import BuildFailed, ExtractMissing, ExtractRejected
from ingestion.pipeline.landing import authorities, latest_complete_date, resolve_landing, wait_for_manifest
from ingestion.pipeline.loading import load_authority
from ingestion.pipeline.publishing import audit, publish_passing
from ingestion.pipeline.records import finish, new_run_id, record, record_failure, record_load, record_start

log = logging.getLogger("cscw.pipeline")


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
    withheld: dict = field(default_factory=dict)  # la_code -> why its figures were not refreshed

    def as_dict(self) -> dict:
        return asdict(self)


@contextmanager
def timed(durations: dict, name: str) -> Iterator[None]:
    started = time.monotonic()
    try:
        yield
    finally:
        durations[name] = round(time.monotonic() - started, 2)


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
        say("dbt build into this build's schema")
        as_at = (extra_vars or {}).get("as_at_extract_date")
        # The build lock is held by this process from the pinning of the batches to the publish.
        with builds.held(url, run_id=run_id, as_at_extract_date=as_at) as this_build:
            try:
                with timed(result.durations, "dbt"):
                    result.counts = build(url, this_build, extra_vars=extra_vars)
            except BuildFailed as err:
                result.counts = getattr(err, "counts", {})
                raise
            step = "publish"
            with timed(result.durations, "publish"), connect(url) as conn:
                run = ops.get_run(conn, run_id) or {}
                audit(run)
                result.withheld = publish_passing(conn, this_build, run.get("dbt_nodes") or {}).withheld
        result.published = True
        say(
            "published"
            + (f"; kept the earlier figures of {', '.join(result.withheld)}" if result.withheld else "")
        )
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
