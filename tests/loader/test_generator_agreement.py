"""The loader against the synthetic generator's dirty extracts: the generator's sidecar lists every
defect it injected and what should become of it; two independent implementations must agree."""

from __future__ import annotations

import json

from ingestion.generator import generate


def test_loader_agrees_with_the_generators_sidecar(tmp_path, load, query):
    folders = generate(
        tmp_path / "landing",
        years=2,
        nights=3,
        scale=0.03,
        seed=11,
        dirty_rate=0.004,
        extract_date="2019-04-01",
    )
    results = load(tmp_path / "landing")
    assert [r.extract_date for r in results] == sorted(r.extract_date for r in results)
    assert len(results) == len(folders) == 3
    statuses = set()
    for r in results:
        side = json.loads((r.path.parent / f"{r.extract_date}.injected.json").read_text())
        assert r.status == side["expected_status"], r.errors
        statuses.add(r.status)
        per_file = dict(
            query(
                "select file, count(distinct line) from raw._quarantine where batch_id = %s group by 1",
                (r.batch_id,),
            )
        )
        assert {f.removesuffix(".csv"): n for f, n in per_file.items()} == side["quarantined_rows"]
        got = {
            (f, line, col)
            for f, line, col in query(
                "select file, line, column_name from raw._quarantine where batch_id = %s", (r.batch_id,)
            )
        }
        expected = {
            (d["file"], d["line"], d["column"]) for d in side["defects"] if d["expected"] == "quarantined"
        }
        assert {(f, line) for f, line, _ in got} == {(f, line) for f, line, _ in expected}
        if r.status == "loaded":
            # accepted defects (descriptions, UK dates) are in raw as sent
            for d in side["defects"]:
                if d["expected"] == "accepted_and_mapped":
                    table = d["file"].removesuffix(".csv")
                    [(value,)] = query(
                        f'select "{d["column"]}" from raw.{table} where _batch_id = %s and _source_line = %s',
                        (r.batch_id, d["line"]),
                    )
                    assert value == d["value"]
    assert statuses == {"loaded", "rejected"}  # this seed and rate give both
