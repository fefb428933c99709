"""Run the dbt project in-process with its committed profile.

dbt_project/profiles.yml reads the connection from CSCW_DBT_HOST/PORT/USER/PASSWORD/DBNAME (so plain
`dbt build` in dbt_project/ works with those set); `run_dbt` sets them for the duration of a run from
the same database URL the loader uses (config.settings / db.database_url). The pseudonym key is not
given to dbt at all: `run_dbt` installs it in the database first (ingestion.pseudonym), where the
child_key macro reads it. `python -m ingestion.dbt_runner env` prints the connection variables as shell
exports; `python -m ingestion.dbt_runner install-key` installs the key for plain dbt runs.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shlex
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import yaml

from ingestion.config import private_dir, settings

REPO_DIR = Path(__file__).resolve().parent.parent
PROJECT_DIR = REPO_DIR / "dbt_project"
PROFILES_DIR = PROJECT_DIR  # the committed profiles.yml
# the profile's connection variables, filled from a database URL
CONNECTION_ENV = {
    "host": "CSCW_DBT_HOST",
    "port": "CSCW_DBT_PORT",
    "user": "CSCW_DBT_USER",
    "password": "CSCW_DBT_PASSWORD",
    "dbname": "CSCW_DBT_DBNAME",
}

# dbt commands that never connect to the warehouse (no pseudonym key to install first)
NO_DATABASE_COMMANDS = frozenset({"parse", "deps", "clean", "list", "ls", "init", "debug"})
# dbtRunner is not re-entrant and we change os.environ around each run: one run at a time per process.
_RUN_LOCK = threading.Lock()


@dataclass
class DbtRun:
    """The outcome of one dbt invocation."""

    args: list[str]
    success: bool
    target_path: Path
    results: list[dict] = field(default_factory=list)  # one per node: name, resource_type, status, message
    exception: BaseException | None = None
    raw: object = None  # the dbtRunnerResult

    @property
    def failures(self) -> list[dict]:
        return [r for r in self.results if r["status"] in ("error", "fail", "runtime error")]

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for r in self.results:
            out[r["status"]] = out.get(r["status"], 0) + 1
        return out

    def summary(self) -> str:
        counts = ", ".join(f"{k}={v}" for k, v in sorted(self.counts().items())) or "no nodes"
        lines = [f"dbt {' '.join(self.args[:1])}: {'OK' if self.success else 'FAILED'} ({counts})"]
        for r in self.failures:
            lines.append(f"  {r['status']}: {r['name']}: {(r['message'] or '').strip()[:500]}")
        if self.exception is not None:
            lines.append(f"  exception: {self.exception}")
        return "\n".join(lines)


def _url_parts(url: str) -> dict:
    parts = urlsplit(url)
    if parts.scheme not in ("postgresql", "postgres"):
        raise ValueError(f"not a Postgres URL: {parts.scheme}://...")
    return {
        "host": parts.hostname or "localhost",
        "port": parts.port or 5432,
        "user": unquote(parts.username or ""),
        "password": unquote(parts.password or ""),
        "dbname": unquote(parts.path.lstrip("/")) or "postgres",
    }


def dbt_home() -> Path:
    return settings().home / "dbt"


@contextlib.contextmanager
def _env(values: dict[str, str]) -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def connection_environment(url: str) -> dict[str, str]:
    """The profile's CSCW_DBT_* variables for a database URL."""
    parts = _url_parts(url)
    return {env: str(parts[part]) for part, env in CONNECTION_ENV.items()}


def dbt_environment(url: str) -> dict[str, str]:
    """Environment a dbt process needs: the connection, no usage statistics."""
    return {
        **connection_environment(url),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
        "DO_NOT_TRACK": "1",
    }


def _node_results(res) -> list[dict]:
    out = []
    results = getattr(res, "result", None)
    for r in getattr(results, "results", None) or []:
        node = getattr(r, "node", None)
        out.append(
            {
                "name": getattr(node, "name", None) or getattr(node, "unique_id", "?"),
                "unique_id": getattr(node, "unique_id", None),
                "resource_type": str(getattr(node, "resource_type", "")),
                "status": str(getattr(r.status, "value", r.status)),
                "message": r.message,
                "execution_time": getattr(r, "execution_time", None),
                "failures": getattr(r, "failures", None),
            }
        )
    return out


def run_dbt(
    args: list[str],
    url: str | None = None,
    vars: dict | None = None,
    *,
    target_path: Path | str | None = None,
    quiet: bool = True,
    project_dir: Path | str | None = None,
) -> DbtRun:
    """Run one dbt command (e.g. ["build"]) in-process against `url` (default: the configured database).

    `vars` become --vars. `target_path` isolates artifacts when runs may overlap (default: one shared
    folder under CSCW_HOME/dbt, which keeps partial parsing warm).
    """
    from dbt.cli.main import dbtRunner

    from ingestion.db import database_url

    url = url or database_url()
    home = private_dir(dbt_home())  # compiled SQL, logs and test failures can hold children's data
    if args and args[0] not in NO_DATABASE_COMMANDS:
        from ingestion.pseudonym import install_key_at

        install_key_at(url)  # child_key reads it in the database (macro child_key)
    target = Path(target_path) if target_path else home / "target"
    private_dir(target)
    cli = list(args) + [
        "--project-dir",
        str(project_dir or PROJECT_DIR),
        "--profiles-dir",
        str(PROFILES_DIR),
        "--target-path",
        str(target),
    ]
    if vars:
        cli += ["--vars", yaml.safe_dump(vars, default_flow_style=True).strip()]
    cli += ["--log-path", str(home / "logs"), "--no-use-colors"]
    if quiet:
        cli += ["--log-level", "warn"]
    with _RUN_LOCK, _env(dbt_environment(url)):
        res = dbtRunner().invoke(cli)
    return DbtRun(
        args=list(args),
        success=bool(res.success),
        target_path=target,
        results=_node_results(res),
        exception=res.exception,
        raw=res,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ingestion.dbt_runner", description=__doc__)
    sub = parser.add_subparsers(dest="action", required=True)
    sub.add_parser("env", help="print the profile's connection variables as shell exports")
    sub.add_parser("install-key", help="store the configured pseudonym key in the database for dbt")
    args = parser.parse_args(argv)
    from ingestion.db import database_url

    url = database_url()
    if args.action == "install-key":
        from ingestion.pseudonym import KEY_TABLE, install_key_at

        changed = install_key_at(url)
        print(f"pseudonym key {'installed in' if changed else 'already in'} {KEY_TABLE}")
        return 0
    for name, value in connection_environment(url).items():
        print(f"export {name}={shlex.quote(value)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
