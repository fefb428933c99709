"""The SSDA903 return's files: the dbt return models (models/returns/ssda903) built for one collection
year, then written as the DfE's CSV files (DfE column names, dates DD/MM/YYYY, blank for no value)."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from ingestion.db import connect

SCHEMA = "returns_903"
MODELS_PATH = "path:models/returns/ssda903"

# file name -> (model, DfE columns in file order)
FILES: dict[str, tuple[str, list[str]]] = {
    "header.csv": ("ssda903_header", ["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"]),
    "episodes.csv": (
        "ssda903_episodes",
        [
            "CHILD",
            "DECOM",
            "RNE",
            "LS",
            "CIN",
            "PLACE",
            "PLACE_PROVIDER",
            "DEC",
            "REC",
            "REASON_PLACE_CHANGE",
            "HOME_POST",
            "PL_POST",
            "URN",
        ],
    ),
    "reviews.csv": ("ssda903_reviews", ["CHILD", "DOB", "REVIEW", "REVIEW_CODE"]),
    "uasc.csv": ("ssda903_uasc", ["CHILD", "SEX", "DOB", "DUC"]),
    "oc2.csv": (
        "ssda903_oc2",
        [
            "CHILD",
            "DOB",
            "SDQ_SCORE",
            "SDQ_REASON",
            "CONVICTED",
            "HEALTH_CHECK",
            "IMMUNISATIONS",
            "TEETH_CHECK",
            "HEALTH_ASSESSMENT",
            "SUBSTANCE_MISUSE",
            "INTERVENTION_RECEIVED",
            "INTERVENTION_OFFERED",
        ],
    ),
    "oc3.csv": ("ssda903_oc3", ["CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"]),
    "ad1.csv": (
        "ssda903_ad1",
        ["CHILD", "DOB", "DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR"],
    ),
    "placed_for_adoption.csv": (
        "ssda903_placed_for_adoption",
        ["CHILD", "DOB", "DATE_PLACED", "DATE_PLACED_CEASED", "REASON_PLACED_CEASED"],
    ),
    "previous_permanence.csv": (
        "ssda903_previous_permanence",
        ["CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM"],
    ),
    "missing.csv": ("ssda903_missing", ["CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"]),
}


@dataclass
class WrittenReturn:
    out_dir: Path
    rows: dict[str, int]  # file name -> data rows
    children: int


def collection_year(year: str) -> str:
    """Check a collection year written '2025-26' (April 2025 to March 2026) and return it."""
    m = re.fullmatch(r"(\d{4})-(\d{2})", year or "")
    if not m or (int(m.group(1)) + 1) % 100 != int(m.group(2)):
        raise ValueError(f"collection year {year!r}: expected the form 2025-26")
    return year


def build_models(url: str, year: str):
    """Build the return models for `year` (dbt run of models/returns/ssda903 with var ssda903_year)."""
    from ingestion.dbt_runner import run_dbt

    return run_dbt(["run", "--select", MODELS_PATH], url, vars={"ssda903_year": collection_year(year)})


def write_files(url: str, la_code: str, out_dir: Path) -> WrittenReturn:
    """Write the ten files of authority `la_code` from the built return models into `out_dir`."""
    out_dir.mkdir(parents=True, exist_ok=True)
    rows: dict[str, int] = {}
    with connect(url) as conn, conn.cursor() as cur:
        for name, (model, columns) in FILES.items():
            cols = ", ".join(c.lower() for c in columns)
            order = "child, to_date(decom, 'DD/MM/YYYY')" if model == "ssda903_episodes" else "1, 2, 3"
            cur.execute(
                f"select {cols} from {SCHEMA}.{model} where la_code = %s order by {order}", (la_code,)
            )
            data = cur.fetchall()
            with open(out_dir / name, "w", newline="", encoding="utf-8") as f:
                writer = csv.writer(f, lineterminator="\n")
                writer.writerow(columns)
                writer.writerows([["" if v is None else v for v in row] for row in data])
            rows[name] = len(data)
        cur.execute(f"select count(*) from {SCHEMA}.ssda903_header where la_code = %s", (la_code,))
        children = cur.fetchone()[0]
    return WrittenReturn(out_dir=out_dir, rows=rows, children=children)
