"""`build()`: the whole dbt project (seeds, models, snapshots, tests) against the configured database.

`build_and_publish()` is what `cscw build` runs: the marts are built and tested in the build schema and
swapped into `marts` only when everything passed, by the same publish step the nightly DAG uses
(`ingestion.publish`), so BI never sees a half-built or failed night.

The raw schema is created first (empty tables for every contract table, as the loader makes
them), so a build on a database nothing has been loaded into yet still succeeds.
"""

from __future__ import annotations

from pathlib import Path

from ingestion.dbt_runner import DbtRun, run_dbt


def prepare_warehouse(url: str, vars: dict | None = None) -> None:
    """Before any build: the raw schema and its statistics, and the incremental models reset if the
    project's definition changed (`cscw build` and the nightly pipeline's prepare step both call it)."""
    from ingestion import warehouse_state
    from ingestion.contract import load_contract
    from ingestion.db import connect
    from ingestion.grants import secure_database
    from ingestion.loader.schema import analyze_raw, ensure_schema
    from ingestion.pseudonym import install_key

    with connect(url) as conn:
        install_key(conn)  # child_key reads it inside the database (ingestion.pseudonym)
        secure_database(conn)  # the BI role: CONNECT here and the published marts only (ingestion.grants)
        ensure_schema(conn, load_contract())
        analyze_raw(conn)
        warehouse_state.reset_if_changed(conn, vars)


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
    prepare_warehouse(url, vars)
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


def build_and_publish(url: str | None = None, *, publish: bool = True, **build_options):
    """Write-audit-publish: build into the build schema, then publish when every node passed.

    Returns (DbtRun, PublishResult or None). Nothing is published after a failure, or when `publish` is
    false (a partial `--select` build must never replace the whole published marts).
    """
    from ingestion import publish as wap
    from ingestion.db import connect, database_url

    url = url or database_url()
    vars = {**(build_options.pop("vars", None) or {}), "marts_schema": wap.BUILD_SCHEMA}
    with connect(url) as conn:
        wap.reset_build_schema(conn)
    result = build(url, vars=vars, **build_options)
    if not (result.success and publish):
        return result, None
    with connect(url) as conn:
        return result, wap.publish(conn)
