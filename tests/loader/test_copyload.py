"""The fast path (copyload.py: Postgres parses for loading, pyarrow for the checks) against the
row-by-row path (validate.py): same raw rows, same quarantine; and which files take which path."""

from __future__ import annotations

import sys

import psycopg2.errors
import pyarrow as pa
import pytest

from ingestion.loader import copyload, core
from ingestion.loader.copyload import DUPLICATE
from tests.loader.extract import valid_rows, write_extract

RAW_PERSON = (
    "select pers_person_id, pers_sex, pers_dob, pers_forename, pers_surname, pers_death_date,"
    " _source_line from raw.ssd_person where _la_code = %s order by _source_line"
)
QUARANTINE = (
    "select file, line, column_name, value, reason from raw._quarantine where la_code = %s order by 1, 2, 3"
)


def _dirty_people() -> list[dict[str, str]]:
    people = valid_rows("ssd_person", 300)
    people[4]["pers_dob"] = "31/02/2019"  # not a date
    people[5]["pers_sex"] = "Q"  # unknown code
    people[6]["pers_sex"] = " female "  # a description, padded: accepted as sent
    people[7]["pers_person_id"] = people[3]["pers_person_id"]  # duplicate key
    people[8]["pers_person_id"] = "  "  # blank required id
    people[9]["pers_person_id"] = "\u00a0"  # blank in Unicode terms
    people[10]["pers_dob"] = ""  # missing required
    people[11]["pers_death_date"] = "  "  # blank optional: fine
    people[12]["pers_surname"] = 'Smith, "Jnr"'  # quoted, one line
    people[13]["pers_forename"] = "Zoë"
    people[14]["pers_dob"] = "2019-13-01"  # bad, and its key comes again later: that row loads
    people[15]["pers_person_id"] = people[14]["pers_person_id"]
    people[16]["pers_dob"] = "2019-04-01T10:30:00"
    people[17]["pers_sex"] = "Q"  # two bad values in one row: two records, one row
    people[17]["pers_dob"] = "yesterday"
    return people


def _load_both_ways(landing, load, monkeypatch, people, threshold=0.5, **kwargs):
    """901 through the fast path (which must take the file), 902 row by row; both results."""
    write_extract(landing, "901", tables={"ssd_person": people}, **kwargs)
    write_extract(landing, "902", tables={"ssd_person": people}, **kwargs)
    taken = []
    real = core.copy_file

    def fast(*args, **kw):
        r = real(*args, **kw)
        taken.append(r is not None)
        return r

    monkeypatch.setattr(core, "copy_file", fast)
    [fast_result] = load(landing / "901", threshold=threshold)
    monkeypatch.setattr(core, "copy_file", lambda *a, **k: None)
    [slow_result] = load(landing / "902", threshold=threshold)
    return fast_result, slow_result, taken


@pytest.mark.parametrize("kwargs", [{}, {"encoding": "cp1252"}, {"bom": True}], ids=["utf8", "cp1252", "bom"])
def test_fast_path_matches_row_by_row(landing, load, query, monkeypatch, kwargs):
    people = _dirty_people()
    if kwargs.get("encoding") == "cp1252":
        people[9]["pers_person_id"] = "\xa0"  # the same blank, in cp1252
    fast, slow, taken = _load_both_ways(landing, load, monkeypatch, people, **kwargs)
    assert all(taken), "the fast path gave a clean-enough file to the row-by-row path"
    assert fast.status == slow.status == "loaded", (fast.errors, slow.errors)
    assert (fast.rows_loaded, fast.rows_quarantined) == (slow.rows_loaded, slow.rows_quarantined)
    assert fast.tables == slow.tables and fast.tables["ssd_person"] == 300 - 8
    assert query(RAW_PERSON, ("901",)) == query(RAW_PERSON, ("902",))
    assert query(QUARANTINE, ("901",)) == query(QUARANTINE, ("902",))
    lines = {(line, col) for _, line, col, _, _ in query(QUARANTINE, ("901",))}
    assert lines == {
        (6, "pers_dob"),
        (7, "pers_sex"),
        (9, "pers_person_id"),
        (10, "pers_person_id"),
        (11, "pers_person_id"),
        (12, "pers_dob"),
        (16, "pers_dob"),
        (19, "pers_sex"),
        (19, "pers_dob"),
    }
    rows = {r[0]: r for r in query(RAW_PERSON, ("901",))}
    assert rows["pers7"][1] == " female " and rows["pers13"][4] == 'Smith, "Jnr"'
    assert rows["pers14"][3] == "Zoë" and rows["pers12"][5] == "  "
    assert rows["pers15"][6] == 17  # the later row of a key whose first row was quarantined
    # the fast path's rows are a child table of raw.ssd_person, named by batch (row by row: the
    # parent itself)
    assert query("select count(*) from only raw.ssd_person where _la_code = '901'") == [(0,)]
    assert query("select count(*) from only raw.ssd_person where _la_code = '902'") == [(292,)]
    assert query(f"select count(*) from raw_snapshots.ssd_person_{fast.batch_id}") == [(292,)]


