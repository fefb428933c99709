"""Airflow set-up for running the project's DAG locally: `dag.test()` (the demo and the tests) and
`airflow standalone`. Everything lives under CSCW_HOME/airflow with SQLite metadata; the warehouse is
the Airflow connection `cscw_warehouse`, given as AIRFLOW_CONN_CSCW_WAREHOUSE from the same URL the
loader uses. Airflow reads its configuration when first imported, so `apply()` must run before any
`import airflow` in the process (the command-line entry points below take care of that).

    python -m ingestion.airflow_env env                    # shell exports for this set-up
    python -m ingestion.airflow_env test --extract-date D  # one night with dag.test(), JSON result
    python -m ingestion.airflow_env standalone             # `airflow standalone` with this set-up

Values Airflow stores (connections, variables) are encrypted with a Fernet key generated once into
CSCW_HOME/airflow/fernet.key (0600) and read through AIRFLOW__CORE__FERNET_KEY_CMD, so the key itself is
never in the environment. The standalone set-up is sized for a small machine and stays private: DAGs
start paused, the UI and API listen on 127.0.0.1 only, at most CSCW_AIRFLOW_PARALLELISM (default 2)
task processes and one API worker.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
from datetime import date, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo

from ingestion.config import pseudonym_key, settings
from ingestion.names import DEFAULT_NIGHTLY_CRON, DEFAULT_NIGHTLY_TIMEZONE, NIGHTLY_DAG_ID, WAREHOUSE_CONN_ID

REPO_DIR = Path(__file__).resolve().parent.parent
DAGS_DIR = REPO_DIR / "dags"
DAG_ID = NIGHTLY_DAG_ID
CONN_ID = WAREHOUSE_CONN_ID


def airflow_home() -> Path:
    return settings().home / "airflow"


def airflow_connection_uri(url: str) -> str:
    """Airflow's URI form of the warehouse URL (conn type `postgres`)."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(scheme="postgres"))


def fernet_key_file(home: Path) -> Path:
    """The metadata database's Fernet key, generated on first use (0600 in a private folder)."""
    from ingestion.config import private_dir

    path = private_dir(Path(home)) / "fernet.key"
    if not path.exists():
        from cryptography.fernet import Fernet

        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first
            return path
        with os.fdopen(fd, "wb") as f:
            f.write(Fernet.generate_key())
    return path


def standalone_environment(port: int | None = None) -> dict[str, str]:
    """What `airflow standalone` adds to airflow_environment: paused DAGs, loopback only, small pools."""
    port = int(port or os.environ.get("CSCW_AIRFLOW_PORT") or 8080)
    return {
        "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "True",
        "AIRFLOW__API__HOST": "127.0.0.1",
        "AIRFLOW__API__PORT": str(port),
        "AIRFLOW__API__WORKERS": "1",
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{port}/execution/",
        "AIRFLOW__CORE__PARALLELISM": os.environ.get("CSCW_AIRFLOW_PARALLELISM") or "2",
        "AIRFLOW__DAG_PROCESSOR__PARSING_PROCESSES": "1",
    }


def airflow_environment(url: str, home: Path | None = None) -> dict[str, str]:
    home = Path(home or airflow_home())
    return {
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home / 'airflow.db'}",
        "AIRFLOW__CORE__DAGS_FOLDER": str(DAGS_DIR),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "False",
        "AIRFLOW__LOGGING__BASE_LOG_FOLDER": str(home / "logs"),
        "AIRFLOW__CORE__FERNET_KEY_CMD": f"cat {shlex.quote(str(fernet_key_file(home)))}",
        "AIRFLOW__USAGE_DATA_COLLECTION__ENABLED": "False",
        "AIRFLOW__COSMOS__ENABLE_TELEMETRY": "False",
        # Cosmos names its dataset events with Airflow 3's URI rules (else it warns on every dbt task)
        # and in this namespace (else it warns that the OpenLineage setting is missing).
        "AIRFLOW__COSMOS__ENABLE_DATASET_AIRFLOW3_URI": "True",
        "AIRFLOW__OPENLINEAGE__NAMESPACE": "cscw",
        "DO_NOT_TRACK": "1",
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
        f"AIRFLOW_CONN_{CONN_ID.upper()}": airflow_connection_uri(url),
        "CSCW_DATABASE_URL": url,
        # dbt models under Cosmos read the key from the worker's environment.
        "CSCW_PSEUDONYM_KEY": pseudonym_key(),
    }


