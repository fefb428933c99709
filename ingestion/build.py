"""`build()`: the whole dbt project (seeds, models, snapshots, tests) against the configured database.

Shared by `cscw build` and (through the write-audit-publish step the orchestration issue adds) the
nightly DAG. The raw schema is created first (empty tables for every contract table, as the loader
makes them), so a build on a database nothing has been loaded into yet still succeeds.
"""

from __future__ import annotations

from pathlib import Path

from ingestion.dbt_runner import DbtRun, run_dbt


def ensure_raw_schema(url: str) -> None:
    from ingestion.contract import load_contract
    from ingestion.db import connect
    from ingestion.loader.schema import ensure_schema

    with connect(url) as conn:
        ensure_schema(conn, load_contract())


def build(
    url: str | None = None,
    *,
    vars: dict | None = None,
    select: str | None = None,
    exclude: str | None = None,
    full_refresh: bool = False,
    target_path: Path | str | None = None,
    threads: int | None = None,
) -> DbtRun:
    """Run `dbt build`; the result says what passed and failed (DbtRun.success, .failures)."""
    from ingestion.db import database_url

    url = url or database_url()
    ensure_raw_schema(url)
    args = ["build"]
    if select:
        args += ["--select", select]
    if exclude:
        args += ["--exclude", exclude]
    if full_refresh:
        args.append("--full-refresh")
    if threads:
        args += ["--threads", str(threads)]
    return run_dbt(args, url, vars=vars, target_path=target_path)
