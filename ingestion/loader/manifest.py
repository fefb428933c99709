"""Finding extract folders and checking their manifest (file-level rules of the contract)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from ingestion.contract import Contract

MANIFEST = "manifest.json"
ENCODINGS = {"utf-8": "utf-8-sig", "utf8": "utf-8-sig", "cp1252": "cp1252", "windows-1252": "cp1252"}
DATE_FORMATS = {"YYYY-MM-DD", "DD/MM/YYYY"}
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class ExtractFolder:
    path: Path
    la_code: str
    extract_date: dt.date | None  # None when the folder name is not an ISO date

    @property
    def complete(self) -> bool:
        """The manifest is written last: without it the extract is still being written."""
        return (self.path / MANIFEST).is_file()

    @property
    def label(self) -> str:
        return f"{self.la_code}/{self.extract_date or self.path.name}"


def _iso_date(name: str) -> dt.date | None:
    if not ISO_DAY.fullmatch(name):  # fromisoformat alone also takes 20190401 and week dates
        return None
    try:
        return dt.date.fromisoformat(name)
    except ValueError:
        return None


def _folder(path: Path) -> ExtractFolder:
    return ExtractFolder(path, path.parent.name, _iso_date(path.name))


def find_extracts(path: Path) -> list[ExtractFolder]:
    """The extract folders under ``path``, in extract-date order (then la_code).

    ``path`` is one extract folder (``<la_code>/<extract_date>/``, or any folder holding a
    manifest), one authority's folder of dated extracts, or a landing root of authorities."""
    path = Path(path).resolve()
    if not path.is_dir():
        raise FileNotFoundError(f"{path}: no such folder")
    if (path / MANIFEST).is_file() or _iso_date(path.name):
        return [_folder(path)]
    found = [_folder(p) for p in path.iterdir() if p.is_dir() and _iso_date(p.name)]
    if not found:
        for la in path.iterdir():
            if la.is_dir():
                found += [_folder(p) for p in la.iterdir() if p.is_dir() and _iso_date(p.name)]
    return sorted(found, key=lambda e: (e.extract_date, e.la_code))


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


@dataclass
class FileEntry:
    name: str
    table: str | None  # the contract table, or None for a file the contract does not know
    rows: int
    sha256: str
    encoding: str  # Python codec
    actual_sha256: str | None = None


@dataclass
class Manifest:
    la_code: str
    extract_date: dt.date | None
    contract_version: int
    doc: dict
    files: dict[str, FileEntry] = field(default_factory=dict)

    def content_hash(self, *, declared: bool = False) -> str:
        """Identity of the extract's content: the hashes of its files (not the manifest's own
        timestamps), so the same files sent twice are recognised. ``declared``: from the
        manifest's hashes (equal to the files' once they are verified)."""
        pairs = sorted(
            (f.name, f.sha256 if declared else f.actual_sha256 or f.sha256) for f in self.files.values()
        )
        return hashlib.sha256(json.dumps(pairs).encode()).hexdigest()


def read_manifest(folder: ExtractFolder, contract: Contract) -> tuple[Manifest | None, list[str]]:
    """Parse and check the manifest against the folder and the contract (not yet the hashes)."""
    errors: list[str] = []
    try:
        doc = json.loads((folder.path / MANIFEST).read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        return None, [f"{MANIFEST}: cannot be read as JSON ({e})"]
    if not isinstance(doc, dict):
        return None, [f"{MANIFEST}: not a JSON object"]
    version = doc.get("contract_version")
    if version != contract.version:
        errors.append(
            f"{MANIFEST}: unknown contract_version {version!r} (this loader reads {contract.version})"
        )
    la_code = str(doc.get("la_code", "")).strip()
    if la_code != folder.la_code:
        errors.append(f"{MANIFEST}: la_code {la_code!r} does not match the folder {folder.la_code!r}")
    extract_date = _iso_date(str(doc.get("extract_date", "")))
    if extract_date is None:
        errors.append(f"{MANIFEST}: extract_date {doc.get('extract_date')!r} is not an ISO date")
    elif extract_date != folder.extract_date:
        errors.append(
            f"{MANIFEST}: extract_date {extract_date} does not match the folder {folder.path.name!r}"
        )
    default_encoding = _encoding(doc.get("encoding"), MANIFEST, errors)
    date_format = doc.get("date_format")
    if date_format is not None and date_format not in DATE_FORMATS:
        errors.append(f"{MANIFEST}: date_format {date_format!r} is not one of {sorted(DATE_FORMATS)}")
    files = doc.get("files")
    if not isinstance(files, dict) or not files:
        errors.append(f"{MANIFEST}: no `files` listed")
        files = {}
    manifest = Manifest(la_code, extract_date, version, doc)
    for name, spec in files.items():
        if not isinstance(spec, dict):
            errors.append(f"{MANIFEST}: entry for {name} is not an object")
            continue
        if Path(name).name != name or name.startswith(".") or "\\" in name:
            errors.append(f"{MANIFEST}: file name {name!r} is not a plain file name in the folder")
            continue
        rows, sha = spec.get("rows"), spec.get("sha256")
        if not isinstance(rows, int) or rows < 0 or not isinstance(sha, str):
            errors.append(f"{MANIFEST}: entry for {name} needs `rows` (a count) and `sha256`")
            continue
        stem = name[:-4] if name.endswith(".csv") else None
        table = stem if stem in contract.tables else None
        encoding = _encoding(spec.get("encoding"), f"{MANIFEST} {name}", errors) or default_encoding
        manifest.files[name] = FileEntry(name, table, rows, sha.lower(), encoding or "utf-8-sig")
    listed = {f.table for f in manifest.files.values()}
    for t in contract.required_tables:
        if t not in listed:
            errors.append(f"{MANIFEST}: required table {t} is not listed ({t}.csv)")
    for p in sorted(folder.path.glob("*.csv")):
        if p.name not in manifest.files and p.name[:-4] in contract.tables:
            errors.append(f"{p.name}: present in the folder but not listed in {MANIFEST}")
    return manifest, errors


def _encoding(value, where: str, errors: list[str]) -> str | None:
    if value is None:
        return None
    codec = ENCODINGS.get(str(value).strip().lower())
    if codec is None:
        errors.append(f"{where}: encoding {value!r} is not accepted (UTF-8 or cp1252)")
    return codec


def missing_files(folder: ExtractFolder, manifest: Manifest) -> list[str]:
    return [
        f"{e.name}: listed in {MANIFEST} but missing from the folder"
        for e in manifest.files.values()
        if not (folder.path / e.name).is_file()
    ]


def hash_files(folder: ExtractFolder, manifest: Manifest) -> list[str]:
    """Hash every listed file (sets ``actual_sha256``); an error for each that differs from the
    manifest."""
    errors = []
    for entry in manifest.files.values():
        path = folder.path / entry.name
        if not path.is_file():
            continue
        entry.actual_sha256 = sha256_file(path)
        if entry.actual_sha256 != entry.sha256:
            errors.append(
                f"{entry.name}: sha256 {entry.actual_sha256[:12]}... does not match the manifest's "
                f"{entry.sha256[:12]}... (file changed or incomplete)"
            )
    return errors
