"""`cscw demo`: the whole nightly job end to end on this machine. Starts the embedded Postgres, writes a
synthetic Lancashire extract (no real data) into the landing area, runs the REAL Airflow DAG
`nightly_case_extract` with dag.test() (SQLite metadata under CSCW_HOME/airflow), then prints the run
record, the headline KPIs and where the two reports are: the IRO annual report and the Corporate
Parenting Board pack, each as HTML and PDF."""

from __future__ import annotations

import argparse
import logging
import os
import sqlite3
import sys
import threading
import time
from datetime import date, datetime
from pathlib import Path
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
    parser.add_argument("--no-report", action="store_true", help="skip the two reports")


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
    _say(f"1/6 starting the warehouse database (CSCW_HOME={s.home})")
    url = database_url(s)

    folder = extract_dir(s.landing_dir, DEMO_LA, extract_date)
    if manifest_ready(s.landing_dir, DEMO_LA, extract_date):
        _say(f"2/6 extract already in the landing area: {folder}")
    else:
        from ingestion.generator import generate

        _say(f"2/6 generating a synthetic lancashire extract for {extract_date} (scale {args.scale})")
        generate(
            s.landing_dir,
            profile="lancashire",
            years=args.years,
            nights=1,
            scale=args.scale,
            seed=args.seed,
            extract_date=extract_date,
        )

    _say("3/6 preparing dbt (the manifest Cosmos renders the DAG from)")
    prepare_dbt()

    _say("4/6 running the Airflow DAG nightly_case_extract with dag.test()")
    # Cosmos watcher mode: one `dbt build` mirrored into a task per model, about twice as fast as a
    # dbt command per task in series (docs/benchmarks.md, "Pipeline"); CSCW_DBT_EXECUTION_MODE wins.
    os.environ.setdefault("CSCW_DBT_EXECUTION_MODE", "watcher")
    # Task logs (thousands of lines of Airflow and dbt INFO) stay in the log folder printed at the end;
    # the terminal shows warnings and errors. AIRFLOW__LOGGING__LOGGING_LEVEL=INFO shows everything.
    os.environ.setdefault("AIRFLOW__LOGGING__LOGGING_LEVEL", "WARNING")
    # Two warnings nobody can act on, about 250 lines: Cosmos makes no task for dbt's on-run-start hooks
    # and exposures (by design), and dag.test() records asset events of a DAG it never serialised
    # (a scheduler run has no such warning). AIRFLOW__LOGGING__NAMESPACE_LEVELS set by hand wins.
    os.environ.setdefault("AIRFLOW__LOGGING__NAMESPACE_LEVELS", "airflow.assets.manager=ERROR")
    airflow_env.apply(url)
    airflow_env.migrate()
    # Cosmos logs through the standard library, which Airflow's namespace levels do not reach. The
    # OpenLineage artefact reader Cosmos calls (nothing is emitted: no provider, no transport) warns,
    # a whole manifest node per line, for every data test that stores its failing rows.
    logging.getLogger("cosmos.airflow.graph").setLevel(logging.ERROR)
    logging.getLogger("openlineage.common.provider.dbt").setLevel(logging.ERROR)
    with Progress(airflow_env.airflow_home() / "airflow.db"):
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

    _say("5/6 headline KPIs")
    print_headline_kpis(url, DEMO_LA)
    written = True
    if not args.no_report:
        _say(f"6/6 writing the reports into {s.home / 'reports'}")
        written = print_reports(url, DEMO_LA, s.home / "reports")
    _say(f"\ndone in {time.monotonic() - started:.0f}s. Airflow logs: {airflow_env.airflow_home() / 'logs'}")
    return 0 if written else 1


class Progress:
    """A line a minute while the DAG runs ("12 of 214 tasks finished, 1 running, 3 min"), read from the
    Airflow metadata database: a night takes minutes, and silence looks like a hang."""

    def __init__(self, metadata_db: Path, every: float = 60.0):
        self.metadata_db, self.every = metadata_db, every
        self.stop = threading.Event()
        self.first_run_id = self._latest_run_id() + 1  # runs from before this one are not counted
        self.thread = threading.Thread(target=self._loop, name="demo-progress", daemon=True)

    def __enter__(self) -> Progress:
        self.started = time.monotonic()
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join(timeout=5)

    def _query(self, sql: str, params=()) -> list[tuple]:
        if not self.metadata_db.exists():
            return []
        conn = sqlite3.connect(f"file:{self.metadata_db}?mode=ro", uri=True, timeout=2)
        try:
            return conn.execute(sql, params).fetchall()
        finally:
            conn.close()

    def _latest_run_id(self) -> int:
        try:
            return int(self._query("select coalesce(max(id), 0) from dag_run")[0][0])
        except (sqlite3.Error, IndexError):
            return 0  # no metadata database yet

    def counts(self) -> dict[str, int]:
        """Task states of this demo's DAG run (none before the run has started)."""
        rows = self._query(
            "select ti.state, count(*) from task_instance as ti join dag_run as dr"
            " on ti.dag_id = dr.dag_id and ti.run_id = dr.run_id where dr.id >= ? group by ti.state",
            (self.first_run_id,),
        )
        return {str(state): n for state, n in rows}

    def _loop(self) -> None:
        while not self.stop.wait(self.every):
            try:
                counts = self.counts()
            except sqlite3.Error:
                continue  # the database is busy being written: next minute
            if counts:
                done = sum(n for state, n in counts.items() if state in FINISHED)
                minutes = (time.monotonic() - self.started) / 60
                _say(
                    f"    ... {done} of {sum(counts.values())} tasks finished, "
                    f"{counts.get('running', 0)} running ({minutes:.0f} min)"
                )


FINISHED = {"success", "failed", "skipped", "upstream_failed", "removed"}


def print_headline_kpis(url: str, la_code: str) -> None:
    """The same table and warnings `cscw kpis --la CODE` prints (its own fetch and format functions)."""
    from ingestion import authority
    from ingestion.commands import kpis
    from ingestion.db import connect

    with connect(url) as conn:
        rows = kpis.fetch(conn, la_code, None)
        authority.warn(authority.lookup(conn, la_code), sys.stdout)
    print(kpis.format_table(rows) if rows else "    (no headline KPIs published for this authority)")


def print_reports(url: str, la_code: str, out_dir, *, pdf: bool = True) -> bool:
    """Write the IRO annual report (latest complete year) and the Corporate Parenting Board pack
    (latest month), each HTML and PDF, then list where they are; say loudly what could not be written.
    Whether everything was written."""
    from ingestion.report import render_report
    from ingestion.report.board_pack import render_board_pack

    reports = (("IRO annual report", render_report), ("Corporate Parenting Board pack", render_board_pack))
    written, ok = [], True
    for title, render in reports:
        try:
            result = render(url, la_code, None, out_dir, pdf=pdf)
        except (LookupError, ValueError) as exc:
            _loud(f"NO {title.upper()}: {exc}")
            ok = False
            continue
        written.append((title, result.pdf_path or result.html_path))
        if pdf and not result.pdf_path:
            _loud(f"NO PDF of the {title}: {result.pdf_error}")
            ok = False
    if written:
        width = max(len(title) for title, _ in written)
        _say("\nYour reports (the PDF, with report.html beside it for a browser):")
        for title, path in written:
            _say(f"    {title.ljust(width)}  {path}")
    return ok


def _loud(msg: str) -> None:
    bar = "!" * 100
    print(f"{bar}\n!! {msg}\n{bar}", file=sys.stderr, flush=True)
