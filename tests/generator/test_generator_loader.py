"""Generated extracts through the real loader: clean ones load with nothing quarantined; with dirt the
loader quarantines exactly the injected defects (file, line, column) or rejects the extract when the
sidecar says a table goes over the threshold."""

from __future__ import annotations

import json

import psycopg2

from ingestion.generator import generate
from ingestion.loader import load_path


def test_clean_extracts_load_with_nothing_quarantined(tmp_path, db_url):
    folders = generate(
        tmp_path / "landing",
        profile="portsmouth",
        years=2,
        nights=2,
        scale=0.5,
        seed=11,
        extract_date="2019-03-31",
    )
    results = load_path(tmp_path / "landing", db_url, archive_dir=tmp_path / "archive")
    assert [r.status for r in results] == ["loaded", "loaded"], [r.errors for r in results]
    assert all(r.rows_quarantined == 0 for r in results)
    manifest = json.loads((folders[-1] / "manifest.json").read_text())
    expected = sum(f["rows"] for f in manifest["files"].values())
    assert results[-1].rows_loaded == expected


def _quarantine(db_url, batch_id):
    with psycopg2.connect(db_url) as conn, conn.cursor() as cur:
        cur.execute("select file, line, column_name from raw._quarantine where batch_id = %s", (batch_id,))
        return sorted(cur.fetchall())


def test_dirty_extracts_quarantine_exactly_the_injected_defects(tmp_path, db_url):
    landing = tmp_path / "landing"
    # Three nights: the declared variants (cp1252, DD/MM/YYYY, BOM) differ night to night.
    generate(
        landing,
        profile="portsmouth",
        years=2,
        nights=3,
        scale=0.5,
        seed=5,
        dirty_rate=0.002,
        extract_date="2019-03-31",
    )
    results = load_path(landing, db_url, archive_dir=tmp_path / "archive")
    assert len(results) == 3
    kinds = set()
    for r in results:
        sidecar = json.loads((landing / "851" / f"{r.extract_date.isoformat()}.injected.json").read_text())
        kinds |= {d["kind"] for d in sidecar["defects"]}
        assert r.status == sidecar["expected_status"], r.errors
        wanted = sorted(
            (d["file"], d["line"], d["column"]) for d in sidecar["defects"] if d["expected"] == "quarantined"
        )
        if r.status == "loaded":
            assert _quarantine(db_url, r.batch_id) == wanted
            assert r.rows_quarantined == len(wanted)
        else:
            # Rejected: the errors name each table the sidecar expected over the threshold.
            for table in sidecar["tables_over_threshold"]:
                assert any(table in e for e in r.errors)
    assert {"duplicate_key", "unknown_code", "unparseable_date", "missing_required"} <= kinds
    assert any(r.status == "loaded" for r in results)


def test_descriptions_and_uk_dates_are_accepted_and_mapped(tmp_path, db_url):
    """Liquidlogic descriptions and UK dates load as values the warehouse maps (not quarantined)."""
    landing = tmp_path / "landing"
    generate(
        landing, profile="portsmouth", years=2, scale=0.5, seed=9, dirty_rate=0.01, extract_date="2019-03-31"
    )
    sidecar = json.loads((landing / "851" / "2019-03-31.injected.json").read_text())
    mapped = [d for d in sidecar["defects"] if d["expected"] == "accepted_and_mapped"]
    assert mapped
    # 1% dirt puts tables over the loader's default 1% quarantine threshold: the sidecar predicts the
    # rejection, naming the tables; with the threshold raised, the mapped values load.
    assert sidecar["expected_status"] == "rejected"
    [r] = load_path(landing, db_url, archive_dir=tmp_path / "archive")
    assert r.status == "rejected"
    for table in sidecar["tables_over_threshold"]:
        assert any(f"{table}.csv" in e for e in r.errors)
    [r] = load_path(landing, db_url, threshold=0.2, archive_dir=tmp_path / "archive")
    assert r.status == "loaded", r.errors
    with psycopg2.connect(db_url) as conn, conn.cursor() as cur:
        for d in mapped:
            table = d["file"][:-4]
            cur.execute(
                f'select count(*) from raw."{table}" where "{d["column"]}" = %s and _source_line = %s',
                (d["value"], d["line"]),
            )
            assert cur.fetchone()[0] == 1, d
