"""load_path against a real database: what lands in raw, what is quarantined, what rejects an
extract (and that a rejected extract leaves nothing behind but its _batches record)."""

from __future__ import annotations

import json
import shutil

import pytest

from ingestion.contract import LINEAGE_COLUMNS
from tests.loader.extract import CONTRACT, rehash, to_csv, valid_rows, write_extract


def _count(query, table, la="901"):
    return query(f"select count(*) from raw.{table} where _la_code = %s", (la,))[0][0]


def _batches(query):
    return query(
        "select batch_id, la_code, extract_date::text, status, error from raw._batches order by batch_id"
    )


def test_a_clean_extract_loads_every_table_with_lineage(landing, load, query):
    folder = write_extract(landing, n=3, tables={"ext_iro_challenges": valid_rows("ext_iro_challenges", 2)})
    [r] = load(folder)
    assert (r.status, r.la_code, str(r.extract_date), r.errors) == ("loaded", "901", "2019-04-01", [])
    assert r.rows_loaded == 3 * len(CONTRACT.required_tables) + 2 and r.rows_quarantined == 0
    assert r.tables["ssd_person"] == 3 and r.tables["ext_iro_challenges"] == 2
    rows = query(
        "select pers_person_id, pers_sex, _la_code, _extract_date::text, _batch_id, _source_line"
        " from raw.ssd_person order by _source_line"
    )
    assert rows == [
        (f"pers{i}", valid_rows("ssd_person", 3)[i - 1]["pers_sex"], "901", "2019-04-01", r.batch_id, i + 1)
        for i in (1, 2, 3)
    ]
    # optional tables absent from the extract exist, empty, so dbt sources always resolve
    assert _count(query, "ssd_missing") == 0 and _count(query, "ext_cp_conference_details") == 0
    [(status, loaded, rows_loaded, hashes, seconds)] = query(
        "select status, total_rows_loaded, rows_loaded, file_hashes, duration_seconds from raw._batches"
    )
    assert status == "loaded" and loaded == r.rows_loaded and rows_loaded["ssd_person"] == 3
    manifest = json.loads((folder / "manifest.json").read_text())
    assert hashes == {name: f["sha256"] for name, f in manifest["files"].items()}
    assert seconds is not None and seconds >= 0


def test_raw_keeps_values_as_sent_and_extra_columns(landing, load, query):
    people = valid_rows("ssd_person", 3)
    people[0]["pers_dob"] = "01/04/2012"
    people[1]["pers_dob"] = "2012-04-01T10:30:00"
    people[2]["pers_sex"] = "Female"
    for p in people:
        p["pers_local_notes"] = "kept"
    episodes = valid_rows("ssd_cla_episodes", 2)
    episodes[0]["clae_cla_episode_start_reason"] = "Started to be looked after"
    folder = write_extract(landing, tables={"ssd_person": people, "ssd_cla_episodes": episodes})
    [r] = load(folder, threshold=0)
    assert r.status == "loaded", r.errors
    own = f"raw_snapshots.ssd_person_{r.batch_id}"  # extra columns stay with the batch's own table
    assert f"ssd_person.csv: extra column(s) kept with this extract's snapshot ({own}): pers_local_notes" in (
        r.notices
    )
    assert "pers_local_notes" not in {c for (c,) in query(
        "select column_name from information_schema.columns where table_schema = 'raw'"
        " and table_name = 'ssd_person'"
    )}  # fmt: skip
    assert query(f"select pers_dob, pers_sex, pers_local_notes from {own} order by _source_line") == [
        ("01/04/2012", people[0]["pers_sex"], "kept"),
        ("2012-04-01T10:30:00", people[1]["pers_sex"], "kept"),
        (people[2]["pers_dob"], "Female", "kept"),
    ]
    assert query("select clae_cla_episode_start_reason from raw.ssd_cla_episodes order by _source_line")[
        0
    ] == ("Started to be looked after",)


