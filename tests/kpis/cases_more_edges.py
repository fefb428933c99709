"""More hand-worked edge cases, each number worked out in the comments: a period of care starting
exactly on the history_start, a short-break period's unheld review beside a later ordinary period, the
months and years before the history window (no row at all), RAG colours exactly on target, health
checks on the period end and exactly 12 months before it, a missing episode starting on the period
end, an IRO whose FTE is 0, and late reviews of periods of care starting on and before the
history_start.

FY = 2018-04-01 .. 2019-03-31, t = 2019-03-31, extract taken 2019-04-01; add_months(t, -12) =
2018-03-31. Bank holidays that matter: 2018-04-02 (Easter Monday), 2018-05-07, 2018-05-28, 2018-08-27.
"""

from __future__ import annotations

from tests.kpis.cases import FY, Expect
from tests.kpis.cases_corporate_parenting import _check, _child, _missing
from tests.kpis.cases_edges import cla_child, month
from tests.kpis.cases_v2 import FY_2017, ExtractWithHistory
from tests.kpis.extracts import Extract


def case_920_history_start_and_short_breaks() -> Extract:
    """The manifest says history is complete from 2018-04-01 (history_start)."""
    x = ExtractWithHistory("920", history_start="2018-04-01")
    # P: a period of care from Sun 2018-04-01, exactly the history_start: its chain starts inside the
    # history, so its reviews have statutory due dates and its second review is known to be the second.
    # First due wd_add(Sun 1/4/18, 20): Mon 2/4 is Easter Monday, the 20 working days are 3/4 .. 30/4:
    # due Mon 2018-04-30, held Fri 2018-04-20: on time. Second due add_months(2018-04-20, 3) =
    # 2018-07-20, held Mon 2018-07-16 with a permanence plan agreed: on time. Third due
    # add_months(2018-07-16, 6) = 2019-01-16, held 2019-01-10: on time. Next due 2019-07-10.
    x.person("P", "2008-01-01")
    x.legal("P", "C2", "2018-04-01")
    x.episode("P", "Q-P", "2018-04-01", "S")
    x.review("P", "Q-P", "2018-04-20", "PN1")
    x.review("P", "Q-P", "2018-07-16", "PN1", clrd_permanence_plan_agreed="Y")
    x.review("P", "Q-P", "2019-01-10", "PN1")
    # R: a short-break period (legal status V3 only) from Tue 2018-04-03 to 2018-06-29. Its first review
    # would be due wd_add(Tue 3/4/18, 20) = Tue 2018-05-01 (4/4 .. 1/5), inside the short-break period,
    # and is never held: a short break's review is in no measure, so it does not make R late.
    x.person("R", "2009-01-01")
    x.legal("R", "V3", "2018-04-03", end="2018-06-29")
    x.episode("R", "Q-SB", "2018-04-03", "S", ceased="2018-06-29")
    # R's ordinary period of care from Wed 2018-08-01 (C2): first due wd_add(Wed 1/8/18, 20) = Thu
    # 2018-08-30 (27/8 is a bank holiday: 2/8 .. 30/8), held 2018-08-20: on time. Second due
    # add_months(2018-08-20, 3) = 2018-11-20, held 2018-11-19, no permanence plan: on time. Next due
    # add_months(2018-11-19, 6) = 2019-05-19.
    x.legal("R", "C2", "2018-08-01")
    x.episode("R", "Q-R", "2018-08-01", "S")
    x.review("R", "Q-R", "2018-08-20", "PN1")
    x.review("R", "Q-R", "2018-11-19", "PN1", clrd_permanence_plan_agreed="N")
    return x


