"""Hand-worked edge cases: the boundaries a plausible bug moves. Working days from a weekend or bank
holiday, due and held dates exactly on a period end, episodes and plans ending (or starting) exactly at
a period end, "every" (not "any") legal status V3/V4 for short breaks, restarted periods of care, a
child with two IROs, an ICPC on the S47 start day, a transfer-in flagged only in the extension table,
the monthly child-level measure, and month-end clamping into February of leap and non-leap years.

Each case is its own authority (96x). Extract 2019-04-01 (FY 2018-19 = 2018-04-01 .. 2019-03-31)
unless stated. Bank holidays that matter: 2017-05-01, 2017-05-29, 2018-03-30, 2018-04-02, 2018-05-07,
2018-05-28, 2018-08-27, 2018-12-25/26, 2019-01-01, 2019-04-19, 2019-04-22. A weekend or bank-holiday
start d is day 0 and counts as the working day before it: wd_add(Sat, 1) is the Monday.
"""

from __future__ import annotations

from tests.kpis.cases import FY, Expect
from tests.kpis.extracts import Extract


def month(start: str) -> tuple[str, str]:
    return ("month", start)


def cla_child(x: Extract, pid: str, *periods, dob: str = "2008-01-01", legal: str = "C2") -> None:
    """A child with one legal status from the first period's start and periods (poc, start, ceased)."""
    x.person(pid, dob)
    x.legal(pid, legal, periods[0][1])
    for poc, start, ceased in periods:
        x.episode(pid, poc, start, "S", ceased=ceased)


def case_961_review_dates() -> Extract:
    """CLA review chains that start on a weekend or bank holiday, fall due or are held exactly on a
    period end, and the monthly child-level measure (CLA_CHILDREN_REVIEWS_TIMELY by month)."""
    x = Extract("961")
    # W1: period of care from Sat 2018-08-25. First review due wd_add(Sat 25 Aug, 20) = Mon 2018-09-24
    # (Saturday counts as Friday; Mon 27 Aug is a bank holiday), held Mon 24 Sep: on time, on the due
    # date. Second due add_months(2018-09-24, 3) = 2018-12-24, held 2018-12-20: on time. Next due
    # 2019-06-20.
    cla_child(x, "W1", ("POC-W1", "2018-08-25", None))
    x.review("W1", "POC-W1", "2018-09-24", "PN1")
    x.review("W1", "POC-W1", "2018-12-20", "PN1")
    # W2: period of care from the Early May bank holiday, Mon 2018-05-07. First review due
    # wd_add(7 May, 20) = Tue 2018-06-05 (28 May is a bank holiday too), held Wed 2018-06-06: LATE by a
    # day (counting from Tue 8 May would make it on time). Second due 2018-09-06, held then: on time.
    # Third due add_months(2018-09-06, 6) = 2019-03-06, held then: on time. Next due 2019-09-06.
    cla_child(x, "W2", ("POC-W2", "2018-05-07", None))
    for d in ("2018-06-06", "2018-09-06", "2019-03-06"):
        x.review("W2", "POC-W2", d, "PN1")
    # E1: period of care from Mon 2018-12-03. First review due wd_add(3 Dec, 20) = Thu 2019-01-03
    # (Christmas, Boxing Day and New Year), held Mon 2018-12-31: on time. Second due
    # add_months(2018-12-31, 3) = 2019-03-31, exactly the year's (and March's) end, never held: NOT
    # overdue at 31/3/19 (due on t, not before it) but due in the period and not held by its end, so
    # E1 fails the child-level measure for the year and for March.
    cla_child(x, "E1", ("POC-E1", "2018-12-03", None))
    x.review("E1", "POC-E1", "2018-12-31", "PN1")
    # H1: period of care from Tue 2018-07-03. First review due wd_add(3 Jul, 20) = Tue 2018-07-31 =
    # July's end, held then: on time; H1 has exactly 20 working days at 31/7 and is in July's cohort.
    # Second due add_months(2018-07-31, 3) = 2018-10-31 = October's end, held Wed 2018-10-31: on time,
    # and counted in October (not November). Next due 2019-04-30.
    cla_child(x, "H1", ("POC-H1", "2018-07-03", None))
    x.review("H1", "POC-H1", "2018-07-31", "PN1")
    x.review("H1", "POC-H1", "2018-10-31", "PN1")
    # M1: in care since Mon 2017-01-09. Chain: 2017-02-06 (due wd_add(9 Jan 2017, 20) = 6 Feb), 2017-05-05
    # (due 6 May), 2017-11-03 (due 5 Nov), 2018-05-03 (due 3 May): all on time; 2018-11-05 was due
    # add_months(2018-05-03, 6) = 2018-11-03: LATE. Next due 2019-05-05.
    cla_child(x, "M1", ("POC-M1", "2017-01-09", None))
    for d in ("2017-02-06", "2017-05-05", "2017-11-03", "2018-05-03", "2018-11-05"):
        x.review("M1", "POC-M1", d, "PN1")
    # F1: period of care from Mon 2018-09-03; first review due wd_add(3 Sep, 20) = Mon 2018-10-01, the
    # first day of October, held 2 Oct: LATE. Second due add_months(2018-10-02, 3) = 2019-01-02, held
    # 2018-12-21: on time. Next due 2019-06-21.
    cla_child(x, "F1", ("POC-F1", "2018-09-03", None))
    x.review("F1", "POC-F1", "2018-10-02", "PN1")
    x.review("F1", "POC-F1", "2018-12-21", "PN1")
    return x


def expect_961() -> list[Expect]:
    la = "961"
    timely = "CLA_CHILDREN_REVIEWS_TIMELY"
    return [
        # Held in the year: W1 2, W2 3, E1 1, H1 2, M1 2, F1 2 = 12; late: W2's first, M1's 5 Nov, F1's
        # first -> 9 of 12.
        Expect(la, "CLA_REVIEWS_HELD", FY, 12, None, 12),
        Expect(la, "CLA_REVIEWS_TIMELY", FY, 9, 12, 75.0, why="late: W2 R1 (BH start), M1 R5, F1 R1"),
        Expect(la, "CLA_REVIEWS_TIMELY", month("2018-06-01"), 0, 1, 0.0, why="W2 R1 due 5 Jun held 6 Jun"),
        Expect(la, "CLA_REVIEWS_TIMELY", month("2018-09-01"), 2, 2, 100.0, why="W1 R1 (Sat start), W2 R2"),
        Expect(la, "CLA_REVIEWS_TIMELY", month("2018-10-01"), 1, 2, 50.0, why="H1 held on 31 Oct; F1 late"),
        Expect(la, "CLA_REVIEWS_TIMELY", month("2018-11-01"), 0, 1, 0.0, why="M1 due 3 Nov held 5 Nov"),
        # Overdue at 31/3/19: E1's second review is due ON 31/3, not before it: nobody.
        Expect(la, "CLA_REVIEWS_OVERDUE", FY, 0, None, 0, why="E1 due on period end is not overdue"),
        Expect(la, "CLA_REVIEWS_OVERDUE", month("2019-03-01"), 0, None, 0),
        # Child level, year (t = 31/3/19): all six looked after for 20+ working days (E1 since 3 Jan).
        # Steps due in the year: W1 24 Sep, 24 Dec on time; W2 5 Jun late; E1 3 Jan on time, 31 Mar not
        # held; H1 31 Jul, 31 Oct on time; M1 3 May on time, 3 Nov late; F1 1 Oct late. All on time:
        # W1, H1 = 2 of 6.
        Expect(la, timely, FY, 2, 6, 200 / 6, why="W1, H1 of W1 W2 E1 H1 M1 F1"),
        # June (t = 30/6): W2 (20 wd on 5 Jun) and M1. Due in June: W2's 5 Jun, held late -> 1 of 2.
        Expect(la, timely, month("2018-06-01"), 1, 2, 50.0, why="M1 of W2, M1"),
        # July (t = 31/7): W2, M1 and H1 (exactly 20 wd: wd_add(3 Jul, 20) = 31 Jul). Due in July: H1's
        # 31 Jul, held that day -> 3 of 3.
        Expect(la, timely, month("2018-07-01"), 3, 3, 100.0, why="H1 enters the cohort on its 20th wd"),
        # October (t = 31/10): W1, W2, H1, M1, F1 (20 wd on 1 Oct). Due in October: H1's 31 Oct (held that
        # day), F1's 1 Oct, the month's first day (held 2 Oct) -> 4 of 5.
        Expect(la, timely, month("2018-10-01"), 4, 5, 80.0, why="F1 due on the month's first day, late"),
        # November (t = 30/11): W1, W2, H1, M1, F1 (E1 not yet in care). Due in November: M1's 3 Nov,
        # held 5 Nov -> 4 of 5.
        Expect(la, timely, month("2018-11-01"), 4, 5, 80.0, why="M1 late"),
        # December (t = 31/12): E1 is not in the cohort (20 wd only on 3 Jan). W1's 24 Dec held 20 Dec.
        Expect(la, timely, month("2018-12-01"), 5, 5, 100.0, why="E1 not yet 20 working days"),
        # January (t = 31/1): E1 joins; its first review due 3 Jan was held 31 Dec; F1's due 2 Jan held
        # 21 Dec -> 6 of 6.
        Expect(la, timely, month("2019-01-01"), 6, 6, 100.0),
        # March (t = 31/3): W2's 6 Mar on time; E1's due 31 Mar not held -> 5 of 6.
        Expect(la, timely, month("2019-03-01"), 5, 6, 500 / 6, why="E1 due on the month end, not held"),
    ]


