"""A regional hub's nightly cost by number of authorities: for each size, a throwaway embedded Postgres
holds that many generated authorities (the generator's `--las`, leicestershire profile by default);
then the real night's build and publish (`ingestion.build.build_and_publish`: `dbt build` of
everything, 4 threads, isolation per authority, write-audit-publish) twice:

- full: the first night, every model and test from scratch (`--full-refresh`);
- incremental: the next night, every authority's snapshot re-sent with about 1% of CLA reviews changed
  and 1% of people removed (the same typical night as benchmarks/warehouse_benchmark.py).

Prints, per size: raw rows, wall time and peak memory (this process, which runs dbt, plus every
Postgres process) of each build, the ratio incremental / full, and the p95 of the KPI queries a BI tool
sends, run as one authority's row-level-security role (`cscw roles add --la`). Then the growth from
the smallest size: seconds per authority, which stays flat when the cost grows linearly.

    .venv/bin/python benchmarks/hub_benchmark.py [--las 1 8 33] [--profile leicestershire] [--years 6]
        [--scale 1.0] [--queries 30]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psutil
from warehouse_benchmark import node_seconds_by_layer

# a typical night: about 1% of CLA reviews and 1% of people changed (no row removed: a removed person
# leaves orphans whose tests withhold the authority, and this measures a night that publishes)
NEXT_NIGHT_CHANGES = [
    "update raw.ssd_cla_reviews set clar_cla_review_participation = 'PN7'"
    " where _batch_id = {batch} and _source_line % 100 = 0",
    "update raw.ssd_person set pers_forename = pers_forename || 'a'"
    " where _batch_id = {batch} and _source_line % 100 = 1",
]

# what a dashboard asks of marts, as one authority's role: its scorecard (every KPI's monthly headline
# over the last 13 months), one KPI by locality, and children looked after by placement type
KPI_QUERIES = {
    "scorecard, 13 months": """
        select kpi_code, period_end, value
        from marts.kpi_values
        where period_type = 'month' and breakdown = 'all'
          and period_end >= (select max(period_end) from marts.kpi_values) - interval '13 months'
        order by kpi_code, period_end""",
    "one KPI by locality": """
        select period_end, breakdown_value, value
        from marts.kpi_values
        where kpi_code = 'CLA_AT_END' and breakdown = 'locality'
        order by period_end, breakdown_value""",
    "children looked after by placement": """
        select breakdown_value, sum(value)
        from marts.kpi_values
        where kpi_code = 'CLA_AT_END' and breakdown = 'placement_type'
        group by breakdown_value""",
}


class PeakMemory:
    """Peak resident memory of this process plus a server's process tree, sampled every 0.2 s."""

    def __init__(self, server_pid: int | None):
        self.server_pid = server_pid
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _rss(self) -> int:
        procs = [psutil.Process()]
        if self.server_pid:
            try:
                server = psutil.Process(self.server_pid)
                procs += [server, *server.children(recursive=True)]
            except psutil.NoSuchProcess:
                pass
        total = 0
        for p in procs:
            with contextlib.suppress(psutil.NoSuchProcess):
                total += p.memory_info().rss
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._rss())
            self._stop.wait(0.2)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def _server_pid(data_dir: Path) -> int | None:
    pid_file = next(data_dir.rglob("postmaster.pid"), None)
    return int(pid_file.read_text().split()[0]) if pid_file else None


def _layers(run) -> str:
    """Summed node seconds per layer (warehouse_benchmark's split), largest first."""
    sums = node_seconds_by_layer(run)
    return ", ".join(f"{k} {v:.0f}s" for k, v in sorted(sums.items(), key=lambda kv: -kv[1]))


def _timed_build(url: str, server_pid: int | None, *, full_refresh: bool) -> tuple[float, int]:
    from ingestion.build import build_and_publish

    with PeakMemory(server_pid) as mem:
        t = time.monotonic()
        run, published = build_and_publish(url, full_refresh=full_refresh)
        seconds = time.monotonic() - t
    if not run.success or published is None or published.withheld:
        raise SystemExit(f"the night did not publish every authority:\n{run.summary()}\n{published}")
    print(f"    summed node time: {_layers(run)}")
    return seconds, mem.peak


