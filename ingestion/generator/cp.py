"""Child protection careers: S47 enquiry -> initial conference -> plan -> review conferences -> end,
with repeat plans after a gap, transfer-in conferences (and the other authority's earlier plan), plans
ending because the child became looked after, and enquiries that go no further."""

from __future__ import annotations

import random
from datetime import date, timedelta

from ingestion.generator.authority import Authority, Child
from ingestion.generator.calendar import WorkCalendar, add_months

GAP_DAYS = {"0-6m": (20, 182), "6-12m": (183, 365), "1-2y": (366, 730), "2y+": (731, 2500)}


def continue_prob(prof: dict) -> float:
    """Chance a plan continues at each review after the first, so that the share of ended plans that
    lasted 2+ years (reviews at about 3, 9, 15, 21 months survive) matches cp_ended_2y_plus."""
    f = prof["cp_end_at_first_rcpc"]
    return min(0.95, (prof["cp_ended_2y_plus"] / (1 - f)) ** (1 / 3))


def sample_plan(
    rng: random.Random, prof: dict, cal: WorkCalendar, start: date, limit: date, cont: float
) -> tuple[list[tuple[date, date]], date]:
    """Review conferences (due, held) and the plan end (the last conference, or `limit`)."""
    out = []
    prev = start
    n = 0
    while True:
        due = add_months(start, 3) if n == 0 else add_months(prev, 6)
        if rng.random() < prof["rcpc_late_share"]:
            held = cal.wd_add(due, rng.randint(1, 15))
        else:
            early = int(min(20, rng.expovariate(1 / 4)))
            held = cal.wd_add(due, -early) if early else cal.on_or_before(due)
        if held >= limit:
            return out, limit
        out.append((due, held))
        ends = rng.random() < prof["cp_end_at_first_rcpc"] if n == 0 else rng.random() > cont
        if ends:
            return out, held
        prev = held
        n += 1


_MEAN_CACHE: dict[tuple, float] = {}


def mean_career_plan_days(prof: dict, repeat_p: float, age_days, n: int = 3000) -> float:
    """Mean days on a plan over one child's whole CP career (first plan, repeats after a gap, the 18th
    birthday, plans cut short by care), by Monte Carlo on a fixed calendar, cached per profile. Little's
    law then gives new careers per day = plans open / this mean. Mirrors cp_career / _cp_episode."""
    key = (prof["profile"], repeat_p)
    if key not in _MEAN_CACHE:
        rng = random.Random(20240401)
        cal = WorkCalendar(date(2009, 1, 1), date(2045, 12, 31))
        cont = continue_prob(prof)
        base = date(2010, 1, 1)
        total = 0
        for _ in range(n):
            dob = base - timedelta(days=age_days(rng))
            eighteen = add_months(dob, 216)
            d, k = base, 0
            while d < eighteen - timedelta(days=120):
                if k == 0 and rng.random() < prof["icpc_no_plan"]:
                    break
                held = cal.wd_add(d, 12)
                limit = eighteen
                if rng.random() < prof["cp_ends_in_care"]:
                    limit = min(limit, held + timedelta(days=rng.randint(20, 240) + 28))
                _, end = sample_plan(rng, prof, cal, held, limit, cont)
                total += (end - held).days
                k += 1
                if end >= limit or rng.random() >= repeat_p:  # 18, or came into care, or no repeat
                    break
                lo, hi = GAP_DAYS[_mix(rng, prof["cp_repeat_gap_mix"])]
                d = end + timedelta(days=rng.randint(lo, hi))
        _MEAN_CACHE[key] = total / n
    return _MEAN_CACHE[key]


def _mix(rng: random.Random, d: dict):
    return rng.choices(list(d), weights=list(d.values()))[0]


def cp_career(
    la: Authority,
    child: Child,
    first: date,
    cla_hook,
    repeat_p: float,
    cont: float,
    no_plan_possible: bool = True,
) -> None:
    """Plans for one child until no repeat follows."""
    rng, p = la.rng, la.prof
    eighteen = la.eighteenth(child.dob)
    d = first
    k = 0
    while d < eighteen - timedelta(days=120) and d <= la.T:
        end = _cp_episode(
            la,
            child,
            d,
            cla_hook,
            cont,
            no_plan=(no_plan_possible and k == 0 and rng.random() < p["icpc_no_plan"]),
            transfer_in=(k == 0 and rng.random() < p["cp_transfer_in_share"]),
        )
        k += 1
        if end is None or child.came_into_care or rng.random() >= repeat_p:
            return
        lo, hi = GAP_DAYS[la.mix(p["cp_repeat_gap_mix"])]
        d = end + timedelta(days=rng.randint(lo, hi))