def case_962_periods_of_care() -> Extract:
    """Episodes ending or starting exactly at a period end, "every" vs "any" legal status V3/V4 for
    short breaks (with a status ending on the day a period starts), and restarted periods of care."""
    x = Extract("962")
    # X1: period 2018-01-08 .. 2019-03-31: ceased ON the year end: not looked after at 31/3/19
    # (ceased_date > t is needed), ceased in the year. Reviews 2018-02-05 (due wd_add(8 Jan, 20) = 5 Feb),
    # 2018-05-04 (due 5 May; second review, permanence N), 2018-11-02 (due 4 Nov): all on time.
    cla_child(x, "X1", ("POC-X1", "2018-01-08", "2019-03-31"))
    x.review("X1", "POC-X1", "2018-02-05", "PN1")
    x.review("X1", "POC-X1", "2018-05-04", "PN1", clrd_permanence_plan_agreed="N")
    x.review("X1", "POC-X1", "2018-11-02", "PN1")
    # X2: period 2018-06-04 .. 2018-10-31: ceased ON October's end. Reviews 2018-06-29 (due 2 Jul),
    # 2018-09-28 (due 29 Sep; second, permanence Y): on time.
    cla_child(x, "X2", ("POC-X2", "2018-06-04", "2018-10-31"))
    x.review("X2", "POC-X2", "2018-06-29", "PN1")
    x.review("X2", "POC-X2", "2018-09-28", "PN1", clrd_permanence_plan_agreed="Y")
    # X4: period 2018-09-03 .. 2018-11-01, ceased the day after October's end: looked after at 31/10.
    # Review 2018-10-01 (due wd_add(3 Sep, 20) = Mon 1 Oct): on time.
    cla_child(x, "X4", ("POC-X4", "2018-09-03", "2018-11-01"))
    x.review("X4", "POC-X4", "2018-10-01", "PN1")
    # X3: period from Wed 2018-10-31, October's end: looked after at 31/10 (start <= t), started in
    # October. Reviews 2018-11-28 (due wd_add(31 Oct, 20) = 28 Nov) and 2019-02-28 (due
    # add_months(28 Nov, 3) = 28 Feb; second, permanence N): on time, on the due dates.
    cla_child(x, "X3", ("POC-X3", "2018-10-31", None))
    x.review("X3", "POC-X3", "2018-11-28", "PN1")
    x.review("X3", "POC-X3", "2019-02-28", "PN1", clrd_permanence_plan_agreed="N")
    # SB1: V3 then V4: every status is a short break: excluded, with its review.
    x.person("SB1", "2008-01-01")
    x.episode("SB1", "POC-SB1", "2018-05-01", "S")
    x.legal("SB1", "V3", "2018-05-01", "2018-09-01")
    x.legal("SB1", "V4", "2018-09-01")
    x.review("SB1", "POC-SB1", "2018-05-25", "PN1")
    # SB2: V3 then C2 from 2018-11-01: ANY but not every status is a short break: counted (legal
    # status V3 at 31/10, C2 at 31/3). Reviews 2018-06-28 (due wd_add(Fri 1 Jun, 20) = 29 Jun),
    # 2018-09-27 (due 28 Sep; second, permanence N), 2019-03-27 (due 27 Mar): on time.
    x.person("SB2", "2008-01-01")
    x.episode("SB2", "POC-SB2", "2018-06-01", "S")
    x.legal("SB2", "V3", "2018-06-01", "2018-11-01")
    x.legal("SB2", "C2", "2018-11-01")
    x.review("SB2", "POC-SB2", "2018-06-28", "PN1")
    x.review("SB2", "POC-SB2", "2018-09-27", "PN1", clrd_permanence_plan_agreed="N")
    x.review("SB2", "POC-SB2", "2019-03-27", "PN1")
    # SB3: a C2 period 2018-04-03 .. 2018-07-02 (review 2018-05-01, due wd_add(3 Apr, 20) = 1 May: on
    # time), then a V3 period from 2018-07-02. The C2 status ends on the day the V3 period starts, so
    # it belongs to the earlier period only: the second period is short breaks only (excluded, with
    # its review), the first is not.
    x.person("SB3", "2008-01-01")
    x.episode("SB3", "POC-SB3A", "2018-04-03", "S", ceased="2018-07-02")
    x.episode("SB3", "POC-SB3B", "2018-07-02", "S")
    x.legal("SB3", "C2", "2018-04-03", "2018-07-02")
    x.legal("SB3", "V3", "2018-07-02")
    x.review("SB3", "POC-SB3A", "2018-05-01", "PN1")
    x.review("SB3", "POC-SB3B", "2018-07-25", "PN1")
    # SB4: a C2 status that ended long before (2016, its own period of care) does not touch the V3
    # period of 4-8 June 2018, which is short breaks only: excluded.
    x.person("SB4", "2008-01-01")
    x.episode("SB4", "POC-SB4A", "2016-01-04", "S", ceased="2016-06-01")
    x.episode("SB4", "POC-SB4B", "2018-06-04", "S", ceased="2018-06-08")
    x.legal("SB4", "C2", "2016-01-04", "2016-06-01")
    x.legal("SB4", "V3", "2018-06-04")
    # SB5: one open V3 agreement from 2018-04-02 across three short-break periods (2-6 April, 4-8 June,
    # from 1 October): each is short breaks only, all excluded.
    x.person("SB5", "2008-01-01")
    x.legal("SB5", "V3", "2018-04-02")
    x.episode("SB5", "POC-SB5A", "2018-04-02", "S", ceased="2018-04-06")
    x.episode("SB5", "POC-SB5B", "2018-06-04", "S", ceased="2018-06-08")
    x.episode("SB5", "POC-SB5C", "2018-10-01", "S")
    # R1: period 2017-06-01 .. 2018-06-29 (reviews 2017-06-28, 2017-09-27, 2018-03-27, all on time; its
    # next was due 2018-09-27, after it ended: not counted), restarted Mon 2018-07-02. The chain
    # restarts: first review due wd_add(2 Jul, 20) = Mon 2018-07-30, held 2018-08-15: LATE (carried on
    # from the old chain it would be due 27 Sep, on time). Second due 2018-11-15, held 2018-11-14:
    # on time, the new period's SECOND review (permanence Y). Next due 2019-05-14.
    cla_child(x, "R1", ("POC-R1A", "2017-06-01", "2018-06-29"), ("POC-R1B", "2018-07-02", None))
    for d in ("2017-06-28", "2017-09-27", "2018-03-27"):
        x.review("R1", "POC-R1A", d, "PN1")
    x.review("R1", "POC-R1B", "2018-08-15", "PN1")
    x.review("R1", "POC-R1B", "2018-11-14", "PN1", clrd_permanence_plan_agreed="Y")
    # R2: period 2017-09-04 .. 2018-09-27 (reviews 2017-09-29, 2017-12-29, 2018-03-27, on time); its
    # next review was due add_months(2018-03-27, 6) = 2018-09-27, the very day it ended: not due
    # while looked after. Restarted Mon 2018-10-01: reviews 2018-10-26 (due 29 Oct) and 2019-01-25
    # (due 26 Jan; second, permanence Y): on time.
    cla_child(x, "R2", ("POC-R2A", "2017-09-04", "2018-09-27"), ("POC-R2B", "2018-10-01", None))
    for d in ("2017-09-29", "2017-12-29", "2018-03-27"):
        x.review("R2", "POC-R2A", d, "PN1")
    x.review("R2", "POC-R2B", "2018-10-26", "PN1")
    x.review("R2", "POC-R2B", "2019-01-25", "PN1", clrd_permanence_plan_agreed="Y")
    # R3: period 2017-05-01 .. 2019-02-28 (reviews 2017-05-26, 2017-08-25, 2018-02-23, 2018-08-23, on
    # time; the next, due 2019-02-23, never held), restarted Mon 2019-03-11: at 31/3/19 looked after
    # but only since 11 Mar (wd_add(11 Mar, 20) = 8 Apr): not in the child-level cohort. Not looked
    # after at 28/2/19 (ceased that day), so not overdue then either.
    cla_child(x, "R3", ("POC-R3A", "2017-05-01", "2019-02-28"), ("POC-R3B", "2019-03-11", None))
    for d in ("2017-05-26", "2017-08-25", "2018-02-23", "2018-08-23"):
        x.review("R3", "POC-R3A", d, "PN1")
    return x


