"""The dbt project runs bare: `dbt parse` and `dbt build` in dbt_project/ with nothing but the documented
environment variables (the committed profiles.yml's CSCW_DBT_* connection; dbt's own DBT_TARGET_PATH /
DBT_LOG_PATH keep the artifacts out of the checkout), the `dbt` command of the installed environment, no
`cscw` and no generated files. The pseudonym key is in the database, installed the documented way."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ingestion.dbt_runner import PROJECT_DIR, connection_environment
from tests.conftest import query

from . import handmade
from .rawdata import create_raw_schema, load_extract

pytestmark = pytest.mark.slow

DBT = Path(sys.executable).parent / "dbt"
KEY = "plain-dbt-test-key"


def plain_env(url: str | None, tmp_path: Path) -> dict[str, str]:
    """A fresh environment: PATH and HOME, the documented variables, nothing inherited from cscw."""
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
        "DBT_TARGET_PATH": str(tmp_path / "target"),
        "DBT_LOG_PATH": str(tmp_path / "logs"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
    }
    if url:
        env.update(connection_environment(url))
    return env


def install_key(url: str, tmp_path: Path) -> None:
    """`python -m ingestion.dbt_runner install-key`, as docs/warehouse.md says."""
    env = {**plain_env(None, tmp_path), "CSCW_DATABASE_URL": url, "CSCW_PSEUDONYM_KEY": KEY}
    env["CSCW_HOME"] = str(tmp_path / "cscw_home")
    proc = subprocess.run(
        [sys.executable, "-m", "ingestion.dbt_runner", "install-key"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "pseudonym key installed in cscw_private.pseudonym_key" in proc.stdout


def dbt(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(DBT), *args, "--no-use-colors"],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


def test_dbt_parse_needs_only_the_committed_files(tmp_path):
    # no database variables at all: parsing renders every model and the profile's defaults
    proc = dbt(["parse"], plain_env(None, tmp_path))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (tmp_path / "target" / "manifest.json").is_file()


def test_a_database_without_the_key_fails_saying_what_to_do(db_url, tmp_path):
    proc = dbt(["build", "--select", "bank_holidays"], plain_env(db_url, tmp_path))
    assert proc.returncode != 0
    assert "the pseudonym key is not installed in this database" in proc.stdout
    assert "python -m ingestion.dbt_runner install-key" in proc.stdout


def test_dbt_build_with_the_documented_variables(db_url, tmp_path):
    create_raw_schema(db_url)
    load_extract(db_url, "901", "2019-06-30", handmade.extract())
    install_key(db_url, tmp_path)
    proc = dbt(
        ["build", "--select", "+int_person", "+dim_date", "--indirect-selection", "cautious"],
        plain_env(db_url, tmp_path),
    )
    assert proc.returncode == 0, proc.stdout[-5000:] + proc.stderr[-2000:]
    assert "Completed successfully" in proc.stdout
    # the committed bank-holiday seed reached the calendar: the 2020 May Day moved to VE Day
    assert query(
        db_url,
        "select date_day from warehouse.dim_date where is_bank_holiday and date_day "
        "between '2020-05-01' and '2020-05-31' order by 1",
    ) == [(dt.date(2020, 5, 8),), (dt.date(2020, 5, 25),)]
    # child keys are the keyed hash with the installed key
    expected = hashlib.sha256(f"{KEY}:901:P1".encode()).hexdigest()
    assert query(
        db_url, "select count(*) from intermediate.int_person where child_key = %s", (expected,)
    ) == [(1,)]