def _query_p95(url: str, la_code: str, rounds: int) -> dict[str, float]:
    """p95 milliseconds of each KPI query, run as the authority's reader role."""
    import psycopg2

    from ingestion import row_security

    with psycopg2.connect(url) as conn:
        row_security.add_role(conn, f"la_{la_code}", la_code)
        conn.commit()
    conn = psycopg2.connect(url)
    try:
        with conn.cursor() as cur:
            cur.execute(f"set role la_{la_code}")
            out = {}
            for name, sql in KPI_QUERIES.items():
                times = []
                for _ in range(rounds):
                    t = time.perf_counter()
                    cur.execute(sql)
                    rows = cur.fetchall()
                    times.append((time.perf_counter() - t) * 1000)
                if not rows:
                    raise SystemExit(f"the query '{name}' returned nothing for authority {la_code}")
                out[name] = statistics.quantiles(times, n=20)[-1]
            cur.execute("select count(distinct la_code) from marts.kpi_values")
            if cur.fetchone()[0] != 1:
                raise SystemExit(f"la_{la_code} reads other authorities' rows in marts.kpi_values")
    finally:
        conn.close()
    return out


def measure(n_las: int, args, root: Path) -> dict:
    from ingestion.embedded import EmbeddedPostgres
    from ingestion.generator import generate
    from ingestion.loader import load_path
    from tests.warehouse.rawdata import clone_extract

    tmp = root / f"hub_{n_las}"
    os.environ["CSCW_HOME"] = str(tmp / "home")
    server = EmbeddedPostgres(tmp / "pg")
    url = server.start()
    try:
        t = time.monotonic()
        folders = generate(
            tmp / "extracts",
            args.profile,
            years=args.years,
            scale=args.scale,
            las=n_las,
            extract_date=args.night,
        )
        results = load_path(tmp / "extracts", url)
        rows = sum(r.rows_loaded for r in results)
        print(f"{n_las} authorities: {rows:,} raw rows generated and loaded in {time.monotonic() - t:.0f}s")
        pid = _server_pid(tmp / "pg")
        full, full_mem = _timed_build(url, pid, full_refresh=True)
        print(f"  full build and publish: {full:.1f}s, peak memory {full_mem / 2**20:,.0f} MiB")
        t = time.monotonic()
        next_night = (date.fromisoformat(args.night) + timedelta(days=1)).isoformat()
        for r in results:
            clone_extract(url, r.la_code, args.night, next_night, NEXT_NIGHT_CHANGES)
        print(f"  next night re-sent in SQL for every authority in {time.monotonic() - t:.0f}s")
        inc, inc_mem = _timed_build(url, pid, full_refresh=False)
        print(
            f"  incremental build and publish: {inc:.1f}s, peak memory {inc_mem / 2**20:,.0f} MiB;"
            f" incremental / full = {inc / full:.2f}"
        )
        p95 = _query_p95(url, results[0].la_code, args.queries)
        print(
            "  KPI queries as la_"
            + results[0].la_code
            + ", p95: "
            + ", ".join(f"{k} {v:.1f} ms" for k, v in p95.items())
        )
        assert len(folders) == n_las
        return {
            "las": n_las,
            "rows": rows,
            "full": full,
            "inc": inc,
            "full_mem": full_mem,
            "inc_mem": inc_mem,
            "p95": max(p95.values()),
            "load": os.getloadavg()[0],
        }
    finally:
        server.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--las", type=int, nargs="+", default=[1, 8, 33])
    ap.add_argument("--profile", default="leicestershire")
    ap.add_argument("--years", type=int, default=6)
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--night", default="2025-03-30", help="the first night's extract date")
    ap.add_argument("--queries", type=int, default=30, help="runs of each KPI query for its p95")
    args = ap.parse_args()
    os.environ.setdefault("CSCW_PSEUDONYM_KEY", "benchmark-only-pseudonym-key")
    os.environ.pop("CSCW_DATABASE_URL", None)
    root = Path(tempfile.mkdtemp(prefix="hub_bench_"))
    try:
        rows = [measure(n, args, root) for n in args.las]
    finally:
        shutil.rmtree(root, ignore_errors=True)
    base = rows[0]
    print(
        "\nauthorities | raw rows | full s | s per authority | incremental s | inc / full | peak MiB"
        " (full, inc) | KPI p95 ms | load"
    )
    for r in rows:
        print(
            f"{r['las']} | {r['rows']:,} | {r['full']:.0f} | {r['full'] / r['las']:.1f}"
            f" ({r['full'] / r['las'] / (base['full'] / base['las']):.2f}x the first) | {r['inc']:.0f}"
            f" | {r['inc'] / r['full']:.2f} | {r['full_mem'] / 2**20:,.0f}, {r['inc_mem'] / 2**20:,.0f}"
            f" | {r['p95']:.1f} | {r['load']:.1f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