def expect_962() -> list[Expect]:
    la = "962"
    at_end = "CLA_AT_END"
    return [
        # At 31/3/19: X3, SB2, R1, R2, R3 (X1 ceased that day; X2 left; SB1, SB3's V3 period and SB5
        # are short breaks) = 5, all C2 (SB2's V3 ended).
        Expect(la, at_end, FY, 5, None, 5, why="X3 SB2 R1 R2 R3; X1 ceased on 31/3"),
        Expect(la, at_end, FY, 5, None, 5, ("legal_status", "C2")),
        Expect(la, at_end, FY, 0, None, 0, ("legal_status", "V3")),
        # At 31/10/18: X1, X3 (started that day), X4 (ceased the next day), SB2 (V3 until 1 Nov), R1, R2,
        # R3 = 7; X2 ceased that day.
        Expect(la, at_end, month("2018-10-01"), 7, None, 7, why="X3, X4 in, X2 out"),
        # At 30/9/18: X1, X2, X4, SB2, R1, R3 = 6; R2's old period ended 27 Sep, its new one starts 1 Oct.
        Expect(la, at_end, month("2018-09-01"), 6, None, 6, why="R2 restarts the day after"),
        Expect(la, at_end, month("2018-10-01"), 1, None, 1, ("legal_status", "V3"), "SB2 (any V3)"),
        # At 31/7/18: X1, X2, SB2, R1 (new period), R2, R3 = 6; SB3's C2 period ended 2 Jul, its V3
        # period is short breaks.
        Expect(la, at_end, month("2018-07-01"), 6, None, 6, why="SB3 short breaks from 2 Jul"),
        # At 28/2/19: X1, X3, SB2, R1, R2 = 5 (R3 ceased that day and restarts on 11 Mar).
        Expect(la, at_end, month("2019-02-01"), 5, None, 5, why="R3 ceased on 28/2"),
        # Nobody overdue at 28/2 (R3, whose review was due 23 Feb, is not looked after at 28/2; X3's was
        # due and held on 28/2) or at 31/3.
        Expect(la, "CLA_REVIEWS_OVERDUE", month("2019-02-01"), 0, None, 0),
        Expect(la, "CLA_REVIEWS_OVERDUE", FY, 0, None, 0),
        # Started in the year: X2, X3, X4, SB2, SB3's C2 period, R1's, R2's and R3's new periods = 8
        # (SB1, SB3's V3 period, SB4's and SB5's short breaks excluded). Ceased: X1 (on 31/3), X2, X4,
        # SB3's C2 period, R1's, R2's and R3's old periods = 7.
        Expect(la, "CLA_STARTED", FY, 8, None, 8),
        Expect(la, "CLA_CEASED", FY, 7, None, 7, why="X1 ceased on the year end counts"),
        Expect(la, "CLA_STARTED", month("2018-10-01"), 2, None, 2, why="R2 on 1 Oct, X3 on 31 Oct"),
        Expect(la, "CLA_CEASED", month("2018-10-01"), 1, None, 1, why="X2 on 31 Oct"),
        Expect(la, "CLA_STARTED", month("2018-05-01"), 0, None, 0, why="SB1 is short breaks (V3, V4)"),
        Expect(la, "CLA_STARTED", month("2018-06-01"), 2, None, 2, why="X2, SB2 (V3 then C2); not SB4, SB5"),
        Expect(la, "CLA_STARTED", month("2018-07-01"), 1, None, 1, why="R1; SB3's V3 period excluded"),
        # Reviews held in the year: X1 2, X2 2, X3 2, X4 1, SB2 3, SB3 1 (C2 period), R1 2, R2 2, R3 1 = 16;
        # R1's first in the new period is late: 15 of 16. SB1's and SB3's V3-period reviews excluded.
        Expect(la, "CLA_REVIEWS_HELD", FY, 16, None, 16),
        Expect(la, "CLA_REVIEWS_TIMELY", FY, 15, 16, 1500 / 16, why="R1's restarted chain: late"),
        Expect(la, "CLA_REVIEWS_HELD", month("2018-05-01"), 2, None, 2, why="X1, SB3 (C2); SB1 excluded"),
        Expect(la, "CLA_REVIEWS_HELD", month("2018-07-01"), 0, None, 0, why="SB3's V3 review excluded"),
        # Second reviews of a period held in the year: X1 (N), X2 (Y), X3 (N), SB2 (N), R1's new period
        # (Y), R2's new period (Y) = 3 of 6.
        Expect(la, "CLA_PERMANENCE_AT_SECOND_REVIEW", FY, 3, 6, 50.0, why="restarted periods' 2nd reviews"),
        # Child level at 31/3/19: cohort X3, SB2, R1, R2 (R3 has 20 wd only on 8 Apr). R1 fails (first
        # review of its new period late); R2's old-period review due on the day it ended does not count.
        Expect(la, "CLA_CHILDREN_REVIEWS_TIMELY", FY, 3, 4, 75.0, why="X3 SB2 R2 of X3 SB2 R1 R2"),
        # September (t = 30/9): X1, X2, SB2, R1, R3; X4 has 20 working days only on Mon 1 Oct, the day
        # after. Due in September: X2's 29 Sep and SB2's 28 Sep, held the day before -> 5 of 5.
        Expect(la, "CLA_CHILDREN_REVIEWS_TIMELY", month("2018-09-01"), 5, 5, 100.0, why="X4 20 wd on t + 1"),
    ]