def _conference_details(
    la: Authority, child: Child, meeting: str, ctype: str, held: date, chair: str | None, recorded: date
):
    rng, cal = la.rng, la.cal
    mix = la.mix(la.prof["report_to_parents_mix"])
    need = 1 if ctype != "RCPC" else 3
    if mix == "before":
        report = cal.wd_add(held, -rng.randint(need, need + 3))
    elif mix == "on_day":
        report = held
    else:
        report = None
    build = la.row_builder("ext_cp_conference_details")
    age = (held - child.dob).days / 365.25
    if rng.random() < la.prof["conference_stood_down"]:
        # Stood down on the day (not quorate, no interpreter, social worker ill) and rearranged.
        sd = build(
            cpcd_meeting_id=la.new_id("meeting"),
            cpcd_conference_type=ctype,
            cpcd_chair_professional_id=chair,
            cpcd_stood_down="Y",
            cpcd_child_attended="N",
        )
        la.emit("ext_cp_conference_details", sd, cal.wd_add(held, -rng.randint(3, 8)))
    vals = build(
        cpcd_meeting_id=meeting,
        cpcd_conference_type=ctype,
        cpcd_chair_professional_id=chair,
        cpcd_report_to_parents_date=report,
        cpcd_record_distributed_date=cal.wd_add(
            held, rng.randint(3, 10) if rng.random() < 0.9 else rng.randint(11, 25)
        ),
        cpcd_stood_down="N",
        cpcd_child_attended="Y" if age >= 10 and rng.random() < 0.3 else "N",
    )
    la.emit("ext_cp_conference_details", vals, held, recorded=recorded)


def _cp_episode(
    la: Authority, child: Child, d: date, cla_hook, cont: float, no_plan: bool, transfer_in: bool
) -> date | None:
    """One S47 -> ICPC -> plan cycle starting at `d`. Returns the plan end (None: no plan)."""
    rng, cal, p = la.rng, la.cal, la.prof
    d = cal.on_or_before(d) if not cal.is_working_day(d) else d
    if transfer_in:
        held = cal.wd_add(d, rng.randint(5, 15))
    elif rng.random() < p["icpc_timely"]:
        held = cal.wd_add(d, rng.randint(7, 15))
    else:
        held = cal.wd_add(d, rng.randint(16, 35))
    target = cal.wd_add(d, 15)
    plan_id = None if no_plan else la.new_id("plan")
    eighteen = la.eighteenth(child.dob)
    plan_end = None
    reviews: list[tuple[date, date]] = []
    if plan_id is not None:
        limit = min(eighteen, la.T + timedelta(days=60))  # beyond the last night nothing is written
        care_start = None
        if rng.random() < p["cp_ends_in_care"]:
            care_start = cal.wd_add(held, rng.randint(15, 170))
            limit = min(limit, care_start + timedelta(days=28))
        reviews, plan_end = sample_plan(rng, p, cal, held, limit, cont)
        if care_start is not None and plan_end >= care_start and plan_end < eighteen:
            first_review = cla_hook(child, care_start)
            child.came_into_care = True
            if first_review is not None:
                # Ended at the first looked-after review, to avoid dual planning.
                plan_end = max(first_review, reviews[-1][1] if reviews else held)
                reviews = [r for r in reviews if r[1] <= plan_end]
    # An episode over before the history window is simulated (repeats depend on it) but not written.
    if (plan_end or held) < la.history_start:
        return plan_end
    return _write_episode(la, child, d, held, target, plan_id, plan_end, reviews, transfer_in)


