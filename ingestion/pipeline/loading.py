"""The load step: each authority's pending extracts through the loader, oldest first."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from ingestion.config import settings
from ingestion.db import connect
from ingestion.pipeline.errors import ExtractMissing, ExtractRejected
from ingestion.pipeline.landing import ExtractRef, complete_extracts, manifest_ready


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
