"""Corporate parenting KPIs beyond the hand-worked values (tests/kpis/cases_corporate_parenting.py): no
row for an authority that does not send a table, no care-leaver value before the first extract that
held the table, and the facts' own dates (visit due dates, care-leaver versions)."""

from __future__ import annotations

import pytest

from tests.kpis.cases_corporate_parenting import DATA_QUALITY_906, DATA_QUALITY_907, DEC
from tests.kpis.cases_corporate_parenting import EXPECTATIONS as CP_EXPECTATIONS

pytestmark = pytest.mark.slow

CP_CODES = sorted({e.kpi_code for e in CP_EXPECTATIONS})


def test_every_corporate_parenting_code_is_hand_worked():
    assert len(CP_CODES) == 19


def test_an_authority_that_sends_none_of_the_tables_gets_no_rows(kpi_build):
    # 901-905 send no health, missing, visit or care-leaver table: no row at all, never a zero
    rows = kpi_build.query(
        "select la_code, kpi_code, count(*) from marts.kpi_values"
        " where la_code in ('901', '902', '903', '904', '905') and kpi_code = any(%s) group by 1, 2",
        (CP_CODES,),
    )
    assert rows == []
    # while 906 has every health, missing and visit code, and 907 the care-leaver ones
    have = kpi_build.query(
        "select la_code, count(distinct kpi_code) from marts.kpi_values"
        " where la_code in ('906', '907') and kpi_code = any(%s) group by 1 order by 1",
        (CP_CODES,),
    )
    assert have == [("906", 14), ("907", 5)]


def test_care_leavers_have_no_value_before_the_first_extract_holding_the_table(kpi_build):
    # 907's first extract with ssd_care_leavers is 15/1/19: December 2018 has no row, January has
    rows = kpi_build.query(
        "select period_start::text, count(*) from marts.kpi_values where la_code = '907'"
        " and kpi_code = 'CL_COUNT' and period_type = 'month' and period_start >= '2018-11-01'"
        " group by 1 order by 1"
    )
    assert rows == [("2019-01-01", 1), ("2019-02-01", 1), ("2019-03-01", 1)]


def test_visit_due_dates_follow_the_regulation_28_chain(kpi_build):
    rows = kpi_build.query(
        "select visit_date::text, is_seen, due_date::text, is_on_time from warehouse.fct_cla_visits"
        " where la_code = '906' and period_of_care_id = %s order by visit_date",
        ("POC-H9",),
    )
    assert rows == [
        # the old placement (since 1/5/16, past its first year), no seen visit before: due a week after
        # its start, long ago
        ("2018-12-01", True, "2016-05-08", False),
        # the move on 7/1/19 restarts the chain: due within a week
        ("2019-01-10", True, "2019-01-14", True),
        # six weeks after a visit in the placement's first year: due on the day it was held
        ("2019-02-21", True, "2019-02-21", True),
    ]
    (unseen,) = kpi_build.query(
        "select is_seen, due_date::text, is_on_time from warehouse.fct_cla_visits"
        " where la_code = '906' and period_of_care_id = 'POC-H3' and visit_date = '2019-02-20'"
    )
    # a visit where the child was not seen: due three months after the last seen one, no timeliness
    assert unseen == (False, "2019-03-20", None)


def test_care_leaver_history_keeps_each_nights_version(kpi_build):
    rows = kpi_build.query(
        "select valid_from::text, valid_to::text, in_touch, latest_contact_date::text"
        " from warehouse.fct_care_leaver_history where la_code = '907' and care_leaver_id = %s"
        " order by valid_from",
        ("CL-L2",),
    )
    assert rows == [("2019-01-15", "2019-04-01", "NO", None), ("2019-04-01", None, "YES", "2019-03-30")]


def test_missing_episode_in_a_placements_first_week(kpi_build):
    rows = kpi_build.query(
        "select start_date::text, days_into_placement, is_in_placement_first_week, is_missing"
        " from warehouse.fct_cla_missing_episodes m where la_code = '906' and start_date >= '2019-01-01'"
        " and start_date < '2019-02-01'"
    )
    assert rows == [("2019-01-08", 1, True, True)]


def _data_quality(kpi_build, la: str, expected: dict) -> dict:
    """kpi_data_quality rows of `la` in the periods `expected` names: (table, issue, period) -> rows."""
    periods = sorted({p for _, _, p in expected})
    rows = kpi_build.query(
        "select source_table, issue, period_type, period_start::text, rows from marts.kpi_data_quality"
        " where la_code = %s and kpi_code is null and (period_type, period_start::text) in %s",
        (la, tuple(periods)),
    )
    return {(t, issue, (ptype, start)): n for t, issue, ptype, start, n in rows}


def test_orphans_are_left_out_of_every_kpi_and_counted(kpi_build):
    # 906's GHOST and 907's CL-GHOST have no person row: their kpi_values are the hand-worked ones without
    # them (test_hand_worked), and these are the rows kpi_data_quality says were left out
    assert _data_quality(kpi_build, "906", DATA_QUALITY_906) == DATA_QUALITY_906
    assert _data_quality(kpi_build, "907", DATA_QUALITY_907) == DATA_QUALITY_907
    # December 2018 is before 907's first extract: no care-leaver snapshot, so nothing left out of it
    assert _data_quality(kpi_build, "907", {("ssd_care_leavers", "unknown parent", DEC): 1}) == {}


def test_availability_has_the_first_extract_holding_the_tables(kpi_build):
    rows = kpi_build.query(
        "select la_code, is_available, reason, first_extract_date::text from marts.kpi_availability"
        " where kpi_code = 'CL_COUNT' and la_code in ('906', '907') order by la_code"
    )
    assert rows == [
        ("906", False, "ssd_care_leavers not in the extract", None),
        ("907", True, None, "2019-01-15"),
    ]
