"""Write-audit-publish for the marts.

dbt builds the marts into a build schema (`var('marts_schema')`, default here `marts__build`) and tests
them there. Only when every test passed does `publish()` swap the build schema into `marts` in ONE
transaction: BI sessions see either the whole previous night or the whole new one, never a mix, and a
failed or running build never touches `marts`.

The swap renames schemas, so objects keep their OIDs: tables, their grants and views inside `marts`
that reference other `marts` objects all move with it. The previous night stays as `marts__previous`
until the next publish, so a manual rollback is one more swap (docs/operations.md).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass

from ingestion import ops

log = logging.getLogger("cscw.publish")

MARTS = "marts"
BUILD_SCHEMA = "marts__build"
PREVIOUS_SCHEMA = "marts__previous"
REPORTER_ROLE = "reporter"  # the BI role: reads `marts` only


class PublishError(RuntimeError):
    pass


@dataclass
class PublishResult:
    relations: int
    previous_kept: bool


def _schema_exists(cur, name: str) -> bool:
    cur.execute("select 1 from pg_namespace where nspname = %s", (name,))
    return cur.fetchone() is not None


def _relation_count(cur, schema: str) -> int:
    cur.execute(
        """select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace
           where n.nspname = %s and c.relkind in ('r', 'v', 'm', 'p')""",
        (schema,),
    )
    return cur.fetchone()[0]


def reset_build_schema(conn, build_schema: str = BUILD_SCHEMA) -> None:
    """Drop any leftover build schema so a night never publishes a previous night's objects."""
    with conn.cursor() as cur:
        cur.execute(f'drop schema if exists "{build_schema}" cascade')
    conn.commit()


def latest_extracts(cur) -> dict[str, str]:
    """la_code -> the newest loaded extract date: what the published marts are "as at"."""
    cur.execute("select to_regclass('raw._batches')")
    if cur.fetchone()[0] is None:
        return {}
    cur.execute(
        "select la_code, max(extract_date)::text from raw._batches where status = 'loaded' group by 1"
    )
    return dict(cur.fetchall())


def grant_reporter(cur, schema: str = MARTS) -> bool:
    """Re-apply the BI role's read grants on `schema` (same SQL as the KPI macro grant_reporter)."""
    cur.execute("select 1 from pg_roles where rolname = %s", (REPORTER_ROLE,))
    if cur.fetchone() is None:
        return False
    cur.execute(f'grant usage on schema "{schema}" to {REPORTER_ROLE}')
    cur.execute(f'grant select on all tables in schema "{schema}" to {REPORTER_ROLE}')
    if schema == MARTS:
        from ingestion.grants import reporter_reads_marts_only

        reporter_reads_marts_only(cur)  # e.g. the USAGE that moved to marts__previous with the rename
    return True


def publish(conn, *, run_id: str | None = None, build_schema: str = BUILD_SCHEMA) -> PublishResult:
    """Swap `build_schema` into `marts` in one transaction; record the run as published in the same one."""
    if build_schema == MARTS:
        raise PublishError("the build schema cannot be `marts` itself")
    ops.ensure_ops(conn)
    with conn.cursor() as cur:
        # One publisher at a time (two Airflow runs, or a CLI run beside the DAG).
        cur.execute("select pg_advisory_xact_lock(hashtext('cscw.publish'))")
        if not _schema_exists(cur, build_schema):
            raise PublishError(f"nothing to publish: schema {build_schema} does not exist")
        relations = _relation_count(cur, build_schema)
        if relations == 0:
            raise PublishError(f"nothing to publish: schema {build_schema} is empty")
        cur.execute(f'drop schema if exists "{PREVIOUS_SCHEMA}" cascade')
        had_marts = _schema_exists(cur, MARTS)
        if had_marts:
            cur.execute(f'alter schema "{MARTS}" rename to "{PREVIOUS_SCHEMA}"')
        cur.execute(f'alter schema "{build_schema}" rename to "{MARTS}"')
        if run_id is not None:
            cur.execute(
                """update ops.pipeline_runs set published = true, published_at = now(), status = 'published',
                   extracts = %s::jsonb where run_id = %s""",
                (json.dumps(latest_extracts(cur)), run_id),
            )
        # The freshness view lives in the swapped schema, so it is (re)created with every publish.
        cur.execute(ops.DATA_FRESHNESS_VIEW.format(schema=f'"{MARTS}"'))
        grant_reporter(cur, MARTS)
    conn.commit()
    log.info("published %s relations from %s into %s", relations, build_schema, MARTS)
    return PublishResult(relations=relations, previous_kept=had_marts)
