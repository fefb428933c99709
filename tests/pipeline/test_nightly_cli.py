"""`cscw nightly` (no Airflow) on a broken extract: it stops at the load, records why, and exits 1.
The successful path is the same step functions the DAG runs (see test_nightly_dag.py)."""

from __future__ import annotations

from datetime import date

import psycopg2

from ingestion.cli import main
from ingestion.generator import generate


def test_cscw_nightly_rejects_a_broken_extract_and_records_the_failure(db_url, tmp_path, monkeypatch, capsys):
    night = date(2026, 3, 31)
    generate(tmp_path, profile="lancashire", years=6, nights=1, scale=0.02, seed=11, extract_date=night)
    person = tmp_path / "888" / night.isoformat() / "ssd_person.csv"
    person.write_text(person.read_text() + "tampered,row\n")  # no longer matches the manifest
    monkeypatch.setenv("CSCW_DATABASE_URL", db_url)

    assert main(["nightly", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "NOT published (failed at load)" in out and "previous complete night" in out
    conn = psycopg2.connect(db_url)
    with conn.cursor() as cur:
        cur.execute(
            "select trigger, extract_date, status, failed_step, error, published from ops.pipeline_runs"
        )
        [(trigger, extract_date, status, step, error, published)] = cur.fetchall()
        cur.execute("select status from raw._batches")
        batches = cur.fetchall()
    conn.close()
    assert (trigger, extract_date, status, step, published) == ("cli", night, "failed", "load", False)
    assert "ExtractRejected" in error and "ssd_person.csv" in error
    assert batches == [("rejected",)]
