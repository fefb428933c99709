"""The SSDA903 items read from the optional tables (home postcode, mother, convictions, substance misuse,
health, adoption details), on two hand-worked authorities for the collection year 2025-26 (1 April 2025
to 31 March 2026): 902 sends every table, 903 sends the same children without the optional tables and
gets blanks, never zeros."""

from __future__ import annotations

import pytest

from ingestion.build import build
from tests.returns.test_ssda903_models import _episode, _legal, _placement, rows
from tests.warehouse.rawdata import create_raw_schema, load_extract

pytestmark = pytest.mark.slow

PERSONS = [
    # M: a girl in care since 2024 whose first child was born on 15 Aug 2025 (a second in May 2026)
    {"pers_person_id": "M", "pers_sex": "F", "pers_dob": "2009-01-10", "pers_is_mother": "Y"},
    # N: a girl flagged a mother tonight, but her child was born on 10 Apr 2026, after the year
    {"pers_person_id": "N", "pers_sex": "F", "pers_dob": "2008-03-01", "pers_is_mother": "Y"},
    # P: a boy (no mother flag), in care since 2023
    {"pers_person_id": "P", "pers_sex": "M", "pers_dob": "2011-05-05"},
    # Q: a girl adopted on 30 Sep 2025 from an adoptive placement (A6) under a placement order (E1)
    {"pers_person_id": "Q", "pers_sex": "F", "pers_dob": "2022-02-02", "pers_is_mother": "N"},
    # Y: a boy of 8 in care since 2024
    {"pers_person_id": "Y", "pers_sex": "M", "pers_dob": "2018-01-01"},
    # L: a care leaver of 19, a mother, not looked after in the year
    {"pers_person_id": "L", "pers_sex": "F", "pers_dob": "2006-06-01", "pers_is_mother": "Y"},
]
EPISODES = [
    _episode("EM", "M", "CM", "2024-01-01", "S", placement="PM"),
    _episode("EN", "N", "CN", "2025-06-01", "S", placement="PN"),
    _episode("EP", "P", "CP", "2023-06-01", "S", placement="PP"),
    _episode("EQ1", "Q", "CQ", "2023-01-01", "S", "2025-01-10", "X1", "PQ1"),
    _episode("EQ2", "Q", "CQ", "2025-01-10", "P", "2025-09-30", "E12", "PQ2"),
    _episode("EY", "Y", "CY", "2024-02-01", "S", placement="PY"),
]
LEGAL = [
    _legal("LM", "M", "C2", "2024-01-01"),
    _legal("LN", "N", "V2", "2025-06-01"),
    _legal("LP", "P", "C2", "2023-06-01"),
    _legal("LQ1", "Q", "C2", "2023-01-01", "2024-03-01"),
    _legal("LQ2", "Q", "E1", "2024-03-01", "2025-09-30"),
    _legal("LY", "Y", "C2", "2024-02-01"),
]
PLACEMENTS = [
    _placement("PM", "M", "CM", "U4", "2024-01-01"),
    _placement("PN", "N", "CN", "U6", "2025-06-01"),
    _placement("PP", "P", "CP", "U4", "2023-06-01"),
    _placement("PQ1", "Q", "CQ", "U4", "2023-01-01", "2025-01-10", "CAREPL"),
    _placement("PQ2", "Q", "CQ", "A6", "2025-01-10", "2025-09-30", "CARPL"),
    _placement("PY", "Y", "CY", "U4", "2024-02-01"),
]
LEAVERS = [
    {
        "clea_table_id": "CL1",
        "clea_person_id": "L",
        "clea_care_leaver_in_touch": "YES",
        "clea_care_leaver_latest_contact": "2026-01-10",
        "clea_care_leaver_accommodation": "B",
        "clea_care_leaver_accom_suitable": "1",
        "clea_care_leaver_activity": "F2",
    }
]
OPTIONAL = {
    "ext_cla_home_postcodes": [
        {"clhp_cla_id": "CM", "clhp_person_id": "M", "clhp_home_postcode": "pr1 1uy"},
        {"clhp_cla_id": "CP", "clhp_person_id": "P", "clhp_home_postcode": "PR7 1JY"},
    ],
    "ext_mothers_children": [
        {"moch_table_id": "K1", "moch_person_id": "M", "moch_child_dob": "2026-05-01"},
        {"moch_table_id": "K2", "moch_person_id": "M", "moch_child_dob": "2025-08-15"},
        {"moch_table_id": "K3", "moch_person_id": "N", "moch_child_dob": "2026-04-10"},
    ],
    "ssd_cla_convictions": [
        {"clac_cla_conviction_id": "V1", "clac_person_id": "P", "clac_cla_conviction_date": "2025-10-01"},
        # before the year: M was not convicted in it
        {"clac_cla_conviction_id": "V2", "clac_person_id": "M", "clac_cla_conviction_date": "2025-03-31"},
    ],
    "ssd_cla_substance_misuse": [
        {
            "clas_substance_misuse_id": "S1",
            "clas_person_id": "P",
            "clas_substance_misuse_date": "2025-12-01",
            "clas_intervention_received": "N",
            "clas_intervention_offered": "Y",
        }
    ],
    "ssd_cla_health": [
        {
            "clah_health_check_id": "H1",
            "clah_person_id": "P",
            "clah_health_check_type": "RHA",
            "clah_health_check_date": "2025-07-01",
            "clah_health_check_status": "COMPLETED",
        },
        {
            "clah_health_check_id": "H2",
            "clah_person_id": "M",
            "clah_health_check_type": "DENTAL_CHECK",
            "clah_health_check_date": "2025-09-01",
            "clah_health_check_status": "COMPLETED",
        },
        {  # only planned: not an assessment held
            "clah_health_check_id": "H3",
            "clah_person_id": "M",
            "clah_health_check_type": "RHA",
            "clah_health_check_date": "2026-03-01",
            "clah_health_check_status": "PLANNED",
        },
    ],
    "ssd_cla_immunisations": [
        {
            "clai_person_id": "P",
            "clai_immunisations_status": "Y",
            "clai_immunisations_status_date": "2026-01-01",
        },
        {
            "clai_person_id": "M",
            "clai_immunisations_status": "N",
            "clai_immunisations_status_date": "2025-11-01",
        },
    ],
    "ssd_permanence": [
        {
            "perm_table_id": "AQ",
            "perm_person_id": "Q",
            "perm_cla_id": "CQ",
            "perm_adm_decision_date": "2023-12-01",
            "perm_placement_order_date": "2024-03-01",
            "perm_matched_date": "2024-12-15",
            "perm_placed_for_adoption_date": "2025-01-10",
            "perm_adopted_by_carer_flag": "N",
            "perm_permanence_order_date": "2025-09-30",
            "perm_number_of_adopters": "2",
            "perm_adopter_sex": "MF",
            "perm_adopter_legal_status": "L11",
        }
    ],
}


