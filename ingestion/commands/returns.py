"""`cscw return 903 --la CODE --year 2025-26 --out DIR`: the SSDA903 return's files from the warehouse,
validated with the DfE's rules; the errors are recorded in the warehouse (docs/ssda903.md)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HELP = "write a statutory return's files (903: SSDA903) and validate them with the DfE rules"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("kind", choices=["903"], help="the return: 903 (SSDA903, children looked after)")
    parser.add_argument("--la", metavar="CODE", required=True, help="the authority's DfE code, e.g. 888")
    parser.add_argument("--year", metavar="YYYY-YY", required=True, help="collection year, e.g. 2025-26")
    parser.add_argument("--out", metavar="DIR", required=True, type=Path, help="folder for the CSV files")
    parser.add_argument("--no-validate", action="store_true", help="write the files only")
    parser.add_argument("--ons-code", help="the authority's ONS code (default: la_ons_codes.csv)")
    parser.add_argument("--url", help="database URL (default: the configured warehouse)")


def run(args: argparse.Namespace) -> int:
    from ingestion.db import database_url
    from ingestion.returns.run import ReturnError, produce

    try:
        result = produce(
            args.url or database_url(),
            args.la,
            args.year,
            args.out,
            validate=not args.no_validate,
            ons=args.ons_code,
        )
    except (ReturnError, ValueError) as err:
        print(f"cscw return: {err}", file=sys.stderr)
        return 2
    print(
        f"SSDA903 {result.year} for {result.la_code}: {result.children} children, files in {result.out_dir}"
    )
    for name, n in result.rows.items():
        print(f"  {name:<26} {n:>7} rows")
    if result.errors is None:
        return 0
    print(f"DfE validation: {result.errors} errors ({result.errors_per_100_children:.1f} per 100 children)")
    for rule, n in sorted(result.by_rule.items(), key=lambda kv: -kv[1])[:15]:
        print(f"  rule {rule:<10} {n:>7}")
    if result.failed_rules:
        print(f"  rules the validator could not run: {', '.join(result.failed_rules)}")
    return 0
