"""The first week of a placement: the statutory visit due within a week of the move (reg. 28), and
the missing episodes that cluster in those first days (a teenager in an unfamiliar placement).

Values come from a stream of the period's own (own_stream.py).
"""

from __future__ import annotations

from datetime import date, timedelta

from ingestion.generator import own_stream
from ingestion.generator.authority import Authority, Child
from ingestion.generator.calendar import add_months

FIRST_WEEK_MISSING = 0.06  # teenagers going missing in a new placement's first week
VISIT_WITHIN_WEEK = 0.85  # of moves, visited within the week (the rest a few days late)
SEEN = 0.96


def placements(la: Authority, child: Child, cla_id: str, starts: list[date], end: date) -> None:
    """`starts`: the period's placement start dates (the first is the period's start)."""
    rng = own_stream.stream(la, "settling", cla_id)
    with own_stream.drawing_from(la, rng):
        for i, d in enumerate(starts):
            nxt = starts[i + 1] if i + 1 < len(starts) else end
            if d < la.history_start or d > la.T:
                continue
            if i > 0:  # the period's first week is visited by the rhythm in extras.visits
                _visit(la, rng, child, cla_id, d, nxt)
            if d >= add_months(child.dob, 132) and rng.random() < FIRST_WEEK_MISSING:
                _missing(la, rng, child, d + timedelta(days=rng.randint(0, 6)), nxt)


def _visit(la, rng, child: Child, cla_id: str, start: date, nxt: date) -> None:
    days = rng.randint(1, 7) if rng.random() < VISIT_WITHIN_WEEK else rng.randint(8, 20)
    d = start + timedelta(days=days)
    if d >= nxt or d > la.T:
        return
    seen = "Y" if rng.random() < SEEN else "N"
    age = (d - child.dob).days / 365.25
    vals = la.row_builder("ssd_cla_visits")(
        clav_cla_visit_id=own_stream.new_id(la, "visit_on_move"),
        clav_cla_id=cla_id,
        clav_person_id=child.person_id,
        clav_cla_visit_date=d,
        clav_cla_visit_seen=seen,
        clav_cla_visit_seen_alone="Y" if seen == "Y" and age >= 4 and rng.random() < 0.7 else "N",
    )
    la.emit("ssd_cla_visits", vals, d)


def _missing(la, rng, child: Child, d: date, nxt: date) -> None:
    if d >= nxt or d > la.T:
        return
    back = d + timedelta(days=min(7, int(rng.expovariate(1 / 1.2))))
    offered = "Y" if rng.random() < 0.9 else "N"
    vals = la.row_builder("ssd_missing")(
        miss_table_id=own_stream.new_id(la, "missing_on_move"),
        miss_person_id=child.person_id,
        miss_missing_episode_start_date=d,
        miss_missing_episode_type="M",
        miss_missing_episode_end_date=back,
        miss_missing_rhi_offered=offered,
        miss_missing_rhi_accepted="Y" if offered == "Y" and rng.random() < 0.55 else "N",
    )
    la.emit("ssd_missing", vals, d, end_col="miss_missing_episode_end_date")
