"""Row-level security on the published marts: one warehouse for several authorities (a regional hub).

Reader roles (NOLOGIN groups; people log in as their members), registered in `ops.reader_roles`:

- an authority role (`cscw roles add la_888 --la 888`) reads its own authority's rows of every `marts`
  table that has a `la_code` column, unsuppressed, and the other authorities only through the
  publication views (`marts.pub_*`, small numbers suppressed);
- a hub analyst role (`cscw roles add hub_analyst --hub`) reads every authority's rows;
- `reporter`, the BI role of a single-authority warehouse, keeps reading every row.

Postgres policies do it: every `marts` table with `la_code` has row level security enabled, a policy
`cscw_all_rows` (USING true) for `reporter` and the hub analysts, and one policy per authority role
(USING la_code = its code). The publication views run with their owner's rights (the build role, not
subject to the policies), so they show every authority, suppressed; every other view in `marts` is
made `security_invoker`, so it cannot read around the policies. Reader roles get no CREATE or TEMP
anywhere (ingestion.grants), so they cannot make views or functions of their own.

The marts are rebuilt by every build and swapped in by the publish step: `apply()` runs inside the
publish transaction, after the swap, so no published table is ever without its policies.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from psycopg2 import sql

from ingestion.grants import ensure_reporter, reporter_reads_marts_only
from ingestion.names import MARTS, REPORTER_ROLE

POLICY_PREFIX = "cscw_"
ALL_ROWS_POLICY = "cscw_all_rows"
PUBLICATION_VIEW_PREFIX = "pub_"  # views that suppress small numbers: they read every authority
OWNER_RIGHTS_VIEWS = ("data_freshness",)  # publish's own view: "as at" dates, no figures
ROLE_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")
LA_CODE = re.compile(r"\d{3}")

DDL = """
create schema if not exists ops;
create table if not exists ops.reader_roles (
    role_name   text primary key,
    la_code     text,                       -- null: a hub analyst (every authority)
    created_at  timestamptz not null default now()
);
"""


class RoleError(ValueError):
    pass


@dataclass(frozen=True)
class ReaderRole:
    role_name: str
    la_code: str | None

    @property
    def describe(self) -> str:
        return f"authority {self.la_code}" if self.la_code else "hub analyst (every authority)"


def ensure_tables(cur) -> None:
    cur.execute("select pg_advisory_xact_lock(hashtext('cscw.ops.ddl'))")
    cur.execute(DDL)


def reader_roles(cur) -> list[ReaderRole]:
    cur.execute("select to_regclass('ops.reader_roles') is not null")
    if not cur.fetchone()[0]:
        return []
    cur.execute("select role_name, la_code from ops.reader_roles order by la_code nulls first, role_name")
    return [ReaderRole(*row) for row in cur.fetchall()]


def _lock(cur) -> None:
    """Role changes and publishes take turns: both rewrite the policies on `marts`."""
    cur.execute("select pg_advisory_xact_lock(hashtext('cscw.publish'))")


def add_role(conn, role_name: str, la_code: str | None) -> ReaderRole:
    """Create (or re-register) a reader role and apply the policies to the published marts (commits)."""
    if not ROLE_NAME.fullmatch(role_name) or role_name.startswith("pg_"):
        raise RoleError(f"{role_name!r} is not a usable role name (lower-case letters, digits, _)")
    if role_name == REPORTER_ROLE:
        raise RoleError(f"{REPORTER_ROLE} is the single-authority BI role and reads every row already")
    if la_code is not None and not LA_CODE.fullmatch(la_code):
        raise RoleError(f"--la {la_code!r}: an authority is its three-digit DfE code, e.g. 888")
    with conn.cursor() as cur:
        _lock(cur)
        ensure_tables(cur)
        cur.execute("select rolsuper or rolbypassrls from pg_roles where rolname = %s", (role_name,))
        row = cur.fetchone()
        if row is not None and row[0]:
            raise RoleError(f"role {role_name} is a superuser or bypasses row level security")
        if row is None:
            cur.execute(sql.SQL("create role {} nologin").format(sql.Identifier(role_name)))
        cur.execute(
            """insert into ops.reader_roles (role_name, la_code) values (%s, %s)
               on conflict (role_name) do update set la_code = excluded.la_code""",
            (role_name, la_code),
        )
        cur.execute("select current_database()")
        database = cur.fetchone()[0]
        cur.execute(
            sql.SQL("grant connect on database {} to {}").format(
                sql.Identifier(database), sql.Identifier(role_name)
            )
        )
        apply(cur)
    conn.commit()
    return ReaderRole(role_name, la_code)


def remove_role(conn, role_name: str) -> bool:
    """Drop a registered reader role (its grants and policies go with it); False when not registered."""
    with conn.cursor() as cur:
        _lock(cur)
        ensure_tables(cur)
        cur.execute("delete from ops.reader_roles where role_name = %s", (role_name,))
        if cur.rowcount == 0:
            conn.rollback()
            return False
        role = sql.Identifier(role_name)
        # privileges and policy memberships in this database and on the database itself
        cur.execute(sql.SQL("drop owned by {}").format(role))
        cur.execute(sql.SQL("drop role {}").format(role))
        apply(cur)
    conn.commit()
    return True


def _la_tables(cur, schema: str) -> list[str]:
    cur.execute(
        """select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
           where n.nspname = %s and c.relkind in ('r', 'p')
             and exists (select from pg_attribute a where a.attrelid = c.oid and a.attname = 'la_code'
                         and not a.attisdropped)
           order by 1""",
        (schema,),
    )
    return [r[0] for r in cur.fetchall()]


def _invoker_views(cur, schema: str) -> list[str]:
    """Views that must run with the caller's rights: all but the publication views and publish's own."""
    cur.execute(
        """select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
           where n.nspname = %s and c.relkind = 'v' and left(c.relname, %s) <> %s
             and c.relname <> all(%s) order by 1""",
        (schema, len(PUBLICATION_VIEW_PREFIX), PUBLICATION_VIEW_PREFIX, list(OWNER_RIGHTS_VIEWS)),
    )
    return [r[0] for r in cur.fetchall()]


def apply(cur, schema: str = MARTS) -> int:
    """Grants and policies for every reader role on `schema` (the published marts); returns how many
    tables carry policies. Idempotent; call it inside the publish transaction, after the swap."""
    ensure_reporter(cur)
    roles = reader_roles(cur)
    cur.execute("select 1 from pg_namespace where nspname = %s", (schema,))
    if cur.fetchone() is None:
        return 0
    schema_id = sql.Identifier(schema)
    all_rows = [REPORTER_ROLE] + [r.role_name for r in roles if r.la_code is None]
    for role in roles:
        who = sql.Identifier(role.role_name)
        cur.execute(sql.SQL("grant usage on schema {} to {}").format(schema_id, who))
        cur.execute(sql.SQL("grant select on all tables in schema {} to {}").format(schema_id, who))
        reporter_reads_marts_only(cur, role.role_name)  # e.g. USAGE that moved to marts__previous
    tables = _la_tables(cur, schema)
    for table in tables:
        relation = sql.Identifier(schema, table)
        cur.execute(
            "select policyname from pg_policies where schemaname = %s and tablename = %s", (schema, table)
        )
        for (policy,) in cur.fetchall():
            if policy.startswith(POLICY_PREFIX):
                cur.execute(sql.SQL("drop policy {} on {}").format(sql.Identifier(policy), relation))
        cur.execute(sql.SQL("alter table {} enable row level security").format(relation))
        cur.execute(
            sql.SQL("create policy {} on {} for select to {} using (true)").format(
                sql.Identifier(ALL_ROWS_POLICY), relation, sql.SQL(", ").join(map(sql.Identifier, all_rows))
            )
        )
        for role in roles:
            if role.la_code is None:
                continue
            cur.execute(
                sql.SQL("create policy {} on {} for select to {} using (la_code = {})").format(
                    sql.Identifier(POLICY_PREFIX + role.role_name),
                    relation,
                    sql.Identifier(role.role_name),
                    sql.Literal(role.la_code),
                )
            )
    for view in _invoker_views(cur, schema):
        cur.execute(
            sql.SQL("alter view {} set (security_invoker = true)").format(sql.Identifier(schema, view))
        )
    return len(tables)
