"""The warehouse's own dbt checks can fail: each is run against the shared KPI build after one plausible
corruption that the earlier version of the check let through, and must fail; the data is restored
exactly afterwards (the other KPI tests read the same database)."""

from __future__ import annotations

import contextlib

import psycopg2
import pytest

from ingestion.dbt_runner import run_dbt
from tests.kpis.build_cases import BUILD_VARS

pytestmark = pytest.mark.slow


def _execute(url: str, statements: list[str]) -> None:
    conn = psycopg2.connect(url)
    try:
        with conn.cursor() as cur:
            for sql in statements:
                cur.execute(sql)
                assert cur.rowcount >= 1, f"corruption touched no row: {sql}"
        conn.commit()
    finally:
        conn.close()


@contextlib.contextmanager
def corrupted(url: str, break_it: list[str], restore: list[str]):
    _execute(url, break_it)
    try:
        yield
    finally:
        _execute(url, restore)


def _dbt_test(kpi_build, name: str):
    run = run_dbt(
        ["test", "--select", name], kpi_build.url, vars=BUILD_VARS, target_path=kpi_build.run.target_path
    )
    assert _tests_run(run) == [name], run.summary()
    return run


def _tests_run(run) -> list[str]:
    return [r["name"] for r in run.results if r["resource_type"].endswith("test")]


def test_episodes_check_fails_when_a_period_drifts_from_its_episodes(kpi_build):
    # X2's period of care (962) ends a day after its last episode: every episode still lies inside the
    # period (the old check passed), but the period is no longer its episodes' bounds.
    poc = "warehouse.fct_cla_periods_of_care where la_code = '962' and period_of_care_id = 'POC-X2'"
    with corrupted(
        kpi_build.url,
        [f"update {poc.replace(' where', ' set end_date = end_date + 1 where')}"],
        [f"update {poc.replace(' where', ' set end_date = end_date - 1 where')}"],
    ):
        run = _dbt_test(kpi_build, "assert_episodes_within_period_of_care")
    assert not run.success, run.summary()


def test_calendar_check_fails_on_a_calendar_without_a_bank_holiday(kpi_build):
    # Mon 6 May 2019 made a working day, the ordinals shifted to match: wd_add and wd_diff still agree
    # with each other everywhere (the old check passed), but wd_add(Fri 3 May 2019, 1) is now 6 May.
    later = (
        "warehouse.dim_date set working_day_ordinal = working_day_ordinal {} 1 where date_day >= '2019-05-06'"
    )
    day = "warehouse.dim_date set is_working_day = {0}, is_bank_holiday = {1} where date_day = '2019-05-06'"
    with corrupted(
        kpi_build.url,
        [f"update {day.format('true', 'false')}", f"update {later.format('+')}"],
        [f"update {later.format('-')}", f"update {day.format('false', 'true')}"],
    ):
        run = _dbt_test(kpi_build, "assert_wd_add_and_wd_diff_agree")
    assert not run.success, run.summary()


def _kpi_row(la_code: str, kpi_code: str) -> str:
    return (
        f"la_code = '{la_code}' and kpi_code = '{kpi_code}' and period_type = 'financial_year'"
        " and period_start = '2018-04-01' and breakdown = 'all'"
    )


def test_value_check_fails_on_a_wrong_median(kpi_build):
    # 904's median days to resolve is 24.5 (19, 30 in the middle); 25 has a null numerator and the right
    # denominator (the old check passed), but is not the median of the resolved challenges.
    where = _kpi_row("904", "IRO_CHALLENGE_DAYS_TO_RESOLVE")
    [(value,)] = kpi_build.query(f"select value from marts.kpi_values where {where}")
    assert value == 24.5
    with corrupted(
        kpi_build.url,
        [f"update marts.kpi_values set value = 25 where {where}"],
        [f"update marts.kpi_values set value = {value} where {where}"],
    ):
        run = _dbt_test(kpi_build, "kpi_value_matches_numerator_and_denominator")
    assert not run.success, run.summary()


def test_value_check_fails_on_a_unit_the_catalogue_does_not_give(kpi_build):
    # A percent KPI published as an average with value n / d: consistent with its own unit column (the
    # old check passed), but the catalogue says percent.
    where = _kpi_row("901", "CLA_REVIEWS_TIMELY")
    [(unit, value)] = kpi_build.query(f"select unit, value from marts.kpi_values where {where}")
    assert unit == "percent"
    with corrupted(
        kpi_build.url,
        [f"update marts.kpi_values set unit = 'average', value = numerator / denominator where {where}"],
        [f"update marts.kpi_values set unit = '{unit}', value = {value} where {where}"],
    ):
        run = _dbt_test(kpi_build, "kpi_value_matches_numerator_and_denominator")
    assert not run.success, run.summary()


def test_the_checks_pass_on_the_restored_data(kpi_build):
    names = [
        "assert_episodes_within_period_of_care",
        "assert_wd_add_and_wd_diff_agree",
        "assert_add_months_clamped_known_dates",
        "kpi_value_matches_numerator_and_denominator",
    ]
    run = run_dbt(
        ["test", "--select", *names], kpi_build.url, vars=BUILD_VARS, target_path=kpi_build.run.target_path
    )
    assert run.success and sorted(_tests_run(run)) == sorted(names), run.summary()
