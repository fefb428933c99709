"""Pipeline bookkeeping (`ops` schema) and the pluggable notifier.

`ops.pipeline_runs` holds one row per nightly run (keyed on the Airflow run_id, or `cli__...` for
`cscw nightly`): the extract date, authorities, rows loaded, dbt tests passed/failed, whether the marts
were published, per-step durations and, on failure, the failing step and the reason. Re-running a night
updates its row (idempotent). `marts.data_freshness` ("data as at" for dashboards) is a view over it,
created by the publish step inside the freshly swapped `marts` (see ingestion.publish).

Notifier: CSCW_NOTIFIER selects where failures and missed deadlines are announced:
  log (default)            the Python log (and so the Airflow task log)
  email                    SMTP: CSCW_SMTP_HOST[:CSCW_SMTP_PORT], CSCW_NOTIFY_EMAIL_TO, CSCW_NOTIFY_EMAIL_FROM
  teams                    an incoming-webhook POST to CSCW_TEAMS_WEBHOOK_URL
  package.module:function  any callable(subject, body)
Several can be combined with commas ("log,teams"). A notifier that fails is logged, never raised: a broken
webhook must not hide the original failure.
"""

from __future__ import annotations

import importlib
import json
import logging
import os
import smtplib
import urllib.request
from collections.abc import Callable
from datetime import UTC, date, datetime
from email.message import EmailMessage

log = logging.getLogger("cscw.ops")

OPS_DDL = """
create schema if not exists ops;
create table if not exists ops.pipeline_runs (
    run_id            text primary key,
    trigger           text not null default 'airflow',   -- airflow | cli
    extract_date      date,
    la_codes          text[] not null default '{}',
    status            text not null default 'running',    -- running | published | failed
    rows_loaded       bigint not null default 0,
    rows_quarantined  bigint not null default 0,
    batches           jsonb not null default '{}'::jsonb,  -- la_code -> load summary
    extracts          jsonb not null default '{}'::jsonb,  -- la_code -> latest loaded extract_date
    tests_passed      integer,
    tests_failed      integer,
    models_built      integer,
    dbt_nodes         jsonb not null default '{}'::jsonb,  -- dbt unique_id -> last status this run
    published         boolean not null default false,
    published_at      timestamptz,
    failed_step       text,
    error             text,
    durations         jsonb not null default '{}'::jsonb,  -- step -> seconds
    started_at        timestamptz not null default now(),
    finished_at       timestamptz
);
alter table ops.pipeline_runs add column if not exists dbt_nodes jsonb not null default '{}'::jsonb;
create index if not exists pipeline_runs_published_idx on ops.pipeline_runs (published_at desc)
    where published;
"""

# One row per authority from the latest published run: what the dashboards show as "data as at".
DATA_FRESHNESS_VIEW = """
create or replace view {schema}.data_freshness as
with latest as (
    select * from ops.pipeline_runs where published order by published_at desc limit 1
)
select
    e.key::text as la_code,
    (e.value #>> '{{}}')::date as data_as_at,
    latest.extract_date as pipeline_extract_date,
    latest.published_at,
    latest.run_id
from latest
cross join lateral jsonb_each(latest.extracts) as e
"""


def ensure_ops(conn) -> None:
    """Create the ops schema and table if missing (idempotent; caller commits)."""
    with conn.cursor() as cur:
        cur.execute("select pg_advisory_xact_lock(hashtext('cscw.ops.ddl'))")
        cur.execute(OPS_DDL)


