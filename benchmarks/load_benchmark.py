"""Loader throughput against plain COPY of the same files, in the same run.

    .venv/bin/python benchmarks/load_benchmark.py [--rows 1000000] [--rounds 2]

Writes one extract of at least --rows rows (with the synthetic generator when it is installed,
else with a minimal contract-valid writer below), starts a throwaway embedded Postgres in a temp
dir, then per round: plain `COPY ... FROM STDIN (FORMAT csv, HEADER)` of every file into bare text
tables, and the loader (`load_path`) into a fresh database. Prints rows/s and loader/COPY
(target >= 0.7). Best round of each is reported, to damp noise from other work on the machine.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

import psycopg2

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ingestion.contract import load_contract
from ingestion.embedded import EmbeddedPostgres
from ingestion.loader import load_path
from ingestion.loader.manifest import MANIFEST

TARGET = 0.7


def _value(col, i: int, rnd: random.Random, code_lists) -> str:
    if col.type == "id":
        return f"{col.name[:4].upper()}{i:08d}"
    if col.type == "date":
        if not col.required and rnd.random() < 0.4:
            return ""
        return f"20{rnd.randint(14, 20)}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}"
    if col.type == "flag":
        return rnd.choice("YN")
    if col.type == "code":
        return rnd.choice(sorted(code_lists[col.codes].codes))
    if col.type == "int":
        return str(rnd.randint(1, 6))
    if col.type == "decimal":
        return f"{rnd.random() * 40:.1f}"
    return f"{col.name.split('_')[-1]} {rnd.randint(1, 9999)}"


def write_fallback_extract(
    root: Path, rows: int, la_code: str = "888", extract_date: str = "2020-04-01"
) -> Path:
    """Contract-valid files for every required table, about ``rows`` rows in all."""
    contract = load_contract()
    tables = contract.required_tables
    weights = {"ssd_person": 3, "ssd_cla_episodes": 4, "ssd_cla_placement": 3, "ssd_cla_reviews": 4}
    total_weight = sum(weights.get(t, 1) for t in tables)
    folder = root / la_code / extract_date
    folder.mkdir(parents=True)
    rnd = random.Random(1)
    files = {}
    for t in tables:
        table = contract.tables[t]
        n = rows * weights.get(t, 1) // total_weight + 1
        path = folder / f"{t}.csv"
        with open(path, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(table.column_names)
            for i in range(n):
                w.writerow([_value(c, i, rnd, contract.code_lists) for c in table.columns])
        files[path.name] = {"rows": n, "sha256": hashlib.sha256(path.read_bytes()).hexdigest()}
    doc = {"contract_version": 1, "la_code": la_code, "extract_date": extract_date, "files": files}
    (folder / MANIFEST).write_text(json.dumps(doc))
    return folder


def make_extract(root: Path, rows: int) -> tuple[Path, str]:
    try:
        from ingestion.generator import generate
    except ImportError:
        return write_fallback_extract(root, rows), "minimal contract-valid writer (benchmark)"
    scale = 1.0
    for attempt in range(4):
        out = root / f"gen{attempt}"
        folders = generate(out, profile="lancashire", years=6, nights=1, scale=scale, las=1, seed=1)
        folder = Path(folders[0])
        n = _manifest_rows(folder)
        if n >= rows:
            return folder, f"ingestion.generator (lancashire, scale {scale:g})"
        shutil.rmtree(out)
        scale *= rows / max(n, 1) * 1.05
    raise RuntimeError("the generator did not reach the row target")


def _manifest_rows(folder: Path) -> int:
    doc = json.loads((folder / MANIFEST).read_text())
    return sum(f["rows"] for f in doc["files"].values())


def new_database(server: EmbeddedPostgres, name: str) -> str:
    conn = psycopg2.connect(server.url("postgres"))
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'create database "{name}"')
    conn.close()
    return server.url(name)


def plain_copy(url: str, folder: Path) -> float:
    """Seconds to COPY every file into bare text tables (header columns only), one transaction."""
    doc = json.loads((folder / MANIFEST).read_text())
    conn = psycopg2.connect(url)
    started = time.perf_counter()
    with conn.cursor() as cur:
        for name in sorted(doc["files"]):
            path = folder / name
            with open(path, encoding="utf-8-sig", newline="") as f:
                header = next(csv.reader(f))
            table = name.removesuffix(".csv")
            cols = ", ".join(f'"{c}" text' for c in header)
            cur.execute(f'create table "{table}" ({cols})')
            with open(path, "rb") as f:
                cur.copy_expert(f'copy "{table}" from stdin with (format csv, header true)', f, size=1 << 19)
    conn.commit()
    seconds = time.perf_counter() - started
    conn.close()
    return seconds


def loader(url: str, folder: Path, archive: Path) -> float:
    started = time.perf_counter()
    results = load_path(folder, url, archive_dir=archive)
    seconds = time.perf_counter() - started
    if [r.status for r in results] != ["loaded"]:
        raise RuntimeError(f"the loader did not load the benchmark extract: {results}")
    return seconds


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--extract-dir", type=Path, help="keep the generated extract here and reuse it next time")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="cscw_bench_") as tmp:
        tmp = Path(tmp)
        t0 = time.perf_counter()
        landing = args.extract_dir or tmp / "landing"
        reuse = sorted(landing.rglob(MANIFEST)) if args.extract_dir else []
        if reuse:
            folder, source = reuse[0].parent, f"reused {reuse[0].parent}"
        else:
            folder, source = make_extract(landing, args.rows)
        rows = _manifest_rows(folder)
        size = sum(p.stat().st_size for p in folder.glob("*.csv"))
        print(
            f"extract: {rows:,} rows, {size / 1e6:.0f} MB, {source};"
            f" written in {time.perf_counter() - t0:.1f} s"
        )
        server = EmbeddedPostgres(tmp / "pg")
        server.start()
        # The figures swing with other work on the machine: say how busy it was.
        print("load average at start: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
        try:
            best_copy = best_load = float("inf")
            for i in range(args.rounds):
                c = plain_copy(new_database(server, f"copy{i}"), folder)
                ld = loader(new_database(server, f"load{i}"), folder, tmp / f"archive{i}")
                print(
                    f"round {i + 1}: plain COPY {rows / c:,.0f} rows/s ({c:.2f} s);"
                    f" loader {rows / ld:,.0f} rows/s ({ld:.2f} s); ratio {c / ld:.2f}"
                )
                best_copy, best_load = min(best_copy, c), min(best_load, ld)
        finally:
            server.stop()
    ratio = best_copy / best_load
    print("load average at end: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    print(f"plain COPY: {rows / best_copy:,.0f} rows/s")
    print(f"loader:     {rows / best_load:,.0f} rows/s")
    print(f"loader/COPY ratio: {ratio:.2f} (target >= {TARGET})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
