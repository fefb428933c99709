"""Health of children looked after: health assessments, dental checks, immunisations and SDQs.

Rates are Lancashire's published figures (docs/generator.md, "Health of children looked after"): about
87% of children looked after for a year have an assessment within the last 12 months, about 70% a
dental check, about 18% of initial assessments are held within 20 working days, about 77% are up to date
with immunisations. Values come from a stream of the period's own (own_stream.py).
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from ingestion.generator import own_stream
from ingestion.generator.authority import Authority, Child
from ingestion.generator.calendar import add_months

IHA_ON_TIME = 0.18  # initial health assessments held within 20 working days of entry
# Review assessments: half held before the 12 (or 6) months run out, a tenth a few days after, the rest
# weeks or months late, so that at any date about 87% of children have a current one.
REVIEW_ON_TIME = 0.50
REVIEW_JUST_LATE = 0.10
# Dental checks: half within the year, the rest up to 30 months apart (about 70% current at any date).
DENTAL_WITHIN_YEAR = 0.50
IMMUNISED = 0.77
SDQ_RETURNED = 0.78
REFUSED = 0.02  # a refused assessment, re-offered a few weeks later
SDQ_MISSING_REASONS = {"SDQ2": 0.3, "SDQ3": 0.1, "SDQ4": 0.4, "SDQ5": 0.2}


def period(la: Authority, child: Child, cla_id: str, start: date, end: date) -> None:
    """The health records of one period of care, up to its end or the last night."""
    rng = own_stream.stream(la, "health", cla_id)
    stop = min(end, la.T)
    if stop <= start:
        return
    with own_stream.drawing_from(la, rng):
        _assessments(la, rng, child, start, stop, still_looked_after=end > la.T)
        _dental(la, rng, child, start, stop)
        _sdq(la, rng, child, start, stop)
        _immunisations(la, rng, child, start, stop)


def _check(
    la: Authority, child: Child, kind: str, when: date, status: str, recorded: date | None = None
) -> None:
    if when < la.history_start:  # the SSD keeps its history window only
        return
    vals = la.row_builder("ssd_cla_health")(
        clah_health_check_id=own_stream.new_id(la, "health"),
        clah_person_id=child.person_id,
        clah_health_check_type=kind,
        clah_health_check_date=when,
        clah_health_check_status=status,
    )
    if recorded is not None:  # booked ahead: the row is in the case system before its date
        la.put("ssd_cla_health", vals, recorded)
    else:
        la.emit("ssd_cla_health", vals, when)


def _cycle_months(child: Child, due_from: date) -> int:
    """Under-5s are assessed every 6 months, older children every 12."""
    return 6 if add_months(child.dob, 60) > add_months(due_from, 6) else 12


def _assessments(
    la: Authority, rng: random.Random, child: Child, start: date, stop: date, still_looked_after: bool
) -> None:
    # Initial assessment: due 20 working days after entry; mostly late.
    iha_due = la.cal.wd_add(start, 20)
    if rng.random() < IHA_ON_TIME:
        held = start + timedelta(days=rng.randint(3, max(3, (iha_due - start).days)))
    else:
        held = iha_due + timedelta(days=int(rng.lognormvariate(3.0, 0.7)) + 1)
    while held <= stop:
        if rng.random() < REFUSED:
            _check(la, child, "HEALTH_ASSESSMENT", held, "REFUSED")
            held += timedelta(days=rng.randint(14, 45))
            continue
        _check(la, child, "HEALTH_ASSESSMENT", held, "COMPLETED")
        months = _cycle_months(child, held)
        due = add_months(held, months)
        r = rng.random()
        if r < REVIEW_ON_TIME:
            held = due - timedelta(days=rng.randint(0, 40))
        elif r < REVIEW_ON_TIME + REVIEW_JUST_LATE:
            held = due + timedelta(days=rng.randint(1, 10))  # just outside the window
        else:
            held = due + timedelta(days=int(rng.lognormvariate(4.5, 0.6)) + 1)
    if still_looked_after and held <= la.T + timedelta(days=60):
        booked = max(start, held - timedelta(days=rng.randint(10, 40)))
        _check(la, child, "HEALTH_ASSESSMENT", held, "PLANNED", recorded=booked)


def _dental(la: Authority, rng: random.Random, child: Child, start: date, stop: date) -> None:
    first_birthday = add_months(child.dob, 12)
    d = max(start, first_birthday) + timedelta(days=rng.randint(20, 120))
    while d <= stop:
        _check(la, child, "DENTAL_CHECK", d, "COMPLETED")
        gap = rng.randint(150, 360) if rng.random() < DENTAL_WITHIN_YEAR else rng.randint(370, 900)
        d += timedelta(days=gap)


def _sdq(la: Authority, rng: random.Random, child: Child, start: date, stop: date) -> None:
    """One questionnaire a year for children looked after a year or more, aged 4-16."""
    build = la.row_builder("ssd_sdq_scores")
    k = 1
    while (anniversary := add_months(start, 12 * k)) <= stop:
        k += 1
        age = (anniversary - child.dob).days / 365.25
        # completed in the weeks before the anniversary, but within the collection year (from 1 April)
        # that the anniversary falls in, so that every year of care has its questionnaire
        done = max(anniversary - timedelta(days=rng.randint(0, 75)), _collection_year_start(anniversary))
        if done < la.history_start:
            continue
        if not 4 <= age < 17:
            if 17 <= age < 18:  # just over 16: the reason, SDQ1 (an undated record stays for good, so
                _too_old(la, child, anniversary)  # never for the under-4s, who will be assessed later)
            continue
        returned = rng.random() < SDQ_RETURNED
        score = max(0, min(40, round(rng.gauss(14, 6)))) if returned else None
        vals = build(
            csdq_table_id=own_stream.new_id(la, "sdq"),
            csdq_person_id=child.person_id,
            csdq_sdq_completed_date=done if returned else None,
            csdq_sdq_reason=None if returned else la.mix(SDQ_MISSING_REASONS),
            csdq_sdq_score=score,
        )
        la.emit("ssd_sdq_scores", vals, done)


def _collection_year_start(d: date) -> date:
    return date(d.year if d.month >= 4 else d.year - 1, 4, 1)


def _too_old(la: Authority, child: Child, anniversary: date) -> None:
    """An undated record with reason SDQ1 (over 16 at the assessment), from a stream of its own so that
    the other health records stay as they were."""
    with own_stream.drawing_from(la, own_stream.stream(la, "sdq1", child.person_id, anniversary)):
        vals = la.row_builder("ssd_sdq_scores")(
            csdq_table_id=own_stream.new_id(la, "sdq_reason"),
            csdq_person_id=child.person_id,
            csdq_sdq_reason="SDQ1",
        )
        la.emit("ssd_sdq_scores", vals, anniversary)


def _immunisations(la: Authority, rng: random.Random, child: Child, start: date, stop: date) -> None:
    """One row per child (the case system keeps the latest status): written for the child's first period
    of care in the history window."""
    done = la.__dict__.setdefault("_immunisation_rows", set())
    if la.muted or child.person_id in done:
        return
    done.add(child.person_id)
    updated = max(start, stop - timedelta(days=rng.randint(0, 200)))
    vals = la.row_builder("ssd_cla_immunisations")(
        clai_person_id=child.person_id,
        clai_immunisations_status="Y" if rng.random() < IMMUNISED else "N",
        clai_immunisations_status_date=updated,
    )
    la.emit("ssd_cla_immunisations", vals, updated)
