"""`ingestion/` is the plain-Python core: the CLI, the loader and dbt runs must work without Airflow
installed or configured. Only functions called from the DAGs or the demo may import Airflow, inside the
function (Airflow reads its configuration on first import, so a module-level import would also fix it
before ingestion.airflow_env could set it)."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import REPO_DIR

# Imports every module of the package named in argv with `airflow` and `cosmos` made unimportable, and
# prints the modules whose import failed because of that.
_PROBE = r"""
import importlib, importlib.abc, json, pkgutil, sys

BLOCKED = ("airflow", "cosmos")

class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ImportError(f"blocked: {name}")
        return None

sys.meta_path.insert(0, Block())
package = importlib.import_module(sys.argv[1])

failed, imported = {}, []
for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
    try:
        importlib.import_module(info.name)
        imported.append(info.name)
    except ImportError as err:
        failed[info.name] = str(err)
print(json.dumps({"failed": failed, "imported": imported}))
"""


def test_no_ingestion_module_imports_airflow_at_module_level():
    proc = subprocess.run(
        [sys.executable, "-c", _PROBE, "ingestion"],
        cwd=REPO_DIR,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["failed"] == {}, f"modules importing Airflow or Cosmos at import time: {result['failed']}"
    # the probe really walked the package, subpackages included
    for name in (
        "ingestion.cli",
        "ingestion.airflow_env",
        "ingestion.loader.core",
        "ingestion.report.render",
    ):
        assert name in result["imported"]


def test_the_probe_catches_a_module_level_airflow_import(tmp_path):
    """The blocker itself works: a package whose module imports airflow at the top is reported."""
    pkg = tmp_path / "probe_target"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "uses_airflow.py").write_text("from airflow.sdk import DAG\n")
    proc = subprocess.run(
        [sys.executable, "-c", _PROBE, "probe_target"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert list(result["failed"]) == ["probe_target.uses_airflow"]
