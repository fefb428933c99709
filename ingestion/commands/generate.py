"""`cscw generate`: synthetic nightly extracts (no real data) for demos, tests and benchmarks."""

from __future__ import annotations

import argparse
import time
from datetime import date

from ingestion.generator import generate, profile_names

HELP = "write synthetic extract folders (<out>/<la_code>/<extract_date>/) calibrated to a profile"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--profile", default="lancashire", choices=profile_names())
    parser.add_argument("--out", default="landing", help="landing root to write into (default: landing)")
    parser.add_argument("--years", type=int, default=6, help="years of history (default 6, as the SSD keeps)")
    parser.add_argument(
        "--nights", type=int, default=1, help="consecutive nightly snapshots ending at --extract-date"
    )
    parser.add_argument("--scale", type=float, default=1.0, help="multiply the profile's population")
    parser.add_argument(
        "--las", type=int, default=1, help="number of authorities side by side (a regional hub)"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--dirty",
        type=float,
        default=0.0,
        metavar="RATE",
        help="inject realistic defects at this rate per row; a sidecar .injected.json lists them",
    )
    parser.add_argument(
        "--extract-date",
        type=date.fromisoformat,
        default=None,
        help="the last night's extract date, YYYY-MM-DD (default: today)",
    )


def run(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    folders = generate(
        args.out,
        profile=args.profile,
        years=args.years,
        nights=args.nights,
        scale=args.scale,
        las=args.las,
        seed=args.seed,
        dirty_rate=args.dirty,
        extract_date=args.extract_date,
    )
    for f in folders:
        print(f)
    print(f"{len(folders)} extract folder(s) in {time.perf_counter() - started:.1f}s")
    return 0
