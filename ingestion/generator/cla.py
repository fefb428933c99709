"""Periods of care: legal statuses, placements, episodes, reviews (with details), as one process.

A period of care follows a route chosen at entry (short section 20 accommodation, care proceedings
ending in a care order, adoption, a special guardianship order or a return home, remand, an emergency
order). Legal-status changes and placement moves produce the SSDA903 episodes (S, then L/P/B/T/U); the
review chain (first review 20 working days after entry, second 3 months after the first, then every
6 months after the previous) is held mostly on time, a few late, some brought forward, a few cancelled
and re-held.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta

from ingestion.generator import extras, health, return_items, settling_in
from ingestion.generator.authority import Authority, Child, lognormal_days
from ingestion.generator.calendar import add_months

END_AT_18 = {"E17": 0.2, "E5": 0.45, "E6": 0.15, "E8": 0.2}
SGO = {"E45": 0.2, "E46": 0.1, "E47": 0.55, "E48": 0.15}
DISCHARGE = {"E41": 0.1, "E45": 0.2, "E47": 0.3, "E4A": 0.4}
CHANGE_REASONS = {
    "CARPL": 40,
    "CREQB": 15,
    "CREQO": 10,
    "CHILD": 8,
    "LAREQ": 10,
    "STAND": 5,
    "ALLEG": 3,
    "CLOSE": 4,
    "APPRR": 2,
    "OTHER": 3,
}
RESIDENTIAL = {"K2": 0.75, "R1": 0.10, "S1": 0.10, "K1": 0.05}
INDEPENDENT = {"H5": 0.6, "K3": 0.25, "P2": 0.15}
# Placement codes the SSDA903 retired (supported accommodation became K3 with its regulation): a
# placement starting on or after the date is recorded as the replacement.
RETIRED_PLACEMENTS = {"H5": (date(2024, 4, 1), "K3"), "P2": (date(2024, 4, 1), "K3")}
# Placement types without an Ofsted URN (SSDA903: parents, residential employment, NHS, custody, temporary,
# other); every other type records the provider's URN (rule 218; rule 222 the other way round).
NO_URN = {"P1", "P3", "R1", "R2", "R5", "T0", "T1", "T2", "T3", "T4", "Z1", "Z11", "Z12", "Z13", "Z14"}
FOSTER = {"U1", "U2", "U3", "U4", "U5", "U6"}
# A special guardianship order to former foster carers (E45, E46) needs a foster placement (rule 516);
# otherwise the order was made to other carers (E47, E48).
SGO_NOT_FOSTER = {"E45": "E47", "E46": "E48"}


@contextmanager
def side_stream(la: Authority, *key) -> Iterator[random.Random]:
    """Draws from a stream of their own, fixed by `key` (readmissions, same-day moves): whether a child
    comes back or moves on the day does not shift the authority's main stream."""
    main, la.rng = la.rng, random.Random(":".join(str(k) for k in (la.la_code, *key)))
    try:
        yield la.rng
    finally:
        la.rng = main


def _mix(rng: random.Random, d: dict):
    return rng.choices(list(d), weights=list(d.values()))[0]


@dataclass
class Period:
    start: date
    end: date
    end_reason: str
    route: str
    legal: list = field(default_factory=list)  # (code, start)
    forced: list = field(default_factory=list)  # (date, placement type, same carer)


def entry_age_days(rng: random.Random, prof: dict) -> int:
    band = _mix(rng, prof["cla_entry_age_bands"])
    if band == "0-5":
        if rng.random() < 0.4:  # many enter as babies, often within days of birth
            return int(rng.triangular(0, 365, 0))
        return rng.randint(365, 6 * 365 - 1)
    if band == "6-13":
        return rng.randint(6 * 365, 14 * 365 - 1)
    return rng.randint(14 * 365, 18 * 365 - 30)


