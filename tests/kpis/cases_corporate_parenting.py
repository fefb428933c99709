"""Hand-worked cases for the corporate parenting KPIs (health, missing, statutory visits, care leavers),
each expected value worked out in the comments.

Authority 906 sends ssd_cla_health, ssd_cla_immunisations, ssd_sdq_scores, ssd_missing and
ssd_cla_visits; 907 sends ssd_care_leavers in three nightly extracts (2019-01-15, 2019-02-15,
2019-04-01). t is the period end: 2019-03-31 for FY 2018-19 and March 2019, 2019-02-28 for February.
add_months(2019-03-31, -12) = 2018-03-31, -6 = 2018-09-30, -3 = 2018-12-31.
"""

from __future__ import annotations

from tests.kpis.cases import FY, Expect
from tests.kpis.extracts import Extract

MAR = ("month", "2019-03-01")
FEB = ("month", "2019-02-01")
JAN = ("month", "2019-01-01")
DEC = ("month", "2018-12-01")


class Extracts:
    """Several nightly extracts of one authority, written oldest first."""

    def __init__(self, *extracts: Extract):
        self.extracts = extracts

    def write(self, landing):
        return [x.write(landing) for x in self.extracts]


def _child(x: Extract, pid, dob, start, team="T1", moves=(), legal="C2", ceased=None, person=True):
    """A looked-after child: one period of care POC-<pid> from `start`, a placement from the start and
    one more from each date in `moves`, an allocated social worker in `team`; without a person row
    (an orphan) when `person` is false."""
    if person:
        x.person(pid, dob)
    poc = f"POC-{pid}"
    x.legal(pid, legal, start, end=ceased)
    starts = [start, *moves]
    for i, s in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else ceased
        pl = x.placement(pid, poc, s, "U1", end=end)
        x.episode(pid, poc, s, "S" if i == 0 else "P", ceased=end, placement_id=pl["clap_cla_placement_id"])
    x.involvement("SW1" if team == "T1" else "SW2", pid, "SW", start, team_id=team)


def _check(x: Extract, pid, kind, when, status="COMPLETED"):
    x.add(
        "ssd_cla_health",
        clah_health_check_id=x._id("H"),
        clah_person_id=pid,
        clah_health_check_type=kind,
        clah_health_check_date=when,
        clah_health_check_status=status,
    )


def _visit(x: Extract, pid, when, seen="Y"):
    x.add(
        "ssd_cla_visits",
        clav_cla_visit_id=x._id("VIS"),
        clav_cla_id=f"POC-{pid}",
        clav_person_id=pid,
        clav_cla_visit_date=when,
        clav_cla_visit_seen=seen,
    )


def _missing(x: Extract, pid, start, end, kind="M", offered="", accepted=""):
    x.add(
        "ssd_missing",
        miss_table_id=x._id("MIS"),
        miss_person_id=pid,
        miss_missing_episode_start_date=start,
        miss_missing_episode_end_date=end,
        miss_missing_episode_type=kind,
        miss_missing_rhi_offered=offered,
        miss_missing_rhi_accepted=accepted,
    )


