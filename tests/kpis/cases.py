"""The hand-worked KPI cases: small synthetic authorities, each with the expected kpi_values rows
worked out by hand in the comments (docs/kpis.md, with the hard cases published reports raise).

All dates are in (or just before) financial year 2018-19: FY = 2018-04-01 .. 2019-03-31, extract taken
2019-04-01. Bank holidays that matter: 2018-05-07, 2018-05-28, 2018-08-27, 2018-12-25/26, 2019-01-01.
"""

from __future__ import annotations

from dataclasses import dataclass

from tests.kpis.extracts import Extract

FY = ("financial_year", "2018-04-01")


@dataclass(frozen=True)
class Expect:
    la_code: str
    kpi_code: str
    period: tuple[str, str]  # (period_type, period_start)
    numerator: float | None
    denominator: float | None
    value: float | None
    breakdown: tuple[str, str] = ("all", "all")
    why: str = ""
    # the RAG colour expected of the row ('green', 'amber', 'red'); None: not compared
    rag: str | None = None
    # the rule says there is no such row at all (a period before the history window, say): numerator,
    # denominator and value are then None
    absent: bool = False

    @property
    def id(self) -> str:
        b = "" if self.breakdown == ("all", "all") else f"-{self.breakdown[0]}={self.breakdown[1]}"
        return f"{self.la_code}-{self.kpi_code}-{self.period[0][:2]}{self.period[1]}{b}" + (
            "-absent" if self.absent else ""
        )


# Child populations for the synthetic authorities (never in the real population seed): passed to dbt
# as the var kpi_child_population_extra.
POPULATION_EXTRA = [
    {"la_code": "901", "mid_year": 2018, "population_0_17": 2000},
    {"la_code": "902", "mid_year": 2018, "population_0_17": 10000},
]


