"""Hand-worked cases for incomplete extracts (docs/kpis.md, "Incomplete extracts": availability,
history window, one population): each number worked out in the comments.

908: an extract with no extension (`ext_`) tables: the KPIs that need one have no row at all, and
     marts.kpi_availability says which table was not sent.
909: a manifest `history_start` of 2018-04-01 cutting review chains, a same-day duplicate review, rows
     pointing at a child or period of care the extract does not hold, a second review without its
     details row, an IRO with no FTE, and a breakdown with exactly one small cell (secondary
     suppression).

As in cases.py: FY = 2018-04-01 .. 2019-03-31, extract taken 2019-04-01. Bank holidays that matter:
2018-05-07 and 2018-05-28.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.kpis.cases import FY, Expect
from tests.kpis.extracts import Extract

FY_2017 = ("financial_year", "2017-04-01")


class ExtractWithHistory(Extract):
    """An extract whose manifest declares `history_start` (the manifest is written last, after the files,
    and is not part of the content hash, so adding the field afterwards is what a sender does)."""

    def __init__(self, la_code: str, history_start: str, extract_date: str = "2019-04-01"):
        super().__init__(la_code, extract_date)
        self.history_start = history_start

    def write(self, landing: Path) -> Path:
        folder = super().write(landing)
        path = folder / "manifest.json"
        manifest = json.loads(path.read_text())
        manifest["history_start"] = self.history_start
        path.write_text(json.dumps(manifest, indent=1))
        return folder


def case_908_no_extension_tables() -> Extract:
    """Only the required SSD tables. N1: allocated a social worker on 2018-03-01 (the earliest event, so
    history_start is 2018-03-01 and the year 2018-19 is published); in care from Mon 2018-06-04; first
    review due wd_add(2018-06-04, 20) = Mon 2018-07-02 (no bank holiday in June), held 2018-07-02: on
    time; second due add_months(2018-07-02, 3) = 2018-10-02, held 2018-10-01: on time."""
    x = Extract("908")
    x.professional("SW1")
    x.person("N1", "2010-05-01")
    x.involvement("SW1", "N1", "SW", "2018-03-01")
    x.episode("N1", "POC-N1", "2018-06-04", "S")
    x.legal("N1", "C2", "2018-06-04")
    x.review("N1", "POC-N1", "2018-07-02", "PN1")
    x.review("N1", "POC-N1", "2018-10-01", "PN1")
    return x


# 908 sent no ext_ table: these KPIs have no row, and kpi_availability names the missing tables.
UNAVAILABLE_908 = {
    "CLA_REVIEW_RECORD_TIMELY": {"ext_cla_review_details"},
    "CLA_REVIEW_DECISIONS_TIMELY": {"ext_cla_review_details"},
    "CLA_PERMANENCE_AT_SECOND_REVIEW": {"ext_cla_review_details"},
    "CP_REPORT_TO_PARENTS_TIMELY": {"ext_cp_conference_details"},
    "IRO_CHALLENGES_RAISED": {"ext_iro_challenges"},
    "IRO_INFORMAL_CHALLENGES": {"ext_iro_challenges"},
    "IRO_GOOD_PRACTICE_NOTES": {"ext_iro_challenges"},
    "IRO_CHALLENGES_OPEN_OVER_4W": {"ext_iro_challenges"},
    "IRO_CHALLENGE_RESOLUTION_LEVEL": {"ext_iro_challenges", "ext_iro_challenge_stages"},
    "IRO_CHALLENGE_DAYS_TO_RESOLVE": {"ext_iro_challenges"},
    "IRO_CHALLENGES_PER_100_REVIEWS": {"ext_iro_challenges"},
}


def expect_908() -> list[Expect]:
    la = "908"
    return [
        # Every source of these is present: published as in version 1.
        Expect(la, "CLA_REVIEWS_HELD", FY, 2, None, 2),
        Expect(la, "CLA_REVIEWS_TIMELY", FY, 2, 2, 100.0),
        Expect(la, "CLA_AT_END", FY, 1, None, 1),
        # Required tables present but no events: a count is 0, a percentage has no value.
        Expect(la, "CP_PLANS_STARTED", FY, 0, None, 0),
        Expect(la, "CP_ICPC_TIMELY", FY, 0, 0, None),
    ]


def case_909_history_orphans_duplicates() -> Extract:
    """The manifest says history is complete from 2018-04-01 (history_start). Children aged at 31/3/19:
    H1 14, H2 14, H3 11, H4 16, H5 7. Every review PN1 unless said otherwise."""
    x = ExtractWithHistory("909", history_start="2018-04-01")
    x.professional("I1", "Independent Reviewing Officer", "")  # no FTE recorded
    x.professional("I2", "Independent Reviewing Officer", "0.5")

    def child(pid, dob, poc, start):
        x.person(pid, dob)
        x.episode(pid, poc, start, "S")
        x.legal(pid, "C2", start)

    # H1: in care since 2016-01-04, before history_start. Its earliest review in the extract, 2018-05-10,
    # has no case-system due date: its predecessor may lie before history_start, so it has no due date
    # (left out of timeliness: chain_before_history). The next is due as after a later review:
    # add_months(2018-05-10, 6) = 2018-11-10, held 2018-11-09: on time (version 1 would have held it to
    # 3 months, 2018-08-10, and called it late).
    child("H1", "2005-01-01", "POC-H1", "2016-01-04")
    x.review("H1", "POC-H1", "2018-05-10", "PN1")
    x.review("H1", "POC-H1", "2018-11-09", "PN1")
    x.involvement("I2", "H1", "IRO", "2018-01-01")
    # H2: in care since 2017-01-09 (before history_start). Earliest review in the extract 2018-06-01 with
    # the case system's due date 2018-06-05: on time by that date. Next due add_months(2018-06-01, 6) =
    # 2018-12-01, held 2018-12-03: LATE.
    child("H2", "2004-06-01", "POC-H2", "2017-01-09")
    x.review("H2", "POC-H2", "2018-06-01", "PN1")
    x.tables["ssd_cla_reviews"][-1]["clar_cla_review_due_date"] = "2018-06-05"
    x.review("H2", "POC-H2", "2018-12-03", "PN1")
    x.involvement("I2", "H2", "IRO", "2018-01-01")
    # H3: a new period of care from Tue 2018-05-01: first review due wd_add(2018-05-01, 20) = Thu
    # 2018-05-31 (7 and 28 May are bank holidays). Two non-cancelled reviews on 2018-05-30: ONE review
    # (the lower id kept, the other counted as duplicate_review). Second due add_months(2018-05-30, 3) =
    # 2018-08-30, held 2018-08-29 with the permanence plan agreed: on time, and THE second review
    # (version 1 took the duplicate as the second review, without details). Third due
    # add_months(2018-08-29, 6) = 2019-02-28, held 2019-02-27: on time. H3's IRO, I1, has no FTE.
    child("H3", "2008-03-01", "POC-H3", "2018-05-01")
    x.review("H3", "POC-H3", "2018-05-30", "PN1")
    x.review("H3", "POC-H3", "2018-05-30", "PN1")
    x.review("H3", "POC-H3", "2018-08-29", "PN1", clrd_permanence_plan_agreed="Y")
    x.review("H3", "POC-H3", "2019-02-27", "PN1")
    x.involvement("I1", "H3", "IRO", "2018-05-01")
    # H4: in care since 2015-03-02; its only review in the year, 2019-01-15, is its earliest in the
    # extract, without a case-system due date: unknown; H4 leaves the child-level cohort. Next due
    # add_months(2019-01-15, 6) = 2019-07-15: not due in the year, not overdue.
    child("H4", "2003-01-01", "POC-H4", "2015-03-02")
    x.review("H4", "POC-H4", "2019-01-15", "PN1")
    # H5: a new period of care from Mon 2018-06-04: first due 2018-07-02, held 2018-07-02 (on time);
    # second due add_months(2018-07-02, 3) = 2018-10-02, held 2018-10-01 (on time), PN2, and WITHOUT an
    # ext_cla_review_details row: its permanence plan is unknown (missing_review_details).
    child("H5", "2012-01-01", "POC-H5", "2018-06-04")
    x.review("H5", "POC-H5", "2018-07-02", "PN1")
    x.review("H5", "POC-H5", "2018-10-01", "PN2")
    # Orphans (unknown parent), left out of every KPI: a review of H1 for a period of care the extract
    # does not hold, and a child GHOST with no person row (its episode and review).
    x.review("H1", "POC-NONE", "2018-07-01", "PN3")
    x.episode("GHOST", "POC-GHOST", "2018-06-01", "S")
    x.legal("GHOST", "C2", "2018-06-01")
    x.review("GHOST", "POC-GHOST", "2018-06-20", "PN3")
    return x


def expect_909() -> list[Expect]:
    la = "909"
    return [
        # Held in the year, one population: H1 2, H2 2, H3 3 (the duplicate once), H4 1, H5 2 = 10; the
        # two orphan reviews are not counted.
        Expect(la, "CLA_REVIEWS_HELD", FY, 10, None, 10),
        # Timeliness over reviews with a known due date: 10 - H1's and H4's first (unknown) = 8; on time
        # all but H2's 2018-12-03 = 7. 87.5%.
        Expect(la, "CLA_REVIEWS_TIMELY", FY, 7, 8, 87.5),
        # Cohort at 31/3/19 (looked after, 20 working days): H1 H2 H3 H4 H5, minus H4 (its only review
        # is unknown) = 4; all on time: H1 (its known step 2018-11-10 met), H3, H5; H2 late. 3 of 4.
        Expect(la, "CLA_CHILDREN_REVIEWS_TIMELY", FY, 3, 4, 75.0),
        # Second reviews known to be second: H3 (2018-08-29, plan agreed) and H5 (2018-10-01, no details
        # row: unknown, out); H1's and H2's "second" reviews in the extract are not known to be the
        # period's second (chain_before_history). 1 of 1.
        Expect(la, "CLA_PERMANENCE_AT_SECOND_REVIEW", FY, 1, 1, 100.0),
        # Participation: 10 reviews, 9 PN1 and 1 PN2 (the orphans' PN3 are not counted): 10 of 10.
        Expect(la, "CLA_REVIEW_PARTICIPATION", FY, 10, 10, 100.0),
        Expect(la, "CLA_REVIEW_PARTICIPATION", FY, 9, None, 9, ("participation_code", "PN1")),
        Expect(la, "CLA_REVIEW_PARTICIPATION", FY, 1, None, 1, ("participation_code", "PN2")),
        Expect(la, "CLA_REVIEW_PARTICIPATION", FY, 0, None, 0, ("participation_code", "PN3")),
        # Nothing overdue at 31/3/19 (next due: H1 2019-05-09, H2 2019-06-03, H3 2019-08-27, H4
        # 2019-07-15, H5 2019-04-01); GHOST has no person row and is not a child looked after.
        Expect(la, "CLA_REVIEWS_OVERDUE", FY, 0, None, 0),
        Expect(la, "CLA_AT_END", FY, 5, None, 5),
        # IRO caseload at 31/3/19: I2 (0.5 FTE) holds H1 and H2; I1 (no FTE) is left out with H3:
        # 2 / 0.5 = 4 (version 1: 3 / 1.5 = 2). Weighted 1.5 x 2 / 0.5 = 6. I2's 4 is outside 50-70: 0 of 1.
        Expect(la, "IRO_CASELOAD_AVG", FY, 2, 0.5, 4.0),
        Expect(la, "IRO_CASELOAD_WEIGHTED", FY, 3, 0.5, 6.0),
        Expect(la, "IRO_CASELOAD_WITHIN_HANDBOOK", FY, 0, 1, 0.0),
        # CLA reviews per month: H3's duplicate counts once in May 2018 (H1 2018-05-10, H3 2018-05-30).
        Expect(la, "CLA_REVIEWS_HELD", ("month", "2018-05-01"), 2, None, 2),
    ]


# marts.kpi_data_quality rows of 909 for the financial year: (kpi_code, source_table, issue) -> rows.
DATA_QUALITY_909 = {
    # the second same-day review of H3's period of care
    (None, "ssd_cla_reviews", "duplicate_review"): 1,
    # the review of POC-NONE and GHOST's review; GHOST's episode
    (None, "ssd_cla_reviews", "unknown parent"): 2,
    (None, "ssd_cla_episodes", "unknown parent"): 1,
    # H1's 2018-05-10 and H4's 2019-01-15
    ("CLA_REVIEWS_TIMELY", "ssd_cla_reviews", "chain_before_history"): 2,
    # H1's 2018-11-09 and H2's 2018-12-03 are second in the extract, not known to be the period's second
    ("CLA_PERMANENCE_AT_SECOND_REVIEW", "ssd_cla_reviews", "chain_before_history"): 2,
    # H5's second review has no details row
    ("CLA_PERMANENCE_AT_SECOND_REVIEW", "ext_cla_review_details", "missing_review_details"): 1,
    # I1 holds H3 at 31/3/19 with no FTE
    (None, "ssd_professionals", "missing_fte"): 1,
}

# collected by tests/kpis/all_cases.py: built by the shared KPI build, values checked by test_hand_worked
CASES = [case_908_no_extension_tables, case_909_history_orphans_duplicates]
EXPECTATIONS = expect_908() + expect_909()
