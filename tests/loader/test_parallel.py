"""Files COPYed on a helper connection (parallel.py): adopted by the batch transaction when the
extract loads, dropped when it does not, swept after a crash; row by row on the data connection
when the helper cannot COPY them."""

from __future__ import annotations

import threading

import pytest

from ingestion.loader import core
from tests.loader.extract import rehash, valid_rows, write_extract

SNAPSHOT_TABLES = "select count(*) from pg_tables where schemaname = 'raw_snapshots'"
UNATTACHED = (
    "select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace"
    " where n.nspname = 'raw_snapshots' and c.relkind = 'r'"
    " and not exists (select from pg_inherits i where i.inhrelid = c.oid) order by 1"
)


@pytest.fixture
def taken(monkeypatch):
    """(file, on the data connection?, left a helper table?) for each file the workers took."""
    calls = []
    real = core._Loader._load_file

    def spy(self, cur, job, *args, on_data, **kwargs):
        left = real(self, cur, job, *args, on_data=on_data, **kwargs)
        calls.append((job.entry.name, on_data, left))
        return left

    monkeypatch.setattr(core._Loader, "_load_file", spy)
    return calls


def _extract(landing, la_code="901", n=30):
    return write_extract(landing, la_code, tables={t: valid_rows(t, n) for t in core.load_contract().tables})


def test_a_loaded_extract_adopts_the_helpers_tables(landing, load, query, taken):
    [r] = load(_extract(landing))
    assert r.status == "loaded", r.errors
    assert any(left for _, on_data, left in taken if not on_data), taken  # the helper COPYed some
    assert {on_data for _, on_data, _ in taken} == {True, False}
    assert query(UNATTACHED) == []
    tables = core.load_contract().tables
    assert query(SNAPSHOT_TABLES) == [(len(tables),)]
    for t in tables:
        assert query(f"select count(*), min(_batch_id) from raw.{t}") == [(30, r.batch_id)], t


def test_a_rejected_extract_drops_the_tables_a_helper_committed(landing, load, query, taken):
    """The hashes are checked after the files are loaded: by then the helper has committed."""
    folder = _extract(landing)
    path = folder / "ssd_person.csv"
    path.write_bytes(path.read_bytes().replace(b"text 1", b"text X", 1))  # same rows, other hash
    [r] = load(folder)
    assert r.status == "rejected" and any("sha256" in e for e in r.errors), r.errors
    assert any(left for _, on_data, left in taken if not on_data), taken
    assert query(SNAPSHOT_TABLES) == [(0,)]
    assert query("select count(*) from raw.ssd_cla_episodes") == [(0,)]


def test_tables_left_by_a_crash_are_dropped_by_the_next_load_of_the_extract(
    landing, load, query, monkeypatch, taken
):
    folder = _extract(landing)

    def crash(*args):
        raise RuntimeError("crash after the helper's commit")

    monkeypatch.setattr(core, "attach_child", crash)
    monkeypatch.setattr(core._Loader, "_drop_helper_tables", lambda self, batch_id: None)  # no cleanup
    with pytest.raises(RuntimeError, match="crash after"):
        load(folder)
    left = query(UNATTACHED)
    assert left, "the helper's committed tables stay behind after a crash"
    [(failed_batch,)] = query("select batch_id from raw._batches where status = 'failed'")
    assert all(name.endswith(f"_{failed_batch}") for (name,) in left)
    _extract(landing, "902")  # another extract's load does not touch them
    monkeypatch.undo()
    [other] = load(landing / "902")
    assert other.status == "loaded" and query(UNATTACHED) == left
    [r] = load(folder)
    assert r.status == "loaded", r.errors
    assert query(UNATTACHED) == []
    assert query("select count(*) from raw.ssd_person where _la_code = '901'") == [(30,)]


def test_an_error_on_the_helper_connection_fails_the_batch_and_leaves_nothing(
    landing, load, query, monkeypatch
):
    folder = _extract(landing)
    real = core.copy_file

    def fail_on_helper(*args, **kwargs):
        if threading.current_thread().name.startswith("copy helper"):
            raise OSError("disk gone")
        return real(*args, **kwargs)

    monkeypatch.setattr(core, "copy_file", fail_on_helper)
    with pytest.raises(OSError, match="disk gone"):
        load(folder)
    assert query("select status, error from raw._batches") == [("failed", "OSError: disk gone")]
    assert query(SNAPSHOT_TABLES) == [(0,)]


def test_files_a_helper_cannot_copy_go_row_by_row_on_the_data_connection(landing, load, query, taken):
    """A stray quote in every file: each goes row by row, those the helper took too."""
    folder = _extract(landing, n=20)
    for path in folder.glob("*.csv"):
        lines = path.read_bytes().split(b"\r\n")
        first, rest = lines[1].split(b",", 1)
        lines[1] = first + b'x"y,' + rest  # a quote inside a value, not around it
        path.write_bytes(b"\r\n".join(lines))
    rehash(folder)
    [r] = load(folder)
    assert r.status == "loaded", r.errors
    assert any(not on_data and not left for _, on_data, left in taken), taken  # handed back
    assert query(SNAPSHOT_TABLES) == [(0,)]  # all row by row: nothing in snapshot tables
    assert query("select pers_person_id, _source_line from only raw.ssd_person order by 2 limit 2") == [
        ('pers1x"y', 2),
        ("pers2", 3),
    ]
