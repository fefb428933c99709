"""The committed bank-holiday seed against the `holidays` package it is generated from."""

from __future__ import annotations

import csv
import datetime as dt

import holidays

from ingestion import bank_holidays


def test_the_committed_seed_matches_the_installed_holidays_package():
    assert bank_holidays.SEED_PATH.read_text() == bank_holidays.seed_text(), (
        f"{bank_holidays.SEED_PATH} is stale against holidays {holidays.__version__}: "
        "run `make bank-holidays` and commit the file"
    )


def test_the_seed_covers_the_calendar_with_known_holidays():
    with open(bank_holidays.SEED_PATH, newline="") as f:
        rows = {dt.date.fromisoformat(r["holiday_date"]): r["holiday_name"] for r in csv.DictReader(f)}
    years = {d.year for d in rows}
    assert years == set(range(bank_holidays.FIRST_YEAR, bank_holidays.LAST_YEAR + 1))
    # May Day moved for VE Day in 2020; the 2022 Queen's funeral; Boxing Day 2020 observed on Monday 28th
    assert dt.date(2020, 5, 8) in rows and dt.date(2020, 5, 4) not in rows
    assert dt.date(2022, 9, 19) in rows
    assert dt.date(2020, 12, 28) in rows


def test_regenerating_an_edited_seed_restores_it(tmp_path):
    path = tmp_path / "bank_holidays.csv"
    path.write_text(bank_holidays.SEED_PATH.read_text().replace("2022-09-19", "2022-09-20"))
    assert bank_holidays.write_seed(path) is True
    assert path.read_text() == bank_holidays.SEED_PATH.read_text()
    assert bank_holidays.write_seed(path) is False, "an unchanged file is left alone"