def case_963_child_protection() -> Extract:
    """Conferences after a weekend or bank-holiday S47 start, an ICPC on the S47 start day, a
    transfer-in flagged only in the extension table, plans ending exactly at a period end, a review
    conference due exactly on a period end and one due on a clamped 28 February."""
    x = Extract("963")
    # Q1: S47 from Sat 2018-06-02; ICPC due wd_add(Sat 2 Jun, 15) = Fri 2018-06-22, held then: on time.
    # Plan PQ1 from 22 Jun: first review due add_months(22 Jun, 3) = Sat 2018-09-22, held Fri 21 Sep:
    # on time; next due 2019-03-21, held Fri 2019-03-22: late.
    x.person("Q1", "2012-01-01")
    s = x.s47("Q1", "2018-06-02")
    x.icpc("Q1", "2018-06-22", s47_id=s, plan_id="PQ1")
    x.cp_plan("Q1", "PQ1", "2018-06-22")
    x.rcpc("Q1", "PQ1", "2018-09-21")
    x.rcpc("Q1", "PQ1", "2019-03-22")
    # Q2: S47 from Boxing Day, Wed 2018-12-26; ICPC due wd_add(26 Dec, 15) = Thu 2019-01-17 (New Year's
    # Day), held Fri 2019-01-18: late. Plan PQ2 from 18 Jan; first review due 2019-04-18.
    x.person("Q2", "2012-01-01")
    s = x.s47("Q2", "2018-12-26")
    x.icpc("Q2", "2019-01-18", s47_id=s, plan_id="PQ2")
    x.cp_plan("Q2", "PQ2", "2019-01-18")
    # Q3: ICPC on the S47's own start day, Mon 2018-07-02: a linked S47 start not after the
    # conference, so it counts; on time. No plan.
    x.person("Q3", "2012-01-01")
    s = x.s47("Q3", "2018-07-02")
    x.icpc("Q3", "2018-07-02", s47_id=s, outcome_plan="N")
    # Q4: a conference on 2018-09-10 flagged transfer-in only in ext_cp_conference_details (the SSD
    # flag says N): not an ICPC for timeliness (it would be late: due wd_add(2 Jul, 15) = 23 Jul), but
    # its plan PQ4 starts then. First review due 2018-12-10, held then: on time.
    x.person("Q4", "2012-01-01")
    s = x.s47("Q4", "2018-07-02")
    meeting = x.icpc("Q4", "2018-09-10", s47_id=s, plan_id="PQ4", transfer_in="N")
    x.tables["ext_cp_conference_details"][-1]["cpcd_conference_type"] = "TRANSFER_IN"
    assert x.tables["ext_cp_conference_details"][-1]["cpcd_meeting_id"] == meeting
    x.cp_plan("Q4", "PQ4", "2018-09-10")
    x.rcpc("Q4", "PQ4", "2018-12-10")
    # Q5: plan PQ5 2017-09-15 .. 2019-03-31, ending ON the year end: not open at 31/3/19 (it would be
    # open 18 months: 2017-09-15 <= add_months(2019-03-31, -18) = 2017-09-30), ended in the year, not
    # after 2 years (add_months(2017-09-15, 24) = 2019-09-15). Reviews 2017-12-14 (due 15 Dec),
    # 2018-06-14 (due 14 Jun), 2018-12-13 (due 14 Dec): on time.
    x.person("Q5", "2012-01-01")
    x.cp_plan("Q5", "PQ5", "2017-09-15", "2019-03-31")
    for d in ("2017-12-14", "2018-06-14", "2018-12-13"):
        x.rcpc("Q5", "PQ5", d)
    # Q6: plan PQ6 2016-10-31 .. 2018-10-31, ending ON October's end after exactly 2 years
    # (add_months(2016-10-31, 24) = 2018-10-31 <= end). Reviews 2017-01-30 (due 31 Jan), 2017-07-28
    # (due 30 Jul), 2018-01-26 (due 28 Jan), 2018-07-26 (due 26 Jul): on time.
    x.person("Q6", "2012-01-01")
    x.cp_plan("Q6", "PQ6", "2016-10-31", "2018-10-31")
    for d in ("2017-01-30", "2017-07-28", "2018-01-26", "2018-07-26"):
        x.rcpc("Q6", "PQ6", d)
    # Q7: plan PQ7 from 2018-12-31: first review due add_months(2018-12-31, 3) = 2019-03-31, the
    # year's end, not held: not overdue at 31/3/19 (due on t, not before it).
    x.person("Q7", "2012-01-01")
    x.cp_plan("Q7", "PQ7", "2018-12-31")
    # Q8: plan PQ8 from 2018-11-30: first review due add_months(30 Nov, 3) = 2019-02-28 (clamped; an
    # overflow to 2 March would be wrong), held Fri 2019-03-01: late. Not overdue at 28/2 (due on t).
    x.person("Q8", "2012-01-01")
    x.cp_plan("Q8", "PQ8", "2018-11-30")
    x.rcpc("Q8", "PQ8", "2019-03-01")
    return x


def expect_963() -> list[Expect]:
    la = "963"
    return [
        # Open at 31/3/19: PQ1, PQ2, PQ4, PQ7, PQ8 = 5 (PQ5 ended that day, PQ6 in October).
        Expect(la, "CP_PLANS_AT_END", FY, 5, None, 5, why="PQ5 ends on 31/3"),
        Expect(la, "CP_PLANS_OPEN_18M_PLUS", FY, 0, None, 0, why="PQ5 ends on 31/3"),
        # At 31/10/18: PQ1, PQ4, PQ5 = 3 (PQ6 ended that day).
        Expect(la, "CP_PLANS_AT_END", month("2018-10-01"), 3, None, 3, why="PQ6 ends on 31/10"),
        # Started in the year: PQ1, PQ2, PQ4 (transfer-in), PQ7, PQ8 = 5; none a repeat.
        Expect(la, "CP_PLANS_STARTED", FY, 5, None, 5),
        Expect(la, "CP_PLANS_STARTED", month("2018-09-01"), 1, None, 1, why="PQ4 at a transfer-in"),
        Expect(la, "CP_REPEAT_PLANS", FY, 0, 5, 0.0),
        # Ended in the year: PQ5 (31/3/19, not 2 years), PQ6 (31/10/18, exactly 2 years) -> 1 of 2.
        Expect(la, "CP_PLANS_ENDED_2Y_PLUS", FY, 1, 2, 50.0),
        Expect(la, "CP_PLANS_ENDED_2Y_PLUS", month("2018-10-01"), 1, 1, 100.0, why="PQ6 on 31/10"),
        # ICPCs: Q1 on time (Saturday S47), Q2 late (Boxing Day S47), Q3 on time (S47 the same day);
        # Q4 is a transfer-in by its extension row -> 2 of 3.
        Expect(la, "CP_ICPC_TIMELY", FY, 2, 3, 200 / 3, why="Q4 transfer-in (ext only) left out"),
        Expect(la, "CP_ICPC_TIMELY", month("2018-06-01"), 1, 1, 100.0, why="Q1 on the due date"),
        Expect(la, "CP_ICPC_TIMELY", month("2018-07-01"), 1, 1, 100.0, why="Q3 on the S47 day"),
        Expect(la, "CP_ICPC_TIMELY", month("2018-09-01"), 0, 0, None, why="Q4 only: no ICPC"),
        Expect(la, "CP_ICPC_TIMELY", month("2019-01-01"), 0, 1, 0.0, why="Q2 one day late"),
        # Review conferences held in the year: PQ1 21 Sep (on time), 22 Mar (late); PQ4 10 Dec; PQ5 14 Jun,
        # 13 Dec; PQ6 26 Jul; PQ8 1 Mar (late, due 28 Feb) -> 5 of 7.
        Expect(la, "CP_RCPC_TIMELY", FY, 5, 7, 500 / 7, why="late: PQ1 R2, PQ8 (clamped due)"),
        Expect(la, "CP_RCPC_TIMELY", month("2019-03-01"), 0, 2, 0.0, why="PQ1 R2, PQ8 R1"),
        # Overdue: at 31/3/19 PQ7's first review is due that day: nobody. At 28/2/19 PQ8's is due that day.
        Expect(la, "CP_RCPC_OVERDUE", FY, 0, None, 0, why="PQ7 due on the year end"),
        Expect(la, "CP_RCPC_OVERDUE", month("2019-02-01"), 0, None, 0, why="PQ8 due on 28/2"),
    ]


def case_964_iro_two_iros() -> Extract:
    """A child (CLA or CP) held by two IROs at once counts once among the children and in both IROs'
    caseloads;
    an involvement starting exactly at the period end counts; an FTE of 0.02 puts one child exactly on
    the Handbook's lower bound (50)."""
    x = Extract("964")
    x.professional("J1", "Independent Reviewing Officer", "1")
    x.professional("J2", "Independent Reviewing Officer", "0.02")
    for pid in ("Y1", "Y2"):
        cla_child(x, pid, ("Q" + pid, "2018-01-01", None))
    x.person("Y3", "2010-01-01")
    x.cp_plan("Y3", "PLY3", "2018-02-01")
    # Y1: J1 since 2018-01-01 and J2 since 2018-06-01; Y2: J1; Y3 (CP): J1 from 2019-03-31 exactly.
    x.involvement("J1", "Y1", "IRO", "2018-01-01")
    x.involvement("J2", "Y1", "IRO", "2018-06-01")
    x.involvement("J1", "Y2", "IRO", "2018-01-01")
    x.involvement("J1", "Y3", "IRO", "2019-03-31")
    # Y4 (CP): J1 and J3 (1 FTE) since 2019-01-01.
    x.professional("J3", "Independent Reviewing Officer", "1")
    x.person("Y4", "2010-01-01")
    x.cp_plan("Y4", "PLY4", "2018-02-01")
    x.involvement("J1", "Y4", "IRO", "2019-01-01")
    x.involvement("J3", "Y4", "IRO", "2019-01-01")
    # J3 also since 2019-03-01: Y5 on a plan from t (held), Y6 on a plan from the day after (not), Y7
    # on a plan that ended on t (not), Y8 on one ending the day after (held), Y9 on another authority's
    # plan (not). Y2 also has a social worker, S1, who is no IRO.
    for pid, start, end, ola in (
        ("Y5", "2019-03-31", None, "N"),
        ("Y6", "2019-04-01", None, "N"),
        ("Y7", "2018-02-01", "2019-03-31", "N"),
        ("Y8", "2018-02-01", "2019-04-01", "N"),
        ("Y9", "2018-02-01", None, "Y"),
    ):
        x.person(pid, "2010-01-01")
        x.cp_plan(pid, "PL" + pid, start, end, ola=ola)
        x.involvement("J3", pid, "IRO", "2019-03-01")
    x.professional("S1", "Social worker", "1")
    x.involvement("S1", "Y2", "SW", "2018-01-01")
    # Y10 (CLA): J3 from 2019-03-01 until the day after t: held at t.
    cla_child(x, "Y10", ("QY10", "2018-01-01", None))
    x.involvement("J3", "Y10", "IRO", "2019-03-01", end="2019-04-01")
    return x


