"""`build()`: the whole dbt project (seeds, models, snapshots, tests) against the configured database.

`build_and_publish()` is what `cscw build` runs: under the warehouse build lock, with the loaded batches
pinned when it starts (ingestion.builds), the marts are built and tested in the build's own schema and
swapped into `marts` only when everything passed, by the same publish step the nightly DAG uses
(`ingestion.publish`), so BI never sees a half-built or failed night.

The raw schema is created first (empty tables for every contract table, as the loader makes
them), so a build on a database nothing has been loaded into yet still succeeds.
"""

from __future__ import annotations

from pathlib import Path

from ingestion.builds import Build
from ingestion.dbt_runner import DbtRun, run_dbt


def prepare_warehouse(url: str, vars: dict | None = None) -> None:
    """Before any build: the raw schema and its statistics, and the incremental models reset if the
    project's definition changed (`cscw build` and the nightly pipeline's prepare step both call it)."""
    from ingestion import warehouse_state
    from ingestion.contract import load_contract
    from ingestion.db import connect
    from ingestion.grants import secure_database
    from ingestion.history_import.store import ensure_import_tables
    from ingestion.loader.schema import analyze_raw, ensure_schema
    from ingestion.pseudonym import install_key

    with connect(url) as conn:
        install_key(conn)  # child_key reads it inside the database (ingestion.pseudonym)
        secure_database(conn)  # the BI role: CONNECT here and the published marts only (ingestion.grants)
        ensure_schema(conn, load_contract())
        ensure_import_tables(conn)  # past SSDA903 returns (docs/ssda903.md): the dbt sources read them
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
    in_build: Build | None = None,
    lock_wait: float = 0,
) -> DbtRun:
    """Run `dbt build`; the result says what passed and failed (DbtRun.success, .failures).

    It reads the batches pinned by `in_build`, or by a build of its own that holds the build lock for
    the whole run (raises ingestion.builds.BuildLocked when another build holds it after `lock_wait`
    seconds). The marts go where vars' `marts_schema` says (default `marts`)."""
    from ingestion import builds
    from ingestion.db import database_url

    url = url or database_url()
    if in_build is None:
        as_at = (vars or {}).get("as_at_extract_date")
        with builds.held(url, wait_seconds=lock_wait, as_at_extract_date=as_at) as own:
            return build(
                url,
                vars=vars,
                select=select,
                exclude=exclude,
                full_refresh=full_refresh,
                target_path=target_path,
                threads=threads,
                in_build=own,
            )
    vars = {**(vars or {}), "build_id": in_build.build_id}
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


def build_and_publish(url: str | None = None, *, publish: bool = True, lock_wait: float = 0, **build_options):
    """Write-audit-publish: under the build lock, build into this build's own schema, then publish when
    every node passed, or every authority whose data passed (ingestion.isolation: the PublishResult's
    `withheld` names the others, which keep their published figures). Returns (DbtRun, PublishResult or
    None). Nothing is published after a failure no authority can be blamed for, or when `publish` is
    false (a partial `--select` build must never replace the whole published marts).
    Raises ingestion.builds.BuildLocked when another build holds the lock."""
    from ingestion import builds
    from ingestion.db import connect, database_url
    from ingestion.isolation import ISOLATE_VAR
    from ingestion.pipeline.publishing import publish_passing
    from ingestion.publish import PublishError

    url = url or database_url()
    vars = build_options.pop("vars", None) or {}
    as_at = vars.get("as_at_extract_date")
    with builds.held(url, wait_seconds=lock_wait, as_at_extract_date=as_at) as own:
        vars = {**vars, "marts_schema": own.build_schema, **({ISOLATE_VAR: True} if publish else {})}
        result = build(url, vars=vars, in_build=own, **build_options)
        if not (result.success and publish):
            return result, None
        nodes = {r["unique_id"]: r["status"] for r in result.results if r.get("unique_id")}
        with connect(url) as conn:
            try:
                return result, publish_passing(conn, own, nodes, result.target_path / "manifest.json")
            except PublishError as err:  # a failure no authority can be blamed for: nothing published
                result.success, result.exception = False, err
                return result, None