def _core(with_mother_flag: bool) -> dict[str, list[dict]]:
    persons = (
        PERSONS
        if with_mother_flag
        else [{k: v for k, v in p.items() if k != "pers_is_mother"} for p in PERSONS]
    )
    return {
        "ssd_person": persons,
        "ssd_cla_episodes": EPISODES,
        "ssd_legal_status": LEGAL,
        "ssd_cla_placement": PLACEMENTS,
        "ssd_care_leavers": LEAVERS,
    }


@pytest.fixture(scope="module")
def url(module_db_url, tmp_path_factory):
    create_raw_schema(module_db_url)
    load_extract(module_db_url, "902", "2026-04-30", {**_core(True), **OPTIONAL})
    load_extract(module_db_url, "903", "2026-04-30", _core(False))
    result = build(
        module_db_url,
        select="+path:models/returns/ssda903",
        exclude="path:models/marts resource_type:test",
        vars={"ssda903_year": "2025-26"},
        target_path=tmp_path_factory.mktemp("dbt_target"),
    )
    assert result.success, result.failures
    return module_db_url


def test_mother_and_her_first_childs_date_of_birth(url):
    # M: mother, MC_DOB her first child's (15 Aug 2025), not the later one's. N: her only child was born
    # after 31 March 2026, so in this year's return she is not yet a mother. P: a boy, blank. Q: a girl
    # who is not a mother: 0. L, a care leaver not looked after in the year: motherhood is not asked
    # (the DfE rule 628). Authority 903 sends no mother flag: blank for everyone.
    header = "select la_code, child, mother, mc_dob from returns_903.ssda903_header order by 1, 2"
    assert rows(url, header) == [
        ("902", "L", None, None),
        ("902", "M", "1", "15/08/2025"),
        ("902", "N", "0", None),
        ("902", "P", None, None),
        ("902", "Q", "0", None),
        ("902", "Y", None, None),
        ("903", "L", None, None),
        ("903", "M", None, None),
        ("903", "N", None, None),
        ("903", "P", None, None),
        ("903", "Q", None, None),
        ("903", "Y", None, None),
    ]