def case_901_cla_reviews() -> Extract:
    """CLA reviews: the statutory chain, child-level timeliness, overdue, participation, records,
    permanence, the CLA population breakdowns, and the hard cases: a review due in the period but never
    held (C), a child who left care after a late review (D), a short-break child (E), a PN0 child (F),
    an additional review and a new period of care restarting the chain (G)."""
    x = Extract("901")
    x.team("T1", "Team North 1", "North")
    x.team("T2", "Team East 1", "East")
    x.professional("SW1", team_id="T1")
    x.professional("SW2", team_id="T2")

    # A: age 10 at 31/3/19; period of care from Mon 2018-06-04. First review due wd_add(2018-06-04, 20)
    # = Mon 2018-07-02 (no bank holiday in June); held Tue 2018-07-03: LATE by one day. Second due
    # add_months(2018-07-03, 3) = 2018-10-03, held 2018-10-03: ON TIME (on the due date). Third due
    # 2019-04-03, after the year: not due in the period, not overdue at 31/3/19.
    x.person("A", "2008-05-01")
    x.episode("A", "POC-A", "2018-06-04", "S")
    x.legal("A", "C2", "2018-06-04")
    x.placement("A", "POC-A", "2018-06-04", "U4", distance=5.0)
    x.involvement("SW1", "A", "SW", "2018-06-04", team_id="T1")
    # decisions 2 working days after, record 13 working days after: both on time
    x.review(
        "A",
        "POC-A",
        "2018-07-03",
        "PN1",
        clrd_decisions_recorded_date="2018-07-05",
        clrd_record_distributed_date="2018-07-20",
    )
    # decisions Fri 2018-10-12 = 7 working days after Wed 3 Oct: late; record Wed 2018-10-31 =
    # exactly 20 working days after: on time. Second review of the period, permanence plan agreed.
    x.review(
        "A",
        "POC-A",
        "2018-10-03",
        "PN4",
        clrd_decisions_recorded_date="2018-10-12",
        clrd_record_distributed_date="2018-10-31",
        clrd_permanence_plan_agreed="Y",
    )

    # B: age 16; in care since 2017. Reviews in the year: due add_months(2017-10-30, 6) = 2018-04-30,
    # held 2018-04-27 on time; next due 2018-10-27, held 2018-10-26 on time. A cancelled review on
    # 2018-09-01 neither counts nor restarts the chain.
    x.person("B", "2002-06-15")
    x.episode("B", "POC-B", "2017-01-09", "S")
    x.legal("B", "C2", "2017-01-09")
    x.placement("B", "POC-B", "2017-01-09", "K2", distance=25.5)
    x.involvement("SW1", "B", "SW", "2017-01-09", team_id="T1")
    for d in ("2017-02-01", "2017-05-01", "2017-10-30"):
        x.review("B", "POC-B", d, "PN1")
    # decisions Fri 2018-05-04 = exactly 5 working days after Fri 27 Apr: on time; record Fri
    # 2018-06-01 = 23 working days after (7 and 28 May are bank holidays): late
    x.review(
        "B",
        "POC-B",
        "2018-04-27",
        "PN5",
        clrd_decisions_recorded_date="2018-05-04",
        clrd_record_distributed_date="2018-06-01",
    )
    x.review("B", "POC-B", "2018-09-01", "PN1", cancelled="Y")
    x.review("B", "POC-B", "2018-10-26", "PN7")

    # C: age 7; the review due 2018-12-18 (add_months(2018-06-18, 6)) is never held: overdue at 31/3/19
    # (and at the end of Dec 2018), and late for the child-level measure.
    x.person("C", "2012-01-10")
    x.episode("C", "POC-C", "2017-03-01", "S")
    x.legal("C", "V2", "2017-03-01")
    x.placement("C", "POC-C", "2017-03-01", "P1")  # distance unknown
    x.involvement("SW2", "C", "SW", "2017-03-01", team_id="T2")
    for d in ("2017-03-20", "2017-06-20", "2017-12-18"):
        x.review("C", "POC-C", d, "PN6")
    # decisions next working day: on time; no record date (not in the record measure)
    x.review("C", "POC-C", "2018-06-18", "PN6", clrd_decisions_recorded_date="2018-06-19")

    # D: left care 2018-09-14 after a late review: due add_months(2018-01-10, 6) = 2018-07-10, held
    # 2018-07-20. Counts in the review-level measure, not in the child cohort (not looked after at 31/3).
    x.person("D", "2006-02-02")
    x.episode("D", "POC-D", "2016-05-02", "S", ceased="2018-09-14")
    x.legal("D", "C2", "2016-05-02", "2018-09-14")
    x.placement("D", "POC-D", "2016-05-02", "U6", end="2018-09-14")
    for d in ("2016-05-20", "2016-08-19", "2017-02-10", "2017-08-09", "2018-01-10"):
        x.review("D", "POC-D", d, "PN1")
    x.review("D", "POC-D", "2018-07-20", "PN2")

    # E: short breaks only (V3 throughout): excluded from every CLA measure, reviews included.
    x.person("E", "2010-01-01")
    x.episode("E", "POC-E", "2018-05-01", "S")
    x.legal("E", "V3", "2018-05-01")
    x.placement("E", "POC-E", "2018-05-01", "U6", distance=50)
    x.review("E", "POC-E", "2018-05-10", "PN1")
    x.review("E", "POC-E", "2018-08-01", "PN1")

    # F: age 1, PN0 at every review. First review (before the year) 2018-03-01; second due
    # 2018-06-01, held 2018-05-31; third due 2018-11-30, held 2018-11-29: both on time.
    x.person("F", "2017-06-01")
    x.episode("F", "POC-F", "2018-02-05", "S")
    x.legal("F", "C1", "2018-02-05")
    x.placement("F", "POC-F", "2018-02-05", "U6", distance=20.0)  # exactly 20 miles: not "more than"
    x.review("F", "POC-F", "2018-03-01", "PN0")
    x.review("F", "POC-F", "2018-05-31", "PN0", clrd_permanence_plan_agreed="N")
    x.review("F", "POC-F", "2018-11-29", "PN0")

    # G: age 9. First period of care ended 2018-05-10 before its third review fell due (2018-06-20):
    # that due date is not counted (not looked after then). New period from Wed 2018-08-01: first due
    # wd_add(2018-08-01, 20) = Thu 2018-08-30 (27 Aug bank holiday), held 2018-08-30 on time; an
    # ADDITIONAL review on 2018-09-20 is the second review (due 2018-11-30): on time, and restarts the
    # chain: third due add_months(2018-09-20, 6) = 2019-03-20, held 2019-03-25: late.
    x.person("G", "2009-07-20")
    x.episode("G", "POC-G1", "2017-09-04", "S", ceased="2018-05-10")
    x.episode("G", "POC-G2", "2018-08-01", "S")
    x.legal("G", "E1", "2017-09-04")
    x.placement("G", "POC-G1", "2017-09-04", "U6", end="2018-05-10")
    x.placement("G", "POC-G2", "2018-08-01", "A4", distance=31)
    x.review("G", "POC-G1", "2017-09-25", "PN1")
    x.review("G", "POC-G1", "2017-12-20", "PN1")
    x.review("G", "POC-G2", "2018-08-30", "PN3")
    x.review(
        "G", "POC-G2", "2018-09-20", "PN1", clrd_review_kind="ADDITIONAL", clrd_permanence_plan_agreed="Y"
    )
    x.review("G", "POC-G2", "2019-03-25", "PN6")
    return x


