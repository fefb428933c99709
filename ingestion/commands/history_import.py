"""`cscw import 903 --la CODE DIR`: an authority's past SSDA903 returns loaded as history for the
placement-stability KPIs (docs/ssda903.md, "Importing past returns")."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HELP = "import an authority's past statutory returns (903: SSDA903) as history for the KPIs"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("kind", choices=["903"], help="the return: 903 (SSDA903, children looked after)")
    parser.add_argument(
        "directory", type=Path, metavar="DIR", help="a folder of year folders (2017-18, ...) of 903 CSV files"
    )
    parser.add_argument("--la", metavar="CODE", required=True, help="the authority's DfE code, e.g. 888")
    parser.add_argument("--year", metavar="YYYY-YY", help="DIR holds one year's files: that collection year")
    parser.add_argument("--url", help="database URL (default: the configured warehouse)")


def run(args: argparse.Namespace) -> int:
    from ingestion.db import database_url
    from ingestion.history_import import ImportFileError, import_903

    try:
        result = import_903(args.url or database_url(), args.la, args.directory, args.year)
    except (ImportFileError, ValueError) as err:
        print(f"cscw import: {err}", file=sys.stderr)
        print("nothing was imported; fix the file and run the same command again", file=sys.stderr)
        return 2
    for year, files in result.imported.items():
        counts = ", ".join(f"{name} {n}" for name, n in files.items())
        print(f"SSDA903 {year} for {result.la_code}: imported ({counts})")
    for year in result.unchanged:
        print(f"SSDA903 {year} for {result.la_code}: unchanged (the same files are already imported)")
    if result.unmatched is None:
        print(
            f"{result.children} children in the imported returns; no extract of {result.la_code} loaded yet"
        )
    else:
        print(
            f"{result.children} children in the imported returns, {result.unmatched} of them not in the"
            " latest loaded extract (CHILD is matched to pers_person_id; those are used nowhere)"
        )
    print("the imported history is used from the next `cscw build`")
    return 0
