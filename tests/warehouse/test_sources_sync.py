"""sources.yml and the staging models stay in step with ingestion/contract.yml."""

from __future__ import annotations

import re

import yaml

from ingestion.contract import LINEAGE_COLUMNS, load_contract
from ingestion.dbt_runner import PROJECT_DIR

STAGING = PROJECT_DIR / "models" / "staging"


def _sources() -> dict[str, list[str]]:
    doc = yaml.safe_load((STAGING / "_raw__sources.yml").read_text())
    (raw,) = [s for s in doc["sources"] if s["name"] == "raw"]
    assert raw["schema"] == "raw"
    return {t["name"]: [c["name"] for c in t.get("columns", [])] for t in raw["tables"]}


def _staging_model(table: str) -> str:
    prefix, rest = table.split("_", 1)
    return f"stg_{prefix}__{rest}"


def test_every_contract_table_and_column_is_a_source_and_nothing_else():
    contract = load_contract()
    sources = _sources()
    bookkeeping = {name for name in sources if name.startswith("_")}
    assert bookkeeping == {"_batches"}
    assert set(sources) - bookkeeping == set(contract.tables), "sources.yml tables differ from the contract"
    for name, table in contract.tables.items():
        expected = list(table.column_names) + list(LINEAGE_COLUMNS)
        assert sources[name] == expected, f"{name}: sources.yml columns differ from the contract"


def test_every_contract_table_has_a_typed_staging_model_with_every_column():
    contract = load_contract()
    documented = {}
    for yml in STAGING.glob("*/_*__models.yml"):
        for m in yaml.safe_load(yml.read_text())["models"]:
            documented[m["name"]] = [c["name"] for c in m["columns"]]
    for name, table in contract.tables.items():
        model = _staging_model(name)
        sql = (STAGING / name.split("_", 1)[0] / f"{model}.sql").read_text()
        assert f"latest_extract_rows('{name}')" in sql
        selected = re.findall(r" as (\w+),?\n", sql)
        assert selected[: len(table.columns) + 1] == ["la_code", *table.column_names], model
        for col in table.columns:
            macro = {
                "date": "parse_date",
                "flag": "parse_flag",
                "code": "normalise_code",
                "int": "parse_int",
                "decimal": "parse_decimal",
                "id": "clean_text",
                # free text that reaches the marts is also made spreadsheet-safe (free_text wraps clean_text)
                "text": "(?:clean_text|free_text)",
            }[col.type]
            assert re.search(rf"{macro}\('src\.{col.name}'.*\) }}}} as {col.name},", sql), (
                f"{model}.{col.name}"
            )
            if col.codes:
                assert f"'{col.codes}'" in sql
        assert documented[model] == ["la_code", *table.column_names, "extract_date", "batch_id"], model