def expect_901() -> list[Expect]:
    la = "901"
    return [
        # Held in the year (E excluded): A 2, B 2 (cancelled one not counted), C 1, D 1, F 2, G 3 = 11.
        Expect(la, "CLA_REVIEWS_HELD", FY, 11, None, 11, why="A2 B2 C1 D1 F2 G3; E short breaks"),
        # On time: A 1 of 2, B 2, C 1, D 0 of 1, F 2, G 2 of 3 = 8 of 11 = 72.727...%
        Expect(la, "CLA_REVIEWS_TIMELY", FY, 8, 11, 800 / 11, why="late: A R1, D, G R3"),
        # July 2018: A's late first review (3 Jul) and D's late review (20 Jul): 0 of 2.
        Expect(la, "CLA_REVIEWS_HELD", ("month", "2018-07-01"), 2, None, 2),
        Expect(la, "CLA_REVIEWS_TIMELY", ("month", "2018-07-01"), 0, 2, 0),
        # Cohort at 31/3/19: A, B, C, F, G (D left care, E short breaks). All reviews due in the year
        # on time: B, F. A (late first review), C (due 18/12 never held), G (third review late) fail.
        Expect(la, "CLA_CHILDREN_REVIEWS_TIMELY", FY, 2, 5, 40.0, why="B and F of A B C F G"),
        # Overdue at 31/3/19: C only (due 2018-12-18). At 31/12/18 also C; at 30/11/18 nobody.
        Expect(la, "CLA_REVIEWS_OVERDUE", FY, 1, None, 1, why="C"),
        Expect(la, "CLA_REVIEWS_OVERDUE", ("month", "2018-12-01"), 1, None, 1),
        Expect(la, "CLA_REVIEWS_OVERDUE", ("month", "2018-11-01"), 0, None, 0),
        # Participation codes of the 11 reviews: PN0 F,F; PN1 A,G; PN2 D; PN3 G; PN4 A; PN5 B;
        # PN6 C,G; PN7 B. Denominator excludes PN0: 9; numerator PN1-PN6: 8 -> 88.89%.
        Expect(la, "CLA_REVIEW_PARTICIPATION", FY, 8, 9, 800 / 9, why="PN4 counts by default"),
        *[
            Expect(la, "CLA_REVIEW_PARTICIPATION", FY, n, None, n, ("participation_code", code))
            for code, n in {
                "PN0": 2,
                "PN1": 2,
                "PN2": 1,
                "PN3": 1,
                "PN4": 1,
                "PN5": 1,
                "PN6": 2,
                "PN7": 1,
            }.items()
        ],
        # Records: A R1 on time, A R2 on time (exactly 20 wd), B late (23 wd) -> 2 of 3.
        Expect(la, "CLA_REVIEW_RECORD_TIMELY", FY, 2, 3, 200 / 3),
        # Decisions: A R1 (2 wd) yes, A R2 (7 wd) no, B (exactly 5 wd) yes, C (1 wd) yes -> 3 of 4.
        Expect(la, "CLA_REVIEW_DECISIONS_TIMELY", FY, 3, 4, 75.0),
        # Second reviews held in the year: A (Y), F (N), G's additional review (Y) -> 2 of 3.
        Expect(la, "CLA_PERMANENCE_AT_SECOND_REVIEW", FY, 2, 3, 200 / 3),
        # Looked after at 31/3/19: A B C F G = 5; per 10,000 of 2,000 children = 25.
        Expect(la, "CLA_AT_END", FY, 5, None, 5),
        Expect(la, "CLA_RATE_PER_10K", FY, 5, 2000, 25.0),
        Expect(la, "CLA_AT_END", FY, 1, None, 1, ("age_band", "1-4"), "F"),
        Expect(la, "CLA_AT_END", FY, 2, None, 2, ("age_band", "5-9"), "C, G"),
        Expect(la, "CLA_AT_END", FY, 1, None, 1, ("age_band", "10-15"), "A"),
        Expect(la, "CLA_AT_END", FY, 1, None, 1, ("age_band", "16-17"), "B"),
        Expect(la, "CLA_AT_END", FY, 0, None, 0, ("age_band", "under 1"), "zero row kept"),
        Expect(la, "CLA_AT_END", FY, 2, None, 2, ("legal_status", "C2"), "A, B"),
        Expect(la, "CLA_AT_END", FY, 1, None, 1, ("legal_status", "E1"), "G"),
        Expect(la, "CLA_AT_END", FY, 0, None, 0, ("legal_status", "L1"), "zero row kept"),
        Expect(la, "CLA_AT_END", FY, 2, None, 2, ("placement_type", "foster"), "A U4, F U6"),
        Expect(la, "CLA_AT_END", FY, 1, None, 1, ("placement_type", "placed_for_adoption"), "G A4"),
        Expect(la, "CLA_AT_END", FY, 0, None, 0, ("placement_type", "independent")),
        Expect(la, "CLA_AT_END", FY, 2, None, 2, ("locality", "North"), "A, B via SW1's team"),
        Expect(la, "CLA_AT_END", FY, 1, None, 1, ("locality", "East"), "C"),
        Expect(la, "CLA_AT_END", FY, 2, None, 2, ("locality", "Unknown"), "F, G have no allocation"),
        # Periods of care started in the year: A, G's second (E is short breaks) = 2; ended: D, G's first.
        Expect(la, "CLA_STARTED", FY, 2, None, 2),
        Expect(la, "CLA_CEASED", FY, 2, None, 2),
        # Known distance at 31/3/19: A 5, B 25.5, F 20, G 31 (C unknown) -> over 20: B, G = 2 of 4.
        Expect(la, "CLA_PLACED_20_MILES_PLUS", FY, 2, 4, 50.0),
    ]


