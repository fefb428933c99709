"""Working-day arithmetic for the generator (England: weekends and ENG bank holidays).

Same rules as the KPI definitions (the warehouse's calendar macros): `wd_add(d, n)` is the date
n working days after d, d itself being day 0; `add_months(d, n)` keeps the day of month, clamped to the
month's last day. The dbt side has its own macros; tests compare the two through the generated data.
The calendar is built once per generate() call over the whole simulated span.
"""

from __future__ import annotations

import calendar as _cal
from bisect import bisect_left, bisect_right
from datetime import date, timedelta

import holidays


def add_months(d: date, n: int) -> date:
    m = d.month - 1 + n
    y = d.year + m // 12
    m = m % 12 + 1
    return date(y, m, min(d.day, _cal.monthrange(y, m)[1]))


class WorkCalendar:
    """Working days between `start` and `end` (inclusive), precomputed as sorted ordinals."""

    def __init__(self, start: date, end: date):
        years = range(start.year, end.year + 1)
        bank = holidays.country_holidays("GB", subdiv="ENG", years=years)
        self.start, self.end = start, end
        self.bank_holidays = frozenset(bank.keys())
        days = []
        d, one = start, timedelta(days=1)
        while d <= end:
            if d.weekday() < 5 and d not in self.bank_holidays:
                days.append(d.toordinal())
            d += one
        self._days = days

    def is_working_day(self, d: date) -> bool:
        return d.weekday() < 5 and d not in self.bank_holidays

    def wd_add(self, d: date, n: int) -> date:
        """n working days after d (n > 0) or before it (n < 0); n == 0 returns d."""
        if n == 0:
            return d
        o = d.toordinal()
        i = bisect_right(self._days, o) + n - 1 if n > 0 else bisect_left(self._days, o) + n
        if i < 0 or i >= len(self._days):
            raise ValueError(f"wd_add({d}, {n}) falls outside the calendar {self.start}..{self.end}")
        return date.fromordinal(self._days[i])

    def wd_diff(self, a: date, b: date) -> int:
        """Working days from a to b: wd_add(a, wd_diff(a, b)) == b when b is a working day after a."""
        return bisect_right(self._days, b.toordinal()) - bisect_right(self._days, a.toordinal())

    def on_or_before(self, d: date) -> date:
        """The latest working day on or before d (meetings are held on working days)."""
        i = bisect_right(self._days, d.toordinal()) - 1
        return date.fromordinal(self._days[max(i, 0)])