def _jsonable(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def start_run(conn, run_id: str, *, extract_date: date | None, la_codes: list[str], trigger: str) -> None:
    """Record (or restart) a run. A re-run of the same run_id resets its outcome columns."""
    ensure_ops(conn)
    with conn.cursor() as cur:
        cur.execute(
            """
            insert into ops.pipeline_runs (run_id, trigger, extract_date, la_codes)
            values (%s, %s, %s, %s)
            on conflict (run_id) do update set
                trigger = excluded.trigger, extract_date = excluded.extract_date,
                la_codes = excluded.la_codes, status = 'running', published = false,
                published_at = null, failed_step = null, error = null, finished_at = null,
                tests_passed = null, tests_failed = null, models_built = null, dbt_nodes = '{}'::jsonb,
                rows_loaded = 0, rows_quarantined = 0, batches = '{}'::jsonb, durations = '{}'::jsonb,
                started_at = now()
            """,
            (run_id, trigger, extract_date, list(la_codes)),
        )
    conn.commit()


def update_run(conn, run_id: str, **fields) -> None:
    """Set columns of one run. `durations` is merged into the stored object, not replaced."""
    if not fields:
        return
    ensure_ops(conn)
    sets, values = [], []
    for key, value in fields.items():
        if key == "durations":
            sets.append("durations = durations || %s::jsonb")
            values.append(json.dumps(value))
        elif key in ("batches", "extracts"):
            sets.append(f"{key} = %s::jsonb")
            values.append(json.dumps(value, default=_jsonable))
        else:
            sets.append(f"{key} = %s")
            values.append(value)
    with conn.cursor() as cur:
        cur.execute(f"update ops.pipeline_runs set {', '.join(sets)} where run_id = %s", [*values, run_id])
        if cur.rowcount == 0:
            # A callback for a run whose start was never recorded (e.g. it failed before start_run).
            cur.execute(
                "insert into ops.pipeline_runs (run_id) values (%s) on conflict do nothing", (run_id,)
            )
            cur.execute(
                f"update ops.pipeline_runs set {', '.join(sets)} where run_id = %s", [*values, run_id]
            )
    conn.commit()


def fail_run(conn, run_id: str, *, step: str, error: str) -> None:
    """Mark a run failed with the step and reason; keeps the first failure if called twice."""
    ensure_ops(conn)
    with conn.cursor() as cur:
        cur.execute(
            """
            insert into ops.pipeline_runs (run_id, status, failed_step, error, finished_at)
            values (%s, 'failed', %s, %s, now())
            on conflict (run_id) do update set
                status = 'failed', published = false,
                failed_step = coalesce(ops.pipeline_runs.failed_step, excluded.failed_step),
                error = coalesce(ops.pipeline_runs.error, excluded.error),
                finished_at = now()
            """,
            (run_id, step, error[:10000]),
        )
    conn.commit()


def get_run(conn, run_id: str) -> dict | None:
    with conn.cursor() as cur:
        cur.execute("select to_regclass('ops.pipeline_runs')")
        if cur.fetchone()[0] is None:
            return None
        cur.execute("select row_to_json(r) from ops.pipeline_runs r where run_id = %s", (run_id,))
        row = cur.fetchone()
    return row[0] if row else None


# ---------------------------------------------------------------- notifier


def _notify_log(subject: str, body: str) -> None:
    log.error("%s\n%s", subject, body)


def _notify_email(subject: str, body: str) -> None:
    host = os.environ["CSCW_SMTP_HOST"]
    port = int(os.environ.get("CSCW_SMTP_PORT", "25"))
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = os.environ.get("CSCW_NOTIFY_EMAIL_FROM", "cscw-pipeline@localhost")
    msg["To"] = os.environ["CSCW_NOTIFY_EMAIL_TO"]
    msg.set_content(body)
    with smtplib.SMTP(host, port, timeout=30) as smtp:
        if os.environ.get("CSCW_SMTP_STARTTLS", "").lower() in ("1", "true", "yes"):
            smtp.starttls()
        user = os.environ.get("CSCW_SMTP_USER")
        if user:
            smtp.login(user, os.environ.get("CSCW_SMTP_PASSWORD", ""))
        smtp.send_message(msg)


def _notify_teams(subject: str, body: str) -> None:
    url = os.environ["CSCW_TEAMS_WEBHOOK_URL"]
    payload = json.dumps({"text": f"**{subject}**\n\n{body}"}).encode()
    req = urllib.request.Request(url, data=payload, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        resp.read()


_BUILTIN: dict[str, Callable[[str, str], None]] = {
    "log": _notify_log,
    "email": _notify_email,
    "teams": _notify_teams,
}


def notifiers(spec: str | None = None) -> list[Callable[[str, str], None]]:
    spec = spec if spec is not None else os.environ.get("CSCW_NOTIFIER", "log")
    out = []
    for name in (s.strip() for s in spec.split(",")):
        if not name:
            continue
        if name in _BUILTIN:
            out.append(_BUILTIN[name])
        elif ":" in name:
            module, func = name.split(":", 1)
            out.append(getattr(importlib.import_module(module), func))
        else:
            raise ValueError(f"unknown notifier {name!r} (log, email, teams or module:function)")
    return out


def notify(subject: str, body: str, spec: str | None = None) -> int:
    """Send to every configured notifier; returns how many succeeded. Never raises."""
    sent = 0
    try:
        targets = notifiers(spec)
    except Exception as err:  # a misconfigured notifier must not mask the failure being reported
        log.exception("notifier configuration error: %s", err)
        targets = [_notify_log]
    for target in targets:
        try:
            target(subject, body)
            sent += 1
        except Exception:
            log.exception("notifier %s failed", getattr(target, "__name__", target))
    return sent


async def deadline_missed(context: dict | None = None, **kwargs) -> None:
    """Airflow DeadlineAlert callback (runs in the triggerer): the marts were not published in time."""
    dag_run = (context or {}).get("dag_run")
    run_id = getattr(dag_run, "run_id", None) or (context or {}).get("run_id") or "?"
    deadline = kwargs.get("deadline", "the configured deadline")
    notify(
        f"cscw nightly: marts not published by {deadline}",
        f"Run {run_id} had not published the marts by {deadline} "
        f"({datetime.now(UTC).isoformat(timespec='seconds')}). BI still shows the previous night.",
    )