def expect_920() -> list[Expect]:
    la = "920"
    return [
        # Looked after at t: P and R (ordinary period) = 2. At 30/4/18: P only (R's short break is out).
        Expect(la, "CLA_AT_END", FY, 2, None, 2),
        Expect(la, "CLA_AT_END", month("2018-04-01"), 1, None, 1, why="the first month of the history"),
        # The first month and year are the first starting on or after history_start: no March 2018, no
        # 2017-18 at all (not a zero: no row).
        Expect(la, "CLA_AT_END", month("2018-03-01"), None, None, None, why="before history", absent=True),
        Expect(la, "CLA_AT_END", FY_2017, None, None, None, why="before history_start", absent=True),
        # Reviews held in the year: P 3, R 2 = 5, all due dates known and met: 100%, exactly the target
        # of 100 (higher is better): green.
        Expect(la, "CLA_REVIEWS_HELD", FY, 5, None, 5),
        Expect(la, "CLA_REVIEWS_TIMELY", FY, 5, 5, 100.0, why="target 100 met exactly", rag="green"),
        # Cohort at t (looked after, 20 working days since the period's start): P (30/4/18) and R
        # (30/8/18). Every step due in the year while in an ordinary period held on time; R's short
        # break's unheld step of 1/5/18 is not judged: 2 of 2, on the target: green.
        Expect(
            la, "CLA_CHILDREN_REVIEWS_TIMELY", FY, 2, 2, 100.0, why="R's short break not judged", rag="green"
        ),
        # Second reviews with details: P's (plan agreed; the period starts ON the history_start, not
        # before it) and R's (no plan): 1 of 2.
        Expect(la, "CLA_PERMANENCE_AT_SECOND_REVIEW", FY, 1, 2, 50.0, why="P's starts on history_start"),
        # Overdue at t: none (P next due 2019-07-10, R 2019-05-19): 0, exactly the target of 0 (lower
        # is better, no amber band): green.
        Expect(la, "CLA_REVIEWS_OVERDUE", FY, 0, None, 0, why="target 0 met exactly", rag="green"),
    ]


def case_921_health_and_missing_on_t() -> Extract:
    x = Extract("921")
    x.team("T1", "Team North 1", "North")
    x.professional("SW1", team_id="T1")
    # G1 (age 11 at t) and G2 (age 10), both looked after since 2017-06-01: the OC2 cohort at t.
    # G1: health assessment ON t (inside the 12 months: t - 12 months < date <= t); dental check on
    # 2018-03-31 = add_months(t, -12) exactly (outside); a missing episode starting and ending ON t
    # while looked after, return home interview offered and accepted.
    _child(x, "G1", "2008-01-01", "2017-06-01")
    _check(x, "G1", "HEALTH_ASSESSMENT", "2019-03-31")
    _check(x, "G1", "DENTAL_CHECK", "2018-03-31")
    _missing(x, "G1", "2019-03-31", "2019-03-31", offered="Y", accepted="Y")
    # G2: health assessment and dental check on 2018-04-01, the first day inside the 12 months; a
    # missing episode starting and ending on 2018-04-01, the year's first day, interview offered,
    # acceptance not recorded (not accepted).
    _child(x, "G2", "2009-01-01", "2017-06-01")
    _check(x, "G2", "HEALTH_ASSESSMENT", "2018-04-01")
    _check(x, "G2", "DENTAL_CHECK", "2018-04-01")
    _missing(x, "G2", "2018-04-01", "2018-04-01", offered="Y")
    # G3: in care from 2019-02-28, February's last day; G5 from 2019-03-01, the day after. G4: left care
    # on 2018-04-01 (the ceased date is not a day in care: last looked after on 2018-03-31).
    _child(x, "G3", "2010-01-01", "2019-02-28")
    _child(x, "G5", "2010-01-01", "2019-03-01")
    _child(x, "G4", "2010-01-01", "2017-06-01", ceased="2018-04-01")
    return x


