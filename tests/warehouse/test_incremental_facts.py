"""The facts are incremental: a night recomputes only the children whose records changed (or whose
as-at figures aged), and the result equals a full refresh of the same nights, row for row.

Night 1 is a generated authority loaded by the real loader; night 2 is the same snapshot a month later
with every kind of change the incremental facts must catch (macros/incremental_facts.sql)."""

from __future__ import annotations

import pytest

from ingestion.build import build
from ingestion.generator import generate
from ingestion.loader import load_path
from tests.conftest import query

from .rawdata import FACTS, clone_extract

pytestmark = pytest.mark.slow

KPI = "path:models/marts/kpi path:models/intermediate/kpi path:tests/kpi path:seeds/kpi"
NIGHT_1, NIGHT_2 = "2025-03-31", "2025-04-30"
# A review held between the two extracts, already in night 1 (dated after it, so not yet held then):
# nothing about it changes, but by night 2 it counts.
OPEN_PERIOD = (
    "(select max(clae_cla_id) from raw.ssd_cla_episodes"
    " where _batch_id = {batch} and clae_cla_episode_ceased_date is null)"
)
FUTURE_REVIEW = (
    "insert into raw.ssd_cla_reviews (clar_cla_review_id, clar_cla_id, clar_cla_person_id,"
    " clar_cla_review_date, clar_cla_review_due_date, clar_cla_review_cancelled,"
    " _la_code, _extract_date, _batch_id, _source_line)"
    " select 'FUTURE1', clae_cla_id, clae_person_id, '2025-04-15', '2025-04-20', 'N',"
    " _la_code, _extract_date, _batch_id, 999999"
    f" from raw.ssd_cla_episodes where _batch_id = {{batch}} and clae_cla_id = {OPEN_PERIOD} limit 1"
)
NIGHT_2_CHANGES = [
    # ~2% of reviews change participation; one review disappears
    "update raw.ssd_cla_reviews set clar_cla_review_participation = 'PN7'"
    " where _batch_id = {batch} and _source_line % 50 = 0",
    "delete from raw.ssd_cla_reviews where _batch_id = {batch} and _source_line = 3",
    # ~1% of people removed: their records become orphans (no child_key)
    "delete from raw.ssd_person where _batch_id = {batch} and _source_line % 100 = 1",
    # a period of care ends, a plan ends, a challenge is resolved
    "update raw.ssd_cla_episodes"
    " set clae_cla_episode_ceased_date = '2025-04-10', clae_cla_episode_ceased_reason = 'E11'"
    f" where _batch_id = {{batch}} and clae_cla_episode_ceased_date is null and clae_cla_id <> {OPEN_PERIOD}"
    " and _source_line = (select min(_source_line) from raw.ssd_cla_episodes where _batch_id = {batch}"
    f"   and clae_cla_episode_ceased_date is null and clae_cla_id <> {OPEN_PERIOD})",
    "update raw.ssd_cp_plans set cppl_cp_plan_end_date = '2025-04-11'"
    " where _batch_id = {batch} and cppl_cp_plan_end_date is null"
    " and _source_line = (select min(_source_line) from raw.ssd_cp_plans"
    "   where _batch_id = {batch} and cppl_cp_plan_end_date is null)",
    "update raw.ext_iro_challenges set chal_resolved_date = '2025-04-12'"
    " where _batch_id = {batch} and chal_resolved_date is null"
    " and _source_line = (select min(_source_line) from raw.ext_iro_challenges"
    "   where _batch_id = {batch} and chal_resolved_date is null)",
    # rows naming no child: a challenge stage and a review's details
    "update raw.ext_iro_challenge_stages set chst_outcome = 'changed'"
    " where _batch_id = {batch} and _source_line = 2",
    "update raw.ext_cla_review_details set clrd_decisions_recorded_date = '2025-04-01'"
    " where _batch_id = {batch} and _source_line = 2",
    # shared reference data: a professional's FTE and team, a team's locality
    "update raw.ssd_professionals set prof_full_time_equivalency = '0.5',"
    " prof_professional_department ="
    "   (select max(dept_team_id) from raw.ssd_department where _batch_id = {batch})"
    " where _batch_id = {batch} and prof_professional_id = (select invo_professional_id"
    "   from raw.ssd_involvements where _batch_id = {batch} group by 1 order by count(*), 1 limit 1)",
    "update raw.ssd_department set dept_team_parent_name = 'Renamed locality'"
    " where _batch_id = {batch} and dept_team_id = (select invo_professional_team"
    "   from raw.ssd_involvements where _batch_id = {batch} group by 1 order by count(*), 1 limit 1)",
]