def case_902_child_protection() -> Extract:
    """Child protection: ICPC and RCPC timeliness, plans, repeats, durations, reports to parents and
    the hard cases: a transfer-in conference (P3) and a repeat plan after a plan in another authority."""
    x = Extract("902")
    # P1: S47 from Tue 2018-05-01; ICPC due wd_add(2018-05-01, 15) = Wed 2018-05-23 (7 May bank
    # holiday); held 2018-05-23: on time. Report to parents Tue 22 May = wd_add(23 May, -1): on time.
    # Plan PL1 open. RCPC1 due 2018-08-23 held 2018-08-20 on time, report Fri 17 Aug > Wed 15 Aug =
    # wd_add(20 Aug, -3): late. RCPC2 due add_months(2018-08-20, 6) = 2019-02-20, held 2019-02-27: late.
    x.person("P1", "2012-01-01")
    s = x.s47("P1", "2018-05-01")
    x.icpc("P1", "2018-05-23", s47_id=s, plan_id="PL1", report="2018-05-22")
    x.cp_plan("P1", "PL1", "2018-05-23")
    x.rcpc("P1", "PL1", "2018-08-20", report="2018-08-17")
    x.rcpc("P1", "PL1", "2019-02-27")
    # P2: S47 from Fri 2018-06-01, due 2018-06-22; ICPC Mon 2018-06-25 late, no plan (still counts).
    # Report Thu 21 Jun <= Fri 22 Jun: on time.
    x.person("P2", "2014-01-01")
    s = x.s47("P2", "2018-06-01")
    x.icpc("P2", "2018-06-25", s47_id=s, outcome_plan="N", report="2018-06-21")
    # P3: transfer-in conference 2018-07-10 starts PL3 (counted as started, not in ICPC timeliness).
    # An earlier plan in another authority (ola = Y) ended 2018-06-30: a repeat plan, and within 12
    # months. No review conference held: first due add_months(2018-07-10, 3) = 2018-10-10, so PL3 is
    # overdue at 31/10/18 and at 31/3/19.
    x.person("P3", "2010-01-01")
    x.icpc("P3", "2018-07-10", plan_id="PL3", transfer_in="Y")
    x.cp_plan("P3", "PL3-OLA", "2017-01-01", "2018-06-30", ola="Y")
    x.cp_plan("P3", "PL3", "2018-07-10")
    # P4: an earlier own plan ended 2017-01-15 (more than 12 months before). S47 Mon 2018-08-20, ICPC
    # due wd_add(2018-08-20, 15) = Tue 2018-09-11; held Mon 2018-09-03: on time. PL4b ends 2019-02-01;
    # its review conference due 2018-12-03, held 2018-11-30: on time.
    x.person("P4", "2008-01-01")
    x.cp_plan("P4", "PL4A", "2015-03-01", "2017-01-15")
    s = x.s47("P4", "2018-08-20")
    x.icpc("P4", "2018-09-03", s47_id=s, plan_id="PL4B")
    x.cp_plan("P4", "PL4B", "2018-09-03", "2019-02-01")
    x.rcpc("P4", "PL4B", "2018-11-30")
    # P5: plan 2016-04-01 .. 2018-06-15 ended in the year having lasted 2 years or more
    # (add_months(2016-04-01, 24) = 2018-04-01 <= 2018-06-15). No review conference in the year.
    x.person("P5", "2009-01-01")
    x.cp_plan("P5", "PL5", "2016-04-01", "2018-06-15")
    for d in ("2016-06-30", "2016-12-20", "2017-06-19", "2017-12-18"):
        x.rcpc("P5", "PL5", d)
    # P6, P7, P8: plans open at 31/3/19 started 2017-06-01, 2017-09-30 (exactly 18 months before
    # add_months(2019-03-31, -18) = 2017-09-30: counts) and 2017-10-01 (one day short). All their
    # review conferences on time (PL6: R2 due 2018-02-28 by month-end clamping of 30 Aug + 6 months).
    # PL6's RCPC of Wed 2019-02-20 had the report to parents on Fri 2019-02-15 = wd_add(20 Feb, -3).
    x.person("P6", "2011-01-01")
    x.cp_plan("P6", "PL6", "2017-06-01")
    for d in ("2017-08-30", "2018-02-27", "2018-08-24"):
        x.rcpc("P6", "PL6", d)
    x.rcpc("P6", "PL6", "2019-02-20", report="2019-02-15")
    x.person("P7", "2011-01-01")
    x.cp_plan("P7", "PL7", "2017-09-30")
    for d in ("2017-12-29", "2018-06-28", "2018-12-20"):
        x.rcpc("P7", "PL7", d)
    x.person("P8", "2011-01-01")
    x.cp_plan("P8", "PL8", "2017-10-01")
    for d in ("2017-12-20", "2018-06-19", "2018-12-18"):
        x.rcpc("P8", "PL8", d)
    # P9: ICPC 2018-10-10 linked to an S47 that started after it (2018-10-15): excluded from ICPC
    # timeliness (a linked S47 start not after the conference is required). No plan.
    x.person("P9", "2013-01-01")
    s = x.s47("P9", "2018-10-15")
    x.icpc("P9", "2018-10-10", s47_id=s, outcome_plan="N")
    return x