def _write_episode(la, child, d, held, target, plan_id, plan_end, reviews, transfer_in):
    from ingestion.generator.iro import allocate

    rng, cal, p = la.rng, la.cal, la.prof
    child.seen(d)
    s47_id = None
    if transfer_in:
        # The plan the child had in the other authority, recorded with cppl_cp_plan_ola = Y.
        ola_start = d - timedelta(days=rng.randint(90, 540))
        ola = la.row_builder("ssd_cp_plans")(
            cppl_cp_plan_id=la.new_id("plan"),
            cppl_person_id=child.person_id,
            cppl_cp_plan_start_date=ola_start,
            cppl_cp_plan_end_date=held,
            cppl_cp_plan_ola="Y",
            cppl_cp_plan_initial_category=la.mix(p["cp_categories"]),
        )
        la.emit("ssd_cp_plans", ola, held)
    else:
        s47_id = la.new_id("s47")
        s47_end = cal.wd_add(d, rng.randint(3, 6))
        vals = la.row_builder("ssd_s47_enquiry")(
            s47e_s47_enquiry_id=s47_id,
            s47e_person_id=child.person_id,
            s47e_s47_start_date=d,
            s47e_s47_end_date=s47_end,
            s47e_s47_nfa="N",
            s47e_referral_id=la.new_id("referral"),
        )
        la.emit("ssd_s47_enquiry", vals, d, end_col="s47e_s47_end_date")
    icpc_id, meeting = la.new_id("icpc"), la.new_id("meeting")
    if plan_id is not None:
        allocate(la, child, held, plan_end)
    sw, team = child.sw if child.sw else (None, None)
    if plan_id is None:
        team = rng.choice(la.staff.sw_teams[child.locality])
        sw = rng.choice(la.staff.sws[team])[0] if la.staff.sws[team] else None
    chair = child.iro_at(held) if plan_id else rng.choice(la.staff.iros[child.locality])[0]
    vals = la.row_builder("ssd_initial_cp_conference")(
        icpc_icpc_id=icpc_id,
        icpc_person_id=child.person_id,
        icpc_s47_enquiry_id=s47_id,
        icpc_cp_plan_id=plan_id,
        icpc_icpc_meeting_id=meeting,
        icpc_icpc_transfer_in="Y" if transfer_in else "N",
        icpc_icpc_target_date=target,
        icpc_icpc_date=held,
        icpc_icpc_outcome_cp_flag="Y" if plan_id else "N",
        icpc_icpc_team=team,
        icpc_icpc_worker_id=sw,
    )
    recorded = held + la.lag()  # conference, its details and the plan it starts are entered together
    la.emit("ssd_initial_cp_conference", vals, held, recorded=recorded)
    _conference_details(la, child, meeting, "TRANSFER_IN" if transfer_in else "ICPC", held, chair, recorded)
    if plan_id is None:
        return None
    initial = la.mix(p["cp_categories"])
    latest = initial if rng.random() < 0.9 else la.mix(p["cp_categories"])
    vals = la.row_builder("ssd_cp_plans")(
        cppl_cp_plan_id=plan_id,
        cppl_person_id=child.person_id,
        cppl_icpc_id=icpc_id,
        cppl_cp_plan_start_date=held,
        cppl_cp_plan_end_date=plan_end,
        cppl_cp_plan_ola="N",
        cppl_cp_plan_initial_category=initial,
        cppl_cp_plan_latest_category=latest,
    )
    la.emit("ssd_cp_plans", vals, held, end_col="cppl_cp_plan_end_date", recorded=recorded)
    rbuild = la.row_builder("ssd_cp_reviews")
    rdates, rids = [], []
    for i, (due, rheld) in enumerate(reviews):
        rid, mid = la.new_id("cpreview"), la.new_id("meeting")
        last = i == len(reviews) - 1 and rheld == plan_end
        age = (rheld - child.dob).days / 365.25
        part = la.mix(p["cp_participation_mix"]) if age >= 5 else None
        vals = rbuild(
            cppr_cp_review_id=rid,
            cppr_person_id=child.person_id,
            cppr_cp_plan_id=plan_id,
            cppr_cp_review_due=due,
            cppr_cp_review_date=rheld,
            cppr_cp_review_meeting_id=mid,
            cppr_cp_review_outcome_continue_cp="N" if last else "Y",
            cppr_cp_review_quorate="Y" if rng.random() < 0.97 else "N",
            cppr_cp_review_participation=part,
        )
        rec = rheld + la.lag()
        la.emit("ssd_cp_reviews", vals, rheld, recorded=rec)
        _conference_details(la, child, mid, "RCPC", rheld, child.iro_at(rheld), rec)
        rdates.append(rheld)
        rids.append(rid)
    child.spans.append((held, plan_end, "CP", rdates, rids))
    return plan_end


def s47_only(la: Authority, child: Child, d: date) -> None:
    """An enquiry that goes no further: no further action, or a child in need plan instead."""
    rng, cal = la.rng, la.cal
    d = cal.on_or_before(d) if not cal.is_working_day(d) else d
    child.seen(d)
    vals = la.row_builder("ssd_s47_enquiry")(
        s47e_s47_enquiry_id=la.new_id("s47"),
        s47e_person_id=child.person_id,
        s47e_s47_start_date=d,
        s47e_s47_end_date=cal.wd_add(d, rng.randint(3, 20)),
        s47e_s47_nfa="Y" if rng.random() < 0.6 else "N",
        s47e_referral_id=la.new_id("referral"),
    )
    la.emit("ssd_s47_enquiry", vals, d, end_col="s47e_s47_end_date")