def sample_period(rng: random.Random, prof: dict, start: date, dob: date, route: str | None = None) -> Period:
    """The skeleton of a period of care: legal statuses, forced placement events, end and reason."""
    age = (start - dob).days / 365.25
    eighteen = add_months(dob, 216)
    if route is None:
        route = _mix(rng, prof["routes"])
        if route == "remand" and age < 12:
            route = "s20_short"
        if route == "s20_long" and age < 8:
            route = "proceedings"
    p = Period(start, start, "E8", route)
    days = timedelta
    if route == "remand":
        p.legal.append(("J1", start))
        p.end = start + days(days=max(2, int(rng.expovariate(1 / 70))))
        p.end_reason = _mix(rng, {"E14": 0.7, "E9": 0.2, "E4B": 0.1})
    elif route == "s20_short":
        p.legal.append(("V2", start))
        p.end = start + days(days=max(3, int(rng.expovariate(1 / 110))))
        p.end_reason = _mix(rng, {"E4A": 0.6, "E13": 0.2, "E4B": 0.1, "E8": 0.1})
    elif route == "s20_long":
        p.legal.append(("V2", start))
        p.end = start + days(days=max(30, int(rng.expovariate(1 / 1100))))
        p.end_reason = _mix(rng, {"E4A": 0.5, "E13": 0.3, "E8": 0.2})
    else:
        t = start
        if route == "emergency":
            p.legal.append(("L1" if rng.random() < 0.7 else "L2", start))
            t = start + days(days=rng.randint(1, 8))
            if p.legal[-1][0] == "L1":  # police protection lasts 72 hours at most
                t = start + days(days=1 + ((t - start).days - 1) % 3)
            if rng.random() < 0.45:
                p.end, p.end_reason = t, "E4A"
                return _cap(p, eighteen, rng)
        elif rng.random() < 0.35:  # accommodated first, proceedings issued later
            p.legal.append(("V2", start))
            t = start + days(days=rng.randint(7, 150))
        p.legal.append(("C1", t))
        final = t + days(days=max(60, int(rng.gauss(300, 90))))
        age_final = (final - dob).days / 365.25
        r = rng.random()
        if age_final < 4 and r < 0.55:
            p.legal.append(("E1", final))
            placed = final + days(days=max(30, int(rng.gauss(150, 50))))
            same = rng.random() < 0.2
            p.forced.append((placed, "A5" if same else "A6", same))
            p.end = placed + days(days=max(70, int(rng.gauss(240, 80))))
            p.end_reason = "E11" if rng.random() < 0.7 else "E12"
        elif (r2 := rng.random()) < 0.25:  # special guardianship at the end of proceedings
            p.end, p.end_reason = final, _mix(rng, SGO)
        elif r2 < 0.38:  # no order made, or a supervision order: home
            p.end, p.end_reason = final, "E4A"
        else:
            p.legal.append(("C2", final))
            p.end = final + days(days=int(rng.expovariate(0.09) * 365.25))
            p.end_reason = _mix(rng, DISCHARGE)
            if rng.random() < prof["placed_with_parents_share"]:
                home = final + days(days=rng.randint(0, 365))
                p.forced.append((home, "P1", False))
    return _cap(p, eighteen, rng)


def _cap(p: Period, eighteen: date, rng: random.Random) -> Period:
    if p.end >= eighteen:  # looked after until the 18th birthday
        p.end = eighteen
        p.end_reason = _mix(rng, END_AT_18)
    p.legal = [seg for seg in p.legal if seg[1] < p.end] or p.legal[:1]
    p.forced = [f for f in p.forced if f[0] < p.end]
    return p


_MEAN_CACHE: dict[str, float] = {}


def mean_duration_days(prof: dict, from_cp: bool = False, n: int = 6000, seed: int = 20240331) -> float:
    """Mean days in care per entry under the profile, later periods after a readmission included (Monte
    Carlo, cached per profile), for Little's law: entries per day = children looked after / mean length.
    `from_cp`: periods of children who came into care from a CP plan (mostly care proceedings, see
    cp_route)."""
    key = (prof["profile"], from_cp)
    if key in _MEAN_CACHE:
        return _MEAN_CACHE[key]
    rng = random.Random(seed)
    again = random.Random(seed + 1)  # readmissions, as in the simulation, from a stream of their own
    base = date(2015, 1, 1)
    total = 0
    for _ in range(n):
        age = entry_age_days(rng, prof)
        dob = base - timedelta(days=age)
        p = sample_period(rng, prof, base, dob, cp_route(rng, age) if from_cp else None)
        while p is not None:  # the days of later periods of care count towards the entry's stay
            total += (p.end - p.start).days
            p = readmission(again, prof, dob, p)
    _MEAN_CACHE[key] = total / n
    return total / n


