"""dbt warehouse build times on a generated authority: a full build, then the next night's
incremental build, then a full refresh of the same two nights (the baseline the incremental run is
compared with, in the same run). Prints seconds and the incremental/full ratio.

Night 1 is generated and loaded by the real loader. Night 2 is night 1's raw snapshot copied to the
next extract date in SQL with about 1% of CLA reviews changed and 1% of people removed (a typical
night), so the figure measures the warehouse, not the loader.

    .venv/bin/python benchmarks/warehouse_benchmark.py [--profile lancashire] [--years 6] [--scale 1.0]

Uses a throwaway embedded Postgres and CSCW_HOME under a temporary folder. The KPI marts are
excluded (their own benchmark covers them) unless --with-kpi is given.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

KPI = "path:models/marts/kpi path:models/intermediate/kpi path:tests/kpi path:seeds/kpi"


LAYERS = {"stg_": "staging", "hist_": "history", "int_": "intermediate", "fct_": "facts", "dim_": "dims"}


def node_seconds_by_layer(run) -> dict[str, float]:
    """Summed node time per kind: model time split by layer (name prefix), then tests, unit tests..."""
    out: dict[str, float] = {}
    for r in run.results:
        kind = r["resource_type"].split(".")[-1].lower()
        if kind == "model":
            kind = next(
                (layer for prefix, layer in LAYERS.items() if r["name"].startswith(prefix)), "other models"
            )
        out[kind] = out.get(kind, 0.0) + (r["execution_time"] or 0.0)
    return out


# a typical night: about 1% of CLA reviews changed and 1% of people removed
NIGHT_2_CHANGES = [
    "update raw.ssd_cla_reviews set clar_cla_review_participation = 'PN7'"
    " where _batch_id = {batch} and _source_line % 100 = 0",
    "delete from raw.ssd_person where _batch_id = {batch} and _source_line % 100 = 1",
]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--profile", default="lancashire")
    ap.add_argument("--years", type=int, default=6)
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--with-kpi", action="store_true")
    ap.add_argument("--top", type=int, default=0, help="also print the N slowest nodes of each run")
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="wh_bench_"))
    os.environ["CSCW_HOME"] = str(tmp / "home")
    os.environ.setdefault("CSCW_PSEUDONYM_KEY", "benchmark-only-pseudonym-key")
    os.environ.pop("CSCW_DATABASE_URL", None)

    from ingestion.build import build
    from ingestion.embedded import EmbeddedPostgres
    from ingestion.generator import generate
    from ingestion.loader import load_path
    from tests.warehouse.rawdata import clone_extract

    server = EmbeddedPostgres(tmp / "pg")
    url = server.start()
    exclude = None if args.with_kpi else KPI
    try:
        out = tmp / "extracts"
        t = time.monotonic()
        folders = generate(out, args.profile, years=args.years, scale=args.scale, extract_date="2025-03-30")
        print(f"generated {len(folders)} night in {time.monotonic() - t:.1f}s")
        res = load_path(folders[0], url)
        rows = sum(r.rows_loaded for r in res)
        print(f"night 1 loaded: {rows} rows")
        timings, nodes, fact_nodes = {}, {}, {}
        for label, night, full in [
            ("full build, night 1", None, True),
            ("incremental, night 2", "2025-03-31", False),
            ("full refresh, nights 1+2", None, True),
        ]:
            if night is not None:
                clone_extract(url, res[0].la_code, "2025-03-30", night, NIGHT_2_CHANGES)
            t = time.monotonic()
            run = build(url, exclude=exclude, full_refresh=full, target_path=tmp / "target")
            timings[label] = time.monotonic() - t
            if not run.success:
                print(run.summary())
                return 1
            nodes[label] = node_seconds_by_layer(run)
            fact_nodes[label] = {
                r["name"]: r["execution_time"] or 0.0
                for r in run.results
                if r["name"].startswith("fct_") and r["resource_type"].endswith("model")
            }
            parts = ", ".join(f"{k} {v:.1f}s" for k, v in sorted(nodes[label].items()))
            print(f"{label}: {timings[label]:.1f}s wall; summed node time: {parts}")
            slowest = sorted(run.results, key=lambda r: -(r["execution_time"] or 0.0))[: args.top]
            for r in slowest:
                print(f"    {r['execution_time']:6.2f}s  {r['name']}")
        inc, full = nodes["incremental, night 2"], nodes["full refresh, nights 1+2"]
        ratio = timings["incremental, night 2"] / timings["full refresh, nights 1+2"]
        print(f"incremental / full refresh: {ratio:.2f} wall")
        for layer in ["staging", "history", "intermediate", "facts", "dims", "test"]:
            print(
                f"  {layer}: {inc.get(layer, 0):.1f}s / {full.get(layer, 0):.1f}s = "
                f"{inc.get(layer, 0) / max(full.get(layer, 0), 1e-9):.2f}"
            )
        print("  per fact (incremental / full refresh):")
        for name in sorted(fact_nodes["full refresh, nights 1+2"]):
            print(
                f"    {name}: {fact_nodes['incremental, night 2'].get(name, 0):.2f}s / "
                f"{fact_nodes['full refresh, nights 1+2'][name]:.2f}s"
            )
        print(json.dumps({k: round(v, 1) for k, v in timings.items()}))
    finally:
        server.stop()
        shutil.rmtree(tmp, ignore_errors=True)  # a night at this scale is about 1 GB on disk
    return 0


if __name__ == "__main__":
    sys.exit(main())
