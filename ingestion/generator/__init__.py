"""Synthetic nightly extracts for demos, tests and benchmarks (no real data ever).

`generate()` writes, for each authority, one FULL snapshot folder per night in the extract contract's
layout (`<out>/<la_code>/<extract_date>/`, manifest last). Children's lives are simulated as processes
(see cla.py, cp.py, iro.py) calibrated to the profiles in profiles.yml; the same seed gives
byte-identical output. See docs/generator.md.
"""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from pathlib import Path

from ingestion.contract import load_contract
from ingestion.generator import cla, cp, iro, return_items
from ingestion.generator.authority import Authority, Child
from ingestion.generator.people import build_staff, pick_name
from ingestion.generator.profiles import load_profile, profile_names
from ingestion.generator.writer import ExtractWriter

__all__ = ["generate", "profile_names", "extra_la_code", "synthetic_source_system"]


def _tables() -> list[str]:
    """Every contract table: the SSD's required and optional tables and the ext_ tables."""
    return list(load_contract().tables)


def extra_la_code(k: int) -> str:
    """The code of the k-th extra authority of a hub (k >= 1): 601, 602, ... No DfE authority code
    starts with 6 or 7, so synthetic hubs never collide with a real authority or the 9xx test cases."""
    if not 1 <= k <= 199:  # 601-799: never an 8xx or 9xx code
        raise ValueError("at most 200 authorities in one hub")
    return str(600 + k)


def la_seed(seed: int, la_code: str) -> int:
    """Per-authority seed, derived deterministically (independent of the order authorities run in)."""
    return int.from_bytes(hashlib.sha256(f"cscw-generator:{seed}:{la_code}".encode()).digest()[:8], "big")


def synthetic_source_system(prof: dict, scale: float) -> str:
    """The manifest's `source_system` of a synthetic extract. It says the data is synthetic, and which
    authority's figures and what scale it was generated at, so that the warehouse marks every report
    SYNTHETIC and divides rates by that authority's child population times the scale (the dbt model
    int_kpi_extract_origin reads the words "synthetic", "authority NNN" and "scale X")."""
    return (
        f"synthetic: cscw generate, {prof['profile']} profile (authority {prof['la_code']}), "
        f"scale {scale:g}, {prof['source_system']} shape"
    )


def generate(
    out_dir,
    profile: str = "lancashire",
    years: int = 6,
    nights: int = 1,
    scale: float = 1.0,
    las: int = 1,
    seed: int = 1,
    dirty_rate: float = 0.0,
    extract_date=None,
) -> list[Path]:
    """Write `las` authorities x `nights` nightly snapshots under out_dir; returns the extract folders."""
    prof = load_profile(profile)
    if isinstance(extract_date, str):
        extract_date = date.fromisoformat(extract_date)
    last = extract_date or date.today()
    if nights < 1 or years < 1 or scale <= 0 or las < 1:
        raise ValueError("nights, years, las must be >= 1 and scale > 0")
    if las > 200:
        raise ValueError("at most 200 authorities in one hub (codes 601-799 after the profile's own)")
    night_dates = [last - timedelta(days=nights - 1 - k) for k in range(nights)]
    out = Path(out_dir)
    folders: list[Path] = []
    tables = _tables()
    for k in range(las):
        code = prof["la_code"] if k == 0 else extra_la_code(k)
        folders += generate_authority(
            out, prof, code, night_dates, tables, years, scale, la_seed(seed, code), dirty_rate
        )
    return folders


def generate_authority(
    out: Path,
    prof: dict,
    la_code: str,
    night_dates: list[date],
    tables: list[str],
    years: int,
    scale: float,
    seed: int,
    dirty_rate: float,
) -> list[Path]:
    la_dir = out / la_code
    formats = None
    if dirty_rate > 0:
        from ingestion.generator import dirt

        formats = dirt.night_formats(seed, night_dates, dirty_rate)
    writer = ExtractWriter(
        la_dir, la_code, night_dates, tables, synthetic_source_system(prof, scale), formats
    )
    la = Authority(prof, la_code, seed, scale, years, night_dates, writer)
    simulate(la)
    hook = dirt.Injector(la_dir, la_code, seed, dirty_rate).apply if dirty_rate > 0 else None
    return writer.close(after_write=hook)


