"""The optional SSD tables: statutory visits, missing episodes, care leavers."""

from __future__ import annotations

from datetime import date, timedelta

from ingestion.generator.authority import Authority, Child
from ingestion.generator.calendar import add_months

# Care leavers (SSDA903 OC3 codes as Liquidlogic's SSD scripts emit them): mostly independent living,
# semi-independent or with parents or relatives; few of no fixed abode.
ACCOMMODATION = {
    "S": 0.02,
    "B": 0.15,
    "U": 0.33,
    "T": 0.1,
    "D": 0.15,
    "C": 0.08,
    "K": 0.05,
    "E": 0.04,
    "G": 0.03,
    "H": 0.02,
    "V": 0.02,
    "Z": 0.01,
}
# No fixed abode (S) and custody (X) are never suitable accommodation (SSDA903 OC3, DfE rule 133).
NEVER_SUITABLE = {"S", "X"}
# Activity: about half in education, employment or training, as Lancashire's monthly figures.
ACTIVITY = {
    "F1": 0.05,
    "P1": 0.01,
    "F2": 0.14,
    "P2": 0.04,
    "F4": 0.04,
    "F5": 0.12,
    "P5": 0.07,
    "G4": 0.1,
    "G5": 0.3,
    "G6": 0.12,
    "0": 0.01,
}
# In touch: about 85% (Lancashire at 31 March 2019); a few died, returned home or need no service.
IN_TOUCH = {"YES": 0.86, "NO": 0.05, "REFU": 0.03, "NREQ": 0.02, "RHOM": 0.03, "DIED": 0.01}


def visits(la: Authority, child: Child, cla_id: str, start: date, end: date) -> None:
    """Statutory visits: within a week of entry, then about every 6 weeks in the first year and every
    3 months after (Care Planning Regulations 2010, reg. 28), with the usual slippage."""
    rng = la.rng
    build = la.row_builder("ssd_cla_visits")
    stop = min(end, la.T + timedelta(days=1))
    d = start + timedelta(days=rng.randint(1, 7))
    while d < stop:
        if d < la.history_start:  # the SSD keeps visits of its history window only
            d += timedelta(days=91)
            continue
        age = (d - child.dob).days / 365.25
        seen = "Y" if rng.random() < 0.96 else "N"
        alone = "Y" if seen == "Y" and age >= 4 and rng.random() < 0.7 else "N"
        vals = build(
            clav_cla_visit_id=la.new_id("visit"),
            clav_cla_id=cla_id,
            clav_person_id=child.person_id,
            clav_cla_visit_date=d,
            clav_cla_visit_seen=seen,
            clav_cla_visit_seen_alone=alone,
        )
        la.emit("ssd_cla_visits", vals, d)
        gap = 42 if (d - start).days < 365 else 91
        d += timedelta(days=max(7, int(rng.gauss(gap * 0.9, gap * 0.15))))


def missing(la: Authority, child: Child, start: date, end: date) -> None:
    """Missing and away-from-placement episodes, mostly of teenagers; a minority go missing often."""
    rng = la.rng
    eleven = add_months(child.dob, 132)
    s = max(start, eleven, la.history_start)
    e = min(end, la.T + timedelta(days=1))
    if e <= s:
        return
    rate = 5.0 if rng.random() < 0.15 else 0.15
    build = la.row_builder("ssd_missing")
    returned = None
    for d in la.poisson_times(s, e, rate):
        back = d + timedelta(days=min(14, int(rng.expovariate(1 / 1.2))))
        if returned is not None and d < returned:
            # a child goes missing again only once back (DfE rule 574): here, on the day of return
            d, back = returned, max(back, returned)
        returned = back
        offered = "Y" if rng.random() < 0.9 else "N"
        vals = build(
            miss_table_id=la.new_id("missing"),
            miss_person_id=child.person_id,
            miss_missing_episode_start_date=d,
            miss_missing_episode_type="M" if rng.random() < 0.7 else "A",
            miss_missing_episode_end_date=back,
            miss_missing_rhi_offered=offered,
            miss_missing_rhi_accepted=("Y" if offered == "Y" and rng.random() < 0.55 else "N"),
        )
        la.emit("ssd_missing", vals, d, end_col="miss_missing_episode_end_date")


def care_leaver(la: Authority, child: Child, left: date) -> None:
    """A young person who left care at 18 (relevant/former relevant): their latest care-leaver status."""
    rng = la.rng
    if left > la.T or (la.T - left).days > 7 * 365:
        return
    contact = la.T - timedelta(days=int(rng.expovariate(1 / 30)))
    contact = max(contact, left)
    team = rng.choice(la.staff.sw_teams[child.locality])
    worker = rng.choice(la.staff.sws[team])[0] if la.staff.sws[team] else None
    review = max(left, la.T - timedelta(days=rng.randint(0, 200)))
    in_touch = la.mix(IN_TOUCH)
    accommodation = la.mix(ACCOMMODATION)
    suitable = "1" if rng.random() < 0.88 and accommodation not in NEVER_SUITABLE else "2"
    vals = la.row_builder("ssd_care_leavers")(
        clea_table_id=la.new_id("leaver"),
        clea_person_id=child.person_id,
        clea_care_leaver_eligibility="FORMER_RELEVANT",
        clea_care_leaver_in_touch=in_touch,
        # the latest contact is left blank when the authority is not in touch
        clea_care_leaver_latest_contact=contact if in_touch == "YES" else None,
        clea_care_leaver_accommodation=accommodation,
        clea_care_leaver_accom_suitable=suitable,
        clea_care_leaver_activity=la.mix(ACTIVITY),
        clea_pathway_plan_review_date=review,
        clea_care_leaver_personal_advisor=f"PA {rng.choice('ABCDEFGHJKLMNPRSTW')}. {rng.randint(10, 99)}",
        clea_care_leaver_allocated_team=team,
        clea_care_leaver_worker_id=worker,
    )
    la.emit("ssd_care_leavers", vals, left)
