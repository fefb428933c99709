"""One synthetic authority: its random stream, identifiers, calendar, staff and the child processes."""

from __future__ import annotations

import math
import random
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import accumulate

from ingestion.contract import load_contract
from ingestion.generator.calendar import WorkCalendar, add_months

# Identifier ranges per kind, so ids look like a case system's and never collide across tables.
ID_BASE = {
    "person": 1_000_000,
    "cla": 2_000_000,
    "episode": 3_000_000,
    "legal": 4_000_000,
    "placement": 5_000_000,
    "review": 6_000_000,
    "meeting": 7_000_000,
    "s47": 8_000_000,
    "icpc": 9_000_000,
    "plan": 10_000_000,
    "cpreview": 11_000_000,
    "prof": 12_000,
    "dept": 500,
    "invo": 13_000_000,
    "chal": 14_000_000,
    "stage": 15_000_000,
    "referral": 16_000_000,
    "missing": 17_000_000,
    "visit": 18_000_000,
    "leaver": 19_000_000,
}


@dataclass
class Child:
    person_id: str
    dob: date
    male: bool
    locality: str
    first_seen: date | None = None
    expected_dob: date | None = None
    # (start, end or None, iro_id): who the child's IRO was, to chair meetings and raise challenges
    iro_spans: list = field(default_factory=list)
    # (start, end or None, kind 'CLA'|'CP', review dates sorted, review ids)
    spans: list = field(default_factory=list)
    sw: tuple | None = None
    came_into_care: bool = False
    surname: str | None = None  # siblings share the family name
    review_schedule: list = field(default_factory=list)  # (date held, kind, meeting id) of the last period

    def seen(self, d: date) -> None:
        if self.first_seen is None or d < self.first_seen:
            self.first_seen = d

    def iro_at(self, d: date) -> str | None:
        best = None
        for s, e, iro in self.iro_spans:
            if s <= d and (e is None or d <= e):
                best = iro
        if best is None and self.iro_spans:
            best = self.iro_spans[0][2]
        return best


