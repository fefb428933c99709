"""The file validator on its own: date and value rules, and the block fast path against the
row-by-row path (same clean rows, same quarantine) on awkward files."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from ingestion.loader import validate
from ingestion.loader.validate import FileError, FileValidator, parse_date
from tests.loader.extract import CONTRACT, to_csv, valid_rows


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2019-04-01", dt.date(2019, 4, 1)),
        ("2019-04-01T13:45:00", dt.date(2019, 4, 1)),
        ("2019-04-01 13:45", dt.date(2019, 4, 1)),
        ("2019-04-01T23:30:00Z", dt.date(2019, 4, 1)),
        ("2019-04-01 00:00:00.000", dt.date(2019, 4, 1)),
        ("01/04/2019", dt.date(2019, 4, 1)),
        ("1/4/2019", dt.date(2019, 4, 1)),
        ("01/04/2019 09:30:00", dt.date(2019, 4, 1)),
        ("29/02/2020", dt.date(2020, 2, 29)),
        ("29/02/2019", None),
        ("2019-02-31", None),
        ("2019-13-01", None),
        ("04/31/2019", None),
        ("2019/04/01", None),
        ("20190401", None),
        ("yesterday", None),
        ("2019-04-01T", None),
    ],
)
def test_dates(value, expected):
    assert parse_date(value) == expected


def _validator(tmp_path, table, text, encoding="utf-8"):
    path = tmp_path / f"{table}.csv"
    path.write_bytes(text.encode(encoding))
    return FileValidator(
        path,
        CONTRACT.tables[table],
        CONTRACT.code_lists,
        encoding="utf-8-sig",
        lineage=("901", "2019-04-01", "7"),
    )


def _run(v, *, fast=True):
    if not fast:
        v._fast_block = lambda block, line: None
    out = b"".join(v.chunks()).decode()
    r = v.result
    return (
        list(csv.reader(io.StringIO(out))),
        [(q.line, q.column, q.value, q.reason) for q in r.quarantine],
        r,
    )


def _awkward_person_file() -> str:
    rows = valid_rows("ssd_person", 400)
    rows[10]["pers_dob"] = "31/02/2019"  # not a date
    rows[11]["pers_sex"] = "Q"  # unknown code
    rows[12]["pers_sex"] = " female "  # a description, padded: accepted as sent
    rows[13]["pers_person_id"] = rows[3]["pers_person_id"]  # duplicate key
    rows[14]["pers_surname"] = 'O\'Neil, "Jr"\nsecond line'  # quoting and a line break
    rows[15]["pers_dob"] = ""  # missing required
    rows[16]["pers_death_date"] = "  "  # blank optional: fine
    rows[300]["pers_forename"] = "Zoë"
    rows[350]["pers_surname"] = 'Smith, "Jnr"'  # quoted on one line: the fast path's csv branch
    text = to_csv(rows)
    return text.replace("\r\n", "\n", 50)  # mixed line ends


def test_fast_and_slow_paths_agree(tmp_path, monkeypatch):
    text = _awkward_person_file()
    slow = _run(_validator(tmp_path, "ssd_person", text), fast=False)
    monkeypatch.setattr(validate, "BLOCK_CHARS", 500)  # many blocks, quotes across block ends
    fast = _run(_validator(tmp_path, "ssd_person", text))
    assert fast[0] == slow[0]
    assert fast[1] == slow[1]
    rows, quarantine, result = fast
    assert result.rows_read == 400 and result.rows_loaded == 396 and result.rows_quarantined == 4
    assert {(line, col) for line, col, _, _ in quarantine} == {
        (12, "pers_dob"),
        (13, "pers_sex"),
        (15, "pers_person_id"),
        (18, "pers_dob"),  # the quoted line break above makes this row start a line later
    }
    by_id = {r[0]: r for r in rows}
    assert by_id["pers13"][1] == " female "  # raw keeps the text as sent
    assert by_id["pers15"][8] == 'O\'Neil, "Jr"\nsecond line'
    assert by_id["pers301"][7] == "Zoë"
    assert by_id["pers351"][8] == 'Smith, "Jnr"'
    assert rows[0][-4:] == ["901", "2019-04-01", "7", "2"]  # lineage and source line
    assert by_id["pers20"][-1] == "22"


@pytest.mark.parametrize("quoted", [False, True])
def test_clean_file_uses_the_fast_path_only(tmp_path, monkeypatch, quoted):
    episodes = valid_rows("ssd_cla_episodes", 300)
    if quoted:  # a description with a comma, as Liquidlogic sends them
        episodes[7]["clae_cla_episode_ceased_reason"] = (
            "Episode ceases, and new episode begins on same day, for any reason"
        )
    v = _validator(tmp_path, "ssd_cla_episodes", to_csv(episodes))
    monkeypatch.setattr(v, "_slow_block", lambda block, line: pytest.fail("slow path used"))
    rows, quarantine, result = _run(v)
    assert len(rows) == 300 and not quarantine and result.error is None
    assert rows[7][6] == episodes[7]["clae_cla_episode_ceased_reason"]
    assert rows[299][-1] == "301"


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("", "no header row"),
        ("pers_person_id,pers_sex\nP1,M\n", "missing required column(s) pers_dob"),
        ("pers_person_id,pers_sex,pers_dob,pers_sex\n", "column pers_sex appears twice"),
        ("pers_person_id,pers_sex,pers_dob,Bad Name\n", "extra column 'bad name' is not a plain"),
        ("pers_person_id,pers_sex,pers_dob,\n", "a header column has no name"),
    ],
)
def test_header_problems(tmp_path, text, error):
    with pytest.raises(FileError, match=error.replace("(", r"\(").replace(")", r"\)")):
        _validator(tmp_path, "ssd_person", text)


def test_header_is_case_and_space_insensitive_and_keeps_extras(tmp_path):
    v = _validator(
        tmp_path, "ssd_person", " PERS_PERSON_ID ,Pers_Sex,pers_dob,local_flag\nP1,M,2010-01-01,x\n"
    )
    assert v.result.columns == ["pers_person_id", "pers_sex", "pers_dob", "local_flag"]
    assert v.result.extra_columns == ["local_flag"]
    rows, _, _ = _run(v)
    assert rows == [["P1", "M", "2010-01-01", "x", "901", "2019-04-01", "7", "2"]]


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ("P1,M,2010-01-01\nP2,M\n", "line 3: 2 fields where the header has 3"),
        ("P1,M,2010-01-01\nP2,M,2010-01-01,extra\n", "line 3: 4 fields where the header has 3"),
        ('P1,M,2010-01-01\nP2,"M,2010-01-01\n', "broken CSV quoting"),
    ],
)
def test_ragged_and_broken_rows_stop_the_file(tmp_path, body, error):
    _, _, result = _run(_validator(tmp_path, "ssd_person", "pers_person_id,pers_sex,pers_dob\n" + body))
    assert error in result.error


def test_blank_lines_are_skipped_not_counted(tmp_path):
    rows, _, result = _run(
        _validator(tmp_path, "ssd_person", "pers_person_id,pers_sex,pers_dob\n\nP1,M,2010-01-01\n\n")
    )
    assert result.error is None and result.rows_read == 1
    assert rows[0][-1] == "3"


@pytest.mark.parametrize(
    ("table", "column", "value", "reason"),
    [
        ("ssd_cla_reviews", "clar_cla_review_cancelled", "yes", "not a Y/N flag"),
        ("ext_iro_challenge_stages", "chst_stage_number", "2.0", "not a whole number"),
        ("ssd_cla_placement", "clap_cla_placement_distance", "12 miles", "not a number"),
        (
            "ssd_cla_episodes",
            "clae_cla_episode_start_reason",
            "Started again",
            "unknown episode_start_reason",
        ),
        ("ssd_legal_status", "lega_legal_status", "", "missing required value"),
    ],
)
def test_bad_values_are_quarantined_with_their_reason(tmp_path, table, column, value, reason):
    rows = valid_rows(table, 3)
    rows[1][column] = value
    out, quarantine, result = _run(_validator(tmp_path, table, to_csv(rows)))
    assert len(out) == 2 and result.rows_quarantined == 1
    assert quarantine == [(3, column, value, quarantine[0][3])]
    assert reason in quarantine[0][3]


def test_known_descriptions_are_accepted_as_sent(tmp_path):
    rows = valid_rows("ssd_cla_episodes", 3)
    rows[0]["clae_cla_episode_start_reason"] = "Started to be looked after"
    rows[1]["clae_cla_episode_ceased_reason"] = "died"
    rows[2]["clae_cla_episode_start_reason"] = "s"
    out, quarantine, _ = _run(_validator(tmp_path, "ssd_cla_episodes", to_csv(rows)))
    assert not quarantine
    assert [r[3] for r in out] == [
        "Started to be looked after",
        rows[1]["clae_cla_episode_start_reason"],
        "s",
    ]


def test_a_nul_byte_stops_the_file_naming_its_line(tmp_path):
    text = to_csv(valid_rows("ssd_person", 5)).replace("pers4", "pe\x00rs4")
    _, _, result = _run(_validator(tmp_path, "ssd_person", text))
    assert result.error == "line 5: NUL byte (a binary or UTF-16 file is not accepted)"


def test_a_stray_quote_inside_a_value_is_kept_as_data(tmp_path, monkeypatch):
    monkeypatch.setattr(validate, "BLOCK_CHARS", 300)  # the odd quote count makes blocks run on
    rows = valid_rows("ssd_person", 40)
    text = to_csv(rows).replace("text 3", 'O"Brien', 1)
    out, quarantine, result = _run(_validator(tmp_path, "ssd_person", text))
    assert result.error is None and not quarantine and len(out) == 40
    assert out[2][2] == 'O"Brien' and out[39][-1] == "41"  # pers_gender of row 3


@pytest.mark.parametrize(
    ("table", "column", "bad"),
    [
        ("ssd_person", "pers_is_mother", "maybe"),
        ("ssd_cla_convictions", "clac_cla_conviction_date", "31/02/2025"),
        ("ssd_cla_substance_misuse", "clas_intervention_offered", "perhaps"),
        ("ssd_permanence", "perm_adopter_sex", "XY"),
        ("ssd_permanence", "perm_adopter_legal_status", "L9"),
        ("ssd_permanence", "perm_number_of_adopters", "two"),
        ("ext_cla_home_postcodes", "clhp_home_postcode", ""),  # required
        ("ext_mothers_children", "moch_child_dob", "2025-13-01"),
    ],
)
def test_the_ssda903_source_tables_are_checked_like_the_others(tmp_path, table, column, bad):
    """The tables and columns the SSDA903 return reads: a bad value quarantines its row, named by line
    (the header is line 1) and column, and the others load."""
    rows = valid_rows(table, 5)
    rows[2][column] = bad
    _rows, quarantine, result = _run(_validator(tmp_path, table, to_csv(rows)))
    assert [(line, col, value) for line, col, value, _ in quarantine] == [(4, column, bad)]
    assert result.rows_loaded == 4
