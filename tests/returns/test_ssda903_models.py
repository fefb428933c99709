"""The SSDA903 return models on a hand-worked authority (collection year 2025-26: 1 April 2025 to
31 March 2026). Each child is one rule of the 903 episode guidance; the expected rows are worked out
in the comments from the legal statuses and placements given."""

from __future__ import annotations

import psycopg2
import pytest

from ingestion.build import build
from tests.warehouse.rawdata import create_raw_schema, load_extract

pytestmark = pytest.mark.slow

PERSONS = [
    {"pers_person_id": "A", "pers_sex": "F", "pers_dob": "2012-02-03", "pers_ethnicity": "WBRI"},
    {"pers_person_id": "B", "pers_sex": "M", "pers_dob": "2010-06-30", "pers_upn": "A123456789012"},
    {"pers_person_id": "C", "pers_sex": "1", "pers_dob": "2014-09-09"},
    {"pers_person_id": "D", "pers_sex": "2", "pers_dob": "2016-01-20"},
    {"pers_person_id": "G", "pers_sex": "M", "pers_dob": "2013-03-03", "pers_ethnicity": "WBRI"},
    # care leavers, 19 at 31 March 2026
    {"pers_person_id": "E", "pers_sex": "F", "pers_dob": "2006-05-01", "pers_ethnicity": "WBRI"},
    {"pers_person_id": "F", "pers_sex": "M", "pers_dob": "2007-01-15", "pers_ethnicity": "WBRI"},
]


def _episode(eid, person, cla, start, reason, ceased=None, ceased_reason=None, placement=None):
    return {
        "clae_cla_episode_id": eid,
        "clae_person_id": person,
        "clae_cla_id": cla,
        "clae_cla_episode_start_date": start,
        "clae_cla_episode_start_reason": reason,
        "clae_cla_episode_ceased_date": ceased,
        "clae_cla_episode_ceased_reason": ceased_reason,
        "clae_cla_placement_id": placement,
        "clae_cla_primary_need_code": "N1",
    }


def _legal(lid, person, code, start, end=None):
    return {
        "lega_legal_status_id": lid,
        "lega_person_id": person,
        "lega_legal_status": code,
        "lega_legal_status_start_date": start,
        "lega_legal_status_end_date": end,
    }


def _placement(pid, person, cla, ptype, start, end=None, reason=None):
    return {
        "clap_cla_placement_id": pid,
        "clap_cla_id": cla,
        "clap_person_id": person,
        "clap_cla_placement_type": ptype,
        "clap_cla_placement_start_date": start,
        "clap_cla_placement_end_date": end,
        "clap_cla_placement_change_reason": reason,
        "clap_cla_placement_provider": "PR1",
        "clap_cla_placement_postcode": "PR1 2HE",
    }