def case_906_health_missing_visits() -> Extract:
    x = Extract("906")
    x.team("T1", "Team North 1", "North")
    x.team("T2", "Team East 1", "East")
    x.professional("SW1", team_id="T1")
    x.professional("SW2", team_id="T2")
    # ---- the OC2 cohort at 31/3/19: H1 H2 H3 H9 H10 (looked after since before 31/3/18) ----
    _child(x, "H1", "2008-01-01", "2017-01-10")  # age 11
    _check(x, "H1", "Health assessment", "2018-03-31")  # exactly 12 months before t: outside
    _check(x, "H1", "DENTAL_CHECK", "2018-06-01")
    x.add("ssd_cla_immunisations", clai_person_id="H1", clai_immunisations_status="Y",
          clai_immunisations_status_date="2018-10-01")  # fmt: skip
    x.add("ssd_sdq_scores", csdq_table_id="S1", csdq_person_id="H1", csdq_sdq_completed_date="2018-05-01",
          csdq_sdq_score="10")  # fmt: skip
    x.add("ssd_sdq_scores", csdq_table_id="S2", csdq_person_id="H1", csdq_sdq_completed_date="2018-11-15",
          csdq_sdq_score="18")  # fmt: skip
    _child(x, "H2", "2015-06-15", "2017-06-01")  # age 3: six-monthly
    _check(x, "H2", "HEALTH_ASSESSMENT", "2018-09-30")  # exactly 6 months before t: outside
    _check(x, "H2", "dental check", "2018-12-01", "completed")  # descriptions, any case
    x.add("ssd_cla_immunisations", clai_person_id="H2", clai_immunisations_status="N",
          clai_immunisations_status_date="2018-06-01")  # fmt: skip
    _child(x, "H3", "2016-01-20", "2017-02-01")  # age 3
    _check(x, "H3", "IHA", "2017-02-20")
    _check(x, "H3", "RHA", "2018-10-01")  # one day inside the 6 months
    _check(x, "H3", "DENTAL_CHECK", "2019-02-01", "PLANNED")  # planned is not a check
    x.add("ssd_cla_immunisations", clai_person_id="H3", clai_immunisations_status="Y",
          clai_immunisations_status_date="2019-03-31")  # fmt: skip
    _child(x, "H9", "2005-03-01", "2016-05-01", team="T2", moves=("2019-01-07",))  # age 14, East
    _check(x, "H9", "HEALTH_ASSESSMENT", "2019-01-15")
    x.add("ssd_sdq_scores", csdq_table_id="S3", csdq_person_id="H9", csdq_sdq_reason="SDQ2")  # not returned
    _child(x, "H10", "2002-04-10", "2016-09-01")  # age 16 at t (SDQ cohort's upper edge)
    x.add("ssd_sdq_scores", csdq_table_id="S4", csdq_person_id="H10", csdq_sdq_completed_date="2018-03-31",
          csdq_sdq_score="5")  # fmt: skip
    x.add("ssd_sdq_scores", csdq_table_id="S5", csdq_person_id="H10", csdq_sdq_completed_date="2019-03-31",
          csdq_sdq_score="21")  # fmt: skip
    # ---- periods of care started in 2018-19 (initial health assessments) ----
    _child(x, "H4", "2018-06-01", "2018-06-04")  # age 0; IHA due wd_add(Mon 4/6/18, 20) = Mon 2/7/18
    _check(x, "H4", "HEALTH_ASSESSMENT", "2018-07-02")  # on the due date: on time
    _child(x, "H5", "2010-05-05", "2018-09-03", moves=("2019-03-26",))  # IHA due Mon 1/10/18
    _check(x, "H5", "HEALTH_ASSESSMENT", "2018-08-01")  # before the period: not its IHA
    _check(x, "H5", "HEALTH_ASSESSMENT", "2018-10-02")  # a day late
    _child(x, "H6", "2012-01-01", "2019-03-18")  # IHA due Mon 15/4/19, after t: left out
    _child(x, "H7", "2009-01-01", "2019-02-04")  # IHA due Mon 4/3/19, never held: late
    # a short-break child: in no measure
    _child(x, "H8", "2006-06-06", "2017-01-01", legal="V3")
    _check(x, "H8", "HEALTH_ASSESSMENT", "2019-01-01")
    _missing(x, "H8", "2018-07-01", "2018-07-02", offered="Y")
    # ---- statutory visits (cohort at t: placement open at t started on or before 24/3/19) ----
    _visit(x, "H1", "2018-12-31")  # after the first year: due +3 months = 31/3/19 = t: not overdue
    _visit(x, "H2", "2019-01-15")  # due 15/4/19
    _visit(x, "H3", "2018-12-20")  # due 20/3/19 ...
    _visit(x, "H3", "2019-02-20", seen="N")  # ... a visit without seeing the child restarts nothing
    _visit(x, "H4", "2019-02-14")  # first year of the placement: due +42 days = 28/3/19: overdue
    _visit(x, "H5", "2019-03-01")  # H5 moved on 26/3/19, after 24/3/19: not in the cohort
    _visit(x, "H7", "2019-02-08")  # due 22/3/19, met by ...
    _visit(x, "H7", "2019-03-20")  # ... this one: due 1/5/19
    _visit(x, "H9", "2018-12-01")  # the old placement: does not count for the new one
    _visit(x, "H9", "2019-01-10")  # within a week of the move on 7/1/19: due 21/2/19
    _visit(x, "H9", "2019-02-21")  # on the due date: due 4/4/19
    # H6 (placed 18/3/19, due 25/3/19) and H10 (placed 2016, never visited) have no visits: overdue
    # ---- missing from care ----
    _child(x, "M1", "2003-01-01", "2017-05-01", ceased="2018-05-01")  # left care on 1/5/18
    _missing(x, "M1", "2018-04-20", "2018-04-22", offered="Y", accepted="Y")  # age 15
    _missing(x, "M1", "2018-05-01", "2018-05-02", offered="Y")  # on the day care ended: not looked after
    _missing(x, "H9", "2019-01-08", "2019-01-09", offered="N")  # first week of the new placement, age 13
    _missing(x, "H9", "2019-02-10", "2019-02-10", kind="A")  # away without authorisation: not counted
    _missing(x, "H9", "2019-03-30", "2019-04-02", offered="Y")  # age 14; ends after March
    _missing(x, "H10", "2019-03-05", "2019-03-05", offered="NA")  # age 16; NA is not an offer
    # ---- an orphan (unknown parent): GHOST is looked after since 1/3/17 but has no person row. Counted,
    # it would join the OC2 cohort with an assessment and a dental check in the window (3 of 6, not 2 of
    # 5), the visits cohort (9), the missing episodes (5) and the children looked after (11). Left out
    # of every KPI; kpi_data_quality counts its rows (DATA_QUALITY_906).
    _child(x, "GHOST", "2008-01-01", "2017-03-01", person=False)
    _check(x, "GHOST", "HEALTH_ASSESSMENT", "2019-01-10")
    _check(x, "GHOST", "DENTAL_CHECK", "2018-11-01")
    x.add("ssd_sdq_scores", csdq_table_id="S9", csdq_person_id="GHOST", csdq_sdq_completed_date="2019-02-01",
          csdq_sdq_score="30")  # fmt: skip
    _visit(x, "GHOST", "2019-03-01")
    _missing(x, "GHOST", "2019-03-10", "2019-03-11", offered="Y", accepted="Y")
    return x


