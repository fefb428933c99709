"""Hostile and broken extracts: links, special files, bad authority codes, malformed manifests,
oversized files, a lost database. Each is rejected (or reported) on its own, with a batch record and a
clear message, and the other authorities' good extracts in the same landing root still load."""

from __future__ import annotations

import json
import os
import stat

import psycopg2
import pytest

from ingestion.cli import main
from ingestion.loader import core
from tests.loader.extract import rehash, valid_rows, write_extract

SECRET = "top-secret-key-material-0123456789"


def _batches(query):
    return query(
        "select la_code, extract_date::text, status, error, archive_path from raw._batches order by 1"
    )


def _write_manifest(folder, text: bytes | str) -> None:
    data = text.encode() if isinstance(text, str) else text
    (folder / "manifest.json").write_bytes(data)


def _everything_in_raw(query) -> str:
    rows = query("select string_agg(t::text, '|') from raw.ssd_person t")[0][0] or ""
    return rows + "".join(str(r) for r in query("select * from raw._quarantine"))


def test_a_listed_csv_that_is_a_symlink_is_rejected_never_read_or_archived(landing, load, query, tmp_path):
    secret = tmp_path / "pseudonym.key"
    secret.write_text(f"pers_person_id\n{SECRET}\n")
    folder = write_extract(landing, "901")
    (folder / "ssd_person.csv").unlink()
    (folder / "ssd_person.csv").symlink_to(secret)
    rehash(folder)  # the manifest even carries the target's true hash
    write_extract(landing, "902")
    r901, r902 = sorted(load(landing), key=lambda r: r.la_code)
    assert r901.status == "rejected"
    assert r901.errors[0] == (
        "ssd_person.csv: is a symbolic link (not followed: extract files must be regular files)"
    )
    assert r901.archive_path is None and r902.status == "loaded"
    assert SECRET not in _everything_in_raw(query)
    archived = [p for p in (tmp_path / "archive").rglob("*") if p.is_file()]
    assert all(SECRET not in p.read_text(errors="replace") for p in archived)
    assert not any("901" in str(p) for p in archived)  # a rejected extract is not archived
    assert [(b[0], b[2]) for b in _batches(query)] == [("901", "rejected"), ("902", "loaded")]


def test_an_unlisted_symlink_in_the_folder_is_not_archived(landing, load, tmp_path):
    secret = tmp_path / "shadow"
    secret.write_text(SECRET)
    folder = write_extract(landing)
    (folder / "notes.txt").symlink_to(secret)
    [r] = load(folder)
    assert r.status == "loaded"
    assert "notes.txt" not in {p.name for p in r.archive_path.iterdir()}


def test_a_fifo_or_linked_manifest_is_rejected_without_blocking(landing, load, query, tmp_path):
    folder = write_extract(landing, "901")
    (folder / "ssd_person.csv").unlink()
    os.mkfifo(folder / "ssd_person.csv")  # reading it would block for ever
    linked = write_extract(landing, "902")
    real = tmp_path / "elsewhere.json"
    real.write_text((linked / "manifest.json").read_text())
    (linked / "manifest.json").unlink()
    (linked / "manifest.json").symlink_to(real)
    results = {r.la_code: r for r in load(landing)}
    assert results["901"].errors == ["ssd_person.csv: is a FIFO, not a regular file (not read)"]
    assert results["902"].errors == [
        "manifest.json: is a symbolic link (not followed: extract files must be regular files)"
    ]
    assert [b[2] for b in _batches(query)] == ["rejected", "rejected"]


def test_a_linked_extract_folder_is_rejected(landing, load, tmp_path):
    real = write_extract(tmp_path / "elsewhere", "901")
    (landing / "901").mkdir()
    (landing / "901" / "2019-04-01").symlink_to(real, target_is_directory=True)
    [r] = load(landing)
    assert r.status == "rejected"
    assert r.errors == ["the extract folder '2019-04-01' is a symbolic link (not followed)"]


@pytest.mark.parametrize("name", ["88'8; drop table raw._batches;-- \"é☃", "ABC", "8888", "88"])
def test_an_authority_folder_that_is_not_a_dfe_code_is_rejected(landing, load, query, name):
    write_extract(landing, name, manifest={"la_code": "888"})
    write_extract(landing, "902")
    results = {r.la_code: r for r in load(landing)}
    bad = results[name]
    assert bad.status == "rejected" and results["902"].status == "loaded"
    assert bad.errors == [
        f"authority folder {name!r} is not a DfE local-authority code (three digits, e.g. 888)"
    ]
    assert query("select count(*) from raw._batches where status = 'rejected' and la_code = %s", (name,)) == [
        (1,)
    ]
    assert query("select distinct _la_code from raw.ssd_person") == [("902",)]


