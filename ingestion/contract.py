"""The extract contract, read from ``contract.yml`` and the code-list seed.

One source of truth: the loader validates against it, the generator writes to it, dbt's sources
are checked against it by the tests, and the raw schema's DDL is derived from it.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_DIR = PACKAGE_DIR.parent
CONTRACT_FILE = PACKAGE_DIR / "contract.yml"
CODE_LIST_FILE = REPO_DIR / "dbt_project" / "seeds" / "ref_code_lists.csv"

COLUMN_TYPES = {"id", "text", "date", "flag", "code", "int", "decimal"}
# Columns the loader adds to every raw table.
LINEAGE_COLUMNS = ("_la_code", "_extract_date", "_batch_id", "_source_line")


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    required: bool = False
    codes: str | None = None
    personal: bool = False


@dataclass(frozen=True)
class Table:
    name: str
    required: bool
    primary_key: str
    columns: tuple[Column, ...]
    description: str = ""

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def required_columns(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"{self.name} has no column {name}")


@dataclass(frozen=True)
class CodeList:
    name: str
    codes: dict[str, str]  # code -> description
    groups: dict[str, str] = field(default_factory=dict)  # code -> group
    _by_description: dict[str, str] = field(default_factory=dict)

    def normalise(self, value: str) -> str | None:
        """The DfE code for a code or a known description (case and spacing ignored), else None."""
        v = value.strip()
        if v in self.codes:
            return v
        upper = v.upper()
        if upper in self.codes:
            return upper
        return self._by_description.get(_description_key(v))


@dataclass(frozen=True)
class Contract:
    version: int
    tables: dict[str, Table]
    code_lists: dict[str, CodeList]

    @property
    def required_tables(self) -> list[str]:
        return [t.name for t in self.tables.values() if t.required]


def _description_key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def _parse_column(name: str, spec) -> Column:
    if isinstance(spec, str):
        spec = {"type": spec}
    col = Column(
        name=name,
        type=spec["type"],
        required=bool(spec.get("required", False)),
        codes=spec.get("codes"),
        personal=bool(spec.get("personal", False)),
    )
    if col.type not in COLUMN_TYPES:
        raise ValueError(f"contract: {name} has unknown type {col.type}")
    if (col.type == "code") != (col.codes is not None):
        raise ValueError(f"contract: {name}: a code column needs `codes`, and only a code column")
    return col


def read_code_lists(path: Path = CODE_LIST_FILE) -> dict[str, CodeList]:
    codes: dict[str, dict[str, str]] = {}
    groups: dict[str, dict[str, str]] = {}
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            codes.setdefault(row["code_list"], {})[row["code"]] = row["description"]
            if row["code_group"]:
                groups.setdefault(row["code_list"], {})[row["code"]] = row["code_group"]
    return {
        name: CodeList(
            name=name,
            codes=c,
            groups=groups.get(name, {}),
            _by_description={_description_key(d): code for code, d in c.items()},
        )
        for name, c in codes.items()
    }


@lru_cache(maxsize=1)
def load_contract(path: Path = CONTRACT_FILE) -> Contract:
    with open(path, encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    code_lists = read_code_lists()
    tables = {}
    for name, spec in doc["tables"].items():
        columns = tuple(_parse_column(c, s) for c, s in spec["columns"].items())
        table = Table(name, bool(spec["required"]), spec["primary_key"], columns, spec.get("description", ""))
        if table.primary_key not in table.column_names:
            raise ValueError(f"contract: {name}: primary key {table.primary_key} is not a column")
        for col in columns:
            if col.codes and col.codes not in code_lists:
                raise ValueError(f"contract: {name}.{col.name}: unknown code list {col.codes}")
        tables[name] = table
    return Contract(doc["contract_version"], tables, code_lists)


def raw_table_ddl(table: Table, schema: str = "raw") -> str:
    """CREATE TABLE for a raw table: every contract column as text, plus lineage columns."""
    cols = [f'"{c}" text' for c in table.column_names]
    cols += [
        '"_la_code" text not null',
        '"_extract_date" date not null',
        '"_batch_id" bigint not null',
        '"_source_line" integer not null',
    ]
    return f'create table if not exists "{schema}"."{table.name}" (\n  ' + ",\n  ".join(cols) + "\n)"