# marts.kpi_data_quality rows of 906 (la_code, kpi_code None = every KPI reading the table):
# (source_table, issue, period) -> rows. GHOST's checks are dated 1/11/18 and 10/1/19, its SDQ 1/2/19,
# its visit 1/3/19 and its missing episode 10/3/19; its episode started in 2016-17, outside 2018-19.
DATA_QUALITY_906 = {
    ("ssd_cla_health", "unknown parent", FY): 2,
    ("ssd_sdq_scores", "unknown parent", FY): 1,
    ("ssd_cla_visits", "unknown parent", FY): 1,
    ("ssd_missing", "unknown parent", FY): 1,
    ("ssd_cla_health", "unknown parent", JAN): 1,
    ("ssd_sdq_scores", "unknown parent", FEB): 1,
    ("ssd_cla_visits", "unknown parent", MAR): 1,
    ("ssd_missing", "unknown parent", MAR): 1,
}


def expect_906() -> list[Expect]:
    la = "906"
    return [
        # Health assessment, OC2 cohort H1 H2 H3 H9 H10 = 5: H1 no (31/3/18 is exactly 12 months back), H2 no
        # (under 5: 30/9/18 is exactly 6 months back), H3 yes (1/10/18), H9 yes, H10 none: 2 of 5.
        Expect(la, "CLA_HEALTH_ASSESSMENT_UP_TO_DATE", FY, 2, 5, 40.0),
        Expect(la, "CLA_HEALTH_ASSESSMENT_UP_TO_DATE", MAR, 2, 5, 40.0),
        # age band 1-4: H2 no, H3 yes; locality East: H9 yes.
        Expect(la, "CLA_HEALTH_ASSESSMENT_UP_TO_DATE", FY, 1, 2, 50.0, ("age_band", "1-4")),
        Expect(la, "CLA_HEALTH_ASSESSMENT_UP_TO_DATE", FY, 1, 1, 100.0, ("locality", "East")),
        # February (t = 28/2/19): H1's 31/3/18 and H2's 30/9/18 are inside their windows; H10 none: 4 of 5.
        Expect(la, "CLA_HEALTH_ASSESSMENT_UP_TO_DATE", FEB, 4, 5, 80.0),
        # Dental, cohort aged 1 or over (the same 5): H1 (1/6/18), H2 (1/12/18) yes; H3 only planned: 2 of 5.
        Expect(la, "CLA_DENTAL_CHECK", FY, 2, 5, 40.0),
        Expect(la, "CLA_DENTAL_CHECK", MAR, 2, 5, 40.0),
        # IHA: periods started in 2018-19 whose IHA fell due by t: H4 (on the due date), H5 (a day late;
        # the assessment before the period is not its IHA), H7 (due 4/3/19, none); H6 due after t: 1 of 3.
        Expect(la, "CLA_IHA_TIMELY", FY, 1, 3, 100 / 3),
        # Immunisations: H1 Y, H3 Y (dated t), H2 N, H9 and H10 no status: 2 of 5.
        Expect(la, "CLA_IMMUNISATIONS_UP_TO_DATE", FY, 2, 5, 40.0),
        # SDQ, cohort aged 4-16: H1 (11), H9 (14), H10 (16); completed: H1 (15/11/18), H10 (31/3/19 = t);
        # H9 only a reason: 2 of 3.
        Expect(la, "CLA_SDQ_COMPLETED", FY, 2, 3, 200 / 3),
        # average of the latest scores in the window: H1 18 (not 10), H10 21 (31/3/18 is outside): 39 / 2.
        Expect(la, "CLA_SDQ_AVERAGE_SCORE", FY, 39, 2, 19.5),
        # Visits, cohort at 31/3/19: H1 H2 H3 H4 H6 H7 H9 H10 (H5's placement began 26/3/19; H8 short
        # breaks; M1 left). Overdue: H3 (due 20/3), H4 (due 28/3), H6 (due 25/3), H10 (never): 4 of 8.
        Expect(la, "CLA_VISITS_UP_TO_DATE", FY, 4, 8, 50.0),
        Expect(la, "CLA_VISITS_UP_TO_DATE", MAR, 4, 8, 50.0),
        Expect(la, "CLA_VISITS_OVERDUE", MAR, 4, None, 4.0),
        Expect(la, "CLA_VISITS_UP_TO_DATE", MAR, 1, 1, 100.0, ("locality", "East")),
        Expect(la, "CLA_VISITS_UP_TO_DATE", MAR, 0, 1, 0.0, ("age_band", "under 1")),  # H4
        Expect(la, "CLA_VISITS_OVERDUE", MAR, 0, None, 0.0, ("locality", "East")),
        # Missing, 2018-19: counted episodes M1 20/4/18, H9 8/1/19, H9 30/3/19, H10 5/3/19 = 4 (M1's on
        # 1/5/18 is after care ended, H9's away episode and H8's short-break episode do not count);
        # children M1 H9 H10 = 3 of the 10 looked after during the year (H1-H7, H9, H10, M1; not H8).
        Expect(la, "CLA_MISSING_EPISODES", FY, 4, None, 4.0),
        Expect(la, "CLA_MISSING_EPISODES", FY, 3, None, 3.0, ("age_band", "10-15")),
        Expect(la, "CLA_MISSING_EPISODES", FY, 1, None, 1.0, ("age_band", "16-17")),
        Expect(la, "CLA_MISSING_EPISODES", FY, 2, None, 2.0, ("locality", "East")),
        Expect(la, "CLA_MISSING_CHILDREN", FY, 3, None, 3.0),
        Expect(la, "CLA_MISSING_CHILDREN_PCT", FY, 3, 10, 30.0),
        Expect(la, "CLA_MISSING_EPISODES_PER_CHILD", FY, 4, 3, 4 / 3),
        # RHI: episodes that also ended in the year: M1 (offered), H9 8/1 (N), H10 (NA): 1 of 3 offered;
        # of those offered, M1 accepted: 1 of 1.
        Expect(la, "CLA_MISSING_RHI_OFFERED", FY, 1, 3, 100 / 3),
        Expect(la, "CLA_MISSING_RHI_ACCEPTED", FY, 1, 1, 100.0),
        # March: H9 30/3 and H10 5/3: 2 episodes, 2 children of 9 looked after (M1 gone); only H10's ended
        # in March, not offered: 0 of 1; none offered: 0 of 0, no value.
        Expect(la, "CLA_MISSING_EPISODES", MAR, 2, None, 2.0),
        Expect(la, "CLA_MISSING_CHILDREN_PCT", MAR, 2, 9, 200 / 9),
        Expect(la, "CLA_MISSING_RHI_OFFERED", MAR, 0, 1, 0.0),
        Expect(la, "CLA_MISSING_RHI_ACCEPTED", MAR, 0, 0, None),
    ]