def expect_902() -> list[Expect]:
    la = "902"
    return [
        # Open at 31/3/19 (own plans only): PL1, PL3, PL6, PL7, PL8 = 5; 5 per 10,000 of 10,000 children.
        Expect(la, "CP_PLANS_AT_END", FY, 5, None, 5),
        Expect(la, "CP_RATE_PER_10K", FY, 5, 10000, 5.0),
        # Started in the year: PL1, PL3 (transfer-in), PL4B = 3.
        Expect(la, "CP_PLANS_STARTED", FY, 3, None, 3),
        # Repeats: PL3 (earlier plan in another LA), PL4B (own plan 2015-17) = 2 of 3.
        Expect(la, "CP_REPEAT_PLANS", FY, 2, 3, 200 / 3),
        # Within 12 months: PL3 only (other LA plan ended 2018-06-30 >= 2017-07-10) = 1 of 3.
        Expect(la, "CP_REPEAT_PLANS_12M", FY, 1, 3, 100 / 3),
        # Ended in the year: PL4B, PL5; 2 years or more: PL5 -> 1 of 2.
        Expect(la, "CP_PLANS_ENDED_2Y_PLUS", FY, 1, 2, 50.0),
        # Open at 31/3/19 and started on or before 2017-09-30: PL6, PL7 = 2.
        Expect(la, "CP_PLANS_OPEN_18M_PLUS", FY, 2, None, 2),
        # ICPCs: P1 on time, P2 late (no plan), P4 on time; P3 transfer-in and P9 (S47 after) out.
        Expect(la, "CP_ICPC_TIMELY", FY, 2, 3, 200 / 3),
        # RCPCs held in the year: PL1 x2 (one late), PL4B, PL6 x2, PL7 x2, PL8 x2 = 9, 8 on time.
        Expect(la, "CP_RCPC_TIMELY", FY, 8, 9, 800 / 9),
        # Overdue: PL3 (first review due 2018-10-10 never held).
        Expect(la, "CP_RCPC_OVERDUE", FY, 1, None, 1),
        Expect(la, "CP_RCPC_OVERDUE", ("month", "2018-10-01"), 1, None, 1),
        Expect(la, "CP_RCPC_OVERDUE", ("month", "2018-09-01"), 0, None, 0),
        # Reports to parents: P1 ICPC yes, P1 RCPC1 no, P2 ICPC yes, PL6 RCPC yes (exactly 3 wd) -> 3 of 4.
        Expect(la, "CP_REPORT_TO_PARENTS_TIMELY", FY, 3, 4, 75.0),
    ]


