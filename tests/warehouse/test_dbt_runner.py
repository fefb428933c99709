"""The generated dbt profile and build-time seeds."""

from __future__ import annotations

import csv
import datetime as dt

import holidays
import yaml

from ingestion.dbt_runner import PASSWORD_ENV, write_generated_seeds, write_profiles


def test_profile_is_derived_from_the_url_and_keeps_the_password_out(tmp_path):
    url = "postgresql://someone:s3cr%40t@db.example:6543/wh"
    path = write_profiles(url, tmp_path)
    text = path.read_text()
    assert "s3cr" not in text
    out = yaml.safe_load(text)["cscw"]["outputs"]["warehouse"]
    assert (out["host"], out["port"], out["user"], out["dbname"]) == ("db.example", 6543, "someone", "wh")
    assert PASSWORD_ENV in out["password"]
    assert yaml.safe_load(text)["cscw"]["target"] == "warehouse"


def test_bank_holiday_seed_is_generated_from_the_holidays_package(tmp_path):
    (path,) = write_generated_seeds(tmp_path)
    with open(path, newline="") as f:
        rows = {dt.date.fromisoformat(r["holiday_date"]): r["holiday_name"] for r in csv.DictReader(f)}
    expected = holidays.country_holidays("GB", subdiv="ENG", years=range(2000, 2041))
    assert set(rows) == set(expected)
    # spot checks: May Day moved for VE Day in 2020; the 2022 Queen's funeral; Boxing Day 2020 observed
    assert dt.date(2020, 5, 8) in rows and dt.date(2020, 5, 4) not in rows
    assert dt.date(2022, 9, 19) in rows
    assert dt.date(2020, 12, 28) in rows
    before = path.stat().st_mtime_ns
    write_generated_seeds(tmp_path)
    assert path.stat().st_mtime_ns == before, "unchanged content must not be rewritten"