def cp_route(rng: random.Random, age_days: int) -> str:
    """The route into care from a CP plan: care proceedings, or long accommodation for an older child."""
    return "proceedings" if rng.random() < 0.8 or age_days < 8 * 365 else "s20_long"


def placement_type(la: Authority, age: float, legal: str, in_care_days: int) -> tuple[str, bool]:
    rng, p = la.rng, la.prof
    if legal == "J1":
        return _mix(rng, {"U6": 0.5, "K2": 0.4, "K1": 0.1}), False
    if age >= 16 and rng.random() < p["independent_share_16_plus"]:
        return _mix(rng, INDEPENDENT), False
    if age >= 11 and rng.random() < p["residential_share_over_11"]:
        return _mix(rng, RESIDENTIAL), False
    if rng.random() < 0.25:
        return ("U1" if legal == "C2" else "U3"), False
    if age < 2 and legal in ("C1", "E1") and rng.random() < 0.1:
        return "U5", False
    return ("U4" if legal == "C2" and in_care_days > 365 else "U6"), False


PROVIDERS = {
    "P1": {"PR0": 1},
    "A5": {"PR1": 0.6, "PR5": 0.4},
    "A6": {"PR1": 0.6, "PR5": 0.4},
    "K2": {"PR1": 0.25, "PR4": 0.7, "PR5": 0.05},
    "R1": {"PR4": 0.8, "PR3": 0.2},
    "S1": {"PR5": 0.6, "PR4": 0.4},
    "K1": {"PR2": 0.7, "PR1": 0.3},
    "H5": {"PR4": 0.6, "PR1": 0.4},
    "K3": {"PR4": 0.6, "PR1": 0.4},
    "P2": {"PR1": 1},
    "U1": {"PR1": 1},
    "U2": {"PR1": 1},
    "U3": {"PR1": 1},
}
DISTANCE_MEDIAN = {
    "P1": 1.5,
    "U1": 3,
    "U3": 3,
    "A5": 12,
    "A6": 15,
    "K2": 14,
    "R1": 30,
    "S1": 25,
    "K1": 45,
    "H5": 4,
    "K3": 4,
    "P2": 3,
}


def current_placement_code(ptype: str, d: date) -> str:
    """The code a placement starting on `d` is recorded with: a retired code's replacement after its end."""
    retired = RETIRED_PLACEMENTS.get(ptype)
    return retired[1] if retired and d >= retired[0] else ptype


def _stable_pick(pool: list, *key) -> object:
    """A member of `pool` fixed by `key` (no draw from the generator's stream, so the rest is unchanged)."""
    digest = hashlib.sha256(":".join(str(k) for k in key).encode()).digest()
    return pool[int.from_bytes(digest[:8], "big") % len(pool)]


def _placement_details(la: Authority, ptype: str, pid: str) -> tuple[str, str, str | None]:
    rng = la.rng
    prov = _mix(rng, PROVIDERS.get(ptype, {"PR1": 0.65, "PR4": 0.35}))
    median = DISTANCE_MEDIAN.get(ptype, 5 if prov == "PR1" else 9)
    dist = lognormal_days(rng, median, 0.9) * (la.prof["far_placement_share"] / 0.14)
    urn = f"SC{rng.randint(100000, 999999)}" if ptype in ("K2", "K1", "R1", "S1") else None
    if ptype in NO_URN:
        urn = None
    elif urn is None:
        # the provider's registration: the authority's own fostering or adoption service, else one of a
        # handful of agencies it uses
        agency = _stable_pick(range(1, 7), la.la_code, ptype[0], prov, pid) if prov != "PR1" else 0
        urn = f"SC{_stable_pick(range(100000, 1000000), la.la_code, ptype[0], agency)}"
    return prov, f"{dist:.1f}", urn


