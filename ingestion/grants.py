"""The BI role `reporter` reads the published `marts` schema and nothing else.

- no USAGE on any other schema: build schemas (whatever their name) and `marts__previous` included. The
  marts models' post-hook grants SELECT on each relation as it is built but USAGE only on `marts`
  (macro grant_reporter_sql), and after every publish `reporter_reads_marts_only` revokes the USAGE
  that moved with the renamed schema (`marts` -> `marts__previous`);
- no TEMP and no CREATE on the warehouse database (PUBLIC's defaults are revoked; `reporter` gets
  CONNECT only), and no CONNECT to the cluster's other databases where this role may revoke it (the
  embedded server's superuser; in production deploy/postgres/init.sh does it).

`secure_database` runs before every build (build.prepare_warehouse); it is idempotent.
"""

from __future__ import annotations

from psycopg2 import sql

REPORTER_ROLE = "reporter"
MARTS = "marts"


def ensure_reporter(cur) -> None:
    cur.execute("select 1 from pg_roles where rolname = %s", (REPORTER_ROLE,))
    if cur.fetchone() is None:
        cur.execute(f"create role {REPORTER_ROLE} nologin")


def secure_database(conn) -> None:
    """Database-level privileges for `reporter` (commits)."""
    with conn.cursor() as cur:
        cur.execute("select pg_advisory_xact_lock(hashtext('cscw.grant_reporter'))")
        ensure_reporter(cur)
        cur.execute(
            "select current_database(), pg_has_role(datdba, 'USAGE') or r.rolsuper"
            " from pg_database, pg_roles r where datname = current_database() and r.rolname = current_user"
        )
        database, may = cur.fetchone()
        if may:
            db = sql.Identifier(database)
            cur.execute(sql.SQL("revoke all on database {} from public").format(db))
            cur.execute(
                sql.SQL("grant connect on database {} to {}").format(db, sql.Identifier(REPORTER_ROLE))
            )
        cur.execute(
            "select d.datname from pg_database d, pg_roles r where r.rolname = current_user and r.rolsuper"
            " and d.datallowconn and d.datname <> current_database()"
            " and has_database_privilege('public', d.oid, 'CONNECT')"
        )
        for (other,) in cur.fetchall():  # only a superuser gets rows: the embedded server's cluster
            cur.execute(
                sql.SQL("revoke connect, temporary on database {} from public").format(sql.Identifier(other))
            )
        reporter_reads_marts_only(cur)
    conn.commit()


def reporter_reads_marts_only(cur, role: str = REPORTER_ROLE) -> list[str]:
    """Revoke a BI role's (`reporter`'s, or a reader role's: ingestion.row_security) USAGE and CREATE on
    every schema but `marts` where it was granted; returns those schemas. Call it in the publish
    transaction, after the swap."""
    cur.execute(
        "select distinct n.nspname from pg_namespace n, aclexplode(n.nspacl) a"
        " where a.grantee = (select oid from pg_roles where rolname = %s) and n.nspname <> %s",
        (role, MARTS),
    )
    schemas = [r[0] for r in cur.fetchall()]
    for schema in schemas:
        cur.execute(
            sql.SQL("revoke all on schema {} from {}").format(sql.Identifier(schema), sql.Identifier(role))
        )
    return schemas
