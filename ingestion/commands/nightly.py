"""`cscw nightly [PATH]`: the nightly pipeline without Airflow (the same step functions the DAG runs):
wait for and load each authority's extract (missed nights first), check source freshness, dbt build and
test into the build schema, publish the marts in one transaction, record the run in ops.pipeline_runs."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

HELP = "run the nightly pipeline (load, build, test, publish) without Airflow"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "path",
        nargs="?",
        type=Path,
        help="landing root, one authority's folder or one extract folder (default: CSCW_LANDING_DIR)",
    )
    parser.add_argument("--extract-date", type=date.fromisoformat, help="the night to run (default: newest)")
    parser.add_argument("--url", help="database URL (default: CSCW_DATABASE_URL or the embedded database)")
    parser.add_argument("--threshold", type=float, default=0.01, help="quarantine share that rejects a table")
    parser.add_argument("--wait", type=float, default=0, help="seconds to wait for missing manifests")
    parser.add_argument("--no-freshness", action="store_true", help="skip `dbt source freshness`")
    parser.add_argument(
        "--prepare",
        action="store_true",
        help="only write what Airflow needs on disk (the dbt manifest)",
    )
    parser.add_argument("--json", action="store_true", help="print the run as JSON")


def run(args: argparse.Namespace) -> int:
    from ingestion.config import settings
    from ingestion.pipeline.dbt_steps import prepare_dbt
    from ingestion.pipeline.nightly import run_nightly

    if args.prepare:
        print(f"manifest written: {prepare_dbt()}")
        return 0
    path = args.path or settings().landing_dir
    result = run_nightly(
        path,
        args.url,
        extract_date=args.extract_date,
        threshold=args.threshold,
        wait_seconds=args.wait,
        check_freshness=not args.no_freshness,
        progress=lambda msg: print(msg, file=sys.stderr),
    )
    if args.json:
        print(json.dumps(result.as_dict(), default=str, indent=2))
    else:
        rows = sum(s.get("rows_loaded", 0) for s in result.loads)
        las = ", ".join(result.la_codes)
        print(f"run {result.run_id}: extract date {result.extract_date}, authorities {las}")
        print(f"  rows loaded {rows:,}; dbt {result.counts or '-'}")
        if result.published:
            print("  published: marts now show this night")
        else:
            print(f"  NOT published (failed at {result.failed_step}): {result.error}")
            print("  marts still show the previous complete night")
    return 0 if result.published else 1
