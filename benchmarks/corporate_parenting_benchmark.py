"""What the Corporate Parenting Board scorecard adds to the nightly build, at Lancashire scale: the same
`cscw build` (ingestion.build.build: `dbt build`, models and tests, 4 threads) of the same generated
night, with and without the scorecard's own models, in the same process, alternating. Prints each
round's wall time and the ratio with / without (target: under 1.25).

    .venv/bin/python benchmarks/corporate_parenting_benchmark.py [--scale 1.0] [--years 6] [--rounds 2]

"Without" excludes what the scorecard added to the project: staging and history of ssd_cla_health,
ssd_cla_immunisations and ssd_sdq_scores, the health, missing, visit and care-leaver facts and the four
KPI families (with their tests and unit tests). An untimed first build makes every relation, so that
the shared models that read the excluded ones (kpi_values, int_child_changes) find them on the
"without" rounds, where they read the previous round's tables. Every build is a full refresh, so
each round does a whole night's work. Uses a throwaway embedded Postgres and CSCW_HOME under a
temporary folder.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SCORECARD_NODES = " ".join(
    [
        "stg_ssd__cla_health",
        "stg_ssd__cla_immunisations",
        "stg_ssd__sdq_scores",
        "hist_ssd__cla_health",
        "hist_ssd__cla_immunisations",
        "hist_ssd__sdq_scores",
        "fct_cla_health_checks",
        "fct_cla_missing_episodes",
        "fct_cla_visits",
        "fct_care_leaver_history",
        "int_kpi_cla_health",
        "int_kpi_cla_missing",
        "int_kpi_cla_visits",
        "int_kpi_care_leavers",
    ]
)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--years", type=int, default=6)
    ap.add_argument("--rounds", type=int, default=2, help="pairs of builds (with, without)")
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="cp_bench_"))
    os.environ["CSCW_HOME"] = str(tmp / "home")
    os.environ.setdefault("CSCW_PSEUDONYM_KEY", "benchmark-only-pseudonym-key")
    os.environ.pop("CSCW_DATABASE_URL", None)

    from ingestion.build import build
    from ingestion.embedded import EmbeddedPostgres
    from ingestion.generator import generate
    from ingestion.loader import load_path

    server = EmbeddedPostgres(tmp / "pg")
    url = server.start()
    try:
        t = time.monotonic()
        folders = generate(tmp / "extracts", "lancashire", years=args.years, scale=args.scale)
        res = load_path(folders[0], url, archive_dir=tmp / "archive")
        rows = sum(r.rows_loaded for r in res)
        print(
            f"lancashire scale {args.scale}, {args.years} years: {rows:,} rows loaded"
            f" in {time.monotonic() - t:.0f}s"
        )
        # a first, untimed build: dbt's full parse and every relation created (the "without" rounds need
        # the scorecard's tables to exist)
        t = time.monotonic()
        run = build(url, full_refresh=True, target_path=tmp / "target")
        if not run.success:
            print(run.summary())
            return 1
        print(f"warm-up build (everything): {time.monotonic() - t:.1f}s")
        times: dict[str, list[float]] = {"with": [], "without": []}
        for n in range(args.rounds):
            for label, exclude in (("with", None), ("without", SCORECARD_NODES)):
                load = os.getloadavg()[0]
                t = time.monotonic()
                run = build(url, exclude=exclude, full_refresh=True, target_path=tmp / "target")
                seconds = time.monotonic() - t
                if not run.success:
                    print(run.summary())
                    return 1
                times[label].append(seconds)
                print(
                    f"round {n + 1}, {label} the scorecard: {seconds:.1f}s,"
                    f" {len(run.results)} nodes (load {load:.1f})"
                )
        for stat in (min, statistics.median):
            w, wo = stat(times["with"]), stat(times["without"])
            print(f"{stat.__name__}: with {w:.1f}s, without {wo:.1f}s, with / without = {w / wo:.2f}")
        pairs = [w / wo for w, wo in zip(times["with"], times["without"], strict=True)]
        print("per round with / without: " + ", ".join(f"{p:.2f}" for p in pairs))
    finally:
        server.stop()
        shutil.rmtree(tmp, ignore_errors=True)  # a night at this scale is about 1 GB on disk
    return 0


if __name__ == "__main__":
    sys.exit(main())
