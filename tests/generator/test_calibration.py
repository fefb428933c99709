"""The generated population against its profile's targets (profiles.yml, each target from a published report).

Every figure is computed from the CSVs by tests/generator/measure.py (its own calendar and due-date
chain), not from the generator's internals. Tolerances allow for the randomness of one authority-year
(checked over seeds 1-6: the spread stays well inside them)."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from ingestion.contract import load_contract
from ingestion.generator import generate
from ingestion.generator.profiles import load_profile
from tests.generator.measure import Measures, fy_bounds, read

EXTRACT = date(2020, 3, 31)


@pytest.fixture(scope="module")
def leics(tmp_path_factory):
    [folder] = generate(
        tmp_path_factory.mktemp("leics"), profile="leicestershire", years=6, seed=3, extract_date=EXTRACT
    )
    return Measures(folder), load_profile("leicestershire")


def near(value, target, rel):
    return abs(value - target) <= rel * target


def test_population_at_year_end(leics):
    m, p = leics
    _, end = fy_bounds(EXTRACT)
    # One authority's year-end stock varies by about 5% from seed to seed (seeds 1-6: 575-671 CLA).
    assert near(len(m.cla_children_at(end)), p["cla_at_end"], 0.12)
    assert near(len(m.cp_children_at(end)), p["cp_at_end"], 0.15)


def test_review_timeliness_and_participation(leics):
    m, p = leics
    start, end = fy_bounds(EXTRACT)
    on_time, held = m.review_timeliness(start, end)
    assert held > 1000
    assert abs(on_time / held - (1 - p["review_late_share"])) <= 0.015
    codes, participation = m.participation(start, end)
    assert abs(participation - (1 - p["review_pn7_share"])) <= 0.03
    assert codes["PN0"] > 0 and codes["PN1"] > codes["PN5"] > 0 and codes["PN6"] > 0


def test_under_fours_are_pn0_and_only_they(leics):
    m, _ = leics
    dob = {k: date.fromisoformat(v["pers_dob"]) for k, v in m.persons.items()}
    for r in m.reviews:
        if r["clar_cla_review_cancelled"] == "Y":
            continue
        age = (date.fromisoformat(r["clar_cla_review_date"]) - dob[r["clar_cla_person_id"]]).days / 365.25
        assert (r["clar_cla_review_participation"] == "PN0") == (age < 4), r


def test_caseload_near_target(leics):
    m, p = leics
    _, end = fy_bounds(EXTRACT)
    children, fte = m.caseload(end)
    assert near(fte, p["iro_fte"], 0.05)
    assert near(children / fte, p["caseload_target"], 0.10)


def test_conference_timeliness_and_repeat_plans(leics):
    m, p = leics
    start, end = fy_bounds(EXTRACT)
    ok, n = m.icpc_timeliness(start, end)
    assert abs(ok / n - p["icpc_timely"]) <= 0.03
    ok, n = m.rcpc_timeliness(start, end)
    assert abs(ok / n - (1 - p["rcpc_late_share"])) <= 0.03
    repeats, started = m.repeat_plans(start, end)
    assert abs(repeats / started - p["cp_repeat_rate"]) <= 0.06


def test_challenges_in_the_profiles_proportions(leics):
    m, p = leics
    start, end = fy_bounds(EXTRACT)
    c = m.challenges(start, end)
    cla, cp = len(m.cla_children_at(end)), len(m.cp_children_at(end))
    assert near(c["PR"], p["pr_per_cla_year"] * cla + p["pr_per_cp_year"] * cp, 0.25)
    assert near(c["MA"], p["ma_per_cla_year"] * cla + p["ma_per_cp_year"] * cp, 0.20)
    assert 0.55 <= (c[("PR", "CLA")] + c[("MA", "CLA")]) / (c["PR"] + c["MA"]) <= 0.75  # Lancashire: 66% CLA
    assert c["INFORMAL"] > 0 and c["GOOD_PRACTICE"] > 0
    # Most close within a few weeks, some drag on past 4 weeks (what the weekly SMT report lists).
    rows = read(m.folder, "ext_iro_challenges")
    days = [
        (date.fromisoformat(r["chal_resolved_date"]) - date.fromisoformat(r["chal_raised_date"])).days
        for r in rows
        if r["chal_challenge_type"] in ("PR", "MA") and r["chal_resolved_date"]
    ]
    over_4w = sum(d > 28 for d in days) / len(days)
    assert 0.02 <= over_4w <= 0.15
    assert sorted(days)[len(days) // 2] <= 14
    # Level each PR reached (its highest stage): Lancashire 69% practice manager, 21% team manager ...
    stages = read(m.folder, "ext_iro_challenge_stages")
    order = ["PRACTICE_MANAGER", "TEAM_MANAGER", "SERVICE_MANAGER", "HEAD_OF_SERVICE"]
    top: dict[str, int] = {}
    for s in stages:
        top[s["chst_challenge_id"]] = max(top.get(s["chst_challenge_id"], 0), order.index(s["chst_level"]))
    prs = [
        ch["chal_challenge_id"]
        for ch in read(m.folder, "ext_iro_challenges")
        if ch["chal_challenge_type"] == "PR"
    ]
    levels = Counter(order[top[i]] for i in prs)
    assert abs(levels["PRACTICE_MANAGER"] / len(prs) - 0.69) <= 0.06
    assert abs(levels["TEAM_MANAGER"] / len(prs) - 0.21) <= 0.06
    assert levels["SERVICE_MANAGER"] > 0


def test_legal_status_and_placement_mix(leics):
    m, _ = leics
    _, end = fy_bounds(EXTRACT)
    legal = m.legal_mix(end)
    total = sum(legal.values())
    # Lancashire at 29/07/19 (POP-04): full care orders about two thirds, ICO about a fifth.
    assert 0.55 <= legal["C2"] / total <= 0.75
    assert 0.12 <= legal["C1"] / total <= 0.30
    assert 0.04 <= legal["V2"] / total <= 0.16
    groups = load_contract().code_lists["placement_type"].groups
    mix = m.placement_mix(end, groups)
    total = sum(v for k, v in mix.items() if k != "_over_20_miles")
    # Lancashire March 2019 (PLC-01): foster 62.5%, with parents 17.7%, residential 11.4%, community 5.6%.
    assert 0.55 <= mix["foster"] / total <= 0.75
    assert 0.10 <= mix["placed_with_parents"] / total <= 0.25
    assert 0.06 <= mix["residential"] / total <= 0.17
    assert 0.01 <= mix["independent"] / total <= 0.09
    assert 0.05 <= mix["_over_20_miles"] / total <= 0.20  # PLC-02 Portsmouth: 9-13% over 20 miles


def test_scale_multiplies_the_population(tmp_path):
    [folder] = generate(tmp_path, profile="portsmouth", years=1, scale=2.0, seed=3, extract_date=EXTRACT)
    m = Measures(folder)
    _, end = fy_bounds(EXTRACT)
    assert near(len(m.cla_children_at(end)), 2 * load_profile("portsmouth")["cla_at_end"], 0.12)
