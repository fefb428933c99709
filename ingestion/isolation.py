"""Isolation per authority: one authority's failing data does not hold back the others' figures.

A build runs dbt with var `isolate_authorities` (ingestion.builds.Build.dbt_vars). The project's data
tests then fail as warnings, so every model is still built, and keep their failing rows as views in
schema `dbt_test__audit` (dbt_project.yml, data_tests). `judge()` reads the outcome:

- a test that failed this way is blamed on the authorities in its failing rows (`la_code`);
- a failure it cannot blame on authorities (an error, a failing model, a test whose rows carry no
  `la_code`, or rows with a null one) fails the whole night, as before: nothing is published;
- tests the project declares as warnings stay warnings.

The publish step then takes the build's rows for every other authority and the previously published
rows for the blamed ones, in the same transaction as the swap (ingestion.publish), and flags them as
stale in `marts.data_freshness` and `ops.pipeline_runs`, and the notifier names them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from psycopg2 import errors, sql

ISOLATE_VAR = "isolate_authorities"
FAILURES_SCHEMA = "dbt_test__audit"  # dbt's schema for stored test failures (macro generate_schema_name)
FAILED = ("fail", "error", "runtime error")


@dataclass
class Verdict:
    withheld: dict[str, list[str]] = field(default_factory=dict)  # la_code -> names of the failed tests
    unattributed: list[str] = field(default_factory=list)  # failures no authority can be blamed for

    def reasons(self) -> dict[str, str]:
        """la_code -> the reason its figures were withheld, for data_freshness and the run record."""
        return {
            la: f"{len(tests)} data test(s) failed on its rows: {', '.join(tests[:5])}"
            + (" ..." if len(tests) > 5 else "")
            for la, tests in sorted(self.withheld.items())
        }


def default_manifest() -> Path:
    """The manifest of the last in-process dbt run, else the one `cscw nightly --prepare` wrote."""
    from ingestion.dbt_runner import PROJECT_DIR, dbt_home

    own = dbt_home() / "target" / "manifest.json"
    return own if own.is_file() else PROJECT_DIR / "target" / "manifest.json"


def _tests(manifest_path: Path) -> dict[str, dict]:
    nodes = json.loads(Path(manifest_path).read_text())["nodes"]
    return {uid: node for uid, node in nodes.items() if node.get("resource_type") == "test"}


def _declared_warning(node: dict) -> bool:
    """A test the project itself declares `severity: warn` (not one the isolation var demoted)."""
    declared = (node.get("unrendered_config") or {}).get("severity")
    return isinstance(declared, str) and declared.strip().lower() == "warn"


def declared_warnings(manifest_path: Path | None = None) -> frozenset[str] | None:
    """The tests the project declares `severity: warn`; None when no manifest can be read. Any other
    test that ends as a warning failed: the isolation var demoted it (ops counts it as failed)."""
    try:
        tests = _tests(manifest_path or default_manifest())
    except (OSError, ValueError, KeyError):
        return None
    return frozenset(uid for uid, node in tests.items() if _declared_warning(node))


def _authorities(cur, alias: str) -> list[str] | None:
    """The authorities in a stored failure's rows; None when they cannot all be named."""
    relation = sql.Identifier(FAILURES_SCHEMA, alias)
    cur.execute("savepoint blame")
    try:
        cur.execute(sql.SQL("select distinct la_code::text from {}").format(relation))
        found = [r[0] for r in cur.fetchall()]
    except (errors.UndefinedColumn, errors.UndefinedTable):
        cur.execute("rollback to savepoint blame")
        return None
    cur.execute("release savepoint blame")
    if not found or None in found:
        return None
    return found


def judge(cur, nodes: dict[str, str], manifest_path: Path | None = None) -> Verdict:
    """Which authorities a build's failures are blamed on ({dbt unique_id: status} of the build)."""
    verdict = Verdict()
    tests = None
    for uid, status in nodes.items():  # in the order dbt ran them: the first failures first
        if status in FAILED:
            verdict.unattributed.append(uid)
            continue
        if status != "warn" or not uid.startswith("test."):
            continue
        tests = tests if tests is not None else _tests(manifest_path or default_manifest())
        node = tests.get(uid)
        if node is None:
            verdict.unattributed.append(uid)
            continue
        if _declared_warning(node):
            continue
        authorities = _authorities(cur, node["alias"])
        if authorities is None:
            verdict.unattributed.append(uid)
            continue
        for la in authorities:
            verdict.withheld.setdefault(la, []).append(node["name"])
    return verdict