def expect_921() -> list[Expect]:
    la = "921"
    return [
        # G1 (assessed on t) and G2 (on 1/4/18): 2 of 2.
        Expect(la, "CLA_HEALTH_ASSESSMENT_UP_TO_DATE", FY, 2, 2, 100.0, why="G1 assessed on t"),
        # Both aged 1 or more; G2's check counts, G1's of 31/3/18 is 12 months before t: 1 of 2.
        Expect(la, "CLA_DENTAL_CHECK", FY, 1, 2, 50.0, why="G1's check exactly 12 months before t"),
        # Missing episodes starting in the year while looked after: G1's on t and G2's on 1/4/18 = 2;
        # in March 2019 G1's, starting on t.
        Expect(la, "CLA_MISSING_EPISODES", FY, 2, None, 2, why="starts on t and on 1 April"),
        Expect(la, "CLA_MISSING_EPISODES", month("2019-03-01"), 1, None, 1, why="starts on t"),
        # Looked after at some time in the year: G1, G2, G3, G5, not G4 (left on the year's first day);
        # G1 and G2 went missing: 2 of 4.
        Expect(la, "CLA_MISSING_CHILDREN_PCT", FY, 2, 4, 50.0, why="not G4, left care on 1 April"),
        # February 2019: G1, G2 and G3 (in care from February's last day), not G5 (from 1 March); none
        # went missing in February: 0 of 3.
        Expect(la, "CLA_MISSING_CHILDREN_PCT", month("2019-02-01"), 0, 3, 0.0, why="G3 from 28/2, G5 1/3"),
        # Return home interviews: both episodes ended in the year (G1's on t, G2's on 1 April), both
        # offered: 2 of 2; accepted: G1's, G2's not recorded: 1 of 2.
        Expect(la, "CLA_MISSING_RHI_OFFERED", FY, 2, 2, 100.0, why="ended on t and on 1 April"),
        Expect(la, "CLA_MISSING_RHI_ACCEPTED", FY, 1, 2, 50.0, why="G2's acceptance not recorded"),
    ]


def case_922_iro_fte_zero() -> Extract:
    x = Extract("922")
    # K1 (1 FTE) holds I1; K2, with an FTE of 0 (not recorded as a working IRO), holds I2: K2 and the
    # child only it holds are left out of the caseloads (docs/kpis.md: blank or 0, never taken as 1).
    x.professional("K1", "Independent Reviewing Officer", "1")
    x.professional("K2", "Independent Reviewing Officer", "0")
    for pid, iro in (("I1", "K1"), ("I2", "K2")):
        cla_child(x, pid, ("Q" + pid, "2018-01-02", None))
        x.involvement(iro, pid, "IRO", "2018-01-02")
    return x


def expect_922() -> list[Expect]:
    la = "922"
    return [
        # At t: I1 over K1's 1 FTE = 1 (I2 only held by K2, FTE 0: out); weighted 1.5 x 1 / 1.
        Expect(la, "IRO_CASELOAD_AVG", FY, 1, 1, 1.0, why="K2 (FTE 0) and I2 left out"),
        Expect(la, "IRO_CASELOAD_AVG", FY, 1, 1, 1.0, ("caseload_kind", "CLA"), "K2 (FTE 0) left out"),
        Expect(la, "IRO_CASELOAD_WEIGHTED", FY, 1.5, 1, 1.5, why="K2 (FTE 0) left out"),
    ]


def case_923_reviews_around_history_start() -> Extract:
    """The manifest says history is complete from 2018-04-01 (history_start). Two periods of care start
    exactly on it (their chains are judged by the statutory dates), one before it (its earliest review
    in the extract has no due date; the next is due 6 months after it). Every review PN1."""
    x = ExtractWithHistory("923", history_start="2018-04-01")

    def child(pid, start, *reviews):
        x.person(pid, "2008-01-01")
        x.legal(pid, "C2", start)
        x.episode(pid, "Q-" + pid, start, "S")
        for d in reviews:
            x.review(pid, "Q-" + pid, d, "PN1")

    # S1 from Sun 2018-04-01: first due wd_add(Sun 1/4/18, 20) = Mon 2018-04-30 (Easter Monday 2/4),
    # held Wed 2018-05-02: LATE. Second due add_months(2018-05-02, 3) = 2018-08-02, held 2018-08-01: on
    # time. Third due add_months(2018-08-01, 6) = 2019-02-01, held 2019-01-31: on time. Next due
    # 2019-07-31.
    child("S1", "2018-04-01", "2018-05-02", "2018-08-01", "2019-01-31")
    # S2 from Sun 2018-04-01: first due 2018-04-30, held 2018-04-27: on time. Second due
    # add_months(2018-04-27, 3) = 2018-07-27, held 2018-08-24: LATE (6 months, 2018-10-27, is only for a
    # chain starting before history_start). Third due add_months(2018-08-24, 6) = 2019-02-24, held
    # 2019-02-22: on time. Next due 2019-08-22.
    child("S2", "2018-04-01", "2018-04-27", "2018-08-24", "2019-02-22")
    # S3 in care since 2017-01-09, before history_start: its earliest review in the extract,
    # 2018-12-20, has no case-system due date: unknown. The next is due add_months(2018-12-20, 6) =
    # 2019-06-20: after t, neither due in the year nor overdue (3 months would be 2019-03-20).
    child("S3", "2017-01-09", "2018-12-20")
    return x