def expect_964() -> list[Expect]:
    la = "964"
    fte = 2.02
    return [
        # At 31/3/19: children Y1, Y2, Y10 (CLA; Y10's IRO until the day after), Y3 (CP, IRO from that
        # day), Y4, Y5 (plan from that day), Y8 (plan ends the day after) = 7, once each; FTE of the IROs
        # holding them J1 + J2 + J3 = 2.02 (S1 is no IRO). Not Y6, Y7, Y9.
        Expect(la, "IRO_CASELOAD_AVG", FY, 7, fte, 7 / fte, why="Y1, Y4 once though held by two IROs"),
        Expect(la, "IRO_CASELOAD_AVG", FY, 3, fte, 3 / fte, ("caseload_kind", "CLA"), "Y1 Y2 Y10"),
        Expect(la, "IRO_CASELOAD_AVG", FY, 4, fte, 4 / fte, ("caseload_kind", "CP"), "Y3 Y4 Y5 Y8"),
        # Weighted: (1.5 x 3 + 1 x 4) / 2.02.
        Expect(la, "IRO_CASELOAD_WEIGHTED", FY, 8.5, fte, 8.5 / fte),
        # Per IRO: J1 4 / 1 = 4 (outside), J2 1 / 0.02 = 50 (on the bound: inside), J3 4 -> 1 of 3.
        Expect(la, "IRO_CASELOAD_WITHIN_HANDBOOK", FY, 1, 3, 100 / 3, why="J2 exactly 50 per FTE"),
        # At 28/2/19: Y1, Y2, Y4 (Y3's IRO not yet) over 2.02.
        Expect(la, "IRO_CASELOAD_AVG", month("2019-02-01"), 3, fte, 3 / fte),
        # At 31/5/18: J2 not yet involved: Y1, Y2 over J1's 1.0 FTE; J1 at 2 per FTE -> 0 of 1.
        Expect(la, "IRO_CASELOAD_AVG", month("2018-05-01"), 2, 1, 2.0, why="J2 from 1 June"),
        Expect(la, "IRO_CASELOAD_WITHIN_HANDBOOK", month("2018-05-01"), 0, 1, 0.0),
    ]


def case_965_month_end_clamping() -> Extract:
    """Second and later reviews due on clamped month ends: 31 Jan + 3 months = 30 Apr, 30 Nov + 3
    months = 28 Feb 2019 (non-leap) and 29 Feb 2020 (leap), 31 Aug + 6 months = 29 Feb 2020. Extract
    2020-04-01: financial years 2018-19 and 2019-20. Bank holidays: 2019-04-19, 2019-04-22, 2019-05-06,
    2019-05-27, 2019-08-26, 2019-12-25/26, 2020-01-01."""
    x = Extract("965", extract_date="2020-04-01")
    # N0: in care from Mon 2018-03-05 (so both years are inside the history), every review on time:
    # 2018-04-04 (due wd_add(5 Mar 2018, 20) = Wed 4 Apr over Easter 2018), 2018-07-04 (due 4 Jul),
    # 2019-01-04 (due 4 Jan), 2019-07-04 (due 4 Jul), 2020-01-03 (due Sat 4 Jan). Next due 2020-07-03.
    cla_child(x, "N0", ("POC-N0", "2018-03-05", None))
    for d in ("2018-04-04", "2018-07-04", "2019-01-04", "2019-07-04", "2020-01-03"):
        x.review("N0", "POC-N0", d, "PN1")
    # N2: from Thu 2019-01-03; first review due wd_add(3 Jan, 20) = Thu 2019-01-31, held then. Second
    # due add_months(2019-01-31, 3) = 2019-04-30, held Wed 2019-05-01: LATE (an overflow to 1 May would
    # call it on time). Third due 2019-11-01, held 2019-10-31: on time. Next due 2020-04-30.
    cla_child(x, "N2", ("POC-N2", "2019-01-03", None))
    for d in ("2019-01-31", "2019-05-01", "2019-10-31"):
        x.review("N2", "POC-N2", d, "PN1")
    # N3: from Fri 2018-11-02; first review due wd_add(2 Nov, 20) = Fri 2018-11-30, held then. Second
    # due add_months(2018-11-30, 3) = 2019-02-28 (non-leap), held Fri 2019-03-01: LATE. Third due
    # 2019-09-01, held 2019-08-30; fourth due add_months(2019-08-30, 6) = 2020-02-29 (leap), held
    # 2020-02-28: on time. Next due 2020-08-28.
    cla_child(x, "N3", ("POC-N3", "2018-11-02", None))
    for d in ("2018-11-30", "2019-03-01", "2019-08-30", "2020-02-28"):
        x.review("N3", "POC-N3", d, "PN1")
    # N4: from Mon 2019-11-04; first review due wd_add(4 Nov, 20) = Mon 2019-12-02, held Sat
    # 2019-11-30. Second due add_months(2019-11-30, 3) = Sat 2020-02-29 (leap), held that day: on time
    # (a clamp to 28 Feb would call it late). Next due 2020-08-29.
    cla_child(x, "N4", ("POC-N4", "2019-11-04", None))
    x.review("N4", "POC-N4", "2019-11-30", "PN1")
    x.review("N4", "POC-N4", "2020-02-29", "PN1")
    # N5: from Fri 2019-05-31; first review due wd_add(31 May, 20) = Fri 2019-06-28, held then. Second
    # due 2019-09-28, held early on Sat 2019-08-31. Third due add_months(2019-08-31, 6) = 2020-02-29,
    # held Mon 2020-03-02: LATE (an overflow to 2 March would call it on time). Next due 2020-09-02.
    cla_child(x, "N5", ("POC-N5", "2019-05-31", None))
    for d in ("2019-06-28", "2019-08-31", "2020-03-02"):
        x.review("N5", "POC-N5", d, "PN1")
    return x


def expect_965() -> list[Expect]:
    la = "965"
    fy19 = ("financial_year", "2019-04-01")
    timely = "CLA_CHILDREN_REVIEWS_TIMELY"
    return [
        # 2018-19: N0 4 Apr, 4 Jul, 4 Jan; N2 31 Jan; N3 30 Nov, 1 Mar (late) -> 5 of 6.
        Expect(la, "CLA_REVIEWS_TIMELY", FY, 5, 6, 500 / 6, why="N3 due 28 Feb held 1 Mar"),
        Expect(la, "CLA_REVIEWS_TIMELY", month("2019-03-01"), 0, 1, 0.0, why="N3 due 28 Feb held 1 Mar"),
        # 2019-20: N0 2, N2 2 (1 May late), N3 2, N4 2, N5 3 (2 Mar late) = 11, 9 on time.
        Expect(la, "CLA_REVIEWS_TIMELY", fy19, 9, 11, 900 / 11, why="late: N2 1 May, N5 2 Mar"),
        Expect(la, "CLA_REVIEWS_TIMELY", month("2019-05-01"), 0, 1, 0.0, why="N2 due 30 Apr held 1 May"),
        Expect(la, "CLA_REVIEWS_TIMELY", month("2020-02-01"), 2, 2, 100.0, why="N3 28 Feb, N4 29 Feb"),
        Expect(la, "CLA_REVIEWS_TIMELY", month("2020-03-01"), 0, 1, 0.0, why="N5 due 29 Feb held 2 Mar"),
        # Overdue at 28/2/19 (N3's review due that day) and 29/2/20 (N5's due that day): nobody.
        Expect(la, "CLA_REVIEWS_OVERDUE", month("2019-02-01"), 0, None, 0),
        Expect(la, "CLA_REVIEWS_OVERDUE", month("2020-02-01"), 0, None, 0),
        # Child level 2018-19 (t = 31/3/19): N0, N2 (20 wd on 31 Jan), N3; N3's due 28 Feb held 1 Mar.
        Expect(la, timely, FY, 2, 3, 200 / 3, why="N0, N2 of N0 N2 N3"),
        # February 2019 (t = 28/2): the same three; N3's review due that day is not held by then.
        Expect(la, timely, month("2019-02-01"), 2, 3, 200 / 3, why="N3 due 28 Feb"),
        # 2019-20 (t = 31/3/20): all five. N2 (30 Apr, held 1 May) and N5 (29 Feb, held 2 Mar) fail.
        Expect(la, timely, fy19, 3, 5, 60.0, why="N0 N3 N4 of five"),
        # February 2020 (t = 29/2): due that month: N3 (held 28 Feb), N4 (held 29 Feb), N5 (not by 29 Feb).
        Expect(la, timely, month("2020-02-01"), 4, 5, 80.0, why="N5 due 29 Feb"),
    ]