def _manifest_doc(folder) -> dict:
    return json.loads((folder / "manifest.json").read_text())


# Each malformed manifest crashed the whole `cscw load` before (traceback, no batch record, the other
# authority not loaded).
MALFORMED = {
    "date_format-object": (
        lambda d: json.dumps({**d, "date_format": {"x": 1}}),
        "manifest.json: `date_format` {'x': 1} is not one of YYYY-MM-DD, DD/MM/YYYY",
    ),
    "nested-200000": (
        lambda d: json.dumps(d)[:-1] + ', "x": ' + "[" * 200_000 + "]" * 200_000 + "}",
        "manifest.json: JSON nested more than 4 levels deep",
    ),
    "version-10**30": (
        lambda d: json.dumps({**d, "contract_version": 10**30}),
        "manifest.json: not valid JSON (number 10000000000000000000... is out of range)",
    ),
    "version-bool": (
        lambda d: json.dumps({**d, "contract_version": True}),
        "manifest.json: `contract_version` must be a contract version (a whole number), not true/false",
    ),
    "lone-surrogate": (
        lambda d: json.dumps({**d, "source_system": "\ud800"}),
        "manifest.json: source_system: contains a lone surrogate (invalid Unicode)",
    ),
    "not-utf8": (
        lambda d: json.dumps(d).encode().replace(b'"test"', b'"t\xe9st"'),
        "manifest.json: not valid UTF-8 (byte",
    ),
    "rows-negative": (  # fmt: skip
        lambda d: json.dumps(
            {**d, "files": {**d["files"], "ssd_person.csv": {"rows": -1, "sha256": "0" * 64}}}
        ),
        "manifest.json: files.ssd_person.csv: `rows` -1 is out of range (0 to 1,000,000,000)",
    ),
    "files-list": (
        lambda d: json.dumps({**d, "files": list(d["files"])}),
        "manifest.json: `files` must be an object of file name -> {rows, sha256}, not a list",
    ),
    "too-big": (
        lambda d: json.dumps({**d, "padding": "x" * 999} | {f"k{i}": "x" * 999 for i in range(1100)}),
        "manifest.json: 1,1",
    ),
    "NaN": (
        lambda d: json.dumps(d)[:-1] + ', "x": NaN}',
        "manifest.json: not valid JSON (NaN is not allowed",
    ),
    "history_start": (
        lambda d: json.dumps({**d, "history_start": "2019-02-30"}),
        "manifest.json: `history_start` '2019-02-30' is not a real calendar date",
    ),
}


@pytest.mark.parametrize("case", list(MALFORMED))
def test_a_malformed_manifest_rejects_that_extract_only(landing, load, query, case):
    spoil, error = MALFORMED[case]
    bad = write_extract(landing, "901")
    _write_manifest(bad, spoil(_manifest_doc(bad)))
    write_extract(landing, "902")
    results = {r.la_code: r for r in load(landing)}
    assert results["902"].status == "loaded"
    assert results["901"].status == "rejected"
    assert results["901"].errors[0].startswith(error), results["901"].errors
    [(la, day, status, err, archive)] = [b for b in _batches(query) if b[0] == "901"]
    assert (day, status, archive) == ("2019-04-01", "rejected", None) and err.startswith(error)


def test_a_valid_history_start_is_accepted(landing, load):
    [r] = load(write_extract(landing, manifest={"history_start": "2013-04-01"}))
    assert r.status == "loaded"


def test_a_sparse_file_larger_than_the_manifest_allows_is_not_hashed_or_archived(landing, load, archive):
    folder = write_extract(landing)
    with open(folder / "ssd_person.csv", "r+b") as f:
        f.truncate(300 * 1024 * 1024)  # a 300 MB hole, next to no disk
    [r] = load(landing)
    assert r.status == "rejected"
    assert r.errors[0].startswith("ssd_person.csv: 314,572,800 bytes for 2 declared rows: over the 64 KB")
    assert not archive.exists() or not any(p.is_file() for p in archive.rglob("*"))


def test_declared_bytes_bound_the_file(landing, load):
    folder = write_extract(landing)
    doc = _manifest_doc(folder)
    size = (folder / "ssd_person.csv").stat().st_size
    doc["files"]["ssd_person.csv"]["bytes"] = size - 1
    _write_manifest(folder, json.dumps(doc))
    [r] = load(landing)
    assert r.errors == [f"ssd_person.csv: {size:,} bytes, but manifest.json says {size - 1:,}"]
    doc["files"]["ssd_person.csv"]["bytes"] = size
    _write_manifest(folder, json.dumps(doc))
    assert load(landing)[0].status == "loaded"