# ---- care leavers: (id, dob, eligibility, in touch, latest contact, suitable, activity, pathway review)
# Ages at 31/3/19: L1 20, L2 20, L3 21, L4 21, L5 20, L6 20, L7 19, L8 18, L9 17, L10 25, L11 16, L12 19.
LEAVERS_FEB = [
    ("L1", "1998-06-01", "Former Relevant", "YES", "2019-02-01", "1", "F2", "2019-01-10"),
    ("L2", "1999-01-10", "FORMER_RELEVANT", "NO", "", "1", "G5", "2018-06-01"),
    ("L3", "1998-02-01", "FORMER_RELEVANT", "REFU", "", "", "", "2018-10-01"),
    ("L4", "1997-12-01", "FORMER_RELEVANT", "RHOM", "", "", "", "2018-09-30"),
    ("L5", "1999-03-01", "FORMER_RELEVANT", "NREQ", "", "", "", ""),
    ("L6", "1998-09-01", "FORMER_RELEVANT", "DIED", "", "", "", "2019-01-01"),
    ("L7", "1999-05-05", "FORMER_RELEVANT", "YES", "2018-12-31", "2", "G5", "2019-02-01"),
    ("L8", "2000-09-01", "FORMER_RELEVANT", "YES", "2019-02-10", "1", "0", "2018-12-01"),
    ("L9", "2001-08-01", "RELEVANT", "YES", "2019-02-14", "2", "P5", "2019-02-10"),
    ("L10", "1993-05-01", "FORMER_RELEVANT", "YES", "2019-02-01", "1", "F5", "2017-01-01"),
    ("L11", "2002-06-01", "ELIGIBLE", "YES", "2019-02-01", "1", "F2", "2019-02-01"),
    ("L12", "1999-10-10", "FORMER_RELEVANT", "YES", "2019-02-05", "", "G6", "2019-02-05"),
]
# 15/1/19: L1, L8, L9, L12 contacted earlier; L4 still in touch (not yet RHOM).
JAN_CHANGES = {
    "L1": {"contact": "2019-01-02"},
    "L4": {"in_touch": "YES", "contact": "2019-01-10", "suitable": "1", "activity": "F1"},
    "L8": {"contact": "2019-01-05"},
    "L9": {"contact": "2019-01-06"},
    "L12": {"contact": "2019-01-05"},
}
# 1/4/19 (the latest extract, after every period end): L2 back in touch. A March figure read from it
# instead of the 15/2/19 extract would count L2.
APR_CHANGES = {"L2": {"in_touch": "YES", "contact": "2019-03-30"}}


