"""`cscw return 903` end to end on the hand-worked authority of test_ssda903_models: the files, the DfE
rules run in the project-managed validator environment (created here on first use), the errors in the
restricted table and in the BI mart, and the count `cscw kpis` prints."""

from __future__ import annotations

import csv

import psycopg2
import pytest

from ingestion.build import build
from ingestion.cli import main
from ingestion.commands.kpis import return_errors
from ingestion.returns import errors, ssda903
from tests.conftest import query as rows
from tests.warehouse.rawdata import create_raw_schema, load_extract

from .test_ssda903_models import extract

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def returned(module_db_url, tmp_path_factory):
    create_raw_schema(module_db_url)
    load_extract(module_db_url, "901", "2026-04-30", extract())
    # the return's parents and the errors mart, which the return then refreshes
    result = build(
        module_db_url,
        select="+path:models/returns/ssda903 +mart_ssda903_validation_errors",
        exclude="resource_type:test",
        vars={"marts_schema": "marts", "ssda903_year": "2025-26"},
        target_path=tmp_path_factory.mktemp("dbt_target"),
    )
    assert result.success, result.failures
    out = tmp_path_factory.mktemp("ssda903")
    code = main(
        [
            "return",
            "903",
            "--la",
            "901",
            "--year",
            "2025-26",
            "--out",
            str(out),
            "--ons-code",
            "E10000017",
            "--url",
            module_db_url,
        ]
    )
    assert code == 0
    return module_db_url, out


def test_files_have_the_dfe_columns(returned):
    _, out = returned
    for name, (_model, columns) in ssda903.FILES.items():
        with open(out / name, encoding="utf-8") as f:
            assert next(csv.reader(f)) == columns, name
    with open(out / "episodes.csv", encoding="utf-8") as f:
        assert len(f.readlines()) == 1 + 10  # A 3, B 2, C 2, D 2, G 1 episodes


def test_missing_home_postcode_is_reported_on_each_episode_but_short_breaks(returned):
    # Rule 392b: a looked-after child's episode needs both postcodes, except under V3/V4. HOME_POST has no
    # source, so it fires on every episode except C's two short breaks. episodes.csv is ordered by child
    # and start: A lines 2-4, B 5-6, C 7-8, D 9-10, G 11.
    url, _ = returned
    lines = rows(
        url,
        f"select file_line, child_id from {errors.TABLE} where rule_code = '392b' and file_name = 'Episodes'"
        " order by file_line",
    )
    assert lines == [(2, "A"), (3, "A"), (4, "A"), (5, "B"), (6, "B"), (9, "D"), (10, "D"), (11, "G")]


def test_mart_holds_keys_not_ids_and_matches_the_restricted_table(returned):
    url, _ = returned
    restricted = rows(url, f"select count(*) from {errors.TABLE} where la_code = '901'")[0][0]
    assert restricted > 0
    mart = rows(
        url,
        "select sum(error_count), count(*) filter (where child_key in ('A', 'B', 'C', 'D', 'E', 'F', 'G'))"
        f" from {errors.MART}",
    )
    assert mart == [(restricted, 0)]
    keys = rows(url, f"select distinct length(child_key) from {errors.MART} where child_key is not null")
    assert keys == [(64,)]  # the keyed SHA-256, never the case-system id
    # the line `cscw kpis` prints under the headline table
    conn = psycopg2.connect(url)
    try:
        line = return_errors(conn, "901")
    finally:
        conn.close()
    assert line.startswith(f"SSDA903 2025-26 return of 901: {restricted:,} DfE validation errors")


def test_sdq_and_care_leaver_items_pass_their_rules(returned):
    # D (SDQ score 12) and G (reason SDQ2) are 4-16 and in OC2: rules 186/197B want a score or a reason.
    # E died after leaving care: ACTIV and ACCOM 0 (rule 344); F's D2 is a valid accommodation (rule 133).
    url, _ = returned
    fired = rows(
        url,
        f"select rule_code, child_id from {errors.TABLE} where rule_code in ('186', '197B', '133', '344')",
    )
    assert fired == []
    # the OC2 rows were checked: rule 191 reports the health items that have no source, for both
    oc2 = rows(url, f"select child_id from {errors.TABLE} where rule_code = '191' and file_name = 'OC2'")
    assert sorted(oc2) == [("D",), ("G",)]
