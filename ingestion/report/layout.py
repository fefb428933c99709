"""What the report shows, section by section, after the Lancashire IRO annual report 2018-19 and the
Leicestershire and Portsmouth reports. KPI names, units, definitions and targets
come from the KPI catalogue; this file only says where each KPI code goes and how it is drawn."""

from __future__ import annotations

from dataclasses import dataclass

from ingestion.report.data import load_variants

_VARS = load_variants()
# The IRO Handbook (2010) range for an IRO's caseload per full-time post (the KPI variables
# iro_handbook_min / iro_handbook_max), and the largest count withheld in a publication.
HANDBOOK_CASELOAD = (int(_VARS.get("iro_handbook_min", 50)), int(_VARS.get("iro_handbook_max", 70)))
SUPPRESSION_MAX = int(_VARS.get("suppression_max", 4))
TREND_YEARS = 5


@dataclass(frozen=True)
class Item:
    kpi: str
    headline: bool = True  # the figure card (value, numerator/denominator, target, RAG, definition)
    trend: str | None = None  # 'bar' or 'line': the headline over the last TREND_YEARS years
    breakdowns: tuple[tuple[str, str], ...] = ()  # (breakdown, 'pie' | 'bar' | 'barh' | 'table')
    monthly: str | None = None  # 'bar' or 'line': the month rows of the year
    monthly_by: str | None = None  # split the monthly chart by this breakdown (e.g. challenge_type)


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    intro: str
    items: tuple[Item, ...]


SECTIONS: tuple[Section, ...] = (
    Section(
        "populations",
        "Children looked after and children subject to a child protection plan",
        "How many children the IRO service was responsible for at the end of the year, as numbers and as "
        "rates per 10,000 children aged 0-17, with the year-end position over the last five years.",
        (
            Item(
                "CLA_AT_END",
                trend="bar",
                breakdowns=(("legal_status", "pie"), ("age_band", "bar")),
                monthly="line",
            ),
            Item("CLA_RATE_PER_10K", trend="line"),
            Item("CLA_STARTED", trend="bar"),
            Item("CLA_CEASED", trend="bar"),
            Item("CP_PLANS_AT_END", trend="bar", monthly="line"),
            Item("CP_RATE_PER_10K", trend="line"),
        ),
    ),
    Section(
        "reviews",
        "Reviews of children looked after: timeliness",
        "Whether looked-after children's reviews were held within the statutory timescales (20 working "
        "days after coming into care, then 3 months, then every 6 months), the year trend and the picture "
        "by locality and, where recorded, the reasons reviews were late.",
        (
            Item("CLA_CHILDREN_REVIEWS_TIMELY", trend="line"),
            Item("CLA_REVIEWS_TIMELY", trend="line"),
            Item("CLA_REVIEWS_HELD", trend="bar", monthly="bar"),
            Item("CLA_REVIEWS_OVERDUE"),
            Item("CLA_REVIEW_RECORD_TIMELY", trend="line"),
            Item("CLA_REVIEW_DECISIONS_TIMELY", trend="line"),
            Item("CLA_PERMANENCE_AT_SECOND_REVIEW", trend="line"),
        ),
    ),
    Section(
        "participation",
        "Children's participation in their reviews",
        "How children took part in their reviews, by the DfE participation codes PN0-PN7.",
        (Item("CLA_REVIEW_PARTICIPATION", trend="line", breakdowns=(("participation_code", "bar"),)),),
    ),
    Section(
        "iro_service",
        "The IRO service: caseloads",
        f"Children per full-time IRO at the end of the year, against the IRO Handbook's range of "
        f"{HANDBOOK_CASELOAD[0]}-{HANDBOOK_CASELOAD[1]} children per IRO.",
        (
            Item("IRO_CASELOAD_AVG", trend="line", breakdowns=(("caseload_kind", "table"),)),
            Item("IRO_CASELOAD_WEIGHTED", trend="line"),
            Item("IRO_CASELOAD_WITHIN_HANDBOOK", trend="line"),
        ),
    ),
    Section(
        "challenges",
        "IRO challenge: problem resolutions and management alerts",
        "Formal challenges raised by IROs: problem resolutions (PR, about the care or child protection plan "
        "and practice) and management alerts (MA, about recording and compliance), by month, category, "
        "subject and the management level at which they were resolved.",
        (
            Item(
                "IRO_CHALLENGES_RAISED",
                trend="bar",
                breakdowns=(("challenge_type", "table"), ("subject", "pie"), ("category", "barh")),
                monthly="bar",
                monthly_by="challenge_type",
            ),
            Item("IRO_INFORMAL_CHALLENGES", trend="bar"),
            Item("IRO_GOOD_PRACTICE_NOTES", trend="bar"),
            Item("IRO_CHALLENGES_OPEN_OVER_4W"),
            Item("IRO_CHALLENGE_RESOLUTION_LEVEL", headline=False, breakdowns=(("level", "barh"),)),
            Item("IRO_CHALLENGE_DAYS_TO_RESOLVE", trend="line"),
            Item("IRO_CHALLENGES_PER_100_REVIEWS", trend="line"),
        ),
    ),
    Section(
        "child_protection",
        "Child protection conferences and plans",
        "Timeliness of initial and review child protection conferences, repeat plans, and plans lasting "
        "a long time.",
        (
            Item("CP_ICPC_TIMELY", trend="line"),
            Item("CP_RCPC_TIMELY", trend="line"),
            Item("CP_RCPC_OVERDUE"),
            Item("CP_PLANS_STARTED", trend="bar"),
            Item("CP_REPEAT_PLANS", trend="line"),
            Item("CP_REPEAT_PLANS_12M", trend="line"),
            Item("CP_PLANS_ENDED_2Y_PLUS", trend="line"),
            Item("CP_PLANS_OPEN_18M_PLUS", trend="bar"),
            Item("CP_REPORT_TO_PARENTS_TIMELY", trend="line"),
        ),
    ),
    Section(
        "placements",
        "Placements: stability and mix",
        "Where looked-after children lived at the end of the year, how stable their placements were, and "
        "how many were placed more than 20 miles from home.",
        (
            Item("CLA_AT_END", headline=False, breakdowns=(("placement_type", "pie"),)),
            Item("CLA_3PLUS_PLACEMENTS", trend="line"),
            Item("CLA_LONG_TERM_STABILITY", trend="line"),
            Item("CLA_PLACED_20_MILES_PLUS", trend="line"),
        ),
    ),
)

# Breakdown name -> the ref_code_lists.csv list whose descriptions label it (and give its order).
BREAKDOWN_CODE_LISTS = {
    "participation_code": "participation",
    "challenge_type": "challenge_type",
    "subject": "challenge_subject",
    "level": "challenge_level",
    "legal_status": "legal_status",
}
# Breakdowns without a code list that still have a natural order.
BREAKDOWN_ORDER = {
    "age_band": ["under 1", "1-4", "5-9", "10-15", "16-17"],
    "caseload_kind": ["CLA", "CP"],
    "placement_type": [
        "foster",
        "placed_for_adoption",
        "placed_with_parents",
        "residential",
        "independent",
        "other",
    ],
}
BREAKDOWN_TITLES = {
    "participation_code": "participation code",
    "challenge_type": "type of challenge",
    "subject": "subject",
    "level": "level resolved at",
    "legal_status": "legal status",
    "placement_type": "placement type",
    "age_band": "age band",
    "caseload_kind": "kind of case",
    "locality": "locality",
    "category": "category",
}
