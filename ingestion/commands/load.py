"""`cscw load PATH`: validate and load extract folders into the raw schema."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HELP = "validate and load nightly extracts (one extract folder or a landing root) into the raw schema"

EXIT_REJECTED = 1
EXIT_NO_PATH = 2
EXIT_DATABASE = 3  # the database was unreachable or went away: not the extract's fault, retry
NEXT_STEP = (
    "next: fix the problems above in the extract (or ask for it to be sent again), then run the same "
    "`cscw load` again; quarantined rows are in raw._quarantine"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "path", type=Path, help="an extract folder <la_code>/<extract_date>/ or a landing root of them"
    )
    parser.add_argument(
        "--threshold",
        type=float,
        default=0.01,
        help="share of a table's rows that may be quarantined before the extract is rejected (default 0.01)",
    )
    parser.add_argument(
        "--archive-dir", type=Path, help="where original files are copied (default CSCW_HOME/archive)"
    )
    parser.add_argument("--quiet", action="store_true", help="no progress lines")


def _progress(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def run(args: argparse.Namespace) -> int:
    from ingestion.loader import DatabaseUnavailable, load_path

    if not args.path.is_dir():
        print(f"cscw load: {args.path}: no such folder", file=sys.stderr)
        return EXIT_NO_PATH
    if not 0 <= args.threshold <= 1:
        print("cscw load: --threshold is a fraction between 0 and 1", file=sys.stderr)
        return EXIT_NO_PATH
    try:
        results = load_path(
            args.path,
            threshold=args.threshold,
            archive_dir=args.archive_dir,
            progress=None if args.quiet else _progress,
        )
    except DatabaseUnavailable as e:
        _report(e.results)
        print(f"cscw load: DATABASE UNAVAILABLE: {e}", file=sys.stderr)
        print(
            "next: start the database (`cscw db start`, or check CSCW_DATABASE_URL), then run the same "
            "`cscw load` again (what loaded stays loaded)",
            file=sys.stderr,
        )
        return EXIT_DATABASE
    if not results:
        print(f"cscw load: no extract folders (<la_code>/<YYYY-MM-DD>/) under {args.path}", file=sys.stderr)
    _report(results)
    if any(r.status == "rejected" for r in results):
        print(NEXT_STEP, file=sys.stderr)
        return EXIT_REJECTED
    return 0


def _report(results) -> None:
    for r in results:
        if r.status == "loaded":
            print(
                f"{r.label}: loaded as batch {r.batch_id}: {r.rows_loaded:,} rows"
                f" ({r.rows_quarantined:,} quarantined) in {r.seconds:.1f} s"
            )
        elif r.status == "rejected":
            print(f"{r.label}: REJECTED (batch {r.batch_id}): {len(r.errors)} problem(s)", file=sys.stderr)
        for notice in r.notices:
            print(f"{r.label}: {notice}", file=sys.stderr if r.status == "skipped_incomplete" else sys.stdout)
        for error in r.errors:
            print(f"{r.label} {error}", file=sys.stderr)