def expect_923() -> list[Expect]:
    la = "923"
    july = month("2018-07-01")
    return [
        # Held in the year: S1 3, S2 3, S3 1 = 7. Due dates known: all but S3's (unknown) = 6; on time:
        # S1's second and third, S2's first and third = 4.
        Expect(la, "CLA_REVIEWS_HELD", FY, 7, None, 7),
        Expect(la, "CLA_REVIEWS_TIMELY", FY, 4, 6, 400 / 6, why="S1 1st, S2 2nd late (3 months)"),
        # Cohort at t: S1, S2 (S3's only review in the year is unknown: out of the cohort). S1 failed
        # its first step, S2 its second: 0 of 2.
        Expect(la, "CLA_CHILDREN_REVIEWS_TIMELY", FY, 0, 2, 0.0, why="S1 1st, S2 2nd late; S3 out"),
        # Overdue at t: none (next due S1 2019-07-31, S2 2019-08-22, S3 2019-06-20).
        Expect(la, "CLA_REVIEWS_OVERDUE", FY, 0, None, 0, why="S3 next due 6 months on"),
        # July 2018, t = 2018-07-31: S2's second review, due 2018-07-27, is not held by t: overdue (S1's
        # next is due 2018-08-02; S3's current step has no due date). Cohort S1, S2, S3: only S2 has a
        # step due in July, not held on time: 2 of 3.
        Expect(la, "CLA_REVIEWS_OVERDUE", july, 1, None, 1, why="S2 due 2018-07-27"),
        Expect(la, "CLA_CHILDREN_REVIEWS_TIMELY", july, 2, 3, 200 / 3, why="S2 due 2018-07-27"),
    ]


def case_924_amber_on_its_edge() -> Extract:
    """A child in care since 2017-01-09 with ten reviews in the year (additional reviews are reviews):
    decisions recorded on the review day for nine, and for the review of Mon 2018-06-04 on Tue
    2018-06-12, 6 working days after (5 allowed: wd_add(2018-06-04, 5) = Mon 2018-06-11): late."""
    x = Extract("924")
    cla_child(x, "A1", ("Q-A1", "2017-01-09", None))
    for d in ("2018-04-10", "2018-05-15", "2018-06-04", "2018-07-10", "2018-08-14", "2018-09-11",
              "2018-10-09", "2018-11-13", "2019-01-15", "2019-02-12"):  # fmt: skip
        decided = "2018-06-12" if d == "2018-06-04" else d
        x.review("A1", "Q-A1", d, "PN1", clrd_decisions_recorded_date=decided)
    return x


def expect_924() -> list[Expect]:
    return [
        # 9 of 10 decisions on time = 90%: exactly the target of 95 less the amber band of 5 (higher is
        # better): amber, not red.
        Expect("924", "CLA_REVIEW_DECISIONS_TIMELY", FY, 9, 10, 90.0, why="target - amber band", rag="amber"),
    ]


# collected by tests/kpis/all_cases.py: built by the shared KPI build, values checked by test_hand_worked
CASES = [
    case_920_history_start_and_short_breaks,
    case_921_health_and_missing_on_t,
    case_922_iro_fte_zero,
    case_923_reviews_around_history_start,
    case_924_amber_on_its_edge,
]
EXPECTATIONS = expect_920() + expect_921() + expect_922() + expect_923() + expect_924()