def case_966_localities_and_recording() -> Extract:
    """The allocated team a child's locality comes from when it has several spells (the latest spell
    open at t, a spell ending or starting exactly on t counting as open, else the latest that started
    before t, else the first after t), and decisions and records one working day too late."""
    x = Extract("966")
    for team, locality in (("T1", "North"), ("T2", "East"), ("T3", "South")):
        x.team(team, f"Team {locality}", locality)
        x.professional("SW" + team[1], team_id=team)

    def allocate(pid, team, start, end=None):
        x.involvement("SW" + team[1], pid, "SW", start, end, team_id=team)

    for pid in ("L1", "L2", "L3", "L4", "L5"):
        cla_child(x, pid, ("Q" + pid, "2017-01-02", None))
    # L1: North until 2018-09-30, East since 2018-10-01 (open): East.
    allocate("L1", "T1", "2017-01-02", "2018-09-30")
    allocate("L1", "T2", "2018-10-01")
    # L2: South since 2017-06-01 (open) and North 2018-01-01 .. 2019-03-31, ending ON t: both open at t,
    # North started later: North.
    allocate("L2", "T3", "2017-06-01")
    allocate("L2", "T1", "2018-01-01", "2019-03-31")
    # L3: North until 2018-12-31, East from 2019-03-31, starting ON t: open at t: East.
    allocate("L3", "T1", "2017-01-02", "2018-12-31")
    allocate("L3", "T2", "2019-03-31")
    # L4: only spells after t, North from 2019-05-01 and East from 2019-06-01: the first: North.
    allocate("L4", "T1", "2019-05-01")
    allocate("L4", "T2", "2019-06-01")
    # L5: two ended spells, North 2017-01-02 .. 2018-01-01 and East 2018-02-01 .. 2018-06-01: the latest
    # that started before t: East.
    allocate("L5", "T1", "2017-01-02", "2018-01-01")
    allocate("L5", "T2", "2018-02-01", "2018-06-01")
    # L1's review of Mon 2018-10-01: decisions Tue 2018-10-09 = 6 working days after (late, 5 allowed);
    # record distributed Tue 2018-10-30 = 21 working days after (late, 20 allowed).
    x.review(
        "L1",
        "QL1",
        "2018-10-01",
        "PN1",
        clrd_decisions_recorded_date="2018-10-09",
        clrd_record_distributed_date="2018-10-30",
    )
    return x


def expect_966() -> list[Expect]:
    la = "966"
    at_end = "CLA_AT_END"
    return [
        Expect(la, at_end, FY, 2, None, 2, ("locality", "North"), "L2 (ends on t), L4 (first after)"),
        Expect(la, at_end, FY, 3, None, 3, ("locality", "East"), "L1 (open), L3 (starts on t), L5"),
        Expect(la, at_end, FY, 0, None, 0, ("locality", "South"), "L2's older open spell"),
        Expect(la, "CLA_REVIEW_DECISIONS_TIMELY", FY, 0, 1, 0.0, why="6 working days"),
        Expect(la, "CLA_REVIEW_RECORD_TIMELY", FY, 0, 1, 0.0, why="21 working days"),
    ]


def case_967_thresholds() -> Extract:
    """A challenge raised exactly 28 days before the period end (open over 4 weeks) and one a day later
    (not); an IRO exactly at the Handbook's upper bound (70 per FTE) and one just over it (70.7); the
    population of the mid-year equal to the financial year's start year among three."""
    x = Extract("967")
    x.professional("K1", "Independent Reviewing Officer", "0.1")
    x.professional("K2", "Independent Reviewing Officer", "0.099")  # FTE is kept to 3 decimals
    for i in range(1, 15):
        pid = f"Z{i}"
        cla_child(x, pid, ("Q" + pid, "2018-01-02", None))
        x.involvement("K1" if i <= 7 else "K2", pid, "IRO", "2018-01-02")
    # t = 31/3/19, t - 28 days = 2019-03-03
    x.challenge("C1", "Z1", "2019-03-03", "PR", "CLA", "PRACTICE")
    x.challenge("C2", "Z2", "2019-03-04", "MA", "CLA", "PRACTICE")
    # Raised ON t: C3 (PR), C4 (informal), C5 (good practice). C6: PR raised 2019-02-01, resolved ON t
    # at team manager level after 58 days: not open at t.
    x.challenge("C3", "Z3", "2019-03-31", "PR", "CLA", "PRACTICE")
    x.challenge("C4", "Z4", "2019-03-31", "INFORMAL", "CLA")
    x.challenge("C5", "Z5", "2019-03-31", "GOOD_PRACTICE", "CLA")
    x.challenge("C6", "Z6", "2019-02-01", "PR", "CLA", "PRACTICE", resolved="2019-03-31")
    x.stage("C6", 1, "TEAM_MANAGER", "2019-02-01")
    # C7: PR raised 2019-01-10, resolved 2019-04-01, the day after t: open over 4 weeks at t.
    x.challenge("C7", "Z7", "2019-01-10", "PR", "CLA", "PRACTICE", resolved="2019-04-01")
    # C8: PR raised 2018-03-01, resolved ON the year's first day at practice manager level: 31 days.
    x.challenge("C8", "Z8", "2018-03-01", "PR", "CLA", "PRACTICE", resolved="2018-04-01")
    x.stage("C8", 1, "PRACTICE_MANAGER", "2018-03-01")
    # Z15: a short break (V3) with a review: not a CLA review for challenges per 100 reviews.
    x.person("Z15", "2008-01-01")
    x.legal("Z15", "V3", "2018-06-01")
    x.episode("Z15", "QZ15", "2018-06-01", "S", ceased="2018-06-05")
    x.review("Z15", "QZ15", "2018-06-04", "PN1")
    return x


def expect_967() -> list[Expect]:
    la = "967"
    fte = 0.199
    return [
        # Open over 4 weeks at t: C1 (raised on t - 28), C7 (closed the day after t); not C2 (a day later),
        # C6 (closed on t).
        Expect(la, "IRO_CHALLENGES_OPEN_OVER_4W", FY, 2, None, 2, why="C1 on t - 28, C7; not C2, C6"),
        # PR/MA raised in the year: C1, C2, C3 (on t), C6, C7 = 5; PR: C1, C3, C6, C7.
        Expect(la, "IRO_CHALLENGES_RAISED", FY, 5, None, 5, why="C3 raised on t"),
        Expect(la, "IRO_CHALLENGES_RAISED", FY, 4, None, 4, ("challenge_type", "PR"), "C3 raised on t"),
        # About CLA: all five, per no CLA review held (Z15's is a short break's): no value.
        Expect(la, "IRO_CHALLENGES_PER_100_REVIEWS", FY, 5, 0, None, why="C3 raised on t"),
        Expect(la, "IRO_INFORMAL_CHALLENGES", FY, 1, None, 1, why="C4 raised on t"),
        Expect(la, "IRO_GOOD_PRACTICE_NOTES", FY, 1, None, 1, why="C5 raised on t"),
        # PRs resolved in the year: C6 (on t, team manager), C8 (on 1 April, practice manager).
        Expect(la, "IRO_CHALLENGE_RESOLUTION_LEVEL", FY, 1, 2, 50.0, ("level", "TEAM_MANAGER"), "C6 on t"),
        Expect(
            la, "IRO_CHALLENGE_RESOLUTION_LEVEL", FY, 1, 2, 50.0, ("level", "PRACTICE_MANAGER"), "C8 1 Apr"
        ),
        # Days: C6 58 (1 Feb to 31 Mar), C8 31 (1 Mar to 1 Apr) -> median 44.5 over 2.
        Expect(la, "IRO_CHALLENGE_DAYS_TO_RESOLVE", FY, None, 2, 44.5, why="C6 on t, C8 on 1 Apr"),
        # K1: 7 children / 0.1 FTE = 70 (inside 50-70); K2: 7 / 0.099 = 70.7 (outside) -> 1 of 2.
        Expect(la, "IRO_CASELOAD_WITHIN_HANDBOOK", FY, 1, 2, 50.0, why="70 in, 70.7 out"),
        Expect(la, "IRO_CASELOAD_AVG", FY, 14, fte, 14 / fte),
        # Populations for mid-years 2017, 2018 and 2019: 2018-19 uses 2018's 2,000: 14 per 2,000 = 70.
        Expect(la, "CLA_RATE_PER_10K", FY, 14, 2000, 70.0, why="mid-year 2018 of 2017-2019"),
    ]