EPISODES = [
    # A: the case system recorded two episodes; the legal statuses hold a third change (C1 -> C2)
    _episode("EA1", "A", "CA", "2025-05-01", "S", "2025-06-10", "X1", "PA1"),
    _episode("EA2", "A", "CA", "2025-06-10", "B", placement="PA2"),
    # B: two periods of care (readmission after three months at home)
    _episode("EB1", "B", "CB1", "2024-01-10", "S", "2025-06-01", "E4A", "PB1"),
    _episode("EB2", "B", "CB2", "2025-09-01", "S", "2026-02-01", "E13", "PB2"),
    # C: two short breaks under V3
    _episode("EC1", "C", "CC1", "2025-07-01", "S", "2025-07-03", "E8", "PC1"),
    _episode("EC2", "C", "CC2", "2025-10-10", "S", "2025-10-12", "E8", "PC2"),
    # D: in care since 2023; moved on 1 Nov 2025 with the same carers (the system says T)
    _episode("ED1", "D", "CD", "2023-03-01", "S", "2025-11-01", "X1", "PD1"),
    _episode("ED2", "D", "CD", "2025-11-01", "T", placement="PD2"),
    # G: in care since February 2024, no change
    _episode("EG1", "G", "CG", "2024-02-01", "S", placement="PG1"),
]
LEGAL = [
    _legal("LA1", "A", "V2", "2025-05-01", "2025-06-10"),
    _legal("LA2", "A", "C1", "2025-06-10", "2025-08-01"),
    # two changes on 1 Aug: an order recorded and replaced the same day; C2 is in force at the day's end
    _legal("LA3", "A", "C1", "2025-08-01", "2025-08-01"),
    _legal("LA4", "A", "C2", "2025-08-01"),
    _legal("LB1", "B", "V2", "2024-01-10", "2025-06-01"),
    _legal("LB2", "B", "V2", "2025-09-01", "2026-02-01"),
    _legal("LC1", "C", "V3", "2025-07-01", "2025-07-03"),
    _legal("LC2", "C", "V3", "2025-10-10", "2025-10-12"),
    _legal("LD1", "D", "C2", "2023-03-01"),
    _legal("LG1", "G", "C2", "2024-02-01"),
]
PLACEMENTS = [
    _placement("PA1", "A", "CA", "U6", "2025-05-01", "2025-06-10", "CARPL"),
    _placement("PA2", "A", "CA", "K2", "2025-06-10"),
    _placement("PB1", "B", "CB1", "U6", "2024-01-10", "2025-06-01", "CARPL"),
    _placement("PB2", "B", "CB2", "U4", "2025-09-01", "2026-02-01", "CARPL"),
    _placement("PC1", "C", "CC1", "U6", "2025-07-01", "2025-07-03", "CARPL"),
    _placement("PC2", "C", "CC2", "U6", "2025-10-10", "2025-10-12", "CARPL"),
    _placement("PD1", "D", "CD", "U6", "2023-03-01", "2025-11-01", "CREQB"),
    _placement("PD2", "D", "CD", "U4", "2025-11-01"),
    _placement("PG1", "G", "CG", "U4", "2024-02-01"),
]
REVIEWS = [
    {
        "clar_cla_review_id": "RA1",
        "clar_cla_id": "CA",
        "clar_cla_review_date": "2025-05-29",
        "clar_cla_review_participation": "PN1",
    },
    # a review recorded during C's short break is not returned (V3/V4 children have no reviews)
    {
        "clar_cla_review_id": "RC1",
        "clar_cla_id": "CC1",
        "clar_cla_review_date": "2025-07-02",
        "clar_cla_review_participation": "PN1",
    },
    {
        "clar_cla_review_id": "RD1",
        "clar_cla_id": "CD",
        "clar_cla_review_date": "2025-03-30",
        "clar_cla_review_participation": "PN1",
    },  # before the year: not returned
    {
        "clar_cla_review_id": "RD2",
        "clar_cla_id": "CD",
        "clar_cla_review_date": "2025-09-30",
        "clar_cla_review_cancelled": "Y",
    },  # cancelled: not a review
]


def _leaver(lid, person, in_touch, contact, accommodation, suitable, activity):
    return {
        "clea_table_id": lid,
        "clea_person_id": person,
        "clea_care_leaver_in_touch": in_touch,
        "clea_care_leaver_latest_contact": contact,
        "clea_care_leaver_accommodation": accommodation,
        "clea_care_leaver_accom_suitable": suitable,
        "clea_care_leaver_activity": activity,
    }


CARE_LEAVERS = [
    # E's case record still holds the accommodation and activity from before she died
    _leaver("CLE1", "E", "DIED", None, "U", "1", "F1"),
    # F: an older record, then the latest contact: semi-independent, unsuitable, not in EET
    _leaver("CLF1", "F", "YES", "2025-06-01", "B", "1", "F2"),
    _leaver("CLF2", "F", "YES", "2026-02-10", "D", "2", "G5"),
]