def _placement_postcode(la: Authority, prov: str, dist: str, drawn: str) -> str:
    """A real postcode: in the authority for its own provision and near placements, else nearby."""
    pools = la.prof["placement_postcodes"]
    near = prov in ("PR0", "PR1") or float(dist) < 20
    return _stable_pick(pools["in_area"] if near else pools["nearby"], la.la_code, drawn)


def simulate_period(
    la: Authority, child: Child, period: Period, shared: list | None = None, prefer_iro: str | None = None
) -> date | None:
    """Write one period of care. Returns the first review date (a CP plan ends there, when the child
    came into care from a plan). Siblings who came into care together pass the eldest's review
    schedule in `shared` (one meeting reviews them together while both are looked after) and IRO."""
    rng, _cal, p = la.rng, la.cal, la.prof
    cla_id = la.new_id("cla")
    start, end = period.start, period.end
    child.seen(start)
    # ---- placements: the first on entry, moves as a Poisson process, plus the route's forced moves ----
    events = [(start, None, False)]
    for d in la.poisson_times(start + timedelta(days=14), end, p["placement_moves_per_year"]):
        events.append((d, None, False))
    for d, ptype, same in period.forced:
        events.append((d, ptype, same))
    # Now and then the child moves on the day the legal status changes (an order made and a new home
    # found): one episode for both changes.
    with side_stream(la, child.person_id, start, "same-day") as side:
        same_day = {d for _, d in period.legal[1:] if side.random() < la.prof["same_day_move_share"]}
    events += [(d, None, False) for d in same_day]
    events.sort(key=lambda e: e[0])
    placements = []  # (start, type, same_carer, id)
    fixed = None  # after a P1 or an adoptive placement the child stays put
    for d, ptype, same in events:
        if placements and d <= placements[-1][0]:
            continue
        if fixed is not None and ptype is None:
            continue
        legal = _legal_at(period.legal, d)
        age = (d - child.dob).days / 365.25
        if ptype is None and d in same_day:
            with side_stream(la, child.person_id, d, "same-day-type"):
                ptype, same = placement_type(la, age, legal, (d - start).days)
            ptype = current_placement_code(ptype, d)
        elif ptype is None:
            ptype, same = placement_type(la, age, legal, (d - start).days)
            if placements and placements[-1][1] == "U6" and ptype == "U4" and rng.random() < 0.5:
                same = True  # same foster carers, now a long-term match
            ptype = current_placement_code(ptype, d)
        else:
            fixed = ptype
        placements.append((d, ptype, same, la.new_id("placement")))
    # ---- recording: everything that changed on one day is entered together, a little later ----
    change_days = {start, end, *(d for _, d in period.legal), *(pl[0] for pl in placements)}
    rec = {d: d + la.lag() for d in sorted(change_days)}
    # A placement now and then is first entered with a later start and back-dated a few days on: the
    # episode it opens and the ones it closes show the later date until then.
    shifted: dict[date, tuple[date, date]] = {}
    for i, (d, *_rest) in enumerate(placements):
        if (
            i > 0
            and d >= la.first_night - timedelta(days=20)
            and d not in dict(period.legal).values()
            and rng.random() < 0.15
        ):
            shown = d + timedelta(days=rng.randint(2, 7))
            if (i + 1 == len(placements) or shown < placements[i + 1][0]) and shown < end:
                shifted[d] = (shown, shown + timedelta(days=rng.randint(1, 5)))
                rec[d] = shown

    def moved(table: str, vals: list, start_col: str | None, end_col: str | None, s: date, e: date):
        over = {}
        if start_col and s in shifted:
            over[la.col(table, start_col)] = shifted[s][0]
        if end_col and e in shifted:
            over[la.col(table, end_col)] = shifted[e][0]
        if not over:
            return None
        return [((shifted.get(s) or shifted.get(e))[1], over)]

    # ---- placement rows ----
    pbuild = la.row_builder("ssd_cla_placement")
    postcode_areas = p["postcode_areas"]
    placed_at = []  # the placements' postcodes: the child's home is elsewhere
    for i, (d, ptype, _same, pid) in enumerate(placements):
        pend = placements[i + 1][0] if i + 1 < len(placements) else end
        reason = la.mix(CHANGE_REASONS) if i + 1 < len(placements) else "CARPL"
        prov, dist, urn = _placement_details(la, ptype, pid)
        # the draws of the former invented postcode are kept, so the rest of the stream is unchanged
        drawn = f"{rng.choice(postcode_areas)}{rng.randint(1, 30)} {rng.randint(1, 9)}{_letters(rng)}"
        pc = _placement_postcode(la, prov, dist, drawn)
        placed_at.append(pc)
        vals = pbuild(
            clap_cla_placement_id=pid,
            clap_cla_id=cla_id,
            clap_person_id=child.person_id,
            clap_cla_placement_start_date=d,
            clap_cla_placement_type=ptype,
            clap_cla_placement_urn=urn,
            clap_cla_placement_distance=dist,
            clap_cla_placement_provider=prov,
            clap_cla_placement_postcode=pc,
            clap_cla_placement_end_date=pend,
            clap_cla_placement_change_reason=reason,
        )
        before = moved(
            "ssd_cla_placement", vals, "clap_cla_placement_start_date", "clap_cla_placement_end_date", d, pend
        )
        la.put_span("ssd_cla_placement", vals, rec[d], "clap_cla_placement_end_date", rec[pend], before)
    # ---- legal status rows ----
    lbuild = la.row_builder("ssd_legal_status")
    for i, (code, d) in enumerate(period.legal):
        lend = period.legal[i + 1][1] if i + 1 < len(period.legal) else end
        vals = lbuild(
            lega_legal_status_id=la.new_id("legal"),
            lega_person_id=child.person_id,
            lega_legal_status=code,
            lega_legal_status_start_date=d,
            lega_legal_status_end_date=lend,
        )
        la.put_span("ssd_legal_status", vals, rec[d], "lega_legal_status_end_date", rec[lend])
    # ---- episodes: one per change of legal status and/or placement ----
    changes: dict[date, list] = {}
    for code, d in period.legal:
        changes.setdefault(d, [None, None])[0] = code
    for d, _ptype, same, pid in placements:
        changes.setdefault(d, [None, None])[1] = (pid, same)
    ebuild = la.row_builder("ssd_cla_episodes")
    dates = sorted(changes)
    cur_pid = placements[0][3]
    need = la.mix({"N1": 60, "N2": 4, "N3": 4, "N4": 8, "N5": 15, "N6": 2, "N7": 1, "N8": 6})
    for i, d in enumerate(dates):
        lchg, pchg = changes[d]
        if i == 0:
            rne = "S"
        elif pchg is not None and lchg is not None:
            rne = "U" if pchg[1] else "B"
        elif pchg is not None:
            rne = "T" if pchg[1] else "P"
        else:
            rne = "L"
        if pchg is not None:
            cur_pid = pchg[0]
        eend = dates[i + 1] if i + 1 < len(dates) else end
        reason = "X1" if i + 1 < len(dates) else period.end_reason
        if reason in SGO_NOT_FOSTER and placements[-1][1] not in FOSTER:
            reason = SGO_NOT_FOSTER[reason]
        vals = ebuild(
            clae_cla_episode_id=la.new_id("episode"),
            clae_person_id=child.person_id,
            clae_cla_episode_start_date=d,
            clae_cla_episode_start_reason=rne,
            clae_cla_primary_need_code=need,
            clae_cla_episode_ceased_date=eend,
            clae_cla_episode_ceased_reason=reason,
            clae_cla_id=cla_id,
            clae_cla_placement_id=cur_pid,
            clae_entered_care_date=start,
        )
        before = moved(
            "ssd_cla_episodes", vals, "clae_cla_episode_start_date", "clae_cla_episode_ceased_date", d, eend
        )
        la.put_span("ssd_cla_episodes", vals, rec[d], "clae_cla_episode_ceased_date", rec[eend], before)
    # ---- allocation, reviews ----
    from ingestion.generator.iro import allocate

    allocate(la, child, start, end if end <= la.T + timedelta(days=400) else None, prefer_iro)
    # Entered more than two weeks late ("late notification of looked-after status by CSC", Lancashire
    # IRO Annual Report 2018-19): the IRO service hears late and the first review is often late too.
    late_notice = (rec[start] - start).days > 14
    rdates, rids = _reviews(la, child, cla_id, start, end, shared, late_notice)
    child.spans.append((start, end, "CLA", rdates, rids))
    extras.visits(la, child, cla_id, start, end)
    extras.missing(la, child, start, end)
    settling_in.placements(la, child, cla_id, [pl[0] for pl in placements], end)
    health.period(la, child, cla_id, start, end)
    return_items.period(la, child, cla_id, period, placements, placed_at)
    if end == la.eighteenth(child.dob) and (end - start).days >= 91:
        extras.care_leaver(la, child, end)
    _readmit(la, child, period)
    return rdates[0] if rdates else None


