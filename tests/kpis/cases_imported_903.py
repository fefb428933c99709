"""Placement stability with imported SSDA903 history (docs/ssda903.md, "The imported history in the
KPIs"), worked out by hand. Authority 935's case system was brought in on 2018-10-01: its extract
(taken 2019-04-01) declares history_start 2018-10-01 and starts every child who was already in care
then with an S episode on that day. Its 2017-18 and 2018-19 SSDA903 returns are imported (IMPORTS).

Without the import, FY 2018-19 starts before history_start and is not published at all, and none of
these children has been in care for 2.5 years. With it, the two placement-stability KPIs publish FY
2018-19 (the return of 2018-19 holds 1 April to 30 September), every other KPI does not.

t = 2019-03-31; add_months(t, -30) = 2016-09-30; add_months(t, -24) = 2017-03-31.
"""

from __future__ import annotations

from tests.kpis.cases import FY, Expect
from tests.kpis.cases_v2 import ExtractWithHistory
from tests.kpis.extracts import Extract

LA = "935"
HISTORY_START = "2018-10-01"
MARCH_2019 = ("month", "2019-03-01")


def case_935_imported_903() -> Extract:
    x = ExtractWithHistory(LA, history_start=HISTORY_START)

    def in_care_from_history_start(pid, dob, placement_type):
        x.person(pid, dob)
        x.legal(pid, "C2", HISTORY_START)
        pl = x.placement(pid, f"Q{pid}", HISTORY_START, placement_type)
        x.episode(pid, f"Q{pid}", HISTORY_START, "S", placement_id=pl["clap_cla_placement_id"])

    # H1..H4 were in care on 2018-10-01: the extract starts them there (S) in the placement the last
    # imported episode was in, so the care and the placement continue the imported ones.
    in_care_from_history_start("H1", "2008-01-01", "U4")
    in_care_from_history_start("H2", "2008-01-01", "U6")
    in_care_from_history_start("H3", "2009-01-01", "U4")
    in_care_from_history_start("H4", "2009-01-01", "U4")
    # H5 came into care on 2018-11-01, after history_start: the extract holds all of it.
    x.person("H5", "2010-01-01")
    x.legal("H5", "C2", "2018-11-01")
    pl = x.placement("H5", "QH5", "2018-11-01", "U6")
    x.episode("H5", "QH5", "2018-11-01", "S", placement_id=pl["clap_cla_placement_id"])
    # H6: the extract holds H6's care from 2016-11-01 (earlier than history_start); the imported care
    # before it ended on 2016-08-01 (E13), so it is not continued: in care since 2016-11-01 only.
    x.person("H6", "2008-01-01")
    x.legal("H6", "C2", "2016-11-01")
    pl = x.placement("H6", "QH6", "2016-11-01", "U6")
    x.episode("H6", "QH6", "2016-11-01", "S", placement_id=pl["clap_cla_placement_id"])
    return x


