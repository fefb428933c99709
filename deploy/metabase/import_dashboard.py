"""Create the starter dashboard (starter_dashboard.yml) in a running Metabase through its REST API.

    MB_PASSWORD=... python deploy/metabase/import_dashboard.py --url http://localhost:3000 \
        --user admin@example.org --database "CSC warehouse" [--collection-id 5] [--definition FILE]

The warehouse must already be added in Metabase (Admin > Databases) under the name given to --database,
connected as a login that is a member of the read-only `reporter` role (`bi_reader`; `reporter` itself
cannot log in). Each run creates a new dashboard and its questions (run once;
re-running makes a copy). Standard library and PyYAML only. See docs/metabase.md.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.request
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
DEFINITION = HERE / "starter_dashboard.yml"
GRID_COLUMNS = 24  # Metabase's dashboard grid width


def load_definition(path: Path = DEFINITION) -> dict:
    return yaml.safe_load(Path(path).read_text(encoding="utf-8"))


def template_tag(filter_def: dict) -> dict:
    slug = filter_def["slug"]
    return {
        slug: {
            "id": f"cscw-{slug}",
            "name": slug,
            "display-name": filter_def["name"],
            "type": "text",
            "required": True,
            "default": filter_def.get("default"),
        }
    }


def visualization_settings(card: dict) -> dict:
    if card["display"] in ("line", "bar", "area", "combo"):
        return {"graph.dimensions": [card["x"]], "graph.metrics": list(card["y"])}
    if card["display"] == "pie":
        return {"pie.dimension": card["x"], "pie.metric": card["y"][0]}
    return {}


def card_payload(card: dict, filter_def: dict, database_id: int, collection_id: int | None = None) -> dict:
    """POST /api/card body: a native SQL question with the authority filter as a template tag."""
    return {
        "name": card["name"],
        "display": card["display"],
        "collection_id": collection_id,
        "visualization_settings": visualization_settings(card),
        "dataset_query": {
            "type": "native",
            "database": database_id,
            "native": {"query": card["sql"].strip(), "template-tags": template_tag(filter_def)},
        },
    }


def dashboard_parameters(filter_def: dict) -> list[dict]:
    return [
        {
            "id": filter_def["slug"],
            "name": filter_def["name"],
            "slug": filter_def["slug"],
            "type": "string/=",
            "sectionId": "string",
            "default": [filter_def["default"]] if filter_def.get("default") else None,
        }
    ]


def dashcards(cards: list[dict], card_ids: list[int], filter_def: dict) -> list[dict]:
    """PUT /api/dashboard/:id `dashcards`: new cards have negative ids; each maps the filter to its tag."""
    out = []
    for i, (card, card_id) in enumerate(zip(cards, card_ids, strict=True)):
        pos = card["position"]
        out.append(
            {
                "id": -(i + 1),
                "card_id": card_id,
                "row": pos["row"],
                "col": pos["col"],
                "size_x": pos["width"],
                "size_y": pos["height"],
                "visualization_settings": {},
                "parameter_mappings": [
                    {
                        "parameter_id": filter_def["slug"],
                        "card_id": card_id,
                        "target": ["variable", ["template-tag", filter_def["slug"]]],
                    }
                ],
            }
        )
    return out


class Metabase:
    def __init__(self, url: str, session: str | None = None):
        self.url, self.session = url.rstrip("/"), session

    def call(self, method: str, path: str, body: dict | None = None):
        req = urllib.request.Request(
            self.url + path,
            method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={
                "Content-Type": "application/json",
                **({"X-Metabase-Session": self.session} if self.session else {}),
            },
        )
        with urllib.request.urlopen(req, timeout=60) as resp:
            text = resp.read().decode() or "null"
        return json.loads(text)

    def login(self, user: str, password: str) -> None:
        self.session = self.call("POST", "/api/session", {"username": user, "password": password})["id"]

    def database_id(self, name: str) -> int:
        found = self.call("GET", "/api/database")
        dbs = found["data"] if isinstance(found, dict) else found
        for db in dbs:
            if db["name"] == name:
                return db["id"]
        raise SystemExit(f"no Metabase database named {name!r}: add the warehouse first (docs/metabase.md)")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--url", default=os.environ.get("MB_URL", "http://localhost:3000"))
    p.add_argument("--user", default=os.environ.get("MB_USER"), required="MB_USER" not in os.environ)
    p.add_argument("--database", default="CSC warehouse", help="the warehouse's name in Metabase")
    p.add_argument("--collection-id", type=int, default=None)
    p.add_argument("--definition", type=Path, default=DEFINITION)
    args = p.parse_args(argv)
    password = os.environ.get("MB_PASSWORD")
    if not password:
        print("set MB_PASSWORD (never on the command line)", file=sys.stderr)
        return 2
    spec = load_definition(args.definition)
    mb = Metabase(args.url)
    mb.login(args.user, password)
    db_id = mb.database_id(args.database)
    flt = spec["dashboard"]["filter"]
    ids = [
        mb.call("POST", "/api/card", card_payload(c, flt, db_id, args.collection_id))["id"]
        for c in spec["cards"]
    ]
    board = mb.call(
        "POST",
        "/api/dashboard",
        {
            "name": spec["dashboard"]["name"],
            "description": spec["dashboard"]["description"],
            "collection_id": args.collection_id,
            "parameters": dashboard_parameters(flt),
        },
    )
    mb.call("PUT", f"/api/dashboard/{board['id']}", {"dashcards": dashcards(spec["cards"], ids, flt)})
    print(f"created dashboard {board['id']}: {args.url.rstrip('/')}/dashboard/{board['id']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
