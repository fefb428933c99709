"""`cscw extract check`: everything the loader would check, without a database.

The same checks as a load (loader/manifest.py for the manifest and files, loader/validate.py for every
row), run on the folder alone: nothing is written anywhere. A folder without a manifest yet is checked
against the manifest `cscw extract manifest` would write, so problems can be fixed before it exists."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

from ingestion.contract import Contract, load_contract
from ingestion.extract.write import ManifestProblem, draft_manifest
from ingestion.loader.core import describe_quarantine, file_problems, quarantine_limit
from ingestion.loader.manifest import (
    MANIFEST,
    ExtractFolder,
    FileEntry,
    find_extracts,
    hash_files,
    missing_files,
    read_manifest,
)
from ingestion.loader.validate import FileError, FileValidator

QUARANTINE_SHOWN = 5  # quarantined values quoted per file in the report


@dataclass
class FileCheck:
    name: str
    rows: int = 0
    quarantined: int = 0
    examples: list[str] = field(default_factory=list)


@dataclass
class ExtractCheck:
    label: str
    errors: list[str] = field(default_factory=list)  # each would reject the extract
    notices: list[str] = field(default_factory=list)
    files: list[FileCheck] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def check_path(path, *, threshold: float = 0.01, contract: Contract | None = None) -> list[ExtractCheck]:
    """Check every extract folder under ``path`` (as `cscw load` finds them)."""
    contract = contract or load_contract()
    return [check_folder(f, threshold=threshold, contract=contract) for f in find_extracts(Path(path))]


def check_folder(folder: ExtractFolder, *, threshold: float, contract: Contract) -> ExtractCheck:
    result = ExtractCheck(folder.label)
    if folder.complete:
        manifest, errors = read_manifest(folder, contract)
    else:
        try:
            draft = draft_manifest(folder.path, contract)
        except ManifestProblem as e:
            result.errors.append(str(e))
            return result
        result.notices.append(
            f"no {MANIFEST} yet: checked against the one `cscw extract manifest` would write"
        )
        result.errors += [f"required table {t} is missing ({t}.csv)" for t in draft.missing_tables]
        manifest, errors = _in_memory(folder, draft.doc, contract)
    result.errors += errors
    if manifest is None:
        return result
    result.errors += missing_files(folder, manifest)
    result.errors += hash_files(folder, manifest)
    result.notices += [
        f"{e.name}: not a contract table: would be archived, not loaded"
        for e in manifest.files.values()
        if e.table is None
    ]
    for entry in sorted(manifest.files.values(), key=lambda e: e.name):
        if entry.table and (folder.path / entry.name).is_file():
            result.files.append(_check_file(folder, entry, contract, threshold, result))
    return result


def _in_memory(folder: ExtractFolder, doc: dict, contract: Contract):
    """read_manifest on a document that is not on disk yet (the files are hashed as they are)."""
    import json
    import tempfile

    with tempfile.TemporaryDirectory(prefix="cscw-check-") as tmp:
        shadow = Path(tmp) / folder.la_code / folder.path.name
        shadow.mkdir(parents=True)
        (shadow / MANIFEST).write_text(json.dumps(doc), encoding="utf-8")
        manifest, errors = read_manifest(dataclasses.replace(folder, path=shadow), contract)
    return manifest, errors


def _check_file(
    folder: ExtractFolder, entry: FileEntry, contract: Contract, threshold: float, result: ExtractCheck
) -> FileCheck:
    out = FileCheck(entry.name)
    try:
        v = FileValidator(
            folder.path / entry.name,
            contract.tables[entry.table],
            contract.code_lists,
            encoding=entry.encoding,
            lineage=(folder.la_code, str(folder.extract_date), "0"),
            quarantine_limit=quarantine_limit(entry, threshold),
        )
        for _ in v.chunks():  # validation happens as the clean rows are produced; they are dropped
            pass
    except FileError as e:
        result.errors.append(f"{entry.name} {e}")
        return out
    r = v.result
    out.rows, out.quarantined = r.rows_read, r.rows_quarantined
    out.examples = [describe_quarantine(q) for q in r.quarantine[:QUARANTINE_SHOWN]]
    result.errors += file_problems(entry, r, threshold)
    if r.extra_columns and not r.error:
        extra = ", ".join(r.extra_columns)
        result.notices.append(f"{entry.name}: extra column(s) kept in raw, not used: {extra}")
    return out