HEADER = (
    "H1,1,01/01/2008,WBRI,,,\nH2,2,01/01/2008,WBRI,,,\nH3,1,01/01/2009,WBRI,,,\nH4,2,01/01/2009,WBRI,,,\n"
)
# The returns as sent: every episode open at some time in the collection year.
IMPORTS = {
    LA: {
        "2016-17": (
            "H6,2,01/01/2008,WBRI,,,\n",
            "H6,01/01/2016,S,C2,N1,U4,PR1,01/08/2016,E13,,,,\n"
            # the care the extract holds (from its cutoff 2016-11-01 on): not used
            "H6,01/11/2016,S,C2,N1,U6,PR1,,,,,,\n",
        ),
        "2017-18": (
            HEADER + "Z9,1,01/01/2010,WBRI,,,\n",
            # H1 in care since 01/10/2015 (3 years before history_start), U4, never moved.
            "H1,01/10/2015,S,C2,N1,U4,PR1,,,,,,\n"
            # H2 in care since 01/10/2015, moved (P) to U6 on 01/06/2017.
            "H2,01/10/2015,S,C2,N1,U4,PR1,01/06/2017,X1,CARPL,,,\n"
            "H2,01/06/2017,P,C2,N1,U6,PR1,,,,,,\n"
            "H3,10/01/2018,S,C2,N1,U6,PR1,,,,,,\n"
            "H4,01/02/2018,S,C2,N1,U6,PR1,,,,,,\n"
            # Z9 is not in the extract: kept, used nowhere.
            "Z9,01/05/2017,S,V2,N1,U6,PR1,,,,,,\n",
        ),
        "2018-19": (
            HEADER + "H5,1,01/01/2010,WBRI,,,\n",
            "H1,01/10/2015,S,C2,N1,U4,PR1,,,,,,\n"
            "H2,01/06/2017,P,C2,N1,U6,PR1,,,,,,\n"
            # H3 moved twice before history_start: K2 on 01/05/2018, U4 on 01/08/2018.
            "H3,10/01/2018,S,C2,N1,U6,PR1,01/05/2018,X1,CARPL,,,\n"
            "H3,01/05/2018,P,C2,N1,K2,PR4,01/08/2018,X1,CARPL,,,\n"
            "H3,01/08/2018,P,C2,N1,U4,PR1,,,,,,\n"
            # H4 moved once before history_start: U4 on 01/06/2018.
            "H4,01/02/2018,S,C2,N1,U6,PR1,01/06/2018,X1,CARPL,,,\n"
            "H4,01/06/2018,P,C2,N1,U4,PR1,,,,,,\n"
            # The return has H5 moving twice; the extract holds H5 from history_start on and has no
            # such moves: the extract wins (the imported episodes start after the cutoff 2018-10-01).
            "H5,01/11/2018,S,C2,N1,U6,PR1,01/12/2018,X1,CARPL,,,\n"
            "H5,01/12/2018,P,C2,N1,K2,PR4,01/01/2019,X1,CARPL,,,\n"
            "H5,01/01/2019,P,C2,N1,U4,PR1,,,,,,\n",
        ),
    }
}


def expect_935() -> list[Expect]:
    return [
        # Looked after at 31/3/19: H1..H6 = 6. Placements in 2018-19 (the one held on 1/4/18 plus S, P,
        # B starts after it; the extract's S on 2018-10-01 continues the imported placement of the same
        # type, so it is no new placement):
        #   H1: U4 held on 1/4/18 = 1.   H2: U6 held = 1.
        #   H3: U6 held + P 01/05/18 + P 01/08/18 = 3: 3 or more.
        #   H4: U6 held + P 01/06/18 = 2 (3 if the S on history_start counted: it must not).
        #   H5: S 01/11/18 = 1 (the return's two later moves are the extract's period: not counted).
        #   H6: U6 held (the extract's episode from 2016-11-01) = 1.
        # 1 of 6.
        Expect(LA, "CLA_3PLUS_PLACEMENTS", FY, 1, 6, 100 / 6, why="imported moves before history_start"),
        # Cohort: under 16 and in care since 2016-09-30 or earlier: H1, H2 (since 01/10/2015, imported;
        # the extract alone says 2018-10-01). H3 (2018-01-10), H4 (2018-02-01), H5: not. H6: since
        # 2016-11-01 (the imported care ended 2016-08-01, before the extract's: no continuation): not.
        # Stable (latest S/P/B start on or before 2017-03-31): H1 (S 01/10/2015); H2 moved 01/06/2017: no.
        # 1 of 2 = 50%.
        Expect(LA, "CLA_LONG_TERM_STABILITY", FY, 1, 2, 50.0, why="care continuous from the imported S"),
        Expect(LA, "CLA_LONG_TERM_STABILITY", MARCH_2019, 1, 2, 50.0, why="same cohort at 31/3/19"),
        # Every other KPI keeps the extract's own window: FY 2018-19 starts before history_start.
        Expect(LA, "CLA_AT_END", FY, None, None, None, why="before history_start", absent=True),
        Expect(LA, "CLA_AT_END", MARCH_2019, 6, None, 6),
    ]


CASES = [case_935_imported_903]
EXPECTATIONS = expect_935()