def test_home_postcode_of_the_period_of_care(url):
    # the postcode recorded for the period of care, upper case; N has none recorded; 903 sends none
    sql = (
        "select la_code, child, decom, home_post from returns_903.ssda903_episodes where child in ('M', 'N')"
    )
    assert rows(url, sql + " order by 1, 2") == [
        ("902", "M", "01/01/2024", "PR1 1UY"),
        ("902", "N", "01/06/2025", None),
        ("903", "M", "01/01/2024", None),
        ("903", "N", "01/06/2025", None),
    ]


def test_oc2_convictions_substance_misuse_and_health(url):
    # OC2 (looked after 1 April 2025 - 31 March 2026): M, P and Y.
    # P: convicted 1 Oct 2025 (1); substance misuse identified 1 Dec 2025 (1), intervention not received
    #    (0) but offered (1); a review health assessment held in the year (1), no dental check (0),
    #    immunisations up to date (1); HEALTH_CHECK only for under-5s (P is 14): blank.
    # M: her conviction is dated 31 March 2025, before the year (0); no substance misuse (0) and so no
    #    intervention items; dental check in the year (1); the March 2026 assessment is only planned (0);
    #    immunisations not up to date (0).
    # Y: 8 at 31 March: CONVICTED is not asked under 10 (the DfE rule 542), blank;
    #    no substance misuse and no health record in the year (0), no immunisation status recorded (blank).
    # 903 sends none of these tables: every item blank, not 0.
    oc2 = (
        "select la_code, child, convicted, substance_misuse, intervention_received, intervention_offered,"
        " health_assessment, teeth_check, immunisations, health_check from returns_903.ssda903_oc2"
    )
    assert rows(url, oc2 + " order by 1, 2") == [
        ("902", "M", "0", "0", None, None, "0", "1", "0", None),
        ("902", "P", "1", "1", "0", "1", "1", "0", "1", None),
        ("902", "Y", None, "0", None, None, "0", "0", None, None),
        ("903", "M", None, None, None, None, None, None, None, None),
        ("903", "P", None, None, None, None, None, None, None, None),
        ("903", "Y", None, None, None, None, None, None, None, None),
    ]


def test_adoption_details(url):
    # Q was adopted on 30 Sep 2025 (E12): AD1 carries the decision (1 Dec 2023), the match (15 Dec 2024),
    # not adopted by her foster carer (0), two adopters, a male/female married couple (MF, L11).
    # PlacedAdoption's DATE_PLACED is that same decision date (the DfE rule 523 compares them); without
    # ssd_permanence (903) the first day of a placement-order or adoptive-placement episode in the year's
    # file stands in (10 Jan 2025, the A6 episode: the E1 episode from 1 Mar 2024 ended before the year)
    # and AD1's details are blank.
    ad1 = (
        "select la_code, child, date_int, date_match, foster_care, nb_adoptr, sex_adoptr, ls_adoptr"
        " from returns_903.ssda903_ad1 order by 1"
    )
    assert rows(url, ad1) == [
        ("902", "Q", "01/12/2023", "15/12/2024", "0", "2", "MF", "L11"),
        ("903", "Q", None, None, None, None, None, None),
    ]
    placed = "select la_code, child, date_placed from returns_903.ssda903_placed_for_adoption order by 1"
    assert rows(url, placed) == [("902", "Q", "01/12/2023"), ("903", "Q", "10/01/2025")]