class Authority:
    def __init__(
        self,
        prof: dict,
        la_code: str,
        seed: int,
        scale: float,
        years: int,
        nights: list[date],
        writer,
        history_years_before: int = 18,
    ):
        self.prof = prof
        self.la_code = la_code
        self.seed = seed
        self.rng = random.Random(seed)
        self.scale = scale
        self.writer = writer
        self.nights = nights
        self.T = nights[-1]
        self.first_night = nights[0]
        self.history_start = add_months(self.T, -12 * years)
        self.origin = add_months(self.history_start, -12 * history_years_before)
        self.cal = WorkCalendar(self.origin - timedelta(days=400), self.T + timedelta(days=3 * 366))
        self.counters = dict(ID_BASE)
        self._mix_cache: dict[int, tuple] = {}
        contract = load_contract()
        self._cols = {
            t: {c: i for i, c in enumerate(contract.tables[t].column_names)} for t in contract.tables
        }
        self._ncols = {t: len(contract.tables[t].column_names) for t in contract.tables}
        self.lag_mean = prof["recording_lag_days_mean"]
        self.staff = None
        # While muted, rows are produced (the random stream stays the same) but not written: records that
        # ended before the history window, which the SSD has purged.
        self.muted = False
        self.rows_written = 0

    # ---- helpers ----
    def new_id(self, kind: str) -> str:
        self.counters[kind] += 1
        return str(self.counters[kind])

    def weighted_choice(self, items, weights):
        return self.rng.choices(items, weights=weights)[0]

    def mix(self, d: dict):
        """A key of `d` drawn with probability proportional to its value (cumulative weights cached)."""
        key = id(d)
        cached = self._mix_cache.get(key)
        if cached is None or cached[0] is not d:
            cached = (d, list(d.keys()), list(accumulate(d.values())))
            self._mix_cache[key] = cached
        _, keys, cum = cached
        return keys[bisect_right(cum, self.rng.random() * cum[-1])]

    def col(self, table: str, name: str) -> int:
        return self._cols[table][name]

    def row_builder(self, table: str):
        idx, n = self._cols[table], self._ncols[table]

        def build(**kw):
            vals = [None] * n
            for k, v in kw.items():
                vals[idx[k]] = v
            return vals

        return build

    def lag(self) -> timedelta:
        """Days between an event and its entry in the case system (mostly 0-3, a tail of late entries)."""
        r = self.rng.random()
        if r < 0.45:
            return timedelta(0)
        return timedelta(days=min(40, int(self.rng.expovariate(1 / self.lag_mean)) + 1))

    def emit(
        self,
        table: str,
        vals: list,
        event: date,
        end_col: str | None = None,
        before=None,
        recorded: date | None = None,
    ) -> None:
        """Write a row recorded a little after `event`; an end date in `end_col` is likewise filled in late
        (before then, nightly snapshots show the record still open)."""
        appear = recorded if recorded is not None else event + self.lag()
        if end_col is not None:
            i = self._cols[table][end_col]
            end = vals[i]
            if end is not None:
                until = end + self.lag()
                if until > end and until > self.first_night - timedelta(days=1) and end <= self.T:
                    over = {i: None}
                    for c, deps in _end_deps(table):
                        if c == end_col:
                            for dcol in deps:
                                over[self._cols[table][dcol]] = None
                    before = list(before or []) + [(until, over)]
        if appear < event:
            appear = event
        self.put(table, vals, appear, before)

    def put_span(
        self, table: str, vals: list, appear: date, end_col: str, end_appear: date | None, before=None
    ) -> None:
        """A row recorded on `appear` whose end (in `end_col`) is recorded on `end_appear`: records
        changed together (an episode, its placement, its legal status) share their recording dates."""
        i = self._cols[table][end_col]
        end = vals[i]
        if end is not None and end_appear is not None and end_appear > end and end <= self.T:
            over = {i: None}
            for c, deps in _end_deps(table):
                if c == end_col:
                    for dcol in deps:
                        over[self._cols[table][dcol]] = None
            before = list(before or []) + [(end_appear, over)]
        self.put(table, vals, max(appear, vals[self._cols[table][_start_col(table)]]), before)

    def put(self, table: str, vals: list, appear: date, before=None) -> None:
        if not self.muted:
            self.rows_written += 1
            self.writer.row(table, vals, appear, before)

    def years(self, d1: date, d0: date) -> float:
        return (d1 - d0).days / 365.25

    def eighteenth(self, dob: date) -> date:
        return add_months(dob, 216)

    def poisson_times(self, start: date, end: date, per_year: float) -> list[date]:
        """Event dates of a Poisson process with `per_year` events a year on [start, end)."""
        out = []
        if per_year <= 0 or end <= start:
            return out
        t = 0.0
        span = (end - start).days
        rate = per_year / 365.25
        while True:
            t += self.rng.expovariate(rate)
            if t >= span:
                return out
            out.append(start + timedelta(days=int(t)))

    def arrivals(self, start: date, end: date, per_year: float, seed_key: str):
        """Arrival dates of a Poisson process, yielded one by one (memory does not grow with the
        population) from a random stream of their own, so the children drawn between arrivals do
        not shift them."""
        rng = random.Random(f"{self.seed}:{seed_key}")
        if per_year <= 0:
            return
        t, span, rate = 0.0, (end - start).days, per_year / 365.25
        while True:
            t += rng.expovariate(rate)
            if t >= span:
                return
            yield start + timedelta(days=int(t))

    def locality(self) -> str:
        locs = self.staff.localities
        return self.weighted_choice([x[0] for x in locs], [x[2] for x in locs])


START_COLS = {
    "ssd_cla_episodes": "clae_cla_episode_start_date",
    "ssd_cla_placement": "clap_cla_placement_start_date",
    "ssd_legal_status": "lega_legal_status_start_date",
}


def _start_col(table: str) -> str:
    return START_COLS[table]


def _end_deps(table: str):
    from ingestion.generator.writer import END_RULES

    return END_RULES.get(table, [])


def lognormal_days(rng: random.Random, median: float, sigma: float = 0.8) -> float:
    return median * math.exp(rng.gauss(0, sigma))