def case_903_placements() -> Extract:
    """Placement stability: 3+ placements in the year and long-term stability, including a child who
    left care early in the year and came back, and a child under 16 looked after exactly 2.5 years."""
    x = Extract("903")

    def child(pid, dob, episodes, ceased=None):
        x.person(pid, dob)
        x.legal(pid, "C2", episodes[0][1])
        for poc, start, reason, end in episodes:
            x.episode(pid, poc, start, reason, ceased=end)

    # S1: on 1/4/18 in a placement (P, 2017-06-01) = 1; in the year P (1 Jun) and B (1 Dec) = 3;
    # the T move (1 Sep, same carer) does not count. 3 or more: yes.
    child(
        "S1",
        "2008-01-01",
        [
            ("Q1", "2017-01-05", "S", "2017-06-01"),
            ("Q1", "2017-06-01", "P", "2018-06-01"),
            ("Q1", "2018-06-01", "P", "2018-09-01"),
            ("Q1", "2018-09-01", "T", "2018-12-01"),
            ("Q1", "2018-12-01", "B", None),
        ],
    )
    # S2: started in the year: S (1 May) = 1; L and U do not count. No.
    child(
        "S2",
        "2008-01-01",
        [
            ("Q2", "2018-05-01", "S", "2018-08-01"),
            ("Q2", "2018-08-01", "L", "2019-01-10"),
            ("Q2", "2019-01-10", "U", None),
        ],
    )
    # S3: looked after on 1/4/18 in a period of care that ended 31/5/18 (1), back on 1/10/18 (S) and
    # moved 1/2/19 (P): 3. Yes.
    child(
        "S3",
        "2008-01-01",
        [
            ("Q3a", "2017-02-01", "S", "2018-05-31"),
            ("Q3b", "2018-10-01", "S", "2019-02-01"),
            ("Q3b", "2019-02-01", "P", None),
        ],
    )
    # S4: S on 1/4/18 itself counts once (it is both the first-day placement and a start in the year),
    # then P on 1/7/18: 2. No.
    child("S4", "2008-01-01", [("Q4", "2018-04-01", "S", "2018-07-01"), ("Q4", "2018-07-01", "P", None)])
    # S5: four placements but left care before year end: not in the cohort.
    child(
        "S5",
        "2008-01-01",
        [
            ("Q5", "2018-04-02", "S", "2018-05-01"),
            ("Q5", "2018-05-01", "P", "2018-06-01"),
            ("Q5", "2018-06-01", "P", "2018-07-01"),
            ("Q5", "2018-07-01", "P", "2018-08-01"),
        ],
    )
    # Long-term stability at 31/3/19: cohort = under 16 and in care since add_months(2019-03-31, -30)
    # = 2016-09-30 or earlier. L1 started exactly 2016-09-30 (2.5 years), never moved: stable.
    child("L1", "2005-01-01", [("QL1", "2016-09-30", "S", None)])
    # L2 started 2016-10-01: one day short of 2.5 years: not in the cohort.
    child("L2", "2005-01-01", [("QL2", "2016-10-01", "S", None)])
    # L3 is 16 on 30/3/19: not under 16, not in the cohort.
    child("L3", "2003-03-30", [("QL3", "2015-01-01", "S", None)])
    # L4: latest S/P/B episode 2017-04-01, after add_months(2019-03-31, -24) = 2017-03-31: not stable
    # (the later T move is the same carer and does not matter).
    child(
        "L4",
        "2008-01-01",
        [
            ("QL4", "2014-05-05", "S", "2017-04-01"),
            ("QL4", "2017-04-01", "P", "2018-01-01"),
            ("QL4", "2018-01-01", "T", None),
        ],
    )
    # L5: latest S/P/B episode exactly 2017-03-31: stable (the later L episode is a legal change only).
    child(
        "L5",
        "2010-02-02",
        [
            ("QL5", "2015-06-01", "S", "2017-03-31"),
            ("QL5", "2017-03-31", "P", "2018-05-05"),
            ("QL5", "2018-05-05", "L", None),
        ],
    )
    return x


def expect_903() -> list[Expect]:
    la = "903"
    return [
        # Looked after at 31/3/19: S1 S2 S3 S4 L1 L2 L3 L4 L5 = 9 (S5 left). 3+: S1, S3 = 2 of 9.
        # The L children each had 1 placement in the year (the one held on 1/4/18).
        Expect(la, "CLA_3PLUS_PLACEMENTS", FY, 2, 9, 200 / 9),
        # Cohort L1 (exactly 2.5 years), L4, L5; stable L1, L5 = 2 of 3.
        Expect(la, "CLA_LONG_TERM_STABILITY", FY, 2, 3, 200 / 3),
        Expect(la, "CLA_AT_END", FY, 9, None, 9),
    ]


