"""The Metabase starter dashboard definition: a well-formed grid, SQL on the marts only, the authority
filter wired to every card. (Its SQL runs against real marts in test_pipeline_e2e.py.)"""

from __future__ import annotations

import importlib.util
import re

from tests.conftest import REPO_DIR

spec = importlib.util.spec_from_file_location(
    "import_dashboard", REPO_DIR / "deploy/metabase/import_dashboard.py"
)
mb = importlib.util.module_from_spec(spec)
spec.loader.exec_module(mb)


def test_cards_fit_the_grid_without_overlapping():
    d = mb.load_definition()
    taken: set[tuple[int, int]] = set()
    assert len(d["cards"]) >= 8
    for card in d["cards"]:
        pos = card["position"]
        assert pos["col"] >= 0 and pos["col"] + pos["width"] <= mb.GRID_COLUMNS, card["name"]
        cells = {
            (r, c)
            for r in range(pos["row"], pos["row"] + pos["height"])
            for c in range(pos["col"], pos["col"] + pos["width"])
        }
        assert not cells & taken, f"{card['name']} overlaps another card"
        taken |= cells


def test_sql_reads_only_the_marts_and_takes_the_authority_filter():
    d = mb.load_definition()
    for card in d["cards"]:
        relations = re.findall(r"\b(?:from|join)\s+([a-z_][\w.]*)", card["sql"], flags=re.I)
        assert relations and all(r.startswith("marts.") for r in relations), (card["name"], relations)
        assert "{{la_code}}" in card["sql"], card["name"]
        if card["display"] in ("line", "bar", "pie"):
            assert card["x"] in card["sql"] and all(y in card["sql"] for y in card["y"]), card["name"]


def test_api_payloads_wire_the_filter_to_each_card():
    d = mb.load_definition()
    flt = d["dashboard"]["filter"]
    payload = mb.card_payload(d["cards"][1], flt, database_id=7, collection_id=3)
    assert payload["dataset_query"]["database"] == 7 and payload["collection_id"] == 3
    assert payload["dataset_query"]["native"]["template-tags"]["la_code"]["type"] == "text"
    assert payload["visualization_settings"]["graph.dimensions"] == [d["cards"][1]["x"]]
    cards = mb.dashcards(d["cards"], list(range(100, 100 + len(d["cards"]))), flt)
    assert [c["id"] for c in cards] == list(range(-1, -len(d["cards"]) - 1, -1))
    assert all(
        c["parameter_mappings"][0]["target"] == ["variable", ["template-tag", "la_code"]] for c in cards
    )
    assert mb.dashboard_parameters(flt)[0]["slug"] == "la_code"


def cards_sql_for(la_code: str) -> list[tuple[str, str]]:
    """Each card's SQL with the filter bound, as Metabase would run it (for the end-to-end test)."""
    return [
        (c["name"], c["sql"].replace("{{la_code}}", f"'{la_code}'")) for c in mb.load_definition()["cards"]
    ]
