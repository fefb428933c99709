"""The nightly DAG's settings, read from environment variables at parse time (no files, no database).

CSCW_NIGHTLY_CRON               cron for the nightly run, in CSCW_NIGHTLY_TIMEZONE (default "0 2 * * *")
CSCW_NIGHTLY_TIMEZONE           default Europe/London (the schedule follows BST/GMT)
CSCW_SENSOR_TIMEOUT_MINUTES     how long to wait for an authority's manifest (default 240)
CSCW_SENSOR_POKE_SECONDS        how often to look (default 300; reschedule mode frees the worker slot)
CSCW_TASK_RETRIES               retries for transient failures (default 2; backoff doubles each time)
CSCW_RETRY_DELAY_SECONDS        first retry delay (default 120)
CSCW_PUBLISH_DEADLINE_MINUTES   deadline alert this long after the scheduled time
                                (default 300: a 02:00 start must publish by 07:00)
CSCW_CATCHUP                    "true" to let the scheduler create runs for missed nights (default false:
                                the next run loads missed extracts in date order anyway)
CSCW_DBT_EXECUTION_MODE         Cosmos execution mode: local (default) or watcher
CSCW_DBT_WATCHER_DEFERRABLE     watcher sensors defer to the triggerer (default true; false for dag.test())
CSCW_DBT_TEST_BEHAVIOR          Cosmos test behaviour: after_each (default), build, after_all
CSCW_DBT_SELECT / CSCW_DBT_EXCLUDE  comma-separated dbt selectors limiting the dbt task group (benchmarks,
                                partial deployments); default everything
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from ingestion.names import DEFAULT_NIGHTLY_CRON, DEFAULT_NIGHTLY_TIMEZONE, NIGHTLY_DAG_ID, WAREHOUSE_CONN_ID

DAG_ID = NIGHTLY_DAG_ID
__all__ = ["DAG_ID", "WAREHOUSE_CONN_ID", "NightlyConfig", "nightly_config"]


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def _list(name: str) -> list[str]:
    return [v.strip() for v in os.environ.get(name, "").split(",") if v.strip()]


@dataclass(frozen=True)
class NightlyConfig:
    cron: str
    timezone: str
    sensor_timeout_minutes: int
    sensor_poke_seconds: int
    retries: int
    retry_delay_seconds: int
    deadline_minutes: int
    catchup: bool
    dbt_execution_mode: str
    dbt_test_behavior: str
    dbt_select: list[str]
    dbt_watcher_deferrable: bool
    dbt_exclude: list[str]


def nightly_config() -> NightlyConfig:
    return NightlyConfig(
        cron=os.environ.get("CSCW_NIGHTLY_CRON", DEFAULT_NIGHTLY_CRON),
        timezone=os.environ.get("CSCW_NIGHTLY_TIMEZONE", DEFAULT_NIGHTLY_TIMEZONE),
        sensor_timeout_minutes=_int("CSCW_SENSOR_TIMEOUT_MINUTES", 240),
        sensor_poke_seconds=_int("CSCW_SENSOR_POKE_SECONDS", 300),
        retries=_int("CSCW_TASK_RETRIES", 2),
        retry_delay_seconds=_int("CSCW_RETRY_DELAY_SECONDS", 120),
        deadline_minutes=_int("CSCW_PUBLISH_DEADLINE_MINUTES", 300),
        catchup=os.environ.get("CSCW_CATCHUP", "false").lower() in ("1", "true", "yes"),
        dbt_execution_mode=os.environ.get("CSCW_DBT_EXECUTION_MODE", "local").lower(),
        dbt_test_behavior=os.environ.get("CSCW_DBT_TEST_BEHAVIOR", "after_each").lower(),
        dbt_select=_list("CSCW_DBT_SELECT"),
        dbt_watcher_deferrable=os.environ.get("CSCW_DBT_WATCHER_DEFERRABLE", "true").lower()
        in ("1", "true", "yes"),
        dbt_exclude=_list("CSCW_DBT_EXCLUDE"),
    )