def apply(url: str, home: Path | None = None) -> dict[str, str]:
    if "airflow" in sys.modules and os.environ.get("AIRFLOW_HOME") != str(home or airflow_home()):
        raise RuntimeError("airflow was imported before ingestion.airflow_env.apply(): its config is fixed")
    env = airflow_environment(url, home)
    Path(env["AIRFLOW_HOME"]).mkdir(parents=True, exist_ok=True)
    os.environ.update(env)
    if str(DAGS_DIR) not in sys.path:
        sys.path.insert(0, str(DAGS_DIR))  # the DAG imports its `_common` helpers
    return env


def migrate() -> None:
    """`airflow db migrate` for the SQLite metadata database (quick when already current)."""
    from airflow.utils.db import upgradedb

    upgradedb()


def load_dag(dag_id: str = DAG_ID):
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(DAGS_DIR))
    if bag.import_errors:
        raise RuntimeError(f"DAG import errors: {bag.import_errors}")
    return bag.get_dag(dag_id)


def night_logical_date(extract_date: date) -> datetime:
    """The night's scheduled time: the DAG's cron hour and minute (when fixed) in its timezone."""
    fields = os.environ.get("CSCW_NIGHTLY_CRON", DEFAULT_NIGHTLY_CRON).split()
    minute, hour = (int(f) if f.isdigit() else 0 for f in fields[:2])
    tz = ZoneInfo(os.environ.get("CSCW_NIGHTLY_TIMEZONE", DEFAULT_NIGHTLY_TIMEZONE))
    return datetime(extract_date.year, extract_date.month, extract_date.day, hour, minute, tzinfo=tz)


def run_night(extract_date: date, *, landing_dir: Path | None = None) -> dict:
    """Run the real DAG for one night with dag.test(); returns the run's state and record."""
    from ingestion import ops
    from ingestion.db import connect

    # Airflow 3.3.2's dag.test() fails when it finishes a run of a DAG with a deadline alert (it looks
    # the alert up by id in a DAG that was never serialised), so dag.test runs go without one.
    os.environ["CSCW_PUBLISH_DEADLINE_MINUTES"] = "0"
    os.environ["CSCW_DBT_WATCHER_DEFERRABLE"] = "false"  # no triggerer in dag.test()
    dag = load_dag()
    logical = night_logical_date(extract_date)
    conf = {"extract_date": extract_date.isoformat()}
    if landing_dir:
        conf["landing_dir"] = str(landing_dir)
    dr = dag.test(logical_date=logical, run_conf=conf)
    state = str(getattr(dr.state, "value", dr.state))
    with connect(os.environ["CSCW_DATABASE_URL"]) as conn:
        record = ops.get_run(conn, dr.run_id) or {}
    return {"run_id": dr.run_id, "state": state, "record": record}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ingestion.airflow_env", description=__doc__)
    sub = parser.add_subparsers(dest="action", required=True)
    sub.add_parser("env", help="print shell exports")
    t = sub.add_parser("test", help="run one night with dag.test()")
    t.add_argument("--extract-date", required=True, type=date.fromisoformat)
    t.add_argument("--landing", type=Path)
    sub.add_parser("standalone", help="exec `airflow standalone` with this set-up")
    args = parser.parse_args(argv)

    from ingestion.db import database_url

    env = apply(database_url())
    if args.action == "env":
        for k, v in env.items():
            if k != "CSCW_PSEUDONYM_KEY":
                print(f"export {k}={shlex.quote(v)}")
        return 0
    if args.action == "standalone":
        os.environ.update(standalone_environment())
        bin_dir = Path(sys.executable).parent
        # `airflow standalone` starts its components as `airflow ...` subprocesses found on PATH.
        os.environ["PATH"] = f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"
        os.execv(str(bin_dir / "airflow"), [str(bin_dir / "airflow"), "standalone"])
    migrate()
    result = run_night(args.extract_date, landing_dir=args.landing)
    print(json.dumps(result, default=str))
    return 0 if result["state"] == "success" else 1


if __name__ == "__main__":
    sys.exit(main())
