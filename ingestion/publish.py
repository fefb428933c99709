"""Write-audit-publish for the marts.

dbt builds the marts into the build's own schema (`var('marts_schema')`: `marts__build_<build id>`, see
ingestion.builds) and tests them there. Only when every test passed does `publish()` swap that schema into
`marts` in ONE transaction: BI sessions see either the whole previous publish or the whole new one, never
a mix, and a failed or running build never touches `marts`. Every publish (`cscw build`, `cscw nightly`,
the DAG) goes through here, so `marts.data_freshness` always says what the marts are "as at".

The swap renames schemas, so objects keep their OIDs: tables, their grants and views inside `marts`
that reference other `marts` objects all move with it. The previous publish stays as `marts__previous`
until the next one, so a manual rollback is one more swap (docs/operations.md).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from ingestion import builds, isolation, ops, row_security
from ingestion.names import MARTS, PREVIOUS_SCHEMA, REPORTER_ROLE

log = logging.getLogger("cscw.publish")


class PublishError(RuntimeError):
    pass


@dataclass
class PublishResult:
    relations: int
    previous_kept: bool
    withheld: dict[str, str] = field(default_factory=dict)  # la_code -> why it kept earlier figures


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


def _lock_tables(cur, schemas: list[str]) -> None:
    """Take the tables the swap changes (the build's, and the previous marts it drops) before touching
    any catalog row. Autovacuum analyses freshly built tables; if it holds one when the publish has
    already granted on it, its statistics update waits for the publish, the publish waits for its lock,
    and Postgres aborts the publish as a deadlock (seen at 33 authorities). Locked first, the publish
    waits for autovacuum without holding anything it needs, and Postgres cancels the autovacuum."""
    cur.execute(
        """select format('%%I.%%I', n.nspname, c.relname)
           from pg_class as c join pg_namespace as n on n.oid = c.relnamespace
           where n.nspname = any(%s) and c.relkind in ('r', 'p', 'm')
           order by 1""",
        (schemas,),
    )
    tables = [r[0] for r in cur.fetchall()]
    if tables:
        cur.execute(f"lock table {', '.join(tables)} in access exclusive mode")


def publish(conn, build: builds.Build, withheld: dict[str, str] | None = None) -> PublishResult:
    """Swap the build's schema into `marts` in one transaction; the build (and its nightly run, if any)
    is recorded as published in the same one. Refuses unless the build still holds the build lock and
    every batch it read is still the loaded one. The `withheld` authorities (la_code -> reason, from
    ingestion.isolation.judge) keep their published figures and are flagged stale."""
    withheld = dict(withheld or {})
    schema = build.build_schema
    if schema == MARTS:
        raise PublishError("the build schema cannot be `marts` itself")
    ops.ensure_ops(conn)
    builds.ensure_tables(conn)
    with conn.cursor() as cur:
        # One publisher at a time, and never a build that lost the lock or read a replaced extract.
        cur.execute("select pg_advisory_xact_lock(hashtext('cscw.publish'))")
        builds.check_can_publish(cur, build)
        _lock_tables(cur, [schema, PREVIOUS_SCHEMA])
        if not _schema_exists(cur, schema):
            raise PublishError(f"nothing to publish: schema {schema} does not exist")
        relations = _relation_count(cur, schema)
        if relations == 0:
            raise PublishError(f"nothing to publish: schema {schema} is empty")
        fresh = builds.extracts(cur, build.build_id)
        if withheld:
            fresh = {la: d for la, d in fresh.items() if la not in withheld}
            if not fresh:
                raise PublishError(f"every authority's data failed tests ({', '.join(sorted(withheld))})")
            if _schema_exists(cur, MARTS):
                isolation.keep_previous_figures(cur, schema, MARTS, sorted(withheld))
        cur.execute(f'drop schema if exists "{PREVIOUS_SCHEMA}" cascade')
        had_marts = _schema_exists(cur, MARTS)
        if had_marts:
            cur.execute(f'alter schema "{MARTS}" rename to "{PREVIOUS_SCHEMA}"')
        cur.execute(f'alter schema "{schema}" rename to "{MARTS}"')
        builds.mark_published(cur, build.build_id)
        if build.run_id is not None:
            ops.mark_published(cur, build.run_id, fresh, withheld)
        isolation.record_publications(cur, build, fresh, withheld)
        # The freshness view lives in the swapped schema, so it is (re)created with every publish.
        cur.execute(isolation.DATA_FRESHNESS_VIEW.format(schema=f'"{MARTS}"'))
        grant_reporter(cur, MARTS)
        row_security.apply(cur, MARTS)  # the new tables' policies, before anyone can read them
    conn.commit()
    log.info("published %s relations from %s into %s", relations, schema, MARTS)
    isolation.announce(withheld, build.run_id)
    return PublishResult(relations=relations, previous_kept=had_marts, withheld=withheld)
