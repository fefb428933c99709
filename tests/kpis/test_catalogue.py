"""The KPI catalogue is the one source: it matches the spec's codes, every code has hand-worked tests,
the variants' defaults agree with the dbt macro, the seeds cite their sources and docs/kpis.md is
generated from the current catalogue."""

from __future__ import annotations

import re

import pytest

from ingestion import kpi_docs
from tests.conftest import REPO_DIR, SHARED_DIR
from tests.kpis.all_cases import EXPECTATIONS

SPEC = SHARED_DIR / "spec" / "kpi-definitions.md"
UNITS = {"percent", "count", "rate_per_10k", "average", "days"}


@pytest.fixture(scope="module")
def catalogue() -> dict[str, dict]:
    return {r["kpi_code"]: r for r in kpi_docs.read_csv(kpi_docs.CATALOGUE)}


def spec_codes() -> set[str]:
    text = SPEC.read_text(encoding="utf-8")
    return set(re.findall(r"\*\*([A-Z][A-Z0-9_]+)\*\*", text)) | set(
        re.findall(r"`(IRO_CASELOAD_\w+)`", text)
    )


@pytest.mark.skipif(not SPEC.exists(), reason="the shared spec is not beside the repo")
def test_catalogue_has_exactly_the_spec_codes(catalogue):
    codes = spec_codes()
    assert len(codes) >= 36
    assert set(catalogue) == codes


def test_every_code_has_hand_worked_expectations(catalogue):
    tested = {e.kpi_code for e in EXPECTATIONS}
    assert set(catalogue) - tested == set()
    assert tested - set(catalogue) == set()


def test_catalogue_rows_are_complete(catalogue):
    for code, r in catalogue.items():
        assert r["unit"] in UNITS, code
        assert r["name"] and r["description"] and r["reference"], code
        assert r["direction"] in {"higher", "lower", "neutral"}, code
        if r["target"]:
            float(r["target"])
            assert r["direction"] != "neutral", f"{code}: a target needs a direction"
        if r["amber_band"]:
            assert r["target"], f"{code}: an amber band needs a target"


def test_variant_defaults_agree_with_the_macro(catalogue):
    macro = (REPO_DIR / "dbt_project" / "macros" / "kpi" / "kpi_vars.sql").read_text()
    body = macro[macro.index("kpi_var_defaults") : macro.index("endmacro")]
    in_macro = {k: v for k, v in re.findall(r"'(\w+)':\s*([^,\n]+),", body)}
    seeds = {v["var_name"]: v["default_value"] for v in kpi_docs.read_csv(kpi_docs.VARIANTS)}
    assert set(in_macro) == set(seeds)
    for name, value in seeds.items():
        assert in_macro[name].strip().lower() == value.lower(), name
    # every variant var the catalogue names is a known variant
    named = {v for r in catalogue.values() for v in r["variant_vars"].split("|") if v}
    assert named <= set(seeds)


def test_seeds_cite_their_sources(catalogue):
    comparators = kpi_docs.read_csv(kpi_docs.COMPARATORS)
    assert comparators
    for r in comparators:
        assert r["source"].strip(), r
        assert r["kpi_code"] in catalogue, r
        assert re.fullmatch(r"\d{4}-\d{2}", r["financial_year"]), r
        assert r["comparator"] in {"published", "national", "regional", "statistical_neighbours"}, r
        float(r["value"])
    population = kpi_docs.read_csv(kpi_docs.POPULATION)
    assert {r["la_code"] for r in population} >= {"888", "855", "851"}
    for r in population:
        assert r["source"].strip() and int(r["population_0_17"]) > 0, r
    # synthetic test authorities never appear in the real seeds
    assert not any(r["la_code"].startswith("9") for r in population + comparators)


def test_docs_are_generated_from_the_catalogue(catalogue):
    assert kpi_docs.main(["--check"]) == 0, "docs/kpis.md is stale: run python -m ingestion.kpi_docs"
    text = kpi_docs.DOCS.read_text()
    for code in catalogue:
        assert f"**{code}**" in text


# What a performance officer would not understand in a definition: column or macro names, KPI codes,
# code lists, formulas, the analysts' words for the two halves of a percentage.
JARGON = re.compile(
    r"\b[a-z0-9]+_[a-z0-9_]+\b|\b[A-Z]{2,}_[A-Z0-9_]+\b|\bPN\d\b|\w\(|<=|>=|\bnumerator\b|\bdenominator\b"
    r"|\bnull\b|\bcohort\b"
)


def test_every_kpi_has_a_plain_english_definition(catalogue):
    for code, r in catalogue.items():
        text = r["plain_definition"].strip()
        assert text.endswith(".") and len(text.split()) >= 8, code
        assert not JARGON.search(text), f"{code}: {JARGON.search(text).group(0)!r} in {text!r}"
        assert text != r["description"].strip(), code


def test_the_jargon_check_catches_code_like_definitions():
    assert JARGON.search("first review wd_add(period of care start, 20)")
    assert JARGON.search("CLA_AT_END per 10,000 children")
    assert JARGON.search("numerator PN1-PN6")
    assert not JARGON.search("How many children were looked after at the end of the period.")


def test_seeds_name_their_documents_not_working_notes(catalogue):
    """References and target sources name public documents (an annual report, a regulation), never the
    line numbers of a working copy users do not have."""
    working_copy = re.compile(r"\bD\d:\d|domain-anchors|kpi-definitions")
    cited = [(code, r["reference"] + " " + r["target_source"]) for code, r in catalogue.items()]
    cited += [(v["var_name"], v["description"]) for v in kpi_docs.read_csv(kpi_docs.VARIANTS)]
    assert [c for c in cited if working_copy.search(c[1])] == []