READMITTED_AFTER = {"E4A", "E13", "E8"}  # home, or to live with relatives or others: some come back


def readmission(rng: random.Random, prof: dict, dob: date, period: Period) -> Period | None:
    """The next period of care of a child who went home before 16 and came back months later, or None.
    One rule for the simulation and for the mean length of care that sets the entry rate."""
    if period.end_reason not in READMITTED_AFTER or (period.end - dob).days > 16 * 365:
        return None
    if rng.random() >= prof["readmission_share"]:
        return None
    again = period.end + timedelta(days=rng.randint(30, 540))
    route = "s20_short" if rng.random() < 0.5 else None
    return sample_period(rng, prof, again, dob, route)


def _readmit(la: Authority, child: Child, period: Period) -> None:
    """A child who went home may come back into care: a second period of care (RNE S)."""
    with side_stream(la, child.person_id, period.start, "readmission") as side:
        nxt = readmission(side, la.prof, child.dob, period)
        if nxt is None or nxt.start > la.T:
            return
        was, la.muted = la.muted, nxt.end < la.history_start
        schedule = child.review_schedule  # siblings who came in together share the first period's
        try:
            simulate_period(la, child, nxt)
        finally:
            la.muted, child.review_schedule = was, schedule


def _legal_at(legal: list, d: date) -> str:
    code = legal[0][0]
    for c, s in legal:
        if s <= d:
            code = c
    return code


