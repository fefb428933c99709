"""The environment the DfE SSDA903 rules run in, created and kept by the project itself.

`csc-validator-be-903` needs pandas < 2 and numpy < 1.25, which cannot live beside the warehouse's own
packages. So it gets its own virtual environment under CSCW_HOME/validators/903-venv, created on first
use from the pinned validator-903-requirements.txt (re-created when that file changes), and is called as
a subprocess: JSON in on stdin, JSON out on stdout (validator_903_worker.py). Its command line needs the
network, so the worker calls its Python API.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from ingestion.config import settings

REQUIREMENTS = Path(__file__).with_name("validator-903-requirements.txt")
WORKER = Path(__file__).with_name("validator_903_worker.py")
# pandas 1.5 and numpy 1.24 publish wheels up to Python 3.11
SUPPORTED_PYTHONS = ("3.11", "3.10", "3.9")


class ValidatorEnvError(RuntimeError):
    pass


def env_dir() -> Path:
    return settings().home / "validators" / "903-venv"


def _stamp() -> str:
    return hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()


def _base_python() -> str:
    """An interpreter the validator supports: this one when it is, else python3.11/3.10/3.9 on PATH."""
    if f"{sys.version_info.major}.{sys.version_info.minor}" in SUPPORTED_PYTHONS:
        return getattr(sys, "_base_executable", None) or sys.executable
    for version in SUPPORTED_PYTHONS:
        found = shutil.which(f"python{version}")
        if found:
            return found
    raise ValidatorEnvError(
        f"the SSDA903 validator needs Python {' or '.join(SUPPORTED_PYTHONS)}; none was found on PATH"
    )


def ensure() -> Path:
    """The validator environment's python, creating or refreshing the environment when needed."""
    venv = env_dir()
    python = venv / "bin" / "python"
    stamp_file = venv / ".requirements-sha256"
    venv.parent.mkdir(parents=True, exist_ok=True)
    with open(venv.parent / ".903-venv.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one creator at a time (CLI beside the nightly DAG)
        if python.exists() and stamp_file.exists() and stamp_file.read_text() == _stamp():
            return python
        subprocess.run([_base_python(), "-m", "venv", "--clear", str(venv)], check=True)
        pip = [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
        result = subprocess.run(pip + ["-r", str(REQUIREMENTS)], capture_output=True, text=True)
        if result.returncode != 0:
            raise ValidatorEnvError(f"installing the SSDA903 validator failed:\n{result.stderr[-2000:]}")
        stamp_file.write_text(_stamp())
    return python


def run_worker(request: dict, timeout: int = 3600) -> dict:
    """Run the validator on `request` (see validator_903_worker) and return its JSON answer."""
    python = ensure()
    env = {**os.environ, "PYTHONNOUSERSITE": "1"}
    env.pop("PYTHONPATH", None)  # nothing of the warehouse's environment may leak in
    proc = subprocess.run(
        [str(python), str(WORKER)],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )
    if proc.returncode != 0:
        raise ValidatorEnvError(f"the SSDA903 validator failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout)
