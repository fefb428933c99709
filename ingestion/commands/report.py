"""`cscw report --la CODE --year 2018-19 --out DIR`: the IRO annual report's figures, tables and charts
as HTML and PDF, generated from the KPI marts; `--pack corporate-parenting [--month 2019-03]` the monthly
Corporate Parenting Board scorecard instead."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HELP = "write the IRO annual report (performance pack) for an authority and year as HTML and PDF"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--la", required=True, help="the authority's DfE code, e.g. 888")
    parser.add_argument(
        "--pack",
        choices=("iro", "corporate-parenting"),
        default="iro",
        help="iro: the IRO annual report (default); corporate-parenting: the monthly board scorecard",
    )
    parser.add_argument(
        "--month", help="corporate-parenting: the scorecard's month, e.g. 2019-03 (default: the latest)"
    )
    parser.add_argument(
        "--year", help="financial year, e.g. 2018-19 (default: the latest complete year in the marts)"
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="output folder (default CSCW_REPORT_DIR, else CSCW_HOME/reports)",
    )
    parser.add_argument(
        "--publish", action="store_true", help="for publication: withhold small numbers (1-4) as DfE does"
    )
    parser.add_argument("--keep", type=int, default=None, help="keep only the newest N reports of this kind")
    parser.add_argument("--no-pdf", action="store_true", help="write the HTML only")


def run(args: argparse.Namespace) -> int:
    from ingestion.db import database_url
    from ingestion.report import render_report, report_dir

    if args.keep is not None and args.keep < 1:
        print("--keep must be at least 1", file=sys.stderr)
        return 2
    try:
        if args.pack == "corporate-parenting":
            from ingestion.report.board_pack import render_board_pack

            result = render_board_pack(
                database_url(),
                args.la,
                args.month,
                args.out or report_dir(),
                publish=args.publish,
                keep=args.keep,
                pdf=not args.no_pdf,
            )
        else:
            result = render_report(
                database_url(),
                args.la,
                args.year,
                args.out or report_dir(),
                publish=args.publish,
                keep=args.keep,
                pdf=not args.no_pdf,
            )
    except (LookupError, ValueError) as exc:
        print(f"cscw report: {exc}", file=sys.stderr)
        return 1
    print(f"report: {result.html_path}")
    if result.pdf_path:
        print(f"pdf: {result.pdf_path}")
    elif result.pdf_error:
        print(result.pdf_error, file=sys.stderr)
    for p in result.removed:
        print(f"removed old report {p}")
    return 0
