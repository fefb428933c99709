"""`cscw demo`: the whole nightly job end to end on this machine. Starts the embedded Postgres, writes a
synthetic Lancashire extract (no real data) into the landing area, runs the REAL Airflow DAG
`nightly_case_extract` with dag.test() (SQLite metadata under CSCW_HOME/airflow), then prints the run
record, the headline KPIs and where the IRO report is."""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import date, datetime
from zoneinfo import ZoneInfo

HELP = "run the nightly Airflow DAG end to end on a freshly generated synthetic extract"
DEMO_LA = "888"  # the lancashire profile's DfE code


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--scale", type=float, default=0.25, help="generator scale (default 0.25)")
    parser.add_argument("--years", type=int, default=6, help="years of history (default 6)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--extract-date", type=date.fromisoformat, help="the night (default: today in Europe/London)"
    )
    parser.add_argument("--no-report", action="store_true", help="skip the IRO report")


def _say(msg: str) -> None:
    print(msg, flush=True)


def run(args: argparse.Namespace) -> int:
    from ingestion import airflow_env
    from ingestion.config import settings
    from ingestion.db import database_url
    from ingestion.pipeline.dbt_steps import prepare_dbt
    from ingestion.pipeline.landing import extract_dir, manifest_ready

    started = time.monotonic()
    s = settings()
    extract_date = args.extract_date or datetime.now(ZoneInfo("Europe/London")).date()
    _say(f"1/5 starting the warehouse database (CSCW_HOME={s.home})")
    url = database_url(s)

    folder = extract_dir(s.landing_dir, DEMO_LA, extract_date)
    if manifest_ready(s.landing_dir, DEMO_LA, extract_date):
        _say(f"2/5 extract already in the landing area: {folder}")
    else:
        from ingestion.generator import generate

        _say(f"2/5 generating a synthetic lancashire extract for {extract_date} (scale {args.scale})")
        generate(
            s.landing_dir,
            profile="lancashire",
            years=args.years,
            nights=1,
            scale=args.scale,
            seed=args.seed,
            extract_date=extract_date,
        )

    _say("3/5 preparing dbt (the manifest Cosmos renders the DAG from)")
    prepare_dbt()

    _say("4/5 running the Airflow DAG nightly_case_extract with dag.test()")
    # Cosmos watcher mode: one `dbt build` mirrored into a task per model, about twice as fast as a
    # dbt command per task in series (docs/benchmarks.md, "Pipeline"); CSCW_DBT_EXECUTION_MODE wins.
    os.environ.setdefault("CSCW_DBT_EXECUTION_MODE", "watcher")
    # Task logs (thousands of lines of Airflow and dbt INFO) stay in the log folder printed at the end;
    # the terminal shows warnings and errors. AIRFLOW__LOGGING__LOGGING_LEVEL=INFO shows everything.
    os.environ.setdefault("AIRFLOW__LOGGING__LOGGING_LEVEL", "WARNING")
    airflow_env.apply(url)
    airflow_env.migrate()
    result = airflow_env.run_night(extract_date, landing_dir=s.landing_dir)
    rec = result["record"]
    _say(
        f"    run {result['run_id']}: {result['state']}; rows loaded {rec.get('rows_loaded')}, "
        f"dbt tests passed {rec.get('tests_passed')} failed {rec.get('tests_failed')}, "
        f"published {rec.get('published')}"
    )
    if result["state"] != "success":
        _say(f"    failed at {rec.get('failed_step')}: {rec.get('error')}")
        return 1

    _say("5/5 headline KPIs")
    print_headline_kpis(url, DEMO_LA)
    if not args.no_report and not print_report(url, DEMO_LA, s.home / "reports"):
        return 1
    _say(f"done in {time.monotonic() - started:.0f}s. Airflow logs: {airflow_env.airflow_home() / 'logs'}")
    return 0


def print_headline_kpis(url: str, la_code: str) -> None:
    """The same table and warnings `cscw kpis --la CODE` prints (its own fetch and format functions)."""
    from ingestion import authority
    from ingestion.commands import kpis
    from ingestion.db import connect

    with connect(url) as conn:
        rows = kpis.fetch(conn, la_code, None)
        authority.warn(authority.lookup(conn, la_code), sys.stdout)
    print(kpis.format_table(rows) if rows else "    (no headline KPIs published for this authority)")


def print_report(url: str, la_code: str, out_dir) -> bool:
    """Write the report, HTML and PDF; say loudly what is missing. Whether both were written."""
    from ingestion.report import render_report

    try:
        result = render_report(url, la_code, None, out_dir, pdf=True)
    except (LookupError, ValueError) as exc:
        _loud(f"NO REPORT: {exc}")
        return False
    _say(f"    IRO report: {result.html_path}")
    if result.pdf_path:
        _say(f"    IRO report PDF: {result.pdf_path}")
        return True
    _loud(f"NO PDF: {result.pdf_error}")
    return False


def _loud(msg: str) -> None:
    bar = "!" * 100
    print(f"{bar}\n!! {msg}\n{bar}", file=sys.stderr, flush=True)
