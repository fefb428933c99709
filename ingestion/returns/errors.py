"""Validation errors in the warehouse.

`returns_restricted.ssda903_validation_errors` keeps, per authority and collection year, the latest
validation's failing rows with the case system's child id (for the team that fixes records; the BI role
cannot read the schema). `marts.mart_ssda903_validation_errors` is the same with pseudonymous keys,
rule, message and counts: dbt rebuilds it with the marts every night, and `record()` refreshes the
published copy straight away so the errors of a return validated after publication show that morning.
"""

from __future__ import annotations

from datetime import UTC, datetime

SCHEMA = "returns_restricted"
TABLE = f"{SCHEMA}.ssda903_validation_errors"
MART = "marts.mart_ssda903_validation_errors"

DDL = f"""
create schema if not exists {SCHEMA};
revoke all on schema {SCHEMA} from public;
create table if not exists {TABLE} (
    la_code text not null,
    collection_year text not null,
    validated_at timestamptz not null,
    file_name text not null,
    file_line integer not null,  -- line in the CSV file (the header is line 1)
    child_id text,
    rule_code text not null,
    rule_message text
)
"""

REFRESH_MART = f"""
delete from {MART} where la_code = %(la)s and collection_year = %(year)s;
insert into {MART}
select e.la_code, e.collection_year, e.validated_at, p.child_key, e.file_name, e.rule_code, e.rule_message,
       count(*)
from {TABLE} as e
left join intermediate.int_person as p on e.la_code = p.la_code and e.child_id = p.person_id
where e.la_code = %(la)s and e.collection_year = %(year)s
group by 1, 2, 3, 4, 5, 6, 7
"""


def record(conn, la_code: str, year: str, result: dict) -> int:
    """Replace the authority's errors for `year` with the validator's `result`; returns the error count."""
    now = datetime.now(UTC)
    rules = result.get("rules", {})
    rows = [
        (la_code, year, now, e["table"], e["row"] + 2, e.get("child"), e["rule"], rules.get(e["rule"]))
        for e in result["errors"]
    ]
    with conn.cursor() as cur:
        cur.execute("select pg_advisory_xact_lock(hashtext('cscw.returns.903'))")
        cur.execute(DDL)
        cur.execute(f"delete from {TABLE} where la_code = %s and collection_year = %s", (la_code, year))
        if rows:
            cur.executemany(f"insert into {TABLE} values (%s, %s, %s, %s, %s, %s, %s, %s)", rows)
        cur.execute("select to_regclass(%s), to_regclass('intermediate.int_person')", (MART,))
        if all(cur.fetchone()):
            cur.execute(REFRESH_MART, {"la": la_code, "year": year})
    conn.commit()
    return len(rows)


def error_counts(conn, la_code: str | None = None) -> list[tuple]:
    """(la_code, collection_year, validated_at, errors, children with errors) from the published mart."""
    with conn.cursor() as cur:
        cur.execute("select to_regclass(%s)", (MART,))
        if cur.fetchone()[0] is None:
            return []
        cur.execute(
            f"""select la_code, collection_year, max(validated_at), sum(error_count)::int,
                       count(distinct child_key)::int
                from {MART} where %(la)s::text is null or la_code = %(la)s
                group by 1, 2 order by 1, 2""",
            {"la": la_code},
        )
        return cur.fetchall()