@pytest.mark.parametrize(
    ("edit", "line_of_pers20"),
    [
        (lambda text: text.replace("text 3", 'O"Brien', 1), 21),  # a stray quote is data
        (lambda text: text.replace("pers5,", "pers5,\r\n", 0).replace("\r\n", "\r\n\r\n", 3), 24),
        (lambda text: text.replace("text 3", '"two\r\nlines"', 1), 22),  # a line break in quotes
        (lambda text: text.replace("\r\n", "\n", 5), 21),  # mixed line ends
        (lambda text: text.replace("text 3", "a\\.b", 1), 21),  # \\. is COPY's end-of-data mark
        (lambda text: text.replace("\r\n", "\r"), 21),  # COPY reads lone CRs as line ends; numbers do not
    ],
    ids=[
        "stray-quote",
        "blank-lines",
        "multi-line-field",
        "mixed-line-ends",
        "backslash-dot",
        "cr-line-ends",
    ],
)
def test_files_copy_cannot_take_go_row_by_row(landing, load, query, monkeypatch, edit, line_of_pers20):
    from tests.loader.extract import rehash, to_csv

    folder = write_extract(landing, tables={"ssd_person": valid_rows("ssd_person", 40)})
    path = folder / "ssd_person.csv"
    path.write_bytes(edit(to_csv(valid_rows("ssd_person", 40))).encode())
    rehash(folder)
    taken = {}
    real = core.copy_file
    monkeypatch.setattr(core, "copy_file", lambda *a, **k: taken.setdefault(a[1].name, real(*a, **k)))
    [r] = load(folder)
    assert r.status == "loaded", r.errors
    assert r.tables["ssd_person"] == 40 and r.rows_quarantined == 0
    assert taken["ssd_person.csv"] is None and taken["ssd_department.csv"] is not None
    assert query("select _source_line from raw.ssd_person where pers_person_id = 'pers20'") == [
        (line_of_pers20,)
    ]


def test_a_ragged_row_in_a_fast_file_is_named_by_the_row_by_row_path(landing, load):
    text = "pers_person_id,pers_sex,pers_dob\r\nP1,M,2010-01-01\r\nP2,M\r\n"
    folder = write_extract(landing, tables={"ssd_person": text}, rows={"ssd_person": 2})
    [r] = load(folder)
    assert r.status == "rejected"
    assert "ssd_person.csv line 3: 2 fields where the header has 3 (truncated or ragged row)" in r.errors


def test_empty_quoted_values_are_null_like_empty_ones(landing, load, query):
    text = 'pers_person_id,pers_sex,pers_dob,pers_forename\r\nP1,M,2010-01-01,""\r\nP2,"F",2010-01-02,\r\n'
    folder = write_extract(landing, tables={"ssd_person": text})
    [r] = load(folder)
    assert r.status == "loaded", r.errors
    assert query("select pers_person_id, pers_sex, pers_forename from raw.ssd_person order by 1") == [
        ("P1", "M", None),
        ("P2", "F", None),
    ]


def test_blank_candidates_include_every_python_whitespace_character():
    """_maybe_blank looks at the first byte only: every character str.strip() removes must start
    with a byte outside printable ASCII, in UTF-8 and in cp1252."""
    spaces = [c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace()]
    cp1252 = []
    for b in range(256):
        try:
            if bytes([b]).decode("cp1252").isspace():
                cp1252.append(bytes([b]))
        except UnicodeDecodeError:
            pass
    for blanks in ([c.encode() for c in spaces], cp1252):
        printable = [bytes([b]) + b" " for b in range(0x21, 0x7F)]
        values = pa.array([*blanks, b"", *printable], pa.binary())
        assert copyload._maybe_blank(values).to_pylist() == list(range(len(blanks) + 1))
    assert len(spaces) == 29 and len(cp1252) == 11  # the sets the comment above is about


def _spoilt_people(n: int) -> list[dict[str, str]]:
    """Bad values spread through a file, repeated keys far apart, quoted checked values."""
    people = valid_rows("ssd_person", n)
    for i in range(5, n, 37):
        people[i]["pers_dob"] = f"2019-{i % 20:02d}-01"  # months 13-19 are bad
    for i in range(11, n, 53):
        people[i]["pers_person_id"] = people[i - 9]["pers_person_id"]  # a repeat 9 lines on
    people[20]["pers_sex"] = "Male, or not"  # quoted (comma), unknown
    people[21]["pers_sex"] = '"F"'  # quoted (quotes), unknown
    people[22]["pers_sex"] = "M"
    people[23]["pers_person_id"] = people[n - 1]["pers_person_id"]  # the later row is the repeat
    people[24]["pers_dob"] = "31/12/2019 10:00"
    return people