# --- the publish side (inside the publish transaction, ingestion.publish) ---

PUBLICATIONS_DDL = """
create table if not exists ops.authority_publications (
    la_code        text primary key,
    build_id       text,            -- the build its published figures come from
    run_id         text,
    data_as_at     date,            -- the extract its published figures were built from
    published_at   timestamptz,
    stale_reason   text,            -- why the latest publish kept its earlier figures (null: fresh)
    stale_since    timestamptz
);
"""

# "Data as at" for dashboards, one row per authority: the extract its published figures were built from,
# and whether the latest publish had to keep earlier figures (is_stale, stale_reason).
DATA_FRESHNESS_VIEW = """
create or replace view {schema}.data_freshness as
select
    p.la_code,
    p.data_as_at,
    run.extract_date as pipeline_extract_date,
    p.published_at,
    coalesce(p.run_id, p.build_id) as run_id,
    p.stale_reason is not null as is_stale,
    p.stale_reason,
    p.stale_since
from ops.authority_publications as p
left join ops.pipeline_runs as run on p.run_id = run.run_id
"""


def _la_tables(cur, schema: str) -> list[str]:
    from ingestion.row_security import _la_tables

    return _la_tables(cur, schema)


def _columns(cur, schema: str, table: str) -> list[str]:
    cur.execute(
        """select column_name from information_schema.columns
           where table_schema = %s and table_name = %s order by ordinal_position""",
        (schema, table),
    )
    return [r[0] for r in cur.fetchall()]


def keep_previous_figures(cur, build_schema: str, published_schema: str, withheld: list[str]) -> int:
    """In the build schema, replace the withheld authorities' rows with their published ones (before the
    swap). Every table with `la_code` is composed; a table or column the published marts lack is an
    error (the project changed: the night cannot be split). Returns the rows copied."""
    copied = 0
    for table in _la_tables(cur, build_schema):
        target = sql.Identifier(build_schema, table)
        cur.execute(sql.SQL("delete from {} where la_code::text = any(%s)").format(target), (withheld,))
        columns = _columns(cur, build_schema, table)
        if not _columns(cur, published_schema, table):
            continue  # a new mart: the withheld authorities have no earlier figures in it
        names = sql.SQL(", ").join(map(sql.Identifier, columns))
        cur.execute(
            sql.SQL("insert into {} ({}) select {} from {} where la_code::text = any(%s)").format(
                target, names, names, sql.Identifier(published_schema, table)
            ),
            (withheld,),
        )
        copied += cur.rowcount
    return copied


def record_publications(cur, build, fresh: dict[str, str], withheld: dict[str, str]) -> None:
    """ops.authority_publications after a publish: `fresh` (la_code -> extract date) published from this
    build, `withheld` (la_code -> reason) kept their earlier figures; authorities in neither are gone."""
    cur.execute(PUBLICATIONS_DDL)
    cur.execute(
        "delete from ops.authority_publications where la_code <> all(%s)", (list(fresh) + list(withheld),)
    )
    for la, extract_date in fresh.items():
        cur.execute(
            """insert into ops.authority_publications as p
                   (la_code, build_id, run_id, data_as_at, published_at)
               values (%s, %s, %s, %s, now())
               on conflict (la_code) do update set build_id = excluded.build_id, run_id = excluded.run_id,
                   data_as_at = excluded.data_as_at, published_at = excluded.published_at,
                   stale_reason = null, stale_since = null""",
            (la, build.build_id, build.run_id, extract_date),
        )
    for la, reason in withheld.items():
        cur.execute(
            """insert into ops.authority_publications as p (la_code, stale_reason, stale_since)
               values (%s, %s, now())
               on conflict (la_code) do update set stale_reason = excluded.stale_reason,
                   stale_since = coalesce(p.stale_since, excluded.stale_since)""",
            (la, reason),
        )


def announce(withheld: dict[str, str], run_id: str | None) -> None:
    """Name the authorities whose figures were withheld (after the publish committed)."""
    from ingestion.notify import notify

    if not withheld:
        return
    codes = ", ".join(sorted(withheld))
    lines = [f"{la}: {reason}" for la, reason in sorted(withheld.items())]
    notify(
        f"cscw: authority {codes} not refreshed: its data failed tests",
        f"Run {run_id or '(cscw build)'} published the other authorities. BI keeps the last good figures "
        "of:\n" + "\n".join(lines) + "\nSee marts.data_freshness (is_stale) and the dbt test failures in "
        f"schema {FAILURES_SCHEMA}.",
    )
