"""The bank-holiday seed (dbt_project/seeds/bank_holidays.csv): England and Wales bank holidays over a
fixed range, generated from the `holidays` package and committed, so a plain `dbt build` needs nothing
generated first. tests/warehouse/test_bank_holidays.py fails when the file and the installed library
disagree (a new library version with a newly announced holiday); regenerate with `make bank-holidays`
(`python -m ingestion.bank_holidays`)."""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

SEED_PATH = Path(__file__).resolve().parent.parent / "dbt_project" / "seeds" / "bank_holidays.csv"
# The calendar covers the SSD window (six years back) with room either side; dim_date is built from it.
FIRST_YEAR = 2000
LAST_YEAR = 2040


def rows(first_year: int = FIRST_YEAR, last_year: int = LAST_YEAR) -> list[tuple]:
    """(date, name) for England and Wales bank holidays (subdivision ENG), in date order."""
    import holidays

    cal = holidays.country_holidays("GB", subdiv="ENG", years=range(first_year, last_year + 1))
    return sorted(cal.items())


def seed_text() -> str:
    """The seed file's content as the installed `holidays` package gives it."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["holiday_date", "holiday_name"])
    for day, name in rows():
        w.writerow([day.isoformat(), name])
    return buf.getvalue()


def write_seed(path: Path = SEED_PATH) -> bool:
    """Rewrite the seed from the library; True when its content changed."""
    text = seed_text()
    if path.exists() and path.read_text() == text:
        return False
    path.write_text(text)
    return True


def main() -> int:
    import holidays

    changed = write_seed()
    state = "rewritten" if changed else "already current"
    print(f"{SEED_PATH}: {state} (holidays {holidays.__version__}, {FIRST_YEAR}-{LAST_YEAR})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