def case_904_challenges() -> Extract:
    """IRO challenges: types, the MA escalated into a PR, the highest level reached, open over 4 weeks,
    median days to resolve and challenges per 100 CLA reviews."""
    x = Extract("904")
    x.team("T1", "Team North 1", "North")
    x.team("T2", "Team East 1", "East")
    x.professional("SW1", team_id="T1")
    x.professional("SW2", team_id="T2")
    # Four children in care all year, two reviews each in the year: 8 CLA reviews held.
    for i, team in ((1, "T1"), (2, "T1"), (3, "T2"), (4, "T2")):
        pid = f"X{i}"
        x.person(pid, "2010-01-01")
        x.episode(pid, f"QX{i}", "2017-01-02", "S")
        x.legal(pid, "C2", "2017-01-02")
        x.involvement("SW1" if team == "T1" else "SW2", pid, "SW", "2017-01-01", team_id=team)
        x.review(pid, f"QX{i}", "2018-05-01", "PN1")
        x.review(pid, f"QX{i}", "2018-10-30", "PN1")
    # C1: MA (X1, North) raised 1/5/18, escalated into the PR C2 on 20/5/18, which closes it: 19 days.
    x.challenge("C1", "X1", "2018-05-01", "MA", "CLA", "COMPLIANCE", resolved="2018-05-20")
    x.stage("C1", 1, "PRACTICE_MANAGER", "2018-05-01")
    # C2: PR from the MA; stages PM, TM, SM: level SERVICE_MANAGER; resolved 19/7/18: 60 days.
    x.challenge(
        "C2",
        "X1",
        "2018-05-20",
        "PR",
        "CLA",
        "PLAN_IMPLEMENTATION",
        resolved="2018-07-19",
        escalated_from="C1",
    )
    x.stage("C2", 1, "PRACTICE_MANAGER", "2018-05-20")
    x.stage("C2", 2, "TEAM_MANAGER", "2018-06-10")
    x.stage("C2", 3, "SERVICE_MANAGER", "2018-07-01")
    # C3: PR (CP) raised before the year (10/3/18), resolved in it (9/4/18) at PM: 30 days.
    x.challenge("C3", "X3", "2018-03-10", "PR", "CP", "PRACTICE", resolved="2018-04-09")
    x.stage("C3", 1, "PRACTICE_MANAGER", "2018-03-10")
    # C4: PR (X3, East) raised 1/11/18, still open at 31/3/19: open over 4 weeks.
    x.challenge("C4", "X3", "2018-11-01", "PR", "CLA", "DRIFT_DELAY")
    x.stage("C4", 1, "PRACTICE_MANAGER", "2018-11-01")
    x.stage("C4", 2, "TEAM_MANAGER", "2018-12-01")
    # C5: MA (CP, X4, East) raised 10/3/19, open but within 4 weeks (cut-off 2019-03-03).
    x.challenge("C5", "X4", "2019-03-10", "MA", "CP", "COMPLIANCE")
    # C6: PR (X2, North) 3/9/18 - 13/9/18 (10 days); started at TM then handed down to PM: the
    # highest level reached is TEAM_MANAGER, not the last stage's.
    x.challenge("C6", "X2", "2018-09-03", "PR", "CLA", "PRACTICE", resolved="2018-09-13")
    x.stage("C6", 1, "TEAM_MANAGER", "2018-09-03")
    x.stage("C6", 2, "PRACTICE_MANAGER", "2018-09-06")
    # C7, C9 informal; C8 good practice (never a challenge).
    x.challenge("C7", "X1", "2018-06-01", "INFORMAL", "CLA")
    x.challenge("C8", "X2", "2018-07-01", "GOOD_PRACTICE", "CP")
    x.challenge("C9", "X2", "2018-12-01", "INFORMAL", "CP")
    # C10: MA raised before the year (20/3/18), never resolved: open over 4 weeks at 31/3/19, not
    # raised in the year. No category recorded.
    x.challenge("C10", "X4", "2018-03-20", "MA", "CLA")
    return x