def case_968_plan_boundaries() -> Extract:
    """Child protection plans on the day after a period end (still open at it), repeat plans starting
    on the first and the last day of the year, a plan of 2 years ending on the year's first day, and an
    S47 that started the day after its conference."""
    x = Extract("968")
    for pid in ("V1", "V2", "V3", "V4", "V5", "V6", "V7", "V8", "V9"):
        x.person(pid, "2012-01-01")
    # V1: PV1 2017-03-01 .. 2018-11-01: open at 31/10/18, and for 18 months then (2017-03-01 <=
    # add_months(2018-10-31, -18) = 2017-04-30). Reviews 2017-05-31, 2017-11-30, 2018-05-30 on time;
    # the next due 2018-11-30: not overdue at 31/10. Not 2 years (add_months(start, 24) = 2019-03-01).
    x.cp_plan("V1", "PV1", "2017-03-01", "2018-11-01")
    for d in ("2017-05-31", "2017-11-30", "2018-05-30"):
        x.rcpc("V1", "PV1", d)
    # V2: PV2 2018-06-01 .. 2018-11-01, no review conference: the first, due 2018-09-01, overdue at
    # 30/9 and 31/10 (the plan is still open on 31/10).
    x.cp_plan("V2", "PV2", "2018-06-01", "2018-11-01")
    # V3: PV3A 2016-01-04 .. 2017-06-30, PV3B from 2018-04-01, the year's first day: a repeat plan,
    # within 12 months (2017-06-30 >= add_months(2018-04-01, -12) = 2017-04-01). Reviews 2018-06-29
    # (due 1 Jul) and 2018-12-28 (due 29 Dec).
    x.cp_plan("V3", "PV3A", "2016-01-04", "2017-06-30")
    x.cp_plan("V3", "PV3B", "2018-04-01")
    x.rcpc("V3", "PV3B", "2018-06-29")
    x.rcpc("V3", "PV3B", "2018-12-28")
    # V4: PV4A 2016-02-01 .. 2018-06-15 (2 years and more), PV4B from 2019-03-31, the year's last day:
    # a repeat plan within 12 months (2018-06-15 >= 2018-03-31).
    x.cp_plan("V4", "PV4A", "2016-02-01", "2018-06-15")
    x.cp_plan("V4", "PV4B", "2019-03-31")
    # V5: PV5 2016-03-01 .. 2018-04-01, ending on the year's first day after 2 years and more.
    x.cp_plan("V5", "PV5", "2016-03-01", "2018-04-01")
    # V6: an ICPC on 2018-07-10 linked to an S47 that started the next day: left out of timeliness.
    s = x.s47("V6", "2018-07-11")
    x.icpc("V6", "2018-07-10", s47_id=s, outcome_plan="N")
    # V7: PV7 2018-06-01 .. 2018-10-31, no review conference: overdue at 30/9 (due 2018-09-01), not
    # at 31/10 (ended that day).
    x.cp_plan("V7", "PV7", "2018-06-01", "2018-10-31")
    # V8: PV8 from 2018-06-01; its first review, due 2018-09-01, held late on 2018-10-15: overdue at
    # 30/9 (not held BY then), not at 31/10 (next due 2019-04-15).
    x.cp_plan("V8", "PV8", "2018-06-01")
    x.rcpc("V8", "PV8", "2018-10-15")
    # V9: PV9 from 2018-06-04; its first review, due 2018-09-04, held late ON 30/9: not overdue at
    # 30/9. The next, due 2019-03-30, held 2019-03-29.
    x.cp_plan("V9", "PV9", "2018-06-04")
    x.rcpc("V9", "PV9", "2018-09-30")
    x.rcpc("V9", "PV9", "2019-03-29")
    return x


def expect_968() -> list[Expect]:
    la = "968"
    oct18 = month("2018-10-01")
    return [
        # At 31/10/18: PV1, PV2 (both end 1 Nov), PV3B, PV8, PV9 = 5 (PV7 ended that day); 18 months or
        # more: PV1; overdue: PV2 only (PV8 and PV9 held their reviews by then).
        Expect(la, "CP_PLANS_AT_END", oct18, 5, None, 5, why="PV1, PV2 end the day after; PV7 that day"),
        Expect(la, "CP_PLANS_OPEN_18M_PLUS", oct18, 1, None, 1, why="PV1 ends the day after"),
        Expect(la, "CP_RCPC_OVERDUE", oct18, 1, None, 1, why="PV2 ends the day after; PV7 that day"),
        # At 30/9/18: PV2, PV7 (never held), PV8 (held only on 15 Oct) = 3; PV9 held on 30 Sep.
        Expect(la, "CP_RCPC_OVERDUE", month("2018-09-01"), 3, None, 3, why="PV8 held after t, PV9 on t"),
        # At 31/3/17: PV3A, PV4A, PV5, PV1 = 4. The year is covered because 968's earliest record is a
        # plan (PV3A, 2016-01-04), although its first conference is only in May 2017.
        Expect(
            la, "CP_PLANS_AT_END", ("financial_year", "2016-04-01"), 4, None, 4, why="from the first plan"
        ),
        # At 31/3/19: PV3B, PV4B (from that day), PV8, PV9 = 4; nothing overdue.
        Expect(la, "CP_PLANS_AT_END", FY, 4, None, 4),
        Expect(la, "CP_RCPC_OVERDUE", FY, 0, None, 0),
        # Started in the year: PV2, PV3B (1 Apr), PV4B (31 Mar), PV7, PV8, PV9 = 6; repeats PV3B, PV4B,
        # both within 12 months.
        Expect(la, "CP_PLANS_STARTED", FY, 6, None, 6),
        Expect(la, "CP_REPEAT_PLANS", FY, 2, 6, 200 / 6, why="PV3B on 1 Apr, PV4B on 31 Mar"),
        Expect(la, "CP_REPEAT_PLANS_12M", FY, 2, 6, 200 / 6, why="PV3B on 1 Apr, PV4B on 31 Mar"),
        # Ended in the year: PV5 (1 Apr, 2 years+), PV4A (2 years+), PV1, PV2, PV7 -> 2 of 5.
        Expect(la, "CP_PLANS_ENDED_2Y_PLUS", FY, 2, 5, 40.0, why="PV5 ended on 1 Apr"),
        # The only ICPC's S47 started the day after it: no ICPC counts.
        Expect(la, "CP_ICPC_TIMELY", FY, 0, 0, None, why="V6's S47 started the next day"),
    ]


