"""Children and staff: names, identifiers, departments, professionals.

All names are drawn from short lists of common English given names and surnames, plus a few
accented ones so that encodings are exercised; no identifier is real (UPNs and unique ids are random
digits behind the authority's code).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

FORENAMES_M = [
    "Oliver",
    "Jack",
    "Harry",
    "George",
    "Noah",
    "Charlie",
    "Jacob",
    "Alfie",
    "Freddie",
    "Oscar",
    "Leo",
    "Logan",
    "Archie",
    "Theo",
    "Thomas",
    "James",
    "Joshua",
    "Mason",
    "Ethan",
    "Riley",
    "Tyler",
    "Kai",
    "Mohammed",
    "Ibrahim",
    "Aarav",
    "Kacper",
    "Dylan",
    "Callum",
    "Liam",
    "Jayden",
    "Zoltán",
    "José",
]
FORENAMES_F = [
    "Olivia",
    "Amelia",
    "Isla",
    "Ava",
    "Emily",
    "Isabella",
    "Mia",
    "Poppy",
    "Ella",
    "Lily",
    "Grace",
    "Sophie",
    "Evie",
    "Ruby",
    "Chloe",
    "Jessica",
    "Freya",
    "Layla",
    "Maisie",
    "Aisha",
    "Amira",
    "Zara",
    "Courtney",
    "Kayleigh",
    "Paige",
    "Demi",
    "Megan",
    "Niamh",
    "Zoë",
    "Chloé",
    "Siân",
    "Renée",
]
SURNAMES = [
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Johnson",
    "Davies",
    "Robinson",
    "Wright",
    "Thompson",
    "Evans",
    "Walker",
    "White",
    "Roberts",
    "Green",
    "Hall",
    "Wood",
    "Jackson",
    "Clarke",
    "Patel",
    "Khan",
    "Hussain",
    "Ahmed",
    "Begum",
    "Kowalski",
    "Nowak",
    "Murphy",
    "O'Brien",
    "Kelly",
    "Hughes",
    "Edwards",
    "Lewis",
    "Harrison",
    "Turner",
    "Parker",
    "Cooper",
    "Ward",
    "Morris",
    "Bell",
    "Dawson",
    "Holt",
    "Ashworth",
    "Pilkington",
    "Sutcliffe",
    "Brontë",
    "Müller",
    "Pérez",
]


def pick_name(rng, male: bool) -> tuple[str, str]:
    return rng.choice(FORENAMES_M if male else FORENAMES_F), rng.choice(SURNAMES)


@dataclass
class Staff:
    """Departments and professionals of one authority, sized from the profile."""

    localities: list[tuple[str, str, float]] = field(default_factory=list)  # (id, name, weight)
    iro_teams: dict[str, list[str]] = field(default_factory=dict)  # locality id -> team ids
    sw_teams: dict[str, list[str]] = field(default_factory=dict)
    iros: dict[str, list[tuple[str, float]]] = field(default_factory=dict)  # locality id -> (prof id, fte)
    sws: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # team id -> (prof id, team id)
    iro_fte: dict[str, float] = field(default_factory=dict)
    iro_team: dict[str, str] = field(default_factory=dict)


def build_staff(la, prof: dict, scale: float) -> Staff:
    """Write ssd_department and ssd_professionals for the authority and return who is who."""
    rng, w, first = la.rng, la.writer, la.history_start
    staff = Staff()
    dept_row = la.row_builder("ssd_department")
    prof_row = la.row_builder("ssd_professionals")
    loc_weights = prof["localities"]
    total_w = sum(loc_weights.values())
    children = (prof["cla_at_end"] + prof["cp_at_end"]) * scale
    n_sw = max(2, round(children * 1.25 / prof["children_per_sw"]))
    iro_fte_total = max(1.0, prof["iro_fte"] * scale)
    idle_fte = prof.get("iro_fte_without_cases", 0) * (1 if scale >= 1 else 0)

    def write_professional(pid: str, name: str, title: str, team: str, fte: str, agency: str) -> None:
        """One staff row. Callers draw the random values in their own order (the output depends on it)."""
        w.row(
            "ssd_professionals",
            prof_row(
                prof_professional_id=pid,
                prof_staff_id=f"S{pid}",
                prof_professional_name=name,
                prof_professional_job_title=title,
                prof_professional_department=team,
                prof_full_time_equivalency=fte,
                prof_agency_worker_flag=agency,
            ),
            first,
        )

    def write_manager(title: str, team: str) -> None:
        """A permanent, full-time manager of `team`."""
        write_professional(la.new_id("prof"), _staff_name(rng), title, team, "1.0", "N")

    for name, weight in loc_weights.items():
        loc_id = la.new_id("dept")
        staff.localities.append((loc_id, name, weight / total_w))
        w.row("ssd_department", dept_row(dept_team_id=loc_id, dept_team_name=f"{name} locality"), first)
        staff.iro_teams[loc_id], staff.sw_teams[loc_id], staff.iros[loc_id] = [], [], []
        n_iro_teams = max(1, round(prof["iro_teams"].get(name, 1) * math.sqrt(scale)))
        for k in range(n_iro_teams):
            tid = la.new_id("dept")
            tname = f"{name} Safeguarding and Quality Assurance {k + 1}"
            w.row(
                "ssd_department",
                dept_row(
                    dept_team_id=tid,
                    dept_team_name=tname,
                    dept_team_parent_id=loc_id,
                    dept_team_parent_name=f"{name} locality",
                ),
                first,
            )
            staff.iro_teams[loc_id].append(tid)
            write_manager("Quality and Review Manager", tid)
        n_sw_teams = max(1, round(n_sw * weight / total_w / 8))
        for k in range(n_sw_teams):
            tid = la.new_id("dept")
            w.row(
                "ssd_department",
                dept_row(
                    dept_team_id=tid,
                    dept_team_name=f"{name} Children's Social Care {k + 1}",
                    dept_team_parent_id=loc_id,
                    dept_team_parent_name=f"{name} locality",
                ),
                first,
            )
            staff.sw_teams[loc_id].append(tid)
            staff.sws[tid] = []
            for title in ("Team Manager", "Practice Manager"):
                write_manager(title, tid)
    # Social workers spread over the teams in proportion to locality weight.
    teams = [
        (tid, loc[2] / max(1, len(staff.sw_teams[loc[0]])))
        for loc in staff.localities
        for tid in staff.sw_teams[loc[0]]
    ]
    for _ in range(n_sw):
        tid = la.weighted_choice([t for t, _ in teams], [wt for _, wt in teams])
        pid = la.new_id("prof")
        agency = "Y" if rng.random() < 0.12 else "N"
        write_professional(
            pid,
            name=_staff_name(rng),
            title=rng.choice(
                ["Social Worker", "Social Worker", "Senior Social Worker", "Advanced Practitioner"]
            ),
            team=tid,
            fte=rng.choice(["1.0", "1.0", "1.0", "0.8"]),
            agency=agency,
        )
        staff.sws[tid].append((pid, tid))
    # IROs: FTE mostly 1.0, some part-time, until the target is reached; each sits in a locality's team.
    # A fostering IRO (Lancashire) holds no children: written but not allocated.
    fte_left = iro_fte_total
    loc_ids = [loc[0] for loc in staff.localities]
    loc_w = [loc[2] for loc in staff.localities]
    idle_left = idle_fte
    while fte_left > 0.05:
        fte = 1.0 if rng.random() < 0.8 else rng.choice([0.5, 0.6, 0.8])
        fte = round(min(fte, fte_left), 2)
        fte_left = round(fte_left - fte, 2)
        loc_id = la.weighted_choice(loc_ids, loc_w)
        tid = rng.choice(staff.iro_teams[loc_id])
        pid = la.new_id("prof")
        idle = idle_left >= fte
        title = "Fostering Independent Reviewing Officer" if idle else "Independent Reviewing Officer"
        write_professional(
            pid,
            name=_staff_name(rng),
            title=title,
            team=tid,
            fte=f"{fte:.2f}",
            agency="Y" if rng.random() < prof["iro_agency_share"] else "N",
        )
        if idle:
            idle_left -= fte
            continue
        staff.iros[loc_id].append((pid, fte))
        staff.iro_fte[pid] = fte
        staff.iro_team[pid] = tid
    for loc_id in loc_ids:  # every locality needs an IRO: borrow the largest locality's first one
        if not staff.iros[loc_id]:
            donor = max(loc_ids, key=lambda lid: len(staff.iros[lid]))
            staff.iros[loc_id] = staff.iros[donor]
    return staff


def _staff_name(rng) -> str:
    male = rng.random() < 0.25
    f, s = pick_name(rng, male)
    return f"{f} {s}"
