"""`cscw import 903`: checking, storing and re-importing past SSDA903 returns (docs/ssda903.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingestion.cli import main
from ingestion.history_import import ImportFileError, import_903
from tests.conftest import SHARED_DIR, query

FAKE = SHARED_DIR / "fixtures" / "ssda903_fake"  # the shared spec folder beside the repo

HEADER = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n"
EPISODES = "CHILD,DECOM,RNE,LS,CIN,PL,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n"


def write_year(root: Path, year: str, header: str, episodes: str) -> Path:
    folder = root / year
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "header.csv").write_text(HEADER + header)
    (folder / "episodes.csv").write_text(EPISODES + episodes)
    return folder


def episodes_of(url: str) -> list[tuple]:
    return query(
        url,
        "select collection_year, line, child, decom, rne, pl, dec, rec from raw.ssda903_episodes"
        " where la_code = '888' order by collection_year, line",
    )


# Two years of one child: S in U6 from 10/05/2021, moved (P) to K2 on 01/09/2021 and (P) to U4 on
# 15/02/2022; the 2022-23 file repeats the U4 episode (still open), as consecutive returns do.
Y2122 = (
    "C1,1,01/02/2010,WBRI,,,\n",
    (
        "C1,10/05/2021,S,C2,N1,U6,PR1,01/09/2021,X1,CARPL,,,\n"
        "C1,01/09/2021,P,C2,N1,K2,PR4,15/02/2022,X1,CARPL,,,\n"
        "C1,15/02/2022,P,C2,N1,U4,PR1,,,,,,\n"
    ),
)
Y2223 = "C1,1,01/02/2010,WBRI,,,\n", "C1,15/02/2022,P,C2,N1,U4,PR1,,,,,,\n"


def test_import_stores_every_row_and_reimport_changes_nothing(tmp_path, db_url):
    write_year(tmp_path, "2021-22", *Y2122)
    write_year(tmp_path, "2022-23", *Y2223)
    first = import_903(db_url, "888", tmp_path)
    assert first.imported == {
        "2021-22": {"header": 1, "episodes": 3},
        "2022-23": {"header": 1, "episodes": 1},
    }
    stored = episodes_of(db_url)
    assert stored == [
        ("2021-22", 2, "C1", "10/05/2021", "S", "U6", "01/09/2021", "X1"),
        ("2021-22", 3, "C1", "01/09/2021", "P", "K2", "15/02/2022", "X1"),
        ("2021-22", 4, "C1", "15/02/2022", "P", "U4", None, None),
        ("2022-23", 2, "C1", "15/02/2022", "P", "U4", None, None),
    ]
    imported_at = query(db_url, "select imported_at from raw.ssda903_imports order by 1")
    again = import_903(db_url, "888", tmp_path)
    assert again.imported == {} and again.unchanged == ["2021-22", "2022-23"]
    assert episodes_of(db_url) == stored
    assert query(db_url, "select imported_at from raw.ssda903_imports order by 1") == imported_at


def test_a_corrected_year_replaces_that_year_only(tmp_path, db_url):
    write_year(tmp_path, "2021-22", *Y2122)
    write_year(tmp_path, "2022-23", *Y2223)
    import_903(db_url, "888", tmp_path)
    # the 2022-23 return corrected: the U4 placement ended on 01/06/2022 (child returned home)
    write_year(tmp_path, "2022-23", Y2223[0], "C1,15/02/2022,P,C2,N1,U4,PR1,01/06/2022,E13,,,,\n")
    result = import_903(db_url, "888", tmp_path)
    assert result.imported == {"2022-23": {"header": 1, "episodes": 1}} and result.unchanged == ["2021-22"]
    stored = episodes_of(db_url)
    assert [r for r in stored if r[0] == "2022-23"] == [
        ("2022-23", 2, "C1", "15/02/2022", "P", "U4", "01/06/2022", "E13")
    ]
    assert len([r for r in stored if r[0] == "2021-22"]) == 3


@pytest.mark.parametrize(
    ("episodes", "message"),
    [
        (
            "C1,10/05/2021,S,C2,N1,U6,PR1,2021-09-01,X1,,,,\n",
            "episodes.csv: line 3: DEC '2021-09-01' is not a date in the 903 format DD/MM/YYYY",
        ),
        ("C1,31/02/2022,P,C2,N1,U4,PR1,,,,,,\n", "episodes.csv: line 3: DECOM '31/02/2022' is not a date"),
        (
            "C1,15/02/2022,Q,C2,N1,U4,PR1,,,,,,\n",
            "line 3: RNE 'Q' is not a code of the list episode_start_reason",
        ),
        (",15/02/2022,P,C2,N1,U4,PR1,,,,,,\n", "episodes.csv: line 3: CHILD is blank"),
        ("C1,15/02/2020,P,C2,N1,U4,PR1,01/03/2021,X1,,,,\n", "line 3: the episode is not open at any time"),
    ],
)
def test_a_bad_row_names_file_and_line_and_nothing_is_imported(tmp_path, db_url, episodes, message):
    write_year(tmp_path, "2021-22", *Y2122)
    import_903(db_url, "888", tmp_path)
    before = episodes_of(db_url)
    # a corrected 2021-22 (good) sent with a 2022-23 holding a bad row: neither year is stored
    write_year(tmp_path, "2021-22", Y2122[0], Y2122[1].replace("01/09/2021", "02/09/2021"))
    write_year(tmp_path, "2022-23", Y2223[0], "C1,15/02/2022,P,C2,N1,U4,PR1,,,,,,\n" + episodes)
    with pytest.raises(ImportFileError) as err:
        import_903(db_url, "888", tmp_path)
    assert message in str(err.value)
    assert episodes_of(db_url) == before


def test_a_missing_column_or_file_is_refused(tmp_path, db_url):
    folder = write_year(tmp_path, "2021-22", *Y2122)
    (folder / "episodes.csv").write_text("CHILD,DECOM,RNE,LS,PL,DEC\nC1,10/05/2021,S,C2,U6,\n")
    with pytest.raises(ImportFileError, match=r"episodes.csv: line 1: missing column\(s\) REC"):
        import_903(db_url, "888", tmp_path)
    (folder / "episodes.csv").unlink()
    with pytest.raises(ImportFileError, match="no episodes.csv"):
        import_903(db_url, "888", tmp_path)


def test_cli_reports_the_error_and_exits_2(tmp_path, db_url, capsys):
    write_year(tmp_path, "2021-22", Y2122[0], "C1,10/05/2021,S,C2,N1,U6,PR1,1/9/21,X1,,,,\n")
    assert main(["import", "903", "--la", "888", "--url", db_url, str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "episodes.csv: line 2: DEC '1/9/21' is not a date in the 903 format DD/MM/YYYY" in err
    write_year(tmp_path, "2021-22", *Y2122)
    assert (
        main(
            ["import", "903", "--la", "888", "--url", db_url, str(tmp_path / "2021-22"), "--year", "2021-22"]
        )
        == 0
    )
    assert "SSDA903 2021-22 for 888: imported (header 1, episodes 3)" in capsys.readouterr().out


def test_the_bi_role_cannot_read_the_imported_returns(tmp_path, db_url):
    from ingestion.db import connect
    from ingestion.grants import secure_database

    write_year(tmp_path, "2021-22", *Y2122)
    import_903(db_url, "888", tmp_path)
    with connect(db_url) as conn:
        secure_database(conn)
    assert query(db_url, "select has_schema_privilege('reporter', 'raw', 'USAGE')") == [(False,)]


@pytest.mark.skipif(not FAKE.is_dir(), reason="the public fake SSDA903 files are not beside the repo")
def test_the_public_fake_return_imports_cleanly(db_url):
    result = import_903(db_url, "888", FAKE, year="2017-18")
    assert result.imported["2017-18"]["episodes"] == 5050
    assert result.imported["2017-18"]["header"] == 2675
    assert result.imported["2017-18"]["reviews"] == 12582
    # the file's PLACE column is stored as PL; every episode has one
    assert query(db_url, "select count(*), count(pl) from raw.ssda903_episodes") == [(5050, 5050)]


def test_imported_children_are_matched_to_the_latest_extract(tmp_path, db_url, capsys):
    from tests.warehouse.rawdata import create_raw_schema, load_extract

    # C1 and C2 in the returns; the latest loaded extract (2023-04-30) holds C1 only, the earlier one C2
    header = "C1,1,01/02/2010,WBRI,,,\nC2,2,01/02/2011,WBRI,,,\n"
    write_year(tmp_path, "2021-22", header, Y2122[1] + "C2,01/06/2021,S,V2,N1,U6,PR1,,,,,,\n")
    assert main(["import", "903", "--la", "888", "--url", db_url, str(tmp_path)]) == 0
    assert "2 children in the imported returns; no extract of 888 loaded yet" in capsys.readouterr().out
    create_raw_schema(db_url)
    load_extract(db_url, "888", "2023-03-31", {"ssd_person": [{"pers_person_id": "C2", "pers_sex": "F"}]})
    load_extract(db_url, "888", "2023-04-30", {"ssd_person": [{"pers_person_id": "C1", "pers_sex": "M"}]})
    result = import_903(db_url, "888", tmp_path)
    assert (result.unchanged, result.children, result.unmatched) == (["2021-22"], 2, 1)
