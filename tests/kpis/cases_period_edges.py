"""Hand-worked cases on the edges of the health and missing periods (kpi-definitions.md Version 2,
"Health of children looked after" and "Missing from care"): events exactly on the first day of the
year and on the OC2 cohort's 12-month boundary, each number worked out in the comments.

Authority 910 sends ssd_cla_health and ssd_missing. FY = 2018-04-01 .. 2019-03-31, t = 2019-03-31,
add_months(t, -12) = 2018-03-31. Easter Monday 2018-04-02 is a bank holiday.
"""

from __future__ import annotations

from tests.kpis.cases import FY, Expect
from tests.kpis.cases_corporate_parenting import _check, _child, _missing
from tests.kpis.extracts import Extract


def case_910_period_edges() -> Extract:
    x = Extract("910")
    x.team("T1", "Team North 1", "North")
    x.professional("SW1", team_id="T1")
    # B1: in care from Sun 2018-04-01, the year's first day. IHA due wd_add(Sun 1/4/18, 20): Mon 2/4/18 is
    # Easter Monday, so the 20 working days are 3/4 .. 30/4: due Mon 2018-04-30, held then: on time.
    # Not in the OC2 cohort at t: started after 2018-03-31 (but inside an 11-month window).
    _child(x, "B1", "2008-01-01", "2018-04-01")
    _check(x, "B1", "HEALTH_ASSESSMENT", "2018-04-30")
    # missing on the day care began (looked after then: start <= day), age 10
    _missing(x, "B1", "2018-04-01", "2018-04-02", offered="Y")
    # B2: in care from Sat 2018-03-31 = add_months(t, -12) exactly: in the OC2 cohort; assessed 1/6/18.
    _child(x, "B2", "2010-06-01", "2018-03-31")
    _check(x, "B2", "HEALTH_ASSESSMENT", "2018-06-01")
    # B3: left care on 2018-04-02, so looked after on 1/4/18, the year's first day
    _child(x, "B3", "2009-01-01", "2018-01-15", ceased="2018-04-02")
    return x


def expect_910() -> list[Expect]:
    la = "910"
    return [
        # periods of care started in the year: B1 only (B2 began the day before); IHA on the due date: 1 of 1
        Expect(la, "CLA_IHA_TIMELY", FY, 1, 1, 100.0),
        # OC2 cohort at t: B2 (start 31/3/18 <= 31/3/18); B1 (1/4/18) out. B2 assessed 1/6/18: 1 of 1.
        Expect(la, "CLA_HEALTH_ASSESSMENT_UP_TO_DATE", FY, 1, 1, 100.0),
        # B1's episode starting 1/4/18 while looked after: 1 episode, 1 child of the 3 looked after at
        # some time in the year (B1, B2, and B3 until 2/4/18)
        Expect(la, "CLA_MISSING_EPISODES", FY, 1, None, 1.0),
        Expect(la, "CLA_MISSING_CHILDREN_PCT", FY, 1, 3, 100 / 3),
    ]


CASES = [case_910_period_edges]
EXPECTATIONS = expect_910()
