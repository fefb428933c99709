"""Generator speed and memory: per-authority time and peak RSS as the population grows.

Each run is a fresh subprocess (so its peak RSS and CPU time are its own; CPU seconds are the figure
to compare on a shared machine, wall seconds move with the load). Prints, for a profile:
  scale 1, 2, 4 (one authority growing): seconds, rows, peak RSS, and ratios against scale 1;
  las 1, 2, 4 (authorities side by side, scale 1): the same; memory should stay flat because rows
  stream to files and one authority is simulated at a time.
`--national` adds the national-scale hub (150 authorities of the leicestershire profile, about 96,000
children looked after; England has about 83,000). Usage:
    .venv/bin/python benchmarks/generate_benchmark.py [--profile lancashire] [--years 6] [--national]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile

CHILD = r"""
import json, resource, sys, time, shutil
from pathlib import Path
from ingestion.generator import generate
kw = json.loads(sys.argv[1])
t = time.perf_counter()
folders = generate(**kw)
secs = time.perf_counter() - t
rows = 0
for f in folders:
    m = json.loads((Path(f) / "manifest.json").read_text())
    rows += sum(v["rows"] for v in m["files"].values())
shutil.rmtree(kw["out_dir"])
use = resource.getrusage(resource.RUSAGE_SELF)
cpu = use.ru_utime + use.ru_stime
print(json.dumps({"seconds": secs, "cpu": cpu, "rows": rows, "maxrss_mb": use.ru_maxrss / 1024}))
"""


def run(**kw) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        kw["out_dir"] = tmp + "/out"
        out = subprocess.run(
            [sys.executable, "-c", CHILD, json.dumps(kw)], check=True, capture_output=True, text=True
        ).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--profile", default="lancashire")
    ap.add_argument("--years", type=int, default=6)
    ap.add_argument("--national", action="store_true")
    a = ap.parse_args()
    base = dict(profile=a.profile, years=a.years, extract_date="2019-03-31", seed=1)
    print(f"profile {a.profile}, {a.years} years")
    print(
        f"{'run':<12}{'seconds':>9}{'CPU s':>8}{'rows':>11}{'rows/CPU s':>11}{'peak MB':>9}"
        f"{'CPU x':>8}{'rows x':>8}{'RSS x':>7}"
    )
    for label, series in (
        ("scale", [dict(scale=s) for s in (1, 2, 4)]),
        ("las", [dict(las=n) for n in (1, 2, 4)]),
    ):
        first = None
        for extra in series:
            r = run(**base, **extra)
            first = first or r
            name = f"{label} {next(iter(extra.values()))}"
            print(
                f"{name:<12}{r['seconds']:>9.1f}{r['cpu']:>8.1f}{r['rows']:>11,}"
                f"{r['rows'] / r['cpu']:>11,.0f}"
                f"{r['maxrss_mb']:>9.0f}{r['cpu'] / first['cpu']:>8.2f}"
                f"{r['rows'] / first['rows']:>8.2f}{r['maxrss_mb'] / first['maxrss_mb']:>7.2f}"
            )
    if a.national:
        r = run(profile="leicestershire", years=a.years, extract_date="2019-03-31", seed=1, las=150)
        print(
            f"national: 150 authorities (leicestershire), {r['seconds']:.0f}s ({r['cpu']:.0f}s CPU), "
            f"{r['rows']:,} rows, "
            f"peak {r['maxrss_mb']:.0f} MB"
        )


if __name__ == "__main__":
    main()
