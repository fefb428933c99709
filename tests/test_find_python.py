"""`make` builds .venv with a supported Python that scripts/find-python finds, or says why none fits."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

from tests.conftest import REPO_DIR

FIND = REPO_DIR / "scripts" / "find-python"


def fake_python(folder, name: str, version: str) -> None:
    """A stand-in interpreter that answers every -c probe with its version."""
    path = folder / name
    path.write_text(f"#!/bin/sh\necho {version}\n")
    path.chmod(0o755)


def run(args, path: str, cwd=REPO_DIR) -> subprocess.CompletedProcess:
    env = {"PATH": path, "HOME": os.environ.get("HOME", "/")}
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=60)


def test_an_override_with_this_interpreter_is_used():
    proc = run([str(FIND), sys.executable], os.environ["PATH"])
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == sys.executable
    assert f"using {sys.executable} (Python {sys.version_info[0]}.{sys.version_info[1]}" in proc.stderr


def test_the_search_takes_the_first_supported_version_on_path(tmp_path):
    os.symlink(shutil.which("bash"), tmp_path / "bash")
    fake_python(tmp_path, "python3", "3.10")
    fake_python(tmp_path, "python3.12", "3.12")
    proc = run([str(FIND)], str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == str(tmp_path / "python3.12")


def test_no_supported_version_says_what_was_tried_and_what_to_do(tmp_path):
    os.symlink(shutil.which("bash"), tmp_path / "bash")
    fake_python(tmp_path, "python3", "3.10")
    proc = run([str(FIND)], str(tmp_path))
    assert proc.returncode == 1
    assert "no supported Python found" in proc.stderr
    assert "python3 (3.10)" in proc.stderr
    assert "make PYTHON=" in proc.stderr


def test_make_refuses_an_unsupported_override_before_installing(tmp_path):
    for name in ("Makefile", "requirements.txt", "constraints.txt", "pyproject.toml"):
        shutil.copy(REPO_DIR / name, tmp_path / name)
    shutil.copytree(REPO_DIR / "scripts", tmp_path / "scripts")
    fake_python(tmp_path, "old-python", "3.10")
    proc = run(["make", "venv", f"PYTHON={tmp_path / 'old-python'}"], os.environ["PATH"], cwd=tmp_path)
    assert proc.returncode != 0
    assert "is Python 3.10; supported: 3.11 3.12 3.13" in proc.stderr
    assert not (tmp_path / ".venv").exists()
