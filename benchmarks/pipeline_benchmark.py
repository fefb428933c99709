"""The dbt stage of the nightly DAG: Cosmos execution modes against one plain `dbt build`.

    .venv/bin/python benchmarks/pipeline_benchmark.py [--select SELECTOR ...] [--scale 0.05]

Generates one synthetic night into a throw-away CSCW_HOME (own embedded Postgres), loads it, then
times, on the same selection of the dbt project:
  baseline   one `dbt build` (ingestion.dbt_runner.run_dbt, 4 threads)
  local      the DAG with Cosmos ExecutionMode.LOCAL, a task per model and per model's tests
  watcher    the DAG with Cosmos ExecutionMode.WATCHER (one producer `dbt build`, a sensor per model)
The DAG runs use dag.test() (tasks in series, as in the demo and the tests); the dbt stage runs from
prepare_build to the end of the run (publish and the run record included, well under a second).
Prints seconds and the ratio to the baseline.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

REPO = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--select", nargs="*", default=["path:models/staging/ssd", "+mart_kpi_catalogue"])
    parser.add_argument("--scale", type=float, default=0.05)
    parser.add_argument("--modes", nargs="*", default=["local", "watcher"])
    args = parser.parse_args()

    home = Path(tempfile.mkdtemp(prefix="cscw_bench_pipeline_"))
    os.environ["CSCW_HOME"] = str(home)
    os.environ.setdefault("CSCW_PSEUDONYM_KEY", "benchmark-only-key")
    sys.path.insert(0, str(REPO))
    from ingestion.db import database_url, embedded_server
    from ingestion.dbt_runner import run_dbt
    from ingestion.generator import generate
    from ingestion.names import BUILD_SCHEMA_PREFIX
    from ingestion.pipeline.dbt_steps import prepare_dbt
    from ingestion.pipeline.loading import load_authority

    url = database_url()
    try:
        night = datetime.now(ZoneInfo("Europe/London")).date()
        landing = home / "landing"
        generate(
            landing, profile="lancashire", years=6, nights=1, scale=args.scale, seed=3, extract_date=night
        )
        prepare_dbt()
        load_authority(landing, "888", night, url)

        started = time.monotonic()
        res = run_dbt(["build", "--select", *args.select], url, vars={"marts_schema": BUILD_SCHEMA_PREFIX})
        baseline = time.monotonic() - started
        nodes = len(res.results)
        print(f"selection {' '.join(args.select)}: {nodes} dbt nodes, scale {args.scale}")
        print(f"baseline  one dbt build      {baseline:7.1f}s  1.0x  ({'ok' if res.success else 'FAILED'})")

        for mode in args.modes:
            env = {
                **os.environ,
                "CSCW_DATABASE_URL": url,
                "CSCW_DBT_EXECUTION_MODE": mode,
                "CSCW_DBT_SELECT": ",".join(args.select),
                "CSCW_TASK_RETRIES": "0",
            }
            cmd = [sys.executable, "-m", "ingestion.airflow_env", "test", "--extract-date", night.isoformat()]
            cmd += ["--landing", str(landing)]
            started = time.monotonic()
            proc = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True)
            wall = time.monotonic() - started
            lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
            rec = json.loads(lines[-1])["record"] if lines else {}
            started_epoch = (rec.get("durations") or {}).get("_dbt_started_epoch")
            if started_epoch and rec.get("finished_at"):
                dbt = datetime.fromisoformat(rec["finished_at"]).timestamp() - float(started_epoch)
            else:
                dbt = wall
            print(
                f"{mode:9s} Cosmos dag.test()  {dbt:7.1f}s  {dbt / baseline:4.1f}x  "
                f"(whole DAG run {wall:.0f}s, state {json.loads(lines[-1])['state'] if lines else '?'})"
            )
    finally:
        embedded_server().stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
