"""The KPI marts against the warehouse they are built on, on the same generated authority.

    .venv/bin/python benchmarks/kpi_benchmark.py [--scale 0.2] [--years 6]

Generates one synthetic Lancashire night into a throw-away CSCW_HOME (own embedded Postgres), loads
and analyzes it, then times:
  baseline   seeds, staging and the warehouse facts (`dbt build` without the KPI folder and tests)
  kpi        the KPI seeds and marts alone on those facts
  kpi tests  the KPI reconciliation and schema tests
Prints seconds and the ratio to the baseline, plus the slowest KPI models. Target: the KPI marts
cost less than the warehouse they read (ratio < 1).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

KPI_NODES = ["path:models/marts/kpi", "path:models/intermediate/kpi", "path:tests/kpi", "path:seeds/kpi"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", type=float, default=0.2)
    ap.add_argument("--years", type=int, default=6)
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="kpi_bench_"))
    os.environ["CSCW_HOME"] = str(tmp / "home")
    os.environ.setdefault("CSCW_PSEUDONYM_KEY", "benchmark-only-pseudonym-key")
    os.environ.pop("CSCW_DATABASE_URL", None)

    import psycopg2

    from ingestion.dbt_runner import run_dbt
    from ingestion.embedded import EmbeddedPostgres
    from ingestion.generator import generate
    from ingestion.loader import load_path

    server = EmbeddedPostgres(tmp / "pg")
    url = server.start()
    try:
        generate(tmp / "landing", "lancashire", years=args.years, scale=args.scale, extract_date="2019-04-01")
        load_path(tmp / "landing", url, archive_dir=tmp / "archive")
        conn = psycopg2.connect(url)
        conn.autocommit = True
        conn.cursor().execute("analyze")
        conn.close()
        timings, slowest = {}, []
        steps = [
            ("baseline (staging + facts)", ["build", "--exclude", *KPI_NODES, "resource_type:test"]),
            (
                "kpi marts",
                [
                    "build",
                    "--select",
                    "path:seeds/kpi",
                    "path:models/intermediate/kpi",
                    "path:models/marts/kpi",
                    "--exclude",
                    "resource_type:test",
                ],
            ),
            ("kpi tests", ["test", "--select", *KPI_NODES]),
        ]
        for label, cmd in steps:
            t = time.monotonic()
            run = run_dbt(cmd, url, target_path=tmp / "target")
            timings[label] = time.monotonic() - t
            if not run.success:
                print(run.summary())
                return 1
            if label == "kpi marts":
                slowest = sorted(run.results, key=lambda r: -(r["execution_time"] or 0))[:5]
        base = timings["baseline (staging + facts)"]
        print(f"lancashire scale {args.scale}, {args.years} years")
        for label, seconds in timings.items():
            print(f"  {label:28s} {seconds:7.1f}s  ratio {seconds / base:5.2f}")
        names = ", ".join(f"{r['name']} {r['execution_time']:.1f}s" for r in slowest)
        print(f"  slowest KPI models: {names}")
        return 0
    finally:
        server.stop()


if __name__ == "__main__":
    raise SystemExit(main())
