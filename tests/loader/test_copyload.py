"""The fast path (copyload.py: Postgres parses, checks on distinct values) against the row-by-row
path (validate.py): same raw rows, same quarantine; and which files take which path."""

from __future__ import annotations

import pytest

from ingestion.loader import copyload, core
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


def _load_both_ways(landing, load, monkeypatch, people, **kwargs):
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
    [fast_result] = load(landing / "901", threshold=0.5)
    monkeypatch.setattr(core, "copy_file", lambda *a, **k: None)
    [slow_result] = load(landing / "902", threshold=0.5)
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
    ],
    ids=["stray-quote", "blank-lines", "multi-line-field", "mixed-line-ends", "backslash-dot"],
)
def test_files_copy_cannot_take_go_row_by_row(landing, load, query, monkeypatch, edit, line_of_pers20):
    from tests.loader.extract import rehash, to_csv

    folder = write_extract(landing, tables={"ssd_person": valid_rows("ssd_person", 40)})
    path = folder / "ssd_person.csv"
    path.write_bytes(edit(to_csv(valid_rows("ssd_person", 40))).encode())
    rehash(folder)
    taken = []
    real = core.copy_file
    monkeypatch.setattr(core, "copy_file", lambda *a, **k: taken.append(r := real(*a, **k)) or r)
    [r] = load(folder)
    assert r.status == "loaded", r.errors
    assert r.tables["ssd_person"] == 40 and r.rows_quarantined == 0
    assert taken[[p.name for p in sorted(folder.glob("*.csv"))].index("ssd_person.csv")] is None
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


def test_whitespace_set_is_pythons():
    import sys

    assert "".join(c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace()) == copyload.WHITESPACE
