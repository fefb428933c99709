"""Population measures computed straight from generated CSVs, independently of the generator's code
(own working-day calendar from `holidays`, own due-date chain), following the KPI definitions."""

from __future__ import annotations

import calendar as _cal
import csv
from collections import Counter, defaultdict
from datetime import date, timedelta
from pathlib import Path

import holidays


def read(folder: Path, table: str) -> list[dict]:
    with open(folder / f"{table}.csv", newline="", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


def d(s: str) -> date | None:
    return date.fromisoformat(s) if s else None


def add_months(x: date, n: int) -> date:
    m = x.month - 1 + n
    y, m = x.year + m // 12, m % 12 + 1
    return date(y, m, min(x.day, _cal.monthrange(y, m)[1]))


class WorkingDays:
    def __init__(self, years):
        self.bank = holidays.country_holidays("GB", subdiv="ENG", years=years)

    def add(self, x: date, n: int) -> date:
        step = 1 if n > 0 else -1
        while n:
            x += timedelta(days=step)
            if x.weekday() < 5 and x not in self.bank:
                n -= step
        return x


def fy_bounds(t: date) -> tuple[date, date]:
    """The latest complete financial year ending on or before t (1 April - 31 March)."""
    end = date(t.year if t >= date(t.year, 3, 31) else t.year - 1, 3, 31)
    return date(end.year - 1, 4, 1), end


class Measures:
    def __init__(self, folder: Path):
        self.folder = folder
        self.episodes = read(folder, "ssd_cla_episodes")
        self.plans = read(folder, "ssd_cp_plans")
        self.reviews = read(folder, "ssd_cla_reviews")
        self.persons = {r["pers_person_id"]: r for r in read(folder, "ssd_person")}
        years = range(2000, date.today().year + 40)
        self.wd = WorkingDays(years)

    def cla_children_at(self, t: date) -> set[str]:
        return {
            e["clae_person_id"]
            for e in self.episodes
            if d(e["clae_cla_episode_start_date"]) <= t
            and (not e["clae_cla_episode_ceased_date"] or d(e["clae_cla_episode_ceased_date"]) > t)
        }

    def cp_children_at(self, t: date) -> set[str]:
        return {
            p["cppl_person_id"]
            for p in self.plans
            if p["cppl_cp_plan_ola"] != "Y"
            and d(p["cppl_cp_plan_start_date"]) <= t
            and (not p["cppl_cp_plan_end_date"] or d(p["cppl_cp_plan_end_date"]) > t)
        }

    def review_timeliness(self, start: date, end: date) -> tuple[int, int]:
        """(on time, held) over reviews held in [start, end], due dates from the statutory chain."""
        poc_start: dict[str, date] = {}
        for e in self.episodes:
            s = d(e["clae_cla_episode_start_date"])
            c = e["clae_cla_id"]
            if c not in poc_start or s < poc_start[c]:
                poc_start[c] = s
        by_poc = defaultdict(list)
        for r in self.reviews:
            if r["clar_cla_review_cancelled"] != "Y":
                by_poc[r["clar_cla_id"]].append(d(r["clar_cla_review_date"]))
        on_time = held = 0
        for c, dates in by_poc.items():
            dates.sort()
            prev = None
            for n, x in enumerate(dates):
                due = self.wd.add(poc_start[c], 20) if n == 0 else add_months(prev, 3 if n == 1 else 6)
                if start <= x <= end:
                    held += 1
                    on_time += x <= due
                prev = x
        return on_time, held

    def participation(self, start: date, end: date) -> tuple[Counter, float]:
        codes = Counter(
            r["clar_cla_review_participation"]
            for r in self.reviews
            if r["clar_cla_review_cancelled"] != "Y" and start <= d(r["clar_cla_review_date"]) <= end
        )
        over4 = sum(v for k, v in codes.items() if k != "PN0")
        part = sum(codes[f"PN{i}"] for i in range(1, 7))
        return codes, part / over4 if over4 else 0.0

    def caseload(self, t: date) -> tuple[int, float]:
        """(children with an open IRO involvement who are looked after or on a plan at t,
        FTE of the IROs holding them)."""
        cla, cp = self.cla_children_at(t), self.cp_children_at(t)
        fte = {
            r["prof_professional_id"]: float(r["prof_full_time_equivalency"] or 0)
            for r in read(self.folder, "ssd_professionals")
        }
        held: dict[str, str] = {}
        for r in read(self.folder, "ssd_involvements"):
            if r["invo_professional_role_id"] != "IRO":
                continue
            if (
                d(r["invo_involvement_start_date"]) <= t
                and (not r["invo_involvement_end_date"] or d(r["invo_involvement_end_date"]) > t)
                and (r["invo_person_id"] in cla or r["invo_person_id"] in cp)
            ):
                held.setdefault(r["invo_person_id"], r["invo_professional_id"])
        iros = set(held.values())
        return len(held), sum(fte[i] for i in iros)

    def icpc_timeliness(self, start: date, end: date) -> tuple[int, int]:
        s47 = {
            r["s47e_s47_enquiry_id"]: d(r["s47e_s47_start_date"])
            for r in read(self.folder, "ssd_s47_enquiry")
        }
        ok = n = 0
        for r in read(self.folder, "ssd_initial_cp_conference"):
            held = d(r["icpc_icpc_date"])
            if r["icpc_icpc_transfer_in"] == "Y" or not (start <= held <= end):
                continue
            s = s47.get(r["icpc_s47_enquiry_id"])
            if s is None or s > held:
                continue
            n += 1
            ok += held <= self.wd.add(s, 15)
        return ok, n

    def rcpc_timeliness(self, start: date, end: date) -> tuple[int, int]:
        starts = {p["cppl_cp_plan_id"]: d(p["cppl_cp_plan_start_date"]) for p in self.plans}
        by_plan = defaultdict(list)
        for r in read(self.folder, "ssd_cp_reviews"):
            by_plan[r["cppr_cp_plan_id"]].append(d(r["cppr_cp_review_date"]))
        ok = n = 0
        for pid, dates in by_plan.items():
            dates.sort()
            prev = starts[pid]
            for k, x in enumerate(dates):
                due = add_months(starts[pid], 3) if k == 0 else add_months(prev, 6)
                if start <= x <= end:
                    n += 1
                    ok += x <= due
                prev = x
        return ok, n

    def repeat_plans(self, start: date, end: date) -> tuple[int, int]:
        by_child = defaultdict(list)
        for p in self.plans:
            by_child[p["cppl_person_id"]].append(d(p["cppl_cp_plan_start_date"]))
        rep = n = 0
        for p in self.plans:
            s = d(p["cppl_cp_plan_start_date"])
            if p["cppl_cp_plan_ola"] == "Y" or not (start <= s <= end):
                continue
            n += 1
            rep += any(o < s for o in by_child[p["cppl_person_id"]])
        return rep, n

    def legal_mix(self, t: date) -> Counter:
        cla = self.cla_children_at(t)
        latest = {}
        for r in read(self.folder, "ssd_legal_status"):
            s, e = d(r["lega_legal_status_start_date"]), d(r["lega_legal_status_end_date"])
            if r["lega_person_id"] in cla and s <= t and (e is None or e > t):
                latest[r["lega_person_id"]] = r["lega_legal_status"]
        return Counter(latest.values())

    def placement_mix(self, t: date, groups: dict[str, str]) -> Counter:
        cla = self.cla_children_at(t)
        cur = {}
        for r in read(self.folder, "ssd_cla_placement"):
            s, e = d(r["clap_cla_placement_start_date"]), d(r["clap_cla_placement_end_date"])
            if r["clap_person_id"] in cla and s <= t and (e is None or e > t):
                cur[r["clap_person_id"]] = r
        mix = Counter(groups[r["clap_cla_placement_type"]] for r in cur.values())
        far = sum(1 for r in cur.values() if float(r["clap_cla_placement_distance"] or 0) > 20)
        mix["_over_20_miles"] = far
        return mix

    def challenges(self, start: date, end: date) -> Counter:
        c = Counter()
        for r in read(self.folder, "ext_iro_challenges"):
            if start <= d(r["chal_raised_date"]) <= end:
                c[r["chal_challenge_type"]] += 1
                c[(r["chal_challenge_type"], r["chal_subject"])] += 1
        return c
