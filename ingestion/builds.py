"""One build of the warehouse at a time, each reading a fixed set of loaded batches.

Every path that runs dbt over the warehouse (`cscw build`, `cscw nightly`, the DAG) starts a build here:

- the warehouse build lock (`ops.build_lock`, one row) names the build that holds it. A process that builds
  in one go (the CLI) keeps a dedicated database session open for the whole build and the lock names that
  session: if the process dies, the session ends and the lock is free at once. The DAG spans several
  tasks and processes, so its lock is kept alive by a heartbeat from its tasks and counts as abandoned
  after CSCW_BUILD_LOCK_STALE_MINUTES (default 180, the longest a task may run) without one. A second
  build fails fast (or waits, when asked) with a message naming the holder.
- the batches the build reads are pinned when it starts (`ops.build_batches`): every loaded batch at that
  moment. Staging and the history read through them (dbt var `build_id`, model stg_raw__build_batches),
  so a load that commits during the build waits for the next one, and the incremental models' watermarks
  are what the build read.
- its marts go to a build schema of its own (`marts__build_<build id>`), so one build can never publish
  another's half-built schema.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

from ingestion.names import BUILD_SCHEMA_PREFIX

log = logging.getLogger("cscw.builds")

LOCK_NAME = "warehouse"
STALE_MINUTES_ENV = "CSCW_BUILD_LOCK_STALE_MINUTES"
# builds whose pinned batches are kept (the freshness view reads the latest published one's)
KEEP_BUILDS = 30

DDL = """
create schema if not exists ops;
create table if not exists ops.builds (
    build_id      text primary key,
    owner         text not null,            -- who started it: 'cli ...' or 'airflow <run id>'
    run_id        text,                     -- its ops.pipeline_runs row, when part of a nightly run
    build_schema  text not null,
    as_at_extract_date date,                -- staging read the latest extract on or before this date
    status        text not null default 'building',  -- building | published | failed
    started_at    timestamptz not null default now(),
    finished_at   timestamptz,
    published_at  timestamptz
);
create table if not exists ops.build_batches (
    build_id      text not null references ops.builds (build_id) on delete cascade,
    la_code       text not null,
    batch_id      bigint not null,
    extract_date  date not null,
    primary key (build_id, batch_id)
);
create table if not exists ops.build_lock (
    lock_name     text primary key,
    build_id      text,
    owner         text,
    holder_pid    integer,                  -- the holder's dedicated session (CLI builds)
    holder_backend_start timestamptz,
    acquired_at   timestamptz,
    heartbeat_at  timestamptz
);
"""


class BuildLocked(RuntimeError):
    """Another build holds the warehouse build lock."""


@dataclass(frozen=True)
class Build:
    build_id: str
    build_schema: str
    owner: str
    run_id: str | None = None

    def dbt_vars(self) -> dict:
        """What dbt needs to build this build: the batches it reads, where its marts go, and failing data
        tests blamed on authorities rather than failing the build (ingestion.isolation)."""
        return {"build_id": self.build_id, "marts_schema": self.build_schema, "isolate_authorities": True}


def stale_after_minutes() -> int:
    value = os.environ.get(STALE_MINUTES_ENV)
    return int(value) if value else 180


def cli_owner() -> str:
    return f"cli {os.environ.get('USER', '?')}@{socket.gethostname()} pid {os.getpid()}"


def _lock(cur) -> None:
    """Acquirers and publishers take turns on the lock row (released at commit)."""
    cur.execute("select pg_advisory_xact_lock(hashtext('cscw.build_lock'))")


def ensure_tables(conn) -> None:
    with conn.cursor() as cur:
        cur.execute("select pg_advisory_xact_lock(hashtext('cscw.ops.ddl'))")
        cur.execute(DDL)
        cur.execute("insert into ops.build_lock (lock_name) values (%s) on conflict do nothing", (LOCK_NAME,))


def _holder(cur) -> dict | None:
    """The live holder of the lock, or None when it is free or its holder is gone."""
    cur.execute(
        """select l.build_id, l.owner, l.acquired_at, l.heartbeat_at, l.holder_pid,
                  case when l.holder_pid is not null then exists (
                           select from pg_stat_activity a
                           where a.pid = l.holder_pid and a.backend_start = l.holder_backend_start)
                       else l.heartbeat_at > now() - make_interval(mins => %s) end as alive
           from ops.build_lock l where l.lock_name = %s for update""",
        (stale_after_minutes(), LOCK_NAME),
    )
    row = cur.fetchone()
    if row is None or row[0] is None or not row[5]:
        return None
    return dict(zip(("build_id", "owner", "acquired_at", "heartbeat_at", "holder_pid"), row[:5], strict=True))


def describe(holder: dict) -> str:
    since = holder["acquired_at"].isoformat(timespec="seconds")
    beat = holder["heartbeat_at"].isoformat(timespec="seconds")
    return f"build {holder['build_id']} by {holder['owner']} (since {since}, last heartbeat {beat})"


def _new_build_id() -> str:
    return datetime.now(UTC).strftime("%Y%m%dt%H%M%S") + "_" + secrets.token_hex(3)


def start(
    conn,
    owner: str,
    *,
    run_id: str | None = None,
    holder_pid: int | None = None,
    as_at_extract_date: str | None = None,
) -> Build:
    """Take the build lock, pin the loaded batches and record the build; raises BuildLocked when another
    live build holds the lock. A build of the same nightly run (a retried task) takes it over."""
    ensure_tables(conn)
    with conn.cursor() as cur:
        _lock(cur)
        holder = _holder(cur)
        if holder is not None:
            cur.execute("select run_id from ops.builds where build_id = %s", (holder["build_id"],))
            row = cur.fetchone()
            if run_id is None or row is None or row[0] != run_id:
                conn.rollback()
                raise BuildLocked(
                    f"the warehouse is being built by {describe(holder)}; this build did not start. "
                    "Run it again when that one has finished."
                )
        build_id = _new_build_id()
        build = Build(build_id, f"{BUILD_SCHEMA_PREFIX}_{build_id}", owner, run_id)
        # The previous holder, if any, is gone or is this same run: its build did not publish.
        cur.execute("update ops.builds set status = 'failed', finished_at = now() where status = 'building'")
        cur.execute(
            """insert into ops.builds (build_id, owner, run_id, build_schema, as_at_extract_date)
               values (%s, %s, %s, %s, %s)""",
            (build.build_id, owner, run_id, build.build_schema, as_at_extract_date),
        )
        cur.execute("select to_regclass('raw._batches') is not null")
        if cur.fetchone()[0]:
            cur.execute(
                """insert into ops.build_batches (build_id, la_code, batch_id, extract_date)
                   select %s, la_code, batch_id, extract_date from raw._batches where status = 'loaded'""",
                (build.build_id,),
            )
        backend_start = None
        if holder_pid is not None:
            cur.execute("select backend_start from pg_stat_activity where pid = %s", (holder_pid,))
            backend_start = cur.fetchone()[0]
        cur.execute(
            """update ops.build_lock set build_id = %s, owner = %s, holder_pid = %s,
                   holder_backend_start = %s, acquired_at = now(), heartbeat_at = now()
               where lock_name = %s""",
            (build.build_id, owner, holder_pid, backend_start, LOCK_NAME),
        )
        _drop_other_build_schemas(cur, build.build_schema)
        _prune(cur)
    conn.commit()
    log.info("build %s started by %s", build.build_id, owner)
    return build


def _drop_other_build_schemas(cur, keep: str) -> None:
    """Build schemas of earlier builds (failed, or abandoned by a crash): no other build is running."""
    cur.execute(
        "select nspname from pg_namespace where nspname like %s and nspname <> %s",
        (BUILD_SCHEMA_PREFIX.replace("_", "\\_") + "%", keep),
    )
    for (name,) in cur.fetchall():
        cur.execute(f'drop schema "{name}" cascade')


def _prune(cur) -> None:
    """Keep the pinned batches of recent builds only (and always of the latest published one)."""
    cur.execute(
        """delete from ops.builds where build_id not in (
               (select build_id from ops.builds order by started_at desc limit %s)
               union all
               (select build_id from ops.builds where status = 'published'
                order by published_at desc limit 1))""",
        (KEEP_BUILDS,),
    )


def heartbeat(conn, build_id: str) -> None:
    with conn.cursor() as cur:
        cur.execute(
            "update ops.build_lock set heartbeat_at = now() where lock_name = %s and build_id = %s",
            (LOCK_NAME, build_id),
        )
    conn.commit()


def finish(conn, build_id: str) -> None:
    """Release the lock if this build holds it; a build that did not publish is recorded as failed."""
    with conn.cursor() as cur:
        _lock(cur)
        cur.execute(
            "update ops.builds set status = 'failed', finished_at = now()"
            " where build_id = %s and status = 'building'",
            (build_id,),
        )
        cur.execute(
            """update ops.build_lock set build_id = null, owner = null, holder_pid = null,
                   holder_backend_start = null, acquired_at = null, heartbeat_at = null
               where lock_name = %s and build_id = %s""",
            (LOCK_NAME, build_id),
        )
    conn.commit()


def for_run(conn, run_id: str) -> Build | None:
    """The latest build of a nightly run (the DAG's tasks find their build by the run id)."""
    with conn.cursor() as cur:
        cur.execute("select to_regclass('ops.builds') is not null")
        if not cur.fetchone()[0]:
            return None
        cur.execute(
            """select build_id, build_schema, owner, run_id from ops.builds where run_id = %s
               order by started_at desc limit 1""",
            (run_id,),
        )
        row = cur.fetchone()
    return Build(*row) if row else None


def check_can_publish(cur, build: Build) -> None:
    """Inside the publish transaction: this build still holds the lock and every batch it read is still
    the loaded one (a correction of the same night that committed during the build replaced it)."""
    from ingestion.publish import PublishError

    _lock(cur)
    cur.execute("select build_id, owner from ops.build_lock where lock_name = %s", (LOCK_NAME,))
    row = cur.fetchone()
    if row is None or row[0] != build.build_id:
        holder = f"build {row[0]} by {row[1]}" if row and row[0] else "nobody"
        raise PublishError(
            f"build {build.build_id} no longer holds the warehouse build lock (held by {holder}); "
            "nothing published"
        )
    cur.execute(
        """select bb.la_code, bb.extract_date::text, bb.batch_id from ops.build_batches bb
           left join raw._batches b on b.batch_id = bb.batch_id
           where bb.build_id = %s and b.status is distinct from 'loaded' order by 1, 2""",
        (build.build_id,),
    )
    replaced = cur.fetchall()
    if replaced:
        listed = ", ".join(f"{la} {d} (batch {b})" for la, d, b in replaced[:10])
        raise PublishError(
            f"{len(replaced)} extract(s) this build read were replaced while it ran: {listed}; nothing "
            "published. The next build reads the replacement."
        )


def extracts(cur, build_id: str) -> dict[str, str]:
    """la_code -> the extract date staging read for this build (the published marts are "as at" it)."""
    cur.execute(
        """select bb.la_code, max(bb.extract_date)::text from ops.build_batches bb
           join ops.builds b using (build_id)
           where bb.build_id = %s
             and (b.as_at_extract_date is null or bb.extract_date <= b.as_at_extract_date)
           group by 1""",
        (build_id,),
    )
    return dict(cur.fetchall())


def published_extracts(cur) -> dict[str, str]:
    """la_code -> extract date of the marts BI reads now (the last published build); empty before the
    first publish."""
    cur.execute(
        "select to_regclass('ops.builds') is not null, to_regclass('ops.authority_publications') is not null"
    )
    has_builds, has_publications = cur.fetchone()
    if (
        has_publications
    ):  # an authority whose data failed tests keeps its earlier extract (ingestion.isolation)
        cur.execute(
            "select la_code, data_as_at::text from ops.authority_publications where data_as_at is not null"
        )
        published = dict(cur.fetchall())
        if published:
            return published
    if not has_builds:
        return {}
    cur.execute(
        "select build_id from ops.builds where status = 'published' order by published_at desc limit 1"
    )
    row = cur.fetchone()
    return extracts(cur, row[0]) if row else {}


def mark_published(cur, build_id: str) -> None:
    cur.execute(
        "update ops.builds set status = 'published', published_at = now(), finished_at = now()"
        " where build_id = %s",
        (build_id,),
    )


@contextmanager
def held(
    url: str,
    owner: str | None = None,
    *,
    run_id: str | None = None,
    wait_seconds: float = 0,
    as_at_extract_date: str | None = None,
) -> Iterator[Build]:
    """A build for one process: the lock is held by a dedicated session for the whole block (a process
    that dies frees it at once) and released at the end. Waits up to `wait_seconds` for another build."""
    import psycopg2

    session = psycopg2.connect(url)
    session.autocommit = False
    try:
        with session.cursor() as cur:
            cur.execute("select pg_backend_pid()")
            pid = cur.fetchone()[0]
        session.commit()
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                build = start(
                    session,
                    owner or cli_owner(),
                    run_id=run_id,
                    holder_pid=pid,
                    as_at_extract_date=as_at_extract_date,
                )
                break
            except BuildLocked:
                if time.monotonic() >= deadline:
                    raise
                time.sleep(min(5.0, max(0.1, deadline - time.monotonic())))
        try:
            yield build
        finally:
            finish(session, build.build_id)
    finally:
        session.close()