def _letters(rng) -> str:
    return "".join(rng.choice("ABDEFGHJLNPQRSTUWXYZ") for _ in range(2))


def _reviews(
    la: Authority, child: Child, cla_id: str, start: date, end: date, shared: list | None, late_notice: bool
) -> tuple:
    """The statutory review chain of one period of care, held until the period ends (and no further
    than a month past the last extract). Records the schedule in child.review_schedule for siblings."""
    rng, cal, p = la.rng, la.cal, la.prof
    rbuild = la.row_builder("ssd_cla_reviews")
    dbuild = la.row_builder("ext_cla_review_details")
    limit = min(end, la.T + timedelta(days=40))
    held: list[date] = []
    ids: list[str] = []
    n = 0
    prev = None
    schedule = child.review_schedule = []
    while True:
        due = cal.wd_add(start, 20) if n == 0 else add_months(prev, 3 if n == 1 else 6)
        kind = "STATUTORY"
        meeting = None
        if shared and n < len(shared):
            # Reviewed with an elder sibling: same meeting, same date (and so the same due date).
            date_held, kind, meeting = shared[n]
            if date_held >= limit:
                break
        elif n > 0 and rng.random() < p["review_additional_share"]:
            # Brought forward by the IRO (a placement change, a plan change): well before due.
            date_held = cal.on_or_before(
                prev + timedelta(days=rng.randint(14, max(15, (due - prev).days - 10)))
            )
            kind = "ADDITIONAL"
        elif rng.random() < p["review_late_share"] or (n == 0 and late_notice and rng.random() < 0.5):
            date_held = cal.wd_add(due, rng.randint(1, 12))
        else:
            early = rng.randint(0, 4) if n == 0 else int(min(25, rng.expovariate(1 / 6)))
            date_held = cal.wd_add(due, -early) if early else cal.on_or_before(due)
        if date_held >= limit:
            break
        if date_held <= (prev or start):
            date_held = cal.wd_add(prev or start, 1)
        meeting = meeting or la.new_id("meeting")
        schedule.append((date_held, kind, meeting))
        if rng.random() < p["review_cancelled_share"] and kind == "STATUTORY" and not shared:
            # First arranged earlier, cancelled (carer ill, social worker unavailable) and re-held.
            planned = cal.wd_add(date_held, -rng.randint(3, 10))
            if planned > (prev or start):
                cid = la.new_id("review")
                vals = rbuild(
                    clar_cla_review_id=cid,
                    clar_cla_id=cla_id,
                    clar_cla_person_id=child.person_id,
                    clar_cla_review_due_date=due,
                    clar_cla_review_date=planned,
                    clar_cla_review_cancelled="Y",
                )
                la.emit("ssd_cla_reviews", vals, planned)
        rid = la.new_id("review")
        age = (date_held - child.dob).days / 365.25
        if age < 4:
            pn = "PN0"
        elif rng.random() < p["review_pn7_share"]:
            pn = "PN7"
        else:
            pn = la.mix(p["participation_mix"])
        sys_due = due
        if rng.random() < 0.01:  # "IRO miscalculating the timing": the system's due date is wrong
            sys_due = due + timedelta(days=rng.choice([-7, -1, 1, 7, 14]))
        vals = rbuild(
            clar_cla_review_id=rid,
            clar_cla_id=cla_id,
            clar_cla_person_id=child.person_id,
            clar_cla_review_due_date=sys_due,
            clar_cla_review_date=date_held,
            clar_cla_review_cancelled="N",
            clar_cla_review_participation=pn,
        )
        before = None
        if (
            date_held >= la.first_night - timedelta(days=10)
            and rng.random() < 0.05
            and pn not in ("PN0", "PN7")
        ):
            # Recorded with the wrong participation code, corrected a few days later.
            before = [
                (
                    date_held + timedelta(days=rng.randint(2, 9)),
                    {la.col("ssd_cla_reviews", "clar_cla_review_participation"): "PN7"},
                )
            ]
        recorded = date_held + la.lag()  # the review and its details are one record
        la.emit("ssd_cla_reviews", vals, date_held, before=before, recorded=recorded)
        perm = 0.4 if n == 0 else p["permanence_at_second_review"] if n == 1 else 0.8
        decisions = cal.wd_add(date_held, rng.randint(1, 5) if rng.random() < 0.85 else rng.randint(6, 15))
        record = cal.wd_add(date_held, rng.randint(5, 20) if rng.random() < 0.9 else rng.randint(21, 40))
        dvals = dbuild(
            clrd_cla_review_id=rid,
            clrd_meeting_id=meeting,
            clrd_chair_professional_id=child.iro_at(date_held),
            clrd_review_kind=kind,
            clrd_care_plan_received_date=(
                cal.wd_add(date_held, -rng.randint(1, 10)) if rng.random() < 0.85 else None
            ),
            clrd_sw_report_received_date=(
                cal.wd_add(date_held, -rng.randint(1, 5))
                if rng.random() < 0.7
                else cal.on_or_before(date_held)
            ),
            clrd_decisions_recorded_date=decisions,
            clrd_record_distributed_date=record,
            clrd_parent_attended="Y" if rng.random() < 0.4 else "N",
            clrd_permanence_plan_agreed="Y" if rng.random() < perm else "N",
        )
        la.emit("ext_cla_review_details", dvals, date_held, recorded=recorded)
        held.append(date_held)
        ids.append(rid)
        prev = date_held
        n += 1
    return held, ids