def test_cp1252_declared_and_utf8_with_bom(landing, load, query):
    people = valid_rows("ssd_person", 2)
    people[0]["pers_forename"] = "Siân"
    people[1]["pers_surname"] = "Ó Briain – “test”"
    a = write_extract(landing, "901", tables={"ssd_person": people}, encoding="cp1252")
    b = write_extract(landing, "902", tables={"ssd_person": people}, bom=True)
    results = load(landing)
    assert [r.status for r in results] == ["loaded", "loaded"], [r.errors for r in results]
    for la in ("901", "902"):
        assert query(
            "select pers_forename, pers_surname from raw.ssd_person"
            " where _la_code = %s order by _source_line",
            (la,),
        ) == [("Siân", people[0]["pers_surname"]), (people[1]["pers_forename"], "Ó Briain – “test”")]
    assert (a / "ssd_person.csv").read_bytes().startswith(b"pers_person_id")
    assert (b / "ssd_person.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_undeclared_cp1252_rejects_naming_the_line(landing, load, query):
    people = valid_rows("ssd_person", 3)
    people[1]["pers_forename"] = "Siân"
    write_extract(landing, tables={"ssd_person": people}, encoding="cp1252", manifest={"encoding": "utf-8"})
    [r] = load(landing)
    assert r.status == "rejected"
    assert any(e.startswith("ssd_person.csv line 3: bytes e2 are not valid utf-8") for e in r.errors), (
        r.errors
    )
    assert _count(query, "ssd_person") == 0


def test_quarantine_under_the_threshold_loads_the_rest(landing, load, query):
    people = valid_rows("ssd_person", 200)
    people[4]["pers_dob"] = "31/02/2019"
    people[9]["pers_person_id"] = people[8]["pers_person_id"]
    folder = write_extract(landing, tables={"ssd_person": people})
    [r] = load(folder)
    assert r.status == "loaded" and r.rows_quarantined == 2 and r.tables["ssd_person"] == 198
    assert _count(query, "ssd_person") == 198
    assert query(
        "select batch_id, la_code, extract_date::text, file, line, column_name, value, reason"
        " from raw._quarantine order by line"
    ) == [
        (
            r.batch_id,
            "901",
            "2019-04-01",
            "ssd_person.csv",
            6,
            "pers_dob",
            "31/02/2019",
            "not a real calendar date",
        ),
        (
            r.batch_id,
            "901",
            "2019-04-01",
            "ssd_person.csv",
            11,
            "pers_person_id",
            "pers9",
            "duplicate primary key (an earlier row has it)",
        ),
    ]
    [(per_table, total)] = query("select rows_quarantined, total_rows_quarantined from raw._batches")
    assert per_table["ssd_person"] == 2 and sum(per_table.values()) == total == 2


def test_over_the_threshold_rejects_the_whole_extract(landing, load, query):
    people = valid_rows("ssd_person", 50)
    people[4]["pers_sex"] = "X"  # 1 of 50 = 2%, over the default 1%
    write_extract(landing, tables={"ssd_person": people})
    [r] = load(landing)
    assert r.status == "rejected"
    assert r.errors[0] == "ssd_person.csv: 1 of 50 rows (2.0%) quarantined, over the 1.0% threshold"
    assert r.errors[1] == "ssd_person.csv line 6: column pers_sex value 'X': unknown sex code or description"
    for table in CONTRACT.tables:
        assert _count(query, table) == 0, table  # all or nothing: the good tables rolled back too
    [(batch_id, _, _, status, error)] = _batches(query)
    assert status == "rejected" and "over the 1.0% threshold" in error
    # the quarantine of a rejected extract is kept: it is what the authority has to fix
    assert query("select batch_id, line, column_name from raw._quarantine") == [(batch_id, 6, "pers_sex")]
    [r2] = load(landing, threshold=0.05)
    assert r2.status == "loaded" and _count(query, "ssd_person") == 49


def _spoil(folder, name, text, *, rehash_manifest=True):
    (folder / name).write_text(text, encoding="utf-8")
    if rehash_manifest:
        rehash(folder)


HEADER = ",".join(CONTRACT.tables["ssd_person"].column_names)
N_PERSON = len(CONTRACT.tables["ssd_person"].column_names)


def _person_row(*values: str) -> str:
    """A ssd_person CSV line with these first values and the rest empty (as many fields as the header)."""
    return ",".join([*values, *[""] * (N_PERSON - len(values))])


@pytest.mark.parametrize(
    ("spoil", "error"),
    [
        (
            lambda f: _spoil(f, "ssd_person.csv", "pers_person_id,pers_sex\nP1,M\nP2,F\n"),
            "ssd_person.csv line 1: missing required column(s) pers_dob",
        ),
        (
            lambda f: _spoil(f, "ssd_person.csv", HEADER + "\n" + _person_row("P1", "M") + "\nP2,M,,\n"),
            f"ssd_person.csv line 3: 4 fields where the header has {N_PERSON} (truncated or ragged row)",
        ),
        (
            lambda f: _spoil(
                f,
                "ssd_person.csv",
                HEADER + "\n" + _person_row("P1", "M", "", "", "2010-01-01") + "\n",
                rehash_manifest=False,
            ),
            "ssd_person.csv: sha256",
        ),
        (
            lambda f: _spoil(
                f, "ssd_person.csv", HEADER + "\n" + _person_row("P1", "M", "", "", "2010-01-01") + "\n"
            ),
            "ssd_person.csv: 1 rows, but manifest.json says 2",
        ),
        (
            lambda f: (f / "ssd_department.csv").unlink(),
            "ssd_department.csv: listed in manifest.json but missing from the folder",
        ),
        (
            lambda f: _spoil(f, "ssd_person.csv", HEADER + '\nP1,M,,,2010-01-01,,,,"unterminated,,\n'),
            "ssd_person.csv line 2: broken CSV quoting",
        ),
        (
            lambda f: (f / "ssd_person.csv").write_bytes("pers_person_id\n".encode("utf-16-le")) or rehash(f),
            "ssd_person.csv line 1: the file is UTF-16; save it as UTF-8",  # not "declare cp1252"
        ),
    ],
    ids=["missing-column", "ragged-row", "hash", "row-count", "missing-file", "quoting", "utf16"],
)
def test_file_level_problems_reject_the_extract(landing, load, query, spoil, error):
    folder = write_extract(landing)
    spoil(folder)
    [r] = load(landing)
    assert r.status == "rejected"
    assert any(e.startswith(error) for e in r.errors), r.errors
    assert sum(_count(query, t) for t in CONTRACT.tables) == 0
    assert [b[3] for b in _batches(query)] == ["rejected"]


@pytest.mark.parametrize(
    ("manifest", "error"),
    [
        ({"contract_version": 2}, "manifest.json: unknown contract_version 2"),
        ({"la_code": "902"}, "manifest.json: la_code '902' does not match the folder '901'"),
        ({"extract_date": "2019-04-02"}, "manifest.json: extract_date 2019-04-02 does not match the folder"),
        ({"encoding": "latin-9"}, "manifest.json: encoding 'latin-9' is not accepted"),
        ({"date_format": "MM/DD/YYYY"}, "manifest.json: `date_format` 'MM/DD/YYYY' is not one of"),
    ],
)
def test_manifest_problems_reject_the_extract(landing, load, query, manifest, error):
    write_extract(landing, manifest=manifest)
    [r] = load(landing)
    assert r.status == "rejected"
    assert any(e.startswith(error) for e in r.errors), r.errors
    assert [b[3] for b in _batches(query)] == ["rejected"]


def test_a_required_table_missing_from_the_manifest_rejects(landing, load, query):
    write_extract(landing, tables={"ssd_cp_reviews": None})
    [r] = load(landing)
    assert r.status == "rejected"
    assert r.errors == ["manifest.json: required table ssd_cp_reviews is not listed (ssd_cp_reviews.csv)"]


def test_a_file_error_late_in_the_extract_rolls_back_earlier_tables(landing, load, query):
    folder = write_extract(landing, n=5)
    _spoil(
        folder,
        "ssd_s47_enquiry.csv",
        "s47e_s47_enquiry_id,s47e_person_id\nS1,P1\nS2,P2\nS3,P3\nS4,P4\nS5,P5\n",
    )
    [r] = load(landing)
    assert r.status == "rejected" and len(r.errors) == 1
    assert (
        sum(_count(query, t) for t in CONTRACT.tables) == 0
    )  # ssd_person etc. were copied, then rolled back
    assert query("select count(*) from raw._quarantine") == [(0,)]


def test_loading_the_same_extract_again_is_a_no_op(landing, load, query):
    write_extract(landing, n=3)
    [first] = load(landing)
    [again] = load(landing)
    assert (again.status, again.batch_id) == ("already_loaded", first.batch_id)
    assert any("already loaded as batch" in n for n in again.notices)
    assert _count(query, "ssd_person") == 3 and len(_batches(query)) == 1


def test_a_resent_extract_with_different_files_replaces_the_snapshot(landing, load, query):
    folder = write_extract(landing, n=3)
    [first] = load(landing)
    write_extract(landing, n=4)  # same la_code and extract_date, new content
    [second] = load(landing)
    assert second.status == "loaded" and second.batch_id != first.batch_id
    assert any(f"replaces batch {first.batch_id}" in n for n in second.notices)
    assert query("select distinct _batch_id from raw.ssd_person") == [(second.batch_id,)]
    assert _count(query, "ssd_person") == 4
    assert [(b[0], b[3]) for b in _batches(query)] == [
        (first.batch_id, "superseded"),
        (second.batch_id, "loaded"),
    ]
    assert query("select superseded_by from raw._batches where batch_id = %s", (first.batch_id,)) == [
        (second.batch_id,)
    ]
    # a rejected correction leaves the loaded snapshot in place
    _spoil(folder, "ssd_person.csv", "pers_person_id\nP1\n")
    [third] = load(landing)
    assert third.status == "rejected" and _count(query, "ssd_person") == 4
    assert query("select distinct _batch_id from raw.ssd_person") == [(second.batch_id,)]


def test_landing_root_loads_in_date_order_and_skips_incomplete(landing, load, query):
    write_extract(landing, "902", "2019-04-02")
    write_extract(landing, "901", "2019-04-03")
    write_extract(landing, "901", "2019-04-01")
    write_extract(landing, "902", "2019-04-04", write_manifest=False)  # still being written
    (landing / "901" / "2019-04-01.injected.json").write_text("{}")  # a sidecar file is not an extract
    results = load(landing)
    assert [(r.la_code, str(r.extract_date), r.status) for r in results] == [
        ("901", "2019-04-01", "loaded"),
        ("902", "2019-04-02", "loaded"),
        ("901", "2019-04-03", "loaded"),
        ("902", "2019-04-04", "skipped_incomplete"),
    ]
    assert "still being written" in results[-1].notices[0]
    assert [b[0] for b in _batches(query)] == sorted(r.batch_id for r in results[:3])
    assert query(
        "select _la_code, _extract_date::text, count(*) from raw.ssd_person group by 1, 2 order by 2"
    ) == [("901", "2019-04-01", 2), ("902", "2019-04-02", 2), ("901", "2019-04-03", 2)]
    # one authority's folder works too, and what is loaded stays loaded
    assert [r.status for r in load(landing / "901")] == ["already_loaded", "already_loaded"]


def test_original_files_are_archived_for_replay(landing, load, archive, query):
    folder = write_extract(landing)
    (folder / "ssd_local_extra.csv").write_text("a,b\n1,2\n")  # not listed in the manifest: not archived
    [r] = load(folder)
    assert r.archive_path.parent == archive / "901" / "2019-04-01"
    listed = sorted(p.name for p in folder.iterdir() if p.name != "ssd_local_extra.csv")
    assert sorted(p.name for p in r.archive_path.iterdir()) == listed
    for name in listed:
        assert (r.archive_path / name).read_bytes() == (folder / name).read_bytes()
    assert query("select archive_path from raw._batches") == [(str(r.archive_path),)]
    # the archived copy is the same extract: loading it is recognised as already loaded
    replay = landing / "replay" / "901" / "2019-04-01"
    shutil.copytree(r.archive_path, replay)
    [again] = load(replay)
    assert (again.status, again.batch_id) == ("already_loaded", r.batch_id)


def test_unknown_tables_in_the_manifest_are_reported_not_loaded(landing, load, query):
    folder = write_extract(landing, tables={"ssd_address": to_csv([{"addr_id": "A1"}])})
    [r] = load(folder)
    assert r.status == "loaded"
    assert "ssd_address.csv: not a contract table: archived, not loaded" in r.notices
    assert query("select count(*) from information_schema.tables where table_name = 'ssd_address'") == [(0,)]


def test_a_contract_file_missing_from_the_manifest_rejects(landing, load):
    folder = write_extract(landing)
    (folder / "ssd_missing.csv").write_text("miss_table_id\n")
    [r] = load(folder)
    assert r.status == "rejected"
    assert r.errors == ["ssd_missing.csv: present in the folder but not listed in manifest.json"]


def test_lineage_columns_are_the_contracts():
    assert LINEAGE_COLUMNS == ("_la_code", "_extract_date", "_batch_id", "_source_line")


def test_files_changed_under_an_unchanged_manifest_are_not_taken_as_loaded(landing, load, query):
    folder = write_extract(landing, n=3)
    [first] = load(landing)
    people = (folder / "ssd_person.csv").read_text().replace("pers3", "pers9")
    (folder / "ssd_person.csv").write_text(people)  # the manifest still has the old hash
    [again] = load(landing)
    assert again.status == "rejected"
    assert any(e.startswith("ssd_person.csv: sha256") for e in again.errors), again.errors
    assert query("select distinct pers_person_id from raw.ssd_person order by 1") == [
        ("pers1",),
        ("pers2",),
        ("pers3",),
    ]
    assert [b[3] for b in _batches(query)] == ["loaded", "rejected"] and first.status == "loaded"


def test_two_loaders_of_the_same_extract_at_once_load_it_once(landing, load, query):
    from concurrent.futures import ThreadPoolExecutor

    write_extract(landing, n=50)
    with ThreadPoolExecutor(2) as pool:
        results = [f.result()[0] for f in [pool.submit(load, landing) for _ in range(2)]]
    assert sorted(r.status for r in results) == ["already_loaded", "loaded"]
    assert len({r.batch_id for r in results}) == 1
    assert _count(query, "ssd_person") == 50 and len(_batches(query)) == 1
