"""`cscw build`: seeds, models and tests of the dbt project against the configured database."""

from __future__ import annotations

import argparse
import time

HELP = "build the dbt warehouse (seeds, models, tests) against the configured database"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--select", help="dbt node selection (default: everything)")
    parser.add_argument("--exclude", help="dbt nodes to leave out")
    parser.add_argument("--full-refresh", action="store_true", help="rebuild incremental models from scratch")
    parser.add_argument("--threads", type=int, help="dbt threads (default from the profile: 4)")
    parser.add_argument("--url", help="database URL (default: CSCW_DATABASE_URL or the embedded database)")


def run(args: argparse.Namespace) -> int:
    from ingestion.build import build

    started = time.monotonic()
    result = build(
        args.url,
        select=args.select,
        exclude=args.exclude,
        full_refresh=args.full_refresh,
        threads=args.threads,
    )
    print(result.summary())
    print(f"took {time.monotonic() - started:.1f}s; artifacts in {result.target_path}")
    return 0 if result.success else 1