def simulate(la: Authority) -> None:
    p, rng, scale = la.prof, la.rng, la.scale
    la.staff = build_staff(la, p, scale)
    # Little's law: arrivals a day = stock / mean length of stay.
    cont = cp.continue_prob(p)
    # A repeat follows a plan's end with chance repeat_p: over the target share of repeat plans,
    # because some fall past the 18th birthday and the earlier plan of some has left the window.
    repeat_p = min(0.6, p["cp_repeat_rate"] * 1.3)
    career_days = cp.mean_career_plan_days(p, repeat_p, lambda r: _cp_age_days(r, p))
    cla_days = cla.mean_duration_days(p)
    careers_per_year = p["cp_at_end"] * scale / career_days * 365.25
    plans_per_year = careers_per_year * (1 - p["icpc_no_plan"]) / (1 - repeat_p)
    cla_from_cp_per_year = plans_per_year * p["cp_ends_in_care"]
    # Children who came into care from a plan hold part of the looked-after stock; fresh entries
    # fill the rest.
    from_cp_stock = cla_from_cp_per_year / 365.25 * cla.mean_duration_days(p, from_cp=True)
    cla_per_year = max(0.0, (p["cla_at_end"] * scale - from_cp_stock) / cla_days * 365.25)
    icpcs_per_year = careers_per_year + plans_per_year * repeat_p
    s47_only_per_year = icpcs_per_year * p["s47_without_icpc"] / (1 - p["s47_without_icpc"])

    def new_child(at: date, age_days: int) -> Child:
        male = rng.random() < p["male_share"]
        return Child(la.new_id("person"), at - timedelta(days=age_days), male, la.locality())

    def cla_hook(child: Child, start: date):
        route = cla.cp_route(rng, (start - child.dob).days)
        period = cla.sample_period(rng, p, start, child.dob, route)
        was, la.muted = la.muted, period.end < la.history_start
        try:
            return cla.simulate_period(la, child, period)
        finally:
            la.muted = was

    # Children in care: arrivals since `origin` (18 years back, so the window starts in steady state);
    # periods that ended before the history window are dropped unwritten, as the SSD has purged them.
    # Some come into care with brothers or sisters: one arrival, two or three children.
    sib_share = p["sibling_group_share"]
    children_per_arrival = 1 + sib_share * (1 + p["sibling_group_of_three"])
    for d in la.arrivals(la.origin, la.T + timedelta(days=1), cla_per_year / children_per_arrival, "cla"):
        age = cla.entry_age_days(rng, p)
        group = [age]
        if rng.random() < sib_share:
            for _ in range(2 if rng.random() < p["sibling_group_of_three"] else 1):
                # Drawn like any entrant's age, so siblings keep the profile's age mix (and Little's law).
                group.append(cla.entry_age_days(rng, p))
        lead = None
        for k, age_k in enumerate(group):
            dob = d - timedelta(days=age_k)
            period = cla.sample_period(rng, p, d, dob, lead[1].route if lead else None)
            if period.end < la.history_start:
                continue
            child = new_child(d, age_k)
            if lead:
                child.locality, child.surname = lead[0].locality, lead[0].surname
            la.rows_written = 0
            cla.simulate_period(
                la,
                child,
                period,
                shared=lead[0].review_schedule if lead else None,
                prefer_iro=lead[0].iro_at(d) if lead else None,
            )
            _finish(la, child)
            if k == 0:
                lead = (child, period)
    # CP careers from the same origin: a child who came into care from a plan long ago may still be
    # looked after; plans over before the window are simulated, not written.
    for d in la.arrivals(la.origin, la.T + timedelta(days=1), careers_per_year, "cp"):
        age = _cp_age_days(rng, p)
        child = new_child(d, age)
        la.rows_written = 0
        cp.cp_career(la, child, d, cla_hook, repeat_p, cont)
        _finish(la, child)
    s47_start = add_years(la.history_start, -1)
    for d in la.arrivals(s47_start, la.T + timedelta(days=1), s47_only_per_year, "s47"):
        child = new_child(d, _cp_age_days(rng, p))
        la.rows_written = 0
        la.muted = d < la.history_start
        cp.s47_only(la, child, d)
        la.muted = False
        _finish(la, child)


def add_years(d: date, n: int) -> date:
    from ingestion.generator.calendar import add_months

    return add_months(d, 12 * n)


CP_AGE_YEARS = {"0-4": (0, 5), "5-9": (5, 10), "10-15": (10, 16), "16-17": (16, 17.6)}


def _cp_age_days(rng, prof: dict) -> int:
    bands = prof["cp_age_bands"]
    lo, hi = CP_AGE_YEARS[rng.choices(list(bands), weights=list(bands.values()))[0]]
    return rng.randint(int(lo * 365.25), int(hi * 365.25) - 1)


def _finish(la: Authority, child: Child) -> None:
    """Challenges over the child's spans, then the person row (written only if anything of the child
    falls in the history window)."""
    iro.challenges(la, child)
    if la.rows_written == 0:
        return
    rng, p = la.rng, la.prof
    forename, surname = pick_name(rng, child.male)
    surname = child.surname = child.surname or surname
    age_now = (la.T - child.dob).days / 365.25
    upn = (
        f"{rng.choice('ABCDEFGHJKLMNPQRTUVWXYZ')}{la.la_code}{rng.randint(0, 999_999_999):09d}"
        if age_now >= 4 and rng.random() < 0.9
        else None
    )
    is_mother, first_child = return_items.mother(la, child)
    vals = la.row_builder("ssd_person")(
        pers_person_id=child.person_id,
        pers_sex="M" if child.male else "F",
        pers_gender="Male" if child.male else "Female",
        pers_ethnicity=la.mix(p["ethnicity_mix"]),
        pers_dob=child.dob,
        pers_forename=forename,
        pers_surname=surname,
        pers_upn=upn,
        pers_single_unique_id=f"{rng.randint(0, 9_999_999_999):010d}" if rng.random() < 0.8 else None,
        pers_is_mother=is_mother,
    )
    # a mother from her child's birth: the nights before show N
    before = [(first_child, {la.col("ssd_person", "pers_is_mother"): "N"})] if first_child else None
    la.put("ssd_person", vals, min(child.first_seen, child.dob) if child.first_seen else child.dob, before)
    if first_child:
        return_items.mothers_child(la, child, first_child)