def _facts(url: str) -> dict[str, list[tuple]]:
    out = {}
    for name in FACTS:
        rows = query(url, f"select * from warehouse.{name}")
        out[name] = sorted(rows, key=repr)
    return out


def _row_versions(url: str) -> dict[str, dict[str, str | None]]:
    """Each fact row's physical version (xmin, ctid: a rewritten row gets new ones) and its child."""
    return {
        name: dict(query(url, f"select xmin::text || ctid::text, child_key from warehouse.{name}"))
        for name in FACTS
    }


def _changed_children(url: str, since: str) -> set[str]:
    """Child keys with any reason to recompute after ``since`` (every fact's reasons together)."""
    rows = query(
        url,
        "select distinct p.child_key from intermediate.int_child_change_events as e"
        " inner join intermediate.int_person as p on e.la_code = p.la_code and e.person_id = p.person_id"
        " where e.change_date > %s",
        (since,),
    )
    return {r[0] for r in rows}


@pytest.fixture(scope="module")
def nights(module_db_url, tmp_path_factory):
    url = module_db_url
    out = tmp_path_factory.mktemp("extracts")
    folders = generate(out, "lancashire", years=4, scale=0.04, seed=11, extract_date=NIGHT_1)
    (loaded,) = load_path(folders[0], url)
    assert loaded.status == "loaded", loaded.errors
    night1 = query(url, "select max(batch_id) from raw._batches")[0][0]
    query(url, FUTURE_REVIEW.replace("{batch}", str(night1)))
    target = tmp_path_factory.mktemp("target")
    first = build(url, exclude=KPI, target_path=target)
    assert first.success, first.summary()
    before = _row_versions(url)
    clone_extract(url, loaded.la_code, NIGHT_1, NIGHT_2, NIGHT_2_CHANGES)
    second = build(url, exclude=KPI, target_path=target)
    assert second.success, second.summary()
    incremental = _facts(url)
    after = _row_versions(url)
    changed = _changed_children(url, NIGHT_1)
    full = build(url, exclude=KPI, full_refresh=True, target_path=target)
    assert full.success, full.summary()
    return {
        "url": url,
        "incremental": incremental,
        "full": _facts(url),
        "before": before,
        "after": after,
        "changed": changed,
    }


@pytest.mark.parametrize("fact", FACTS)
def test_incremental_night_equals_full_refresh(nights, fact):
    incremental, full = nights["incremental"][fact], nights["full"][fact]
    assert full, f"{fact} is empty: the comparison would prove nothing"
    missing = [r for r in full if r not in incremental]
    extra = [r for r in incremental if r not in full]
    assert not missing and not extra, (
        f"{fact}: {len(missing)} rows missing, {len(extra)} stale; e.g. {(missing + extra)[:2]}"
    )


def test_the_night_rewrote_only_the_rows_of_changed_children(nights):
    changed = nights["changed"]
    for fact in FACTS:
        before, after = nights["before"][fact], nights["after"][fact]
        rewritten = {version: child for version, child in after.items() if version not in before}
        untouched = len(after) - len(rewritten)
        assert untouched > 0, f"{fact}: every row was rewritten"
        # a row is recomputed only for a changed child, or when it has no child (recomputed nightly)
        strays = {child for child in rewritten.values() if child is not None and child not in changed}
        assert not strays, f"{fact}: rows of {len(strays)} unchanged children were rewritten"
    rewritten = sum(len(set(nights["after"][f]) - set(nights["before"][f])) for f in FACTS)
    assert rewritten > 0, "nothing recomputed although children changed"


def test_the_future_review_counts_once_its_date_has_passed(nights):
    held = query(
        nights["url"], "select review_date from warehouse.fct_cla_reviews where review_id = 'FUTURE1'"
    )
    assert [str(r[0]) for r in held] == ["2025-04-15"]


def test_watermarks_say_what_each_fact_was_built_from(nights):
    rows = query(nights["url"], "select model_name, extract_date::text from warehouse.fact_watermarks")
    assert sorted(rows) == sorted((name, NIGHT_2) for name in FACTS)
