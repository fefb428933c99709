"""Items of the SSDA903 return beyond the episodes: the child's home postcode, convictions, substance
misuse and adoption details of each period of care, and whether a girl is a mother.

Every value comes from a stream of the record's own (own_stream.py), so the tables generated before
these were added stay byte-identical. Rates:
- home postcode: every period of care has one, a real postcode of the authority's own area (children
  come into the care of the authority they live in; the profile's in-area postcodes, as placements use);
- convictions: 3% of children aged 10 or over looked after for a year are convicted or given a youth
  caution in it (DfE, "Outcomes for children looked after by local authorities", 31 March 2019: 3%);
- substance misuse: 4% of children looked after for a year are identified with a substance misuse
  problem (same publication: 4%), nearly all teenagers, hence 8% a year of care from 13; of them about
  55% receive an intervention and about 30% are offered one and refuse it (same publication);
- adoption: every period with a placement order or an adoptive placement has a permanence record; the
  decision to place for adoption (ADM) comes 3 weeks to 4 months before the order or placement, the
  match 2 to 8 weeks before the placement. Adopters: about 13% single, 12% same-sex couples, 75%
  different-sex couples (DfE, "Children looked after in England", adoptions, approximately);
- mothers: 15% of the girls become mothers between 14 and 19 (assumed: studies of care leavers find
  about a quarter of young women pregnant or mothers by 19; most girls in the extract were never in care).
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from ingestion.generator import own_stream
from ingestion.generator.authority import Authority, Child
from ingestion.generator.calendar import add_months

ID_KINDS = {"conviction": 24_000_000, "substance": 25_000_000, "permanence": 26_000_000, "mc": 27_000_000}
own_stream.ID_BASE.update(ID_KINDS)

CONVICTED_A_YEAR = 0.03  # aged 10 or over
SUBSTANCE_MISUSE_A_YEAR = 0.08  # aged 13 or over
INTERVENTION_RECEIVED = 0.55
INTERVENTION_OFFERED_IF_NOT = 0.65  # 30% of all: offered and refused
OFFENCES = ["Theft", "Criminal damage", "Common assault", "Possession of a controlled drug", "Burglary"]
SUBSTANCES = ["Alcohol", "Cannabis", "Other drugs", "Solvents"]
ADOPTERS = {"MF": 0.75, "FF": 0.055, "MM": 0.065, "F1": 0.115, "M1": 0.015}
ADOPTER_LEGAL = {
    "MF": {"L11": 0.85, "L3": 0.15},
    "FF": {"L12": 0.45, "L2": 0.35, "L4": 0.20},
    "MM": {"L12": 0.45, "L2": 0.35, "L4": 0.20},
    "F1": {"L0": 1.0},
    "M1": {"L0": 1.0},
}
REVERSED_REASONS = {"RD1": 0.3, "RD3": 0.4, "RD4": 0.3}
ADOPTIVE = ("A3", "A4", "A5", "A6")
WITH_FOSTER_CARER = ("A3", "A5")  # placed for adoption with the child's current foster carer
MOTHER_BY_19 = 0.15


def _mix(rng: random.Random, d: dict) -> str:
    return rng.choices(list(d), weights=list(d.values()))[0]


def period(la: Authority, child: Child, cla_id: str, per, placements: list, placed_at: list) -> None:
    """The return items of one period of care (`per` a cla.Period; placements (start, type, same, id) and
    their postcodes)."""
    start, end = per.start, per.end
    rng = own_stream.stream(la, "903", cla_id)
    with own_stream.drawing_from(la, rng):
        homes = [pc for pc in la.prof["placement_postcodes"]["in_area"] if pc not in placed_at]
        vals = la.row_builder("ext_cla_home_postcodes")(
            clhp_cla_id=cla_id, clhp_person_id=child.person_id, clhp_home_postcode=rng.choice(homes)
        )
        la.emit("ext_cla_home_postcodes", vals, start)
        _yearly(la, rng, child, start, min(end, la.T))
        _permanence(la, rng, child, cla_id, per, placements)


def _yearly(la: Authority, rng: random.Random, child: Child, start: date, stop: date) -> None:
    """Convictions and substance misuse, year by year of the period."""
    k = 0
    while (y0 := add_months(start, 12 * k)) < stop:
        k += 1
        y1 = min(add_months(start, 12 * k), stop)
        age = (y0 - child.dob).days / 365.25
        days = max(1, (y1 - y0).days)
        convicted, misuse, when1, when2 = rng.random(), rng.random(), rng.randrange(days), rng.randrange(days)
        if age >= 10 and convicted < CONVICTED_A_YEAR:
            d = y0 + timedelta(days=when1)
            vals = la.row_builder("ssd_cla_convictions")(
                clac_cla_conviction_id=own_stream.new_id(la, "conviction"),
                clac_person_id=child.person_id,
                clac_cla_conviction_date=d,
                clac_cla_conviction_offence=rng.choice(OFFENCES),
            )
            if d >= la.history_start:
                la.emit("ssd_cla_convictions", vals, d)
        if age >= 13 and misuse < SUBSTANCE_MISUSE_A_YEAR:
            d = y0 + timedelta(days=when2)
            received = rng.random() < INTERVENTION_RECEIVED
            offered = rng.random() < INTERVENTION_OFFERED_IF_NOT
            vals = la.row_builder("ssd_cla_substance_misuse")(
                clas_substance_misuse_id=own_stream.new_id(la, "substance"),
                clas_person_id=child.person_id,
                clas_substance_misuse_date=d,
                clas_substance_misused=rng.choice(SUBSTANCES),
                clas_intervention_received="Y" if received else "N",
                clas_intervention_offered=None if received else ("Y" if offered else "N"),
            )
            if d >= la.history_start:
                la.emit("ssd_cla_substance_misuse", vals, d)


def _permanence(la: Authority, rng: random.Random, child: Child, cla_id: str, per, placements: list) -> None:
    order = next((d for code, d in per.legal if code in ("E1", "D1")), None)
    adoptive = next(((d, t) for d, t, _same, _pid in placements if t in ADOPTIVE), None)
    adopted = per.end_reason in ("E11", "E12")
    if order is None and adoptive is None:
        return
    placed = adoptive[0] if adoptive else None
    first = min(d for d in (order, placed) if d is not None)
    decision = max(per.start, first - timedelta(days=rng.randint(21, 120)))
    matched = max(decision, placed - timedelta(days=rng.randint(14, 56))) if placed else None
    adopters = _mix(rng, ADOPTERS)
    legal = _mix(rng, ADOPTER_LEGAL[adopters])
    reversed_on = reason = None
    if not adopted and placed is None and per.end <= la.T:
        reversed_on = max(decision, per.end - timedelta(days=rng.randint(0, 90)))
        reason = _mix(rng, REVERSED_REASONS)
    vals = la.row_builder("ssd_permanence")(
        perm_table_id=own_stream.new_id(la, "permanence"),
        perm_person_id=child.person_id,
        perm_cla_id=cla_id,
        perm_adm_decision_date=decision,
        perm_placement_order_date=order,
        perm_matched_date=matched,
        perm_placed_for_adoption_date=placed,
        perm_adopted_by_carer_flag=("Y" if adoptive[1] in WITH_FOSTER_CARER else "N") if adoptive else None,
        perm_decision_reversed_date=reversed_on,
        perm_decision_reversed_reason=reason,
        perm_permanence_order_date=per.end if adopted else None,
        perm_permanence_order_type="Adoption" if adopted else None,
        perm_number_of_adopters=(1 if adopters in ("F1", "M1") else 2) if matched else None,
        perm_adopter_sex=adopters if matched else None,
        perm_adopter_legal_status=legal if matched else None,
    )
    if decision >= la.history_start or per.end >= la.history_start:
        la.emit("ssd_permanence", vals, decision)


def mother(la: Authority, child: Child) -> tuple[str | None, date | None]:
    """pers_is_mother as of the last night (None for boys) and the first child's date of birth."""
    if child.male:
        return None, None
    rng = own_stream.stream(la, "mother", child.person_id)
    if rng.random() >= MOTHER_BY_19:
        return "N", None
    born = child.dob + timedelta(days=rng.randint(int(14 * 365.25), int(19 * 365.25)))
    return ("Y", born) if born <= la.T else ("N", None)


def mothers_child(la: Authority, child: Child, born: date) -> None:
    vals = la.row_builder("ext_mothers_children")(
        moch_table_id=own_stream.new_id(la, "mc"), moch_person_id=child.person_id, moch_child_dob=born
    )
    la.put("ext_mothers_children", vals, born)