def _sdq(sid, person, completed, score=None, reason=None):
    return {
        "csdq_table_id": sid,
        "csdq_person_id": person,
        "csdq_sdq_completed_date": completed,
        "csdq_sdq_score": score,
        "csdq_sdq_reason": reason,
    }


SDQS = [
    _sdq("SD1", "D", "2025-02-10", 20),  # before the year
    _sdq("SD2", "D", "2025-11-20", 12),  # the year's
    _sdq("SD3", "D", "2026-04-15", 30),  # after 31 March
    _sdq("SG1", "G", None, reason="SDQ2"),  # carers did not return the questionnaire
]


def extract() -> dict[str, list[dict]]:
    return {
        "ssd_person": PERSONS,
        "ssd_cla_episodes": EPISODES,
        "ssd_legal_status": LEGAL,
        "ssd_cla_placement": PLACEMENTS,
        "ssd_cla_reviews": REVIEWS,
        "ssd_care_leavers": CARE_LEAVERS,
        "ssd_sdq_scores": SDQS,
    }


@pytest.fixture(scope="module")
def url(module_db_url, tmp_path_factory):
    create_raw_schema(module_db_url)
    load_extract(module_db_url, "901", "2026-04-30", extract())
    result = build(
        module_db_url,
        select="+path:models/returns/ssda903",
        exclude="path:models/marts resource_type:test",  # the parents' tests have their own modules
        vars={"ssda903_year": "2025-26"},
        target_path=tmp_path_factory.mktemp("dbt_target"),
    )
    assert result.success, result.failures
    return module_db_url


def rows(url: str, sql: str) -> list[tuple]:
    conn = psycopg2.connect(url)
    try:
        with conn.cursor() as cur:
            cur.execute(sql)
            return cur.fetchall()
    finally:
        conn.close()


def episodes(url: str, child: str) -> list[tuple]:
    return rows(
        url,
        "select decom, rne, ls, place, dec, rec, reason_place_change from returns_903.ssda903_episodes"
        f" where child = '{child}' order by to_date(decom, 'DD/MM/YYYY')",
    )


def test_same_day_legal_status_and_placement_change_is_one_episode(url):
    # 1 May: enters care (S) under V2 in U6. 10 Jun: V2 -> C1 and U6 -> K2 on the same day: one episode,
    # B (both changed, new carer), and the U6 episode ends with the placement's change reason. 1 Aug:
    # C1 -> C1 -> C2 within the day: one L episode with C2, the status in force at the day's end.
    assert episodes(url, "A") == [
        ("01/05/2025", "S", "V2", "U6", "10/06/2025", "X1", "CARPL"),
        ("10/06/2025", "B", "C1", "K2", "01/08/2025", "X1", None),
        ("01/08/2025", "L", "C2", "K2", None, None, None),
    ]


def test_readmission_starts_a_new_period_with_s(url):
    # The first period (Jan 2024 - 1 Jun 2025) is open on 1 April 2025, so its episode is in the file
    # with its ceased reason; the second period starts again with S and ends E13 on 1 Feb 2026.
    assert episodes(url, "B") == [
        ("10/01/2024", "S", "V2", "U6", "01/06/2025", "E4A", None),
        ("01/09/2025", "S", "V2", "U4", "01/02/2026", "E13", None),
    ]


def test_short_breaks_are_one_episode_each(url):
    # Each V3 break is its own period of care: S on arrival, ceased E8 when the break ends.
    assert episodes(url, "C") == [
        ("01/07/2025", "S", "V3", "U6", "03/07/2025", "E8", None),
        ("10/10/2025", "S", "V3", "U6", "12/10/2025", "E8", None),
    ]


def test_placement_change_with_the_same_carer_is_t(url):
    # D's move on 1 Nov 2025 keeps the carers (the case system's episode says T); the episode before it
    # started in 2023 and is in the file because it is open on 1 April 2025.
    assert episodes(url, "D") == [
        ("01/03/2023", "S", "C2", "U6", "01/11/2025", "X1", "CREQB"),
        ("01/11/2025", "T", "C2", "U4", None, None, None),
    ]