def _leavers_extract(date: str, changes: dict) -> Extract:
    """907's extract of `date`: LEAVERS_FEB with `changes`, and a care-leaver record of GHOST, who has no
    person row (unknown parent: left out of every care-leaver KPI, counted at each period end from the
    first extract on: January, February and March 2019 and the year, DATA_QUALITY_907)."""
    x = Extract("907", extract_date=date)
    x.team("T1", "Leaving care", "North")
    x.professional("SW1", team_id="T1")
    # a period of care so the authority has reporting periods: L9 left care at 17
    _child(x, "L9", "2001-08-01", "2016-01-04", ceased="2018-12-31")
    fields = ("in_touch", "contact", "suitable", "activity", "review")
    for pid, dob, elig, *vals in LEAVERS_FEB:
        row = dict(zip(fields, vals, strict=True)) | changes.get(pid, {})
        if pid != "L9":
            x.person(pid, dob)
        x.add(
            "ssd_care_leavers",
            clea_table_id=f"CL-{pid}",
            clea_person_id=pid,
            clea_care_leaver_eligibility=elig,
            clea_care_leaver_in_touch=row["in_touch"],
            clea_care_leaver_latest_contact=row["contact"],
            clea_care_leaver_accom_suitable=row["suitable"],
            clea_care_leaver_activity=row["activity"],
            clea_pathway_plan_review_date=row["review"],
        )
    x.add(
        "ssd_care_leavers",
        clea_table_id="CL-GHOST",
        clea_person_id="GHOST",
        clea_care_leaver_eligibility="FORMER_RELEVANT",
        clea_care_leaver_in_touch="YES",
        clea_care_leaver_latest_contact="2019-01-02",
        clea_care_leaver_accom_suitable="1",
        clea_care_leaver_activity="F2",
        clea_pathway_plan_review_date="2019-01-02",
    )
    return x