def test_the_archive_is_private(landing, load, archive):
    [r] = load(write_extract(landing))
    for p in [archive, *archive.rglob("*")]:
        mode = stat.S_IMODE(p.stat().st_mode)
        assert mode == (0o700 if p.is_dir() else 0o600), (p, oct(mode))


def test_a_rejected_correction_does_not_say_it_was_treated_as_one(landing, load):
    folder = write_extract(landing, n=3)
    assert load(folder)[0].status == "loaded"
    people = valid_rows("ssd_person", 3)
    people[0]["pers_dob"] = "not a date"
    folder = write_extract(landing, n=3, tables={"ssd_person": people})
    [r] = load(folder)
    assert r.status == "rejected"
    assert not any("treated as a correction" in n for n in r.notices), r.notices
    assert (
        "a correction of batch 1 (same extract date, different files) was rejected: batch 1 stays loaded"
    ) in r.notices


def _kill_loader_backends(db_url):
    """Terminate every other connection to the test database (the loader's): Postgres going away."""
    conn = psycopg2.connect(db_url)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(
            "select pg_terminate_backend(pid) from pg_stat_activity"
            " where datname = current_database() and pid <> pg_backend_pid()"
        )
    conn.close()


def test_postgres_going_away_mid_load_has_its_own_exit_code(landing, db_url, archive, monkeypatch, capsys):
    monkeypatch.setenv("CSCW_DATABASE_URL", db_url)
    monkeypatch.setenv("CSCW_ARCHIVE_DIR", str(archive))
    attach = core.attach_child

    def attach_then_lose_the_database(cur, *args, **kwargs):
        _kill_loader_backends(db_url)
        return attach(cur, *args, **kwargs)

    monkeypatch.setattr(core, "attach_child", attach_then_lose_the_database)
    write_extract(landing, n=3)
    code = main(["load", str(landing), "--quiet"])
    out, err = capsys.readouterr()
    assert code == 3  # not 1 (a rejected extract)
    assert "cscw load: DATABASE UNAVAILABLE: 901/2019-04-01: the database connection was lost" in err
    assert "Traceback" not in err and "REJECTED" not in err
    assert err.splitlines()[-1].startswith("next: start the database")


def test_an_unreachable_database_has_the_same_exit_code(landing, monkeypatch, capsys):
    monkeypatch.setenv("CSCW_DATABASE_URL", "postgresql://nobody:x@127.0.0.1:1/none")
    write_extract(landing)
    assert main(["load", str(landing), "--quiet"]) == 3
    assert "cscw load: DATABASE UNAVAILABLE: cannot connect to the database" in capsys.readouterr().err


def test_unknown_manifest_fields_are_allowed(landing, load):
    """Unknown top-level fields are allowed within the limits (a newer extract job may add some)."""
    folder = write_extract(landing, manifest={"generator": {"seed": 1, "version": "x"}})
    assert load(folder)[0].status == "loaded"


def _people_with_extras(names: list[str], *, multiline: bool = False) -> list[dict]:
    people = valid_rows("ssd_person", 3)
    for p in people:
        p.update({n: "x" for n in names})
    if multiline:  # a quoted line break: the file goes the row-by-row way
        people[0]["pers_forename"] = "two\nlines"
    return people


def test_extra_columns_stay_with_their_batch_and_never_grow_the_shared_table(landing, load, query):
    # Before, each new extra column was added to raw.ssd_person for good: after about 1,550 of them
    # every load failed (Postgres allows 1,600 columns). 9 nights x 200 new columns each is 1,800.
    def raw_columns():
        return query(
            "select count(*) from information_schema.columns where table_schema = 'raw'"
            " and table_name = 'ssd_person'"
        )[0][0]

    before = None
    for night in range(9):
        names = [f"local_{night}_{i}" for i in range(200)]
        people = _people_with_extras(names, multiline=night == 4)
        folder = write_extract(landing, extract_date=f"2019-04-0{night + 1}", tables={"ssd_person": people})
        [r] = load(folder)
        assert r.status == "loaded", r.errors
        before = before or raw_columns()
        assert raw_columns() == before
        own = f"raw_snapshots.ssd_person_{r.batch_id}"
        assert query(f"select count(*), min(local_{night}_199) from {own}") == [(3, "x")]
    # every night still reads through raw.ssd_person (both paths: COPY and row by row)
    assert query("select count(*) from raw.ssd_person") == [(27,)]


def test_too_many_extra_columns_in_one_file_reject_it_clearly(landing, load):
    people = _people_with_extras([f"local_{i}" for i in range(501)])
    [r] = load(write_extract(landing, tables={"ssd_person": people}))
    assert r.errors == ["ssd_person.csv line 1: 501 extra (non-contract) columns, at most 500 are kept"]