def case_969_placements_at_period_end() -> Extract:
    """The placement and legal status held at t when they change exactly on t, end on t or the day
    after, or start the day after (ssd_cla_placement: start <= t and end null or > t)."""
    x = Extract("969")

    def child(pid, legal_end=None):
        x.person(pid, "2008-01-01")
        x.episode(pid, "Q" + pid, "2018-01-02", "S")
        x.legal(pid, "C2", "2018-01-02", legal_end)

    # P1: 10 miles until 2019-03-31, 30 miles from 2019-03-31 (starting ON t): 30, over 20. Legal status
    # C2 until 31/3, E1 from 31/3: E1.
    child("P1", "2019-03-31")
    x.legal("P1", "E1", "2019-03-31")
    x.placement("P1", "QP1", "2018-01-02", "U4", end="2019-03-31", distance=10)
    x.placement("P1", "QP1", "2019-03-31", "U4", distance=30)
    # P2: a 25-mile placement ending ON t and nothing after: distance unknown. Legal status C2 ending
    # on t and nothing after: Unknown.
    child("P2", "2019-03-31")
    x.placement("P2", "QP2", "2018-01-02", "U4", end="2019-03-31", distance=25)
    # P3: a 25-mile placement that ended 2019-02-01: distance unknown at t.
    child("P3")
    x.placement("P3", "QP3", "2018-01-02", "U4", end="2019-02-01", distance=25)
    # P4: 5 miles (open); a 50-mile placement from 2019-04-01, the day after t: 5, known, not over 20.
    child("P4")
    x.placement("P4", "QP4", "2018-01-02", "U4", distance=5)
    x.placement("P4", "QP4", "2019-04-01", "U4", distance=50)
    # P5: 30 miles until 2019-04-01, the day after t: still placed at t: over 20.
    child("P5")
    x.placement("P5", "QP5", "2018-01-02", "U4", end="2019-04-01", distance=30)
    # P6: born on t, 2019-03-31, and looked after from that day (C2, no placement row yet): under 1.
    x.person("P6", "2019-03-31")
    x.episode("P6", "QP6", "2019-03-31", "S")
    x.legal("P6", "C2", "2019-03-31")
    # P7: aged exactly 4 at t (born 2014-06-01): 1-4.
    x.person("P7", "2014-06-01")
    x.episode("P7", "QP7", "2018-01-02", "S")
    x.legal("P7", "C2", "2018-01-02")
    # P8 and P9: aged exactly 15 and 17 at t.
    cla_child(x, "P8", ("QP8", "2018-01-02", None), dob="2003-06-01")
    cla_child(x, "P9", ("QP9", "2018-01-02", None), dob="2001-06-01")
    # Placements in the year (held on 1 April 2018, plus S/P/B episodes starting after it):
    # P10: S from the year's first day, then P, P: 1 + 2 = 3.
    # P11: S from 2 April, then P: 0 + 2 = 2.
    # P12: left care ON 1 April, back with S and P: 0 + 2 = 2 (not looked after on 1 April).
    # P13: left care on 2 April, back with S and P: 1 + 2 = 3.
    # P14: S from 2 April, then P, P: 0 + 3 = 3.
    # P15: in care since 2017 (1), P on 2018-08-01 and P on the year's last day, 31 March: 1 + 2 = 3.
    x.person("P10", "2008-01-01")
    x.legal("P10", "C2", "2018-04-01")
    x.episode("P10", "QP10", "2018-04-01", "S", ceased="2018-07-01")
    x.episode("P10", "QP10", "2018-07-01", "P", ceased="2018-10-01")
    x.episode("P10", "QP10", "2018-10-01", "P")
    x.person("P11", "2008-01-01")
    x.legal("P11", "C2", "2018-04-02")
    x.episode("P11", "QP11", "2018-04-02", "S", ceased="2018-07-01")
    x.episode("P11", "QP11", "2018-07-01", "P")
    for pid, left in (("P12", "2018-04-01"), ("P13", "2018-04-02")):
        x.person(pid, "2008-01-01")
        x.legal(pid, "C2", "2017-06-01")
        x.episode(pid, f"Q{pid}A", "2017-06-01", "S", ceased=left)
        x.episode(pid, f"Q{pid}B", "2018-06-01", "S", ceased="2018-09-03")
        x.episode(pid, f"Q{pid}B", "2018-09-03", "P")
    x.person("P14", "2008-01-01")
    x.legal("P14", "C2", "2018-04-02")
    x.episode("P14", "QP14", "2018-04-02", "S", ceased="2018-07-01")
    x.episode("P14", "QP14", "2018-07-01", "P", ceased="2018-10-01")
    x.episode("P14", "QP14", "2018-10-01", "P")
    x.person("P15", "2008-01-01")
    x.legal("P15", "C2", "2017-06-01")
    x.episode("P15", "QP15", "2017-06-01", "S", ceased="2018-08-01")
    x.episode("P15", "QP15", "2018-08-01", "P", ceased="2019-03-31")
    x.episode("P15", "QP15", "2019-03-31", "P")
    # Long-term stability at t (under 16, in care since add_months(t, -30) = 2016-09-30 or earlier):
    # P16 in care since 2015 moved (P) ON t: not stable; P17 moved the day after t: stable. Placements
    # in the year: P16 1 + 1 = 2, P17 1.
    for pid, moved in (("P16", "2019-03-31"), ("P17", "2019-04-01")):
        x.person(pid, "2008-01-01")
        x.legal(pid, "C2", "2015-01-05")
        x.episode(pid, "Q" + pid, "2015-01-05", "S", ceased=moved)
        x.episode(pid, "Q" + pid, moved, "P")
    return x


def expect_969() -> list[Expect]:
    la = "969"
    return [
        # Known at 31/3/19: P1 30, P4 5, P5 30 (P2, P3 unknown) -> over 20: P1, P5 = 2 of 3.
        Expect(la, "CLA_PLACED_20_MILES_PLUS", FY, 2, 3, 200 / 3, why="P1 starts on t, P5 ends t + 1"),
        Expect(la, "CLA_AT_END", FY, 17, None, 17),
        Expect(la, "CLA_AT_END", FY, 14, None, 14, ("age_band", "10-15"), "P8 aged 15; P1-P5, P10-P17"),
        Expect(la, "CLA_AT_END", FY, 1, None, 1, ("age_band", "16-17"), "P9 aged 17"),
        Expect(la, "CLA_3PLUS_PLACEMENTS", FY, 4, 17, 400 / 17, why="P10, P13, P14, P15 (P on 31 Mar)"),
        Expect(la, "CLA_LONG_TERM_STABILITY", FY, 1, 2, 50.0, why="P16 moved on t, P17 the day after"),
        Expect(la, "CLA_AT_END", FY, 1, None, 1, ("age_band", "1-4"), "P7 aged 4"),
        Expect(la, "CLA_AT_END", FY, 1, None, 1, ("age_band", "under 1"), "P6 born on t"),
        Expect(la, "CLA_AT_END", FY, 1, None, 1, ("legal_status", "E1"), "P1's E1 starts on t"),
        Expect(la, "CLA_AT_END", FY, 1, None, 1, ("legal_status", "Unknown"), "P2's C2 ends on t"),
        Expect(la, "CLA_AT_END", FY, 15, None, 15, ("legal_status", "C2"), "all but P1 (E1), P2"),
    ]


def case_970_overdue_and_left_care() -> Extract:
    """A review held exactly on a month end (not overdue at it) or the day after (overdue at it), and
    a period of care that ended the day after a review fell due (so it fell due while looked after)."""
    x = Extract("970")
    # R4: period 2017-09-04 .. 2018-09-28: reviews 2017-09-29, 2017-12-29, 2018-03-27 on time; the next,
    # due 2018-09-27, never held, one day before the period ended: a review due while looked after and
    # not held. New period from Mon 2018-10-01: reviews 2018-10-26 (due 29 Oct), 2019-01-25 (due 26 Jan).
    cla_child(x, "R4", ("POC-R4A", "2017-09-04", "2018-09-28"), ("POC-R4B", "2018-10-01", None))
    for d in ("2017-09-29", "2017-12-29", "2018-03-27"):
        x.review("R4", "POC-R4A", d, "PN1")
    x.review("R4", "POC-R4B", "2018-10-26", "PN1")
    x.review("R4", "POC-R4B", "2019-01-25", "PN1")
    # R5: from Mon 2018-06-04, first review due 2 Jul, held late ON 31 Jul: not overdue at 31/7. Second
    # due 2018-10-31, held then.
    cla_child(x, "R5", ("POC-R5", "2018-06-04", None))
    x.review("R5", "POC-R5", "2018-07-31", "PN1")
    x.review("R5", "POC-R5", "2018-10-31", "PN1")
    # R6: the same, first review held on 1 Aug, the day after: overdue at 31/7. Second due and held
    # 2018-11-01.
    cla_child(x, "R6", ("POC-R6", "2018-06-04", None))
    x.review("R6", "POC-R6", "2018-08-01", "PN1")
    x.review("R6", "POC-R6", "2018-11-01", "PN1")
    return x


def expect_970() -> list[Expect]:
    la = "970"
    return [
        Expect(la, "CLA_REVIEWS_OVERDUE", month("2018-07-01"), 1, None, 1, why="R6 held 1 Aug; R5 on 31 Jul"),
        # Held in the year: R4 2, R5 2, R6 2 = 6; late: R5's and R6's first -> 4 of 6.
        Expect(la, "CLA_REVIEWS_TIMELY", FY, 4, 6, 400 / 6),
        # Child level at 31/3/19: R4 (the review due 27 Sep while still looked after), R5, R6 (late
        # first reviews) all fail -> 0 of 3.
        Expect(la, "CLA_CHILDREN_REVIEWS_TIMELY", FY, 0, 3, 0.0, why="R4's due a day before it left care"),
    ]


CASES = [
    case_961_review_dates,
    case_962_periods_of_care,
    case_963_child_protection,
    case_964_iro_two_iros,
    case_965_month_end_clamping,
    case_966_localities_and_recording,
    case_967_thresholds,
    case_968_plan_boundaries,
    case_969_placements_at_period_end,
    case_970_overdue_and_left_care,
]
EXPECTATIONS = [
    *expect_961(),
    *expect_962(),
    *expect_963(),
    *expect_964(),
    *expect_965(),
    *expect_966(),
    *expect_967(),
    *expect_968(),
    *expect_969(),
    *expect_970(),
]
POPULATION_EXTRA = [
    {"la_code": "967", "mid_year": y, "population_0_17": n}
    for y, n in ((2017, 1000), (2018, 2000), (2019, 4000))
]
