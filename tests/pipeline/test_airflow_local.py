"""The local Airflow set-up: stored values encrypted with a private generated Fernet key, and the
standalone set-up private and small (paused DAGs, loopback only, a few task processes). That stopping
scripts/airflow-standalone.sh leaves no process behind is a documented check (docs/operations.md): it
needs a real `airflow standalone`, about two minutes to start."""

from __future__ import annotations

import os
import subprocess
import sys

from ingestion import airflow_env
from tests.conftest import REPO_DIR

URL = "postgresql://nobody:secret@127.0.0.1:9/nowhere"


def test_the_fernet_key_is_generated_once_private_and_read_by_airflow(tmp_path):
    env = airflow_env.airflow_environment(URL, tmp_path / "airflow")
    key_file = tmp_path / "airflow" / "fernet.key"
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "airflow").stat().st_mode & 0o077 == 0
    key = key_file.read_bytes()
    airflow_env.airflow_environment(URL, tmp_path / "airflow")
    assert key_file.read_bytes() == key, "the key is kept: a new one would make stored values unreadable"
    assert key.decode() not in str(env), "the key is read by command, never put in the environment"
    # Airflow itself (a fresh process: it reads its configuration on import) gets the key
    probe = (
        "from airflow.configuration import conf; from airflow.models.crypto import get_fernet; "
        "print(conf.get('core', 'fernet_key')); print(get_fernet().is_encrypted)"
    )
    proc = subprocess.run(
        [sys.executable, "-c", probe],
        env={**os.environ, **env},
        cwd=REPO_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.split() == [key.decode(), "True"]
    assert "will not be stored encrypted" not in proc.stdout + proc.stderr


def test_standalone_is_private_and_sized_for_a_small_machine(monkeypatch):
    monkeypatch.delenv("CSCW_AIRFLOW_PORT", raising=False)
    monkeypatch.delenv("CSCW_AIRFLOW_PARALLELISM", raising=False)
    env = airflow_env.standalone_environment()
    assert env["AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION"] == "True"
    assert env["AIRFLOW__API__HOST"] == "127.0.0.1"
    assert env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"] == "http://127.0.0.1:8080/execution/"
    assert int(env["AIRFLOW__CORE__PARALLELISM"]) <= 4
    assert env["AIRFLOW__API__WORKERS"] == "1"
    monkeypatch.setenv("CSCW_AIRFLOW_PORT", "18080")
    assert airflow_env.standalone_environment()["AIRFLOW__API__PORT"] == "18080"


def test_the_standalone_script_runs_airflow_in_its_own_process_group_and_stops_it():
    script = (REPO_DIR / "scripts" / "airflow-standalone.sh").read_text()
    assert 'setsid "$BIN/python" -m ingestion.airflow_env standalone &' in script
    assert 'kill -TERM -- "-$group"' in script and "trap stop INT TERM EXIT" in script
    proc = subprocess.run(["bash", "-n", str(REPO_DIR / "scripts" / "airflow-standalone.sh")], timeout=30)
    assert proc.returncode == 0