def expect_904() -> list[Expect]:
    la = "904"
    raised = ("IRO_CHALLENGES_RAISED", FY)
    return [
        # PR/MA raised in the year: C1 MA, C2 PR, C4 PR, C5 MA, C6 PR = 5 (the MA and its PR both count).
        Expect(la, *raised, 5, None, 5),
        Expect(la, *raised, 3, None, 3, ("challenge_type", "PR")),
        Expect(la, *raised, 2, None, 2, ("challenge_type", "MA")),
        Expect(la, *raised, 4, None, 4, ("subject", "CLA")),
        Expect(la, *raised, 1, None, 1, ("subject", "CP")),
        Expect(la, *raised, 2, None, 2, ("category", "COMPLIANCE"), "C1, C5"),
        Expect(la, *raised, 0, None, 0, ("category", "Unknown"), "C10 was raised before the year"),
        Expect(la, *raised, 3, None, 3, ("locality", "North"), "C1, C2 (X1), C6 (X2)"),
        Expect(la, *raised, 2, None, 2, ("locality", "East"), "C4 (X3), C5 (X4)"),
        Expect(la, "IRO_INFORMAL_CHALLENGES", FY, 2, None, 2),
        Expect(la, "IRO_GOOD_PRACTICE_NOTES", FY, 1, None, 1),
        # Open at 31/3/19, raised on or before 3/3/19: C4, C10.
        Expect(la, "IRO_CHALLENGES_OPEN_OVER_4W", FY, 2, None, 2),
        # PRs resolved in the year: C2 (SERVICE_MANAGER), C3 (PRACTICE_MANAGER), C6 (TEAM_MANAGER).
        *[
            Expect(la, "IRO_CHALLENGE_RESOLUTION_LEVEL", FY, n, 3, 100 * n / 3, ("level", lvl))
            for lvl, n in {
                "PRACTICE_MANAGER": 1,
                "TEAM_MANAGER": 1,
                "SERVICE_MANAGER": 1,
                "HEAD_OF_SERVICE": 0,
                "DIRECTOR": 0,
                "CAFCASS": 0,
            }.items()
        ],
        # PR/MA resolved in the year: C1 19, C2 60, C3 30, C6 10 days -> median (19 + 30) / 2 = 24.5.
        Expect(la, "IRO_CHALLENGE_DAYS_TO_RESOLVE", FY, None, 4, 24.5),
        # CLA challenges raised (C1, C2, C4, C6) per 100 CLA reviews held (8): 50.
        Expect(la, "IRO_CHALLENGES_PER_100_REVIEWS", FY, 4, 8, 50.0),
    ]


def case_905_caseloads() -> Extract:
    """IRO caseloads at 31/3/19. I1 (1 FTE) holds K1, K2 (CLA), K3 (CP), K4 (CLA and CP: once, as
    CLA) and K5 (neither: not counted). I2 (0.05 FTE, so that a tiny case reaches the Handbook range)
    holds K6 (CP), K7 and K9 (CLA). I3's only involvement ended before the date: I3 holds nobody and its
    FTE is not in the divisor."""
    x = Extract("905")
    x.professional("I1", "Independent Reviewing Officer", "1")
    x.professional("I2", "Independent Reviewing Officer", "0.05")
    x.professional("I3", "Independent Reviewing Officer", "1")

    def cla(pid):
        x.episode(pid, "Q" + pid, "2018-01-01", "S")
        x.legal(pid, "C2", "2018-01-01")

    def cp(pid):
        x.cp_plan(pid, "PL" + pid, "2018-01-01")

    for pid, iro, kinds in (
        ("K1", "I1", "L"),
        ("K2", "I1", "L"),
        ("K3", "I1", "P"),
        ("K4", "I1", "LP"),
        ("K5", "I1", ""),
        ("K6", "I2", "P"),
        ("K7", "I2", "L"),
        ("K9", "I2", "L"),
    ):
        x.person(pid, "2010-01-01")
        if "L" in kinds:
            cla(pid)
        if "P" in kinds:
            cp(pid)
        x.involvement(iro, pid, "IRO", "2018-01-01")
    x.person("K8", "2010-01-01")
    cla("K8")
    x.involvement("I3", "K8", "IRO", "2018-01-01", end="2019-03-01")
    x.involvement("I1", "K8", "IRO", "2019-03-01", end="2019-03-31")  # ends on the date: not open at it
    return x


def expect_905() -> list[Expect]:
    la = "905"
    fte = 1.05
    return [
        # CLA K1 K2 K4 K7 K9 = 5, CP K3 K6 = 2: 7 children over 1.05 FTE = 6.667.
        Expect(la, "IRO_CASELOAD_AVG", FY, 7, fte, 7 / fte),
        Expect(la, "IRO_CASELOAD_AVG", FY, 5, fte, 5 / fte, ("caseload_kind", "CLA")),
        Expect(la, "IRO_CASELOAD_AVG", FY, 2, fte, 2 / fte, ("caseload_kind", "CP")),
        # Weighted: (5 x 1.5 + 2 x 1) / 1.05 = 9.048.
        Expect(la, "IRO_CASELOAD_WEIGHTED", FY, 9.5, fte, 9.5 / fte),
        # Per IRO: I1 4 / 1 = 4 (outside 50-70), I2 3 / 0.05 = 60 (inside): 1 of 2.
        Expect(la, "IRO_CASELOAD_WITHIN_HANDBOOK", FY, 1, 2, 50.0),
    ]


CASES = [
    case_901_cla_reviews,
    case_902_child_protection,
    case_903_placements,
    case_904_challenges,
    case_905_caseloads,
]
EXPECTATIONS = expect_901() + expect_902() + expect_903() + expect_904() + expect_905()
