"""SSDA903 validator errors per 100 children of a generated authority (the realism target: at most 10).

For each profile: generate an extract (default 3 years, scale 0.1, extract date 30 April 2026), load it,
build the warehouse, write the 2025-26 return and run the DfE rules on it (`cscw return 903`). Prints
per profile the children, the errors, errors per 100 children, the same without the rules that only
report items read from optional tables an authority may not send (docs/ssda903.md: HOME_POST, MOTHER,
the OC2 outcome items, the AD1 adoption details, the SDQ), and the rules that fired. Usage:
    .venv/bin/python benchmarks/ssda903_benchmark.py [--profiles lancashire leicestershire portsmouth]
        [--years 3] [--scale 0.1] [--home DIR]   (--home keeps the database and validator environment)
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

# rules that report an item read from an optional table, blank when the table is not sent (docs/ssda903.md)
NO_SOURCE_RULES = {
    "392a": "HOME_POST (no placement distance)",
    "392b": "HOME_POST",
    "393": "MOTHER",
    "607": "MOTHER",
    "191": "OC2 outcome items",
    "186": "OC2 SDQ",
    "197B": "OC2 SDQ",
    "543": "OC2 CONVICTED",
    "545": "OC2 HEALTH_CHECK",
    "601": "AD1 adoption details",
}


def cscw(home: Path, *args: str) -> None:
    env = {**os.environ, "CSCW_HOME": str(home)}
    done = subprocess.run(
        [sys.executable, "-m", "ingestion.cli", *args], env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise SystemExit(f"cscw {' '.join(args)} failed:\n{(done.stdout + done.stderr)[-3000:]}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--profiles", nargs="+", default=["lancashire", "leicestershire", "portsmouth"])
    ap.add_argument("--years", type=int, default=3)
    ap.add_argument("--scale", type=float, default=0.1)
    ap.add_argument("--extract-date", default="2026-04-30")
    ap.add_argument("--year", default="2025-26")
    ap.add_argument("--home", type=Path, help="CSCW_HOME to use and keep (default: a temporary one)")
    args = ap.parse_args()
    tmp = None if args.home else tempfile.TemporaryDirectory(prefix="cscw-903-")
    home = (args.home or Path(tmp.name)).resolve()
    os.environ["CSCW_HOME"] = str(home)
    from ingestion.db import database_url
    from ingestion.generator.profiles import load_profile
    from ingestion.returns.run import produce

    try:
        landing = home / "landing-903"
        for profile in args.profiles:
            cscw(
                home,
                "generate",
                "--profile",
                profile,
                "--years",
                str(args.years),
                "--scale",
                str(args.scale),
                "--extract-date",
                args.extract_date,
                "--out",
                str(landing),
            )
        cscw(home, "load", str(landing))
        cscw(home, "build")
        print(
            f"SSDA903 {args.year}, generated: {args.years} years, scale {args.scale},"
            f" extract {args.extract_date}"
        )
        print(f"{'profile':<16}{'children':>9}{'errors':>8}{'per 100':>9}{'w/o no-source':>15}  rules")
        for profile in args.profiles:
            la = load_profile(profile)["la_code"]
            res = produce(database_url(), la, args.year, home / "returns" / la)
            sourced = {r: n for r, n in res.by_rule.items() if r not in NO_SOURCE_RULES}
            per100 = 100 * sum(sourced.values()) / res.children
            rules = ", ".join(f"{r}:{n}" for r, n in sorted(res.by_rule.items(), key=lambda kv: -kv[1]))
            print(
                f"{profile:<16}{res.children:>9}{res.errors:>8}{res.errors_per_100_children:>9.1f}"
                f"{per100:>15.1f}  {rules}"
            )
            if res.failed_rules:
                print(f"{'':<16}rules the validator could not run: {', '.join(res.failed_rules)}")
    finally:
        subprocess.run([sys.executable, "-m", "ingestion.cli", "db", "stop"], capture_output=True)
        if tmp:
            tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