@pytest.mark.parametrize("block_bytes", [None, 700], ids=["one-block", "many-blocks"])
def test_pyarrow_checks_match_row_by_row_across_blocks(landing, load, query, monkeypatch, block_bytes):
    """Problems in many blocks, keys repeated across blocks, values quoted in the file: the same
    quarantine records and raw rows either way."""
    if block_bytes:
        monkeypatch.setattr(copyload, "BLOCK_BYTES", block_bytes)
        monkeypatch.setattr(copyload, "READ_BYTES", 64)  # messages of a line or two; some lines are longer
    fast, slow, taken = _load_both_ways(landing, load, monkeypatch, _spoilt_people(600))
    assert taken == [True] * len(taken)
    assert fast.status == slow.status == "loaded", (fast.errors, slow.errors)
    assert fast.rows_quarantined == slow.rows_quarantined > 20
    assert query(QUARANTINE, ("901",)) == query(QUARANTINE, ("902",))
    assert query(RAW_PERSON, ("901",)) == query(RAW_PERSON, ("902",))
    assert ("ssd_person.csv", 601, "pers_person_id", "pers600", DUPLICATE) in query(QUARANTINE, ("901",))
    assert ("ssd_person.csv", 23, "pers_sex", '"F"', "unknown sex code or description") in query(
        QUARANTINE, ("901",)
    )


def test_over_the_limit_both_paths_keep_the_same_first_records(landing, load, query, monkeypatch):
    monkeypatch.setattr(core, "QUARANTINE_KEEP", 4)
    people = valid_rows("ssd_person", 100)
    for i in (3, 5, 7, 9, 11, 13):
        people[i]["pers_sex"] = "Q"
        people[i]["pers_dob"] = "soon"
    fast, slow, taken = _load_both_ways(landing, load, monkeypatch, people, threshold=0.01)
    assert taken == [True] * len(taken)
    assert fast.status == slow.status == "rejected"
    assert fast.errors == slow.errors and fast.notices == slow.notices
    assert {line for _, line, *_ in query(QUARANTINE, ("901",))} == {5, 7, 9, 11}
    assert query(QUARANTINE, ("901",)) == query(QUARANTINE, ("902",))


def test_snapshot_tables_carry_the_lineage_and_check_it(landing, load, query):
    """The lineage added after the COPY (a default kept in the catalog) reads as stored values;
    the CHECK on it is not validated (that would scan every row) but guards any later write."""
    write_extract(landing, "901", tables={"ssd_person": valid_rows("ssd_person", 20)})
    write_extract(landing, "902", tables={"ssd_person": valid_rows("ssd_person", 20)})
    first, second = load(landing)
    assert query(
        "select count(*), min(_la_code), min(_extract_date)::text, min(_source_line), max(_source_line)"
        " from raw.ssd_person where _batch_id = %s",
        (first.batch_id,),
    ) == [(20, "901", "2019-04-01", 2, 21)]
    child = f"raw_snapshots.ssd_person_{first.batch_id}"
    assert query(
        "select convalidated from pg_constraint where contype = 'c' and conrelid = %s::regclass", (child,)
    ) == [(False,)]
    with pytest.raises(psycopg2.errors.CheckViolation):
        query(f"update {child} set _batch_id = %s where _source_line = 2", (second.batch_id,))
    assert query("select count(*) from raw.ssd_person where _batch_id = %s", (second.batch_id,)) == [(20,)]


def test_a_correction_deletes_the_old_snapshot_wherever_it_was_loaded(landing, load, query, monkeypatch):
    """The superseded snapshot's rows go from its own child tables (COPY path) and from raw.<table>
    itself (row-by-row path); other snapshots keep theirs."""
    write_extract(landing, "901", "2019-04-01", n=3)
    write_extract(landing, "901", "2019-04-02", n=3)
    monkeypatch.setattr(core, "copy_file", lambda *a, **k: None)  # the first loads row by row
    [row_by_row] = load(landing / "901" / "2019-04-01")
    monkeypatch.undo()
    [copied] = load(landing / "901" / "2019-04-02")
    write_extract(landing, "901", "2019-04-01", n=4)
    write_extract(landing, "901", "2019-04-02", n=5)
    first_fix, second_fix = load(landing)
    assert first_fix.status == second_fix.status == "loaded"
    assert query("select _batch_id, count(*) from raw.ssd_person group by 1 order by 1") == [
        (first_fix.batch_id, 4),
        (second_fix.batch_id, 5),
    ]
    assert query(f"select count(*) from raw_snapshots.ssd_person_{copied.batch_id}") == [(0,)]
    assert row_by_row.batch_id < copied.batch_id


@pytest.mark.parametrize(
    ("chunks", "increasing"),
    [
        ([[b"a", b"b"], [b"c"]], True),
        ([[b"a", b"b"], [b"b"]], False),  # a repeat across blocks
        ([[b"P2", b"P10"]], False),  # sorted as numbers is not enough: compared as sent
        ([[b"x"]], True),
        ([[]], True),
    ],
)
def test_keys_in_order_need_no_hashing(chunks, increasing):
    assert copyload._increasing(pa.chunked_array(chunks, pa.binary())) is increasing
