"""`cscw cleanup`: crash leftovers and the raw snapshot retention policy (ingestion.housekeeping)."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

HELP = (
    "clean up after interrupted loads (batches stuck at loading, unattached snapshot tables, half-made "
    "archive copies) and prune raw snapshots the retention policy does not keep"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--no-retention", action="store_true", help="only the crash leftovers; keep every raw snapshot"
    )
    parser.add_argument(
        "--today",
        type=dt.date.fromisoformat,
        help="the date the retention policy counts back from (default today)",
    )
    parser.add_argument(
        "--archive-dir", type=Path, help="the archive (default CSCW_ARCHIVE_DIR or CSCW_HOME/archive)"
    )


def run(args: argparse.Namespace) -> int:
    from ingestion.housekeeping import run as housekeeping

    report = housekeeping(archive_dir=args.archive_dir, today=args.today, retention=not args.no_retention)
    for line in report.lines():
        print(line)
    return 0