def test_header_reviews_and_cohorts(url):
    # SEX 1/2 (pre-2024 codes) come out as M/F; ethnicity NOBT when none; without a UPN, UN5 (not yet
    # obtained): all three were 4 or over on 31 Aug 2024 (UN1 is for children not yet of school age).
    header = "select child, sex, dob, ethnic, upn from returns_903.ssda903_header order by child"
    assert rows(url, header) == [
        ("A", "F", "03/02/2012", "WBRI", "UN5"),
        ("B", "M", "30/06/2010", "NOBT", "A123456789012"),
        ("C", "M", "09/09/2014", "NOBT", "UN5"),
        ("D", "F", "20/01/2016", "NOBT", "UN5"),
        ("E", "F", "01/05/2006", "WBRI", "UN5"),
        ("F", "M", "15/01/2007", "WBRI", "UN5"),
        ("G", "M", "03/03/2013", "WBRI", "UN5"),
    ]
    # only A's review is returned (C's was during a short break, D's before the year or cancelled)
    assert rows(url, "select child, review, review_code from returns_903.ssda903_reviews") == [
        ("A", "29/05/2025", "PN1")
    ]
    # OC2: looked after on 1 April 2025 through 31 March 2026 without a new start: D and G (B left in
    # June). D's SDQ is the one completed in the year (20 Nov 2025: 12), not February's or April 2026's;
    # G has no questionnaire, and the reason recorded (SDQ2).
    oc2 = "select child, sdq_score, sdq_reason, health_check, substance_misuse from returns_903.ssda903_oc2"
    assert rows(url, oc2 + " order by child") == [
        ("D", "12", None, None, None),
        ("G", None, "SDQ2", None, None),
    ]
    # previous permanence: children who started to be looked after in the year (A, B's readmission, C)
    prev_perm = "select child, prev_perm from returns_903.ssda903_previous_permanence order by child"
    assert rows(url, prev_perm) == [
        ("A", "Z1"),
        ("B", "Z1"),
        ("C", "Z1"),
    ]


def test_care_leavers_latest_record_and_nothing_to_report_after_death(url):
    # OC3: E and F are 19 at 31 March 2026. F's latest contact (10 Feb 2026) gives D (semi-independent)
    # with suitability 2 (unsuitable) as ACCOM D2, activity G5. E died: activity and accommodation are
    # 0 (the 903 guidance; rule 344), whatever the case record still holds.
    oc3 = "select child, dob, in_touch, activ, accom from returns_903.ssda903_oc3 order by child"
    assert rows(url, oc3) == [
        ("E", "01/05/2006", "DIED", "0", "0"),
        ("F", "15/01/2007", "YES", "G5", "D2"),
    ]


def test_the_return_written_imports_back_as_history(url, tmp_path):
    # `cscw import 903` reads what `cscw return 903` writes: every file, row for row, with the same
    # episodes (docs/ssda903.md, "Importing past returns").
    from ingestion.history_import import import_903
    from ingestion.returns.ssda903 import FILES, write_files

    written = write_files(url, "901", tmp_path / "2025-26")
    result = import_903(url, "901", tmp_path)
    assert result.imported["2025-26"] == {name.removesuffix(".csv"): n for name, n in written.rows.items()}
    placement = next(c for c in FILES["episodes.csv"][1] if c in ("PL", "PLACE")).lower()
    imported = "select child, decom, rne, pl, dec, rec from raw.ssda903_episodes order by line"
    returned = (
        f"select child, decom, rne, {placement}, dec, rec from returns_903.ssda903_episodes"
        " order by child, to_date(decom, 'DD/MM/YYYY')"
    )
    assert rows(url, imported) == rows(url, returned)
    assert len(rows(url, imported)) == written.rows["episodes.csv"] > 0
