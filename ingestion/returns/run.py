"""One SSDA903 return: build the return models for the year, write the files, validate them with the
DfE rules (validator_env) and record the errors in the warehouse (errors.py)."""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass, field
from pathlib import Path

from ingestion.db import connect
from ingestion.returns import errors, ssda903, validator_env

LA_ONS_CODES = Path(__file__).with_name("la_ons_codes.csv")


class ReturnError(RuntimeError):
    pass


@dataclass
class ReturnResult:
    la_code: str
    year: str
    out_dir: Path
    children: int
    rows: dict[str, int]
    errors: int | None = None  # None: not validated
    failed_rules: list[str] = field(default_factory=list)
    by_rule: dict[str, int] = field(default_factory=dict)

    @property
    def errors_per_100_children(self) -> float | None:
        if self.errors is None or not self.children:
            return None
        return 100 * self.errors / self.children


def ons_code(la_code: str, given: str | None = None) -> str:
    """The authority's ONS code, which the validator needs to tell in-area placements from others:
    `given`, else CSCW_LA_ONS_CODE, else la_ons_codes.csv."""
    if given or os.environ.get("CSCW_LA_ONS_CODE"):
        return given or os.environ["CSCW_LA_ONS_CODE"]
    with open(LA_ONS_CODES, encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["la_code"] == la_code:
                return row["ons_code"]
    raise ReturnError(
        f"no ONS code known for authority {la_code}: pass --ons-code (e.g. E10000017) or set CSCW_LA_ONS_CODE"
    )


def validator_year(year: str) -> tuple[str, str]:
    """('2026', 'lac2025_26') for the collection year 2025-26: the validator's year and rule set."""
    first = int(year[:4])
    return str(first + 1), f"lac{first}_{(first + 1) % 100:02d}"


def produce(
    url: str, la_code: str, year: str, out_dir: Path, *, validate: bool = True, ons: str | None = None
) -> ReturnResult:
    year = ssda903.collection_year(year)
    run = ssda903.build_models(url, year)
    if not run.success:
        raise ReturnError(f"building the SSDA903 return models failed: {run.summary()}")
    written = ssda903.write_files(url, la_code, Path(out_dir))
    result = ReturnResult(la_code, year, written.out_dir, written.children, written.rows)
    if not validate:
        return result
    collection_year, ruleset = validator_year(year)
    answer = validator_env.run_worker(
        {
            "dir": str(written.out_dir.resolve()),
            "collection_year": collection_year,
            "local_authority": ons_code(la_code, ons),
            "ruleset": ruleset,
        }
    )
    with connect(url) as conn:
        result.errors = errors.record(conn, la_code, year, answer)
    result.failed_rules = answer["failed_rules"]
    for e in answer["errors"]:
        result.by_rule[e["rule"]] = result.by_rule.get(e["rule"], 0) + 1
    return result


def collection_year_of(day) -> str:
    """The collection year a date falls in: 2025-04-01 .. 2026-03-31 is 2025-26."""
    first = day.year if day.month >= 4 else day.year - 1
    return f"{first}-{(first + 1) % 100:02d}"


def nightly(url: str, out_root: Path) -> list[dict]:
    """After publication: each authority's return for the collection year of its latest extract, written
    under out_root/<la>/<year>/ and validated. Never raises: a failure is reported in its authority's entry,
    so the night's publication is never held up by the return."""
    from datetime import date

    from ingestion.builds import published_extracts

    try:
        with connect(url) as conn, conn.cursor() as cur:
            authorities = published_extracts(cur)
    except Exception as err:
        return [{"failed": f"{type(err).__name__}: {err}"}]
    report = []
    for la_code, extract_date in sorted(authorities.items()):
        year = collection_year_of(date.fromisoformat(extract_date))
        try:
            res = produce(url, la_code, year, out_root / la_code / year)
            report.append({"la_code": la_code, "year": year, "children": res.children, "errors": res.errors})
        except Exception as err:
            report.append({"la_code": la_code, "year": year, "failed": f"{type(err).__name__}: {err}"})
    return report
