"""`cscw extract manifest`: the manifest.json of an extract folder, from the files in it.

The manifest is what tells the loader an extract is complete, so it is written last and atomically,
and only when every required table is present. Row counts are CSV records (header and blank lines not
counted), as the loader counts them."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from ingestion.contract import Contract, load_contract
from ingestion.loader.manifest import MANIFEST, find_extracts, sha256_file


class ManifestProblem(ValueError):
    """The folder cannot be given a manifest (names the folder and what to do)."""


@dataclass
class Draft:
    """A manifest document built from a folder's files, and what the user should know about it."""

    folder: Path
    doc: dict
    notices: list[str] = field(default_factory=list)
    missing_tables: list[str] = field(default_factory=list)


def count_records(path: Path, encoding: str) -> int:
    """CSV records after the header, blank lines not counted (the loader's count)."""
    with open(path, encoding=encoding, newline="") as f:
        reader = csv.reader(f)
        next(reader, None)
        return sum(1 for row in reader if row)


def _encoding_of(path: Path) -> str | None:
    """None for UTF-8 (the default); "cp1252" for a Windows export that is not UTF-8."""
    with open(path, "rb") as f:
        data = f.read()
    try:
        data.decode("utf-8")
        return None
    except UnicodeDecodeError:
        pass
    try:
        data.decode("cp1252")
    except UnicodeDecodeError as e:
        raise ManifestProblem(f"{path.name}: neither UTF-8 nor Windows-1252 (byte {e.start})") from None
    return "cp1252"


def draft_manifest(
    folder: Path,
    contract: Contract | None = None,
    *,
    source_system: str | None = None,
    history_start: dt.date | None = None,
    extracted_at: dt.datetime | None = None,
) -> Draft:
    """The manifest for ``folder`` (``<la_code>/<YYYY-MM-DD>/``) from the contract tables' CSV files in
    it. Files that are not contract tables are left out (and named in the notices)."""
    contract = contract or load_contract()
    found = find_extracts(Path(folder))
    if len(found) != 1 or found[0].path != Path(folder).resolve() or found[0].extract_date is None:
        raise ManifestProblem(
            f"{folder}: not an extract folder. Put the CSV files in <landing>/<la_code>/<YYYY-MM-DD>/, "
            "e.g. landing/601/2025-04-01/ (the authority's three-digit DfE code, then the extract date)"
        )
    ext = found[0]
    files: dict[str, dict] = {}
    notices: list[str] = []
    for path in sorted(ext.path.iterdir()):
        if not path.is_file() or path.name == MANIFEST or path.name.startswith("."):
            continue
        table = path.name[:-4] if path.name.endswith(".csv") else None
        if table not in contract.tables:
            notices.append(f"{path.name}: not a table of the extract contract: left out of the manifest")
            continue
        encoding = _encoding_of(path)
        entry = {"rows": count_records(path, encoding or "utf-8-sig"), "sha256": sha256_file(path)}
        entry["bytes"] = path.stat().st_size
        if encoding:
            entry["encoding"] = encoding
            notices.append(f"{path.name}: not UTF-8: declared as Windows-1252 (cp1252)")
        files[path.name] = entry
    listed = {name[:-4] for name in files}
    missing = [t for t in contract.required_tables if t not in listed]
    optional = [t for t in contract.tables if t not in listed and t not in missing]
    if optional:
        notices.append(
            "optional tables not sent (the measures that need them will be shown as not available): "
            + ", ".join(optional)
        )
    extracted = extracted_at or dt.datetime.now(dt.UTC).replace(microsecond=0)
    doc: dict = {
        "contract_version": contract.version,
        "la_code": ext.la_code,
        "extract_date": ext.extract_date.isoformat(),
        "extracted_at": extracted.isoformat().replace("+00:00", "Z"),
    }
    if source_system:
        doc["source_system"] = source_system
    if history_start:
        doc["history_start"] = history_start.isoformat()
    doc["files"] = files
    return Draft(ext.path, doc, notices, missing)


def write_manifest(draft: Draft, *, overwrite: bool = False) -> Path:
    """Write the draft as manifest.json, atomically (a folder with a manifest is complete)."""
    if draft.missing_tables:
        raise ManifestProblem(
            f"{draft.folder}: required table(s) missing: "
            + ", ".join(f"{t}.csv" for t in draft.missing_tables)
            + ". No manifest written: the loader would reject the extract."
        )
    target = draft.folder / MANIFEST
    if target.exists() and not overwrite:
        raise ManifestProblem(f"{target} exists already (use --force to replace it)")
    tmp = draft.folder / f".{MANIFEST}.tmp"
    tmp.write_text(json.dumps(draft.doc, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, target)
    return target