def case_907_care_leavers() -> Extracts:
    return Extracts(
        _leavers_extract("2019-01-15", JAN_CHANGES),
        _leavers_extract("2019-02-15", {}),
        _leavers_extract("2019-04-01", APR_CHANGES),
    )


def expect_907() -> list[Expect]:
    la = "907"
    return [
        # March and the year (t = 31/3/19) read the 15/2/19 extract. CL_COUNT: relevant or former relevant,
        # 16-25, not died: L1 L2 L3 L4 L5 L7 L8 L9 L10 L12 = 10 (L6 died, L11 eligible).
        Expect(la, "CL_COUNT", MAR, 10, None, 10.0),
        Expect(la, "CL_COUNT", FY, 10, None, 10.0),
        # In touch, former relevant 19-21 without DIED/RHOM/NREQ: L1 L2 L3 L7 L12 (NO and REFU stay in);
        # in touch: L1 (1/2/19), L12 (5/2/19); L7's contact 31/12/18 is exactly 3 months back: 2 of 5.
        Expect(la, "CL_IN_TOUCH", MAR, 2, 5, 40.0),
        Expect(la, "CL_IN_TOUCH", FY, 2, 5, 40.0),
        Expect(la, "CL_IN_TOUCH", MAR, 2, 5, 40.0, ("age_group", "19-21")),
        # 17-18: L8 (18, former relevant) and L9 (17, relevant), both in touch: 2 of 2.
        Expect(la, "CL_IN_TOUCH", MAR, 2, 2, 100.0, ("age_group", "17-18")),
        # February (t = 28/2/19): the same five, L7's contact now inside the 3 months: L1 L7 L12, 3 of 5.
        Expect(la, "CL_IN_TOUCH", FEB, 3, 5, 60.0),
        # January (t = 31/1/19, the 15/1/19 extract): L4 not yet RHOM and in touch, L3 still 20:
        # L1 L2 L3 L4 L7 L12 = 6, in touch L1 L4 L7 L12 = 4.
        Expect(la, "CL_IN_TOUCH", JAN, 4, 6, 400 / 6),
        # Suitable accommodation, the headline's in-touch young people L1 (1) and L12 (not recorded): 1 of 2;
        # 17-18: L8 (1), L9 (2): 1 of 2.
        Expect(la, "CL_SUITABLE_ACCOMMODATION", MAR, 1, 2, 50.0),
        Expect(la, "CL_SUITABLE_ACCOMMODATION", MAR, 1, 2, 50.0, ("age_group", "17-18")),
        # EET: L1 F2 yes, L12 G6 no: 1 of 2; groups EET 1, NEET 1, not known 0 of 2; 17-18: L9 P5 yes,
        # L8 activity 0 (not known): 1 of 2.
        Expect(la, "CL_EET", MAR, 1, 2, 50.0),
        Expect(la, "CL_EET", MAR, 1, 2, 50.0, ("activity_group", "NEET")),
        Expect(la, "CL_EET", MAR, 0, 2, 0.0, ("activity_group", "not_known")),
        Expect(la, "CL_EET", MAR, 1, 2, 50.0, ("age_group", "17-18")),
        # Pathway plan reviewed in (30/9/18, 31/3/19], of CL_COUNT's 10: L1 L3 L7 L8 L9 L12 = 6 (L4's
        # 30/9/18 is exactly 6 months back; L2 L5 L10 older or none).
        Expect(la, "CL_PATHWAY_PLAN_REVIEWED", MAR, 6, 10, 60.0),
    ]


DATA_QUALITY_907 = {("ssd_care_leavers", "unknown parent", period): 1 for period in (JAN, FEB, MAR, FY)}

CASES = [case_906_health_missing_visits, case_907_care_leavers]
EXPECTATIONS = expect_906() + expect_907()
