"""The headline KPIs of a generated Lancashire (888) land near the profile's calibration targets
(ingestion/generator/profiles.yml, each sourced from a published report), computed end to end: generator ->
loader -> staging -> facts -> marts.kpi_values for 2018-19. The generator is seeded, so the figures are
deterministic; the bands allow for one authority-year at a fifth of Lancashire's size."""

from __future__ import annotations

import pytest

from ingestion.generator.profiles import load_profile
from tests.kpis.conftest import CALIBRATION_PROFILE, CALIBRATION_SCALE

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def headline(kpi_build) -> dict[str, tuple]:
    rows = kpi_build.query(
        """select kpi_code, breakdown_value, numerator, denominator, value from marts.kpi_values
           where la_code = '888' and period_type = 'financial_year' and period_start = '2018-04-01'
             and breakdown in ('all', 'level')"""
    )
    return {
        (code if bv == "all" else f"{code}:{bv}"): (n, d, float(v) if v is not None else None)
        for code, bv, n, d, v in rows
    }


@pytest.fixture(scope="module")
def profile() -> dict:
    return load_profile(CALIBRATION_PROFILE)


def value(headline, code):
    return headline[code][2]


def test_populations_near_targets(headline, profile):
    # POP-01 / CP-01 Lancashire at 31 March 2019, scaled
    assert value(headline, "CLA_AT_END") == pytest.approx(profile["cla_at_end"] * CALIBRATION_SCALE, rel=0.12)
    assert value(headline, "CP_PLANS_AT_END") == pytest.approx(
        profile["cp_at_end"] * CALIBRATION_SCALE, rel=0.15
    )
    # A synthetic extract's rate divides by its authority's population seed (888: 247,700 for 2018-19)
    # times the scale it was generated at (0.2 -> 49,540): the generator drew that many children's
    # worth of cases, so the rate lands near the published 85.9 per 10,000 itself, at any scale.
    n, population, rate = headline["CLA_RATE_PER_10K"]
    assert population == round(247700 * CALIBRATION_SCALE)
    assert rate == pytest.approx(85.9, rel=0.12)


def test_review_and_conference_timeliness_near_targets(headline, profile):
    # CLA-01 review level 98.1%; CLA-02 participation 99.8%; CP-03 RCPC 95.7%; CP-04 ICPC 95.2%
    assert value(headline, "CLA_REVIEWS_TIMELY") == pytest.approx(
        100 * (1 - profile["review_late_share"]), abs=1.5
    )
    assert value(headline, "CLA_REVIEW_PARTICIPATION") == pytest.approx(
        100 * (1 - profile["review_pn7_share"]), abs=1.0
    )
    assert value(headline, "CP_RCPC_TIMELY") == pytest.approx(100 * (1 - profile["rcpc_late_share"]), abs=3.0)
    assert value(headline, "CP_ICPC_TIMELY") == pytest.approx(100 * profile["icpc_timely"], abs=4.0)
    # CLA-12 permanence at the 2nd review 72%
    assert value(headline, "CLA_PERMANENCE_AT_SECOND_REVIEW") == pytest.approx(
        100 * profile["permanence_at_second_review"], abs=8.0
    )
    # the child-level measure is at most the review-level one's failures spread over children
    assert 90 <= value(headline, "CLA_CHILDREN_REVIEWS_TIMELY") <= 100


def test_plans_near_targets(headline, profile):
    # CP-09 repeat plans 21.3%; CP-07 plans ended lasting 2 years or more 4.0%
    assert value(headline, "CP_REPEAT_PLANS") == pytest.approx(100 * profile["cp_repeat_rate"], abs=5.0)
    assert value(headline, "CP_PLANS_ENDED_2Y_PLUS") == pytest.approx(
        100 * profile["cp_ended_2y_plus"], abs=2.5
    )
    assert value(headline, "CP_REPEAT_PLANS_12M") < value(headline, "CP_REPEAT_PLANS")


def test_iro_service_and_challenges_near_targets(headline, profile):
    # IRO-02 yearly average caseload 77.9
    assert value(headline, "IRO_CASELOAD_AVG") == pytest.approx(profile["caseload_target"], rel=0.10)
    # CH-01: PRs and MAs a year per CLA and CP child at year end (1,705 for Lancashire 2018/19), scaled
    expected = (
        (profile["pr_per_cla_year"] + profile["ma_per_cla_year"]) * profile["cla_at_end"]
        + (profile["pr_per_cp_year"] + profile["ma_per_cp_year"]) * profile["cp_at_end"]
    ) * CALIBRATION_SCALE
    assert value(headline, "IRO_CHALLENGES_RAISED") == pytest.approx(expected, rel=0.15)
    # CH-02 level: 69% of PRs resolved at practice manager level
    pm = value(headline, "IRO_CHALLENGE_RESOLUTION_LEVEL:PRACTICE_MANAGER")
    assert pm == pytest.approx(100 * profile["pr_level_mix"]["PRACTICE_MANAGER"], abs=10.0)


def test_placements_in_plausible_range(headline):
    # PLC-03 3+ placements (Lancashire 8.8%): the generator's placement moves produce fewer (about 3% at
    # seed 1, checked independently from the CSVs), so this only bounds the figure; PLC-04 69.3%.
    assert 1.0 <= value(headline, "CLA_3PLUS_PLACEMENTS") <= 12.0
    assert 40.0 <= value(headline, "CLA_LONG_TERM_STABILITY") <= 80.0
    assert 5.0 <= value(headline, "CLA_PLACED_20_MILES_PLUS") <= 25.0
