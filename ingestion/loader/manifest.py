"""Finding extract folders and checking their manifest (file-level rules of the contract)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from ingestion.contract import Contract
from ingestion.loader.manifest_schema import LA_CODE, MANIFEST_MAX_BYTES, validate_manifest

MANIFEST = "manifest.json"
ENCODINGS = {"utf-8": "utf-8-sig", "utf8": "utf-8-sig", "cp1252": "cp1252", "windows-1252": "cp1252"}
# Without a declared `bytes`, a file may take this much per declared record (SSD records are a few
# hundred bytes): bounds what is hashed and archived (a sparse file claiming 301 MB is not copied).
MAX_RECORD_BYTES = 64 * 1024
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class ExtractFolder:
    path: Path
    la_code: str
    extract_date: dt.date | None  # None when the folder name is not an ISO date

    @property
    def complete(self) -> bool:
        """The manifest is written last: without it the extract is still being written. (Anything
        by that name counts: a link or FIFO in its place is then rejected, not waited for.)"""
        return os.path.lexists(self.path / MANIFEST)

    @property
    def label(self) -> str:
        return printable(f"{self.la_code}/{self.extract_date or self.path.name}")

    def link_problem(self) -> str | None:
        """A symbolic link in place of the extract or authority folder is not followed."""
        for p, what in ((self.path, "extract folder"), (self.path.parent, "authority folder")):
            if p.is_symlink():
                return f"the {what} {printable(p.name)!r} is a symbolic link (not followed)"
        return None


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
    with open_regular(path) as f:
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
    size: int | None = None  # the declared `bytes`, when the manifest gives it


@dataclass
class Manifest:
    la_code: str
    extract_date: dt.date | None
    contract_version: int
    doc: dict
    files: dict[str, FileEntry] = field(default_factory=dict)
    # the date from which the extract holds complete history (optional; the KPIs' history window)
    history_start: dt.date | None = None

    def content_hash(self, *, declared: bool = False) -> str:
        """Identity of the extract's content: the hashes of its files (not the manifest's own
        timestamps), so the same files sent twice are recognised. ``declared``: from the
        manifest's hashes (equal to the files' once they are verified)."""
        pairs = sorted(
            (f.name, f.sha256 if declared else f.actual_sha256 or f.sha256) for f in self.files.values()
        )
        return hashlib.sha256(json.dumps(pairs).encode()).hexdigest()


def read_manifest(folder: ExtractFolder, contract: Contract) -> tuple[Manifest | None, list[str]]:
    """Parse the manifest against its schema (manifest_schema.py), then check it against the folder
    and the contract (not yet the hashes). Never raises for what the file holds."""
    if not LA_CODE.fullmatch(folder.la_code):
        return None, [
            f"authority folder {printable(folder.la_code)!r} is not a DfE local-authority code "
            f"(three digits, e.g. 888)"
        ]
    problem = folder.link_problem()
    if problem:
        return None, [problem]
    problem = file_problem(folder.path / MANIFEST)
    if problem:
        return None, [f"{MANIFEST}: {problem}"]
    try:
        size = os.lstat(folder.path / MANIFEST).st_size
        if size > MANIFEST_MAX_BYTES:
            return None, [f"{MANIFEST}: {size:,} bytes, over the {MANIFEST_MAX_BYTES:,}-byte manifest limit"]
        raw = read_regular(folder.path / MANIFEST, MANIFEST_MAX_BYTES + 1)
    except OSError as e:
        return None, [f"{MANIFEST}: cannot be read ({e.strerror or e})"]
    doc, errors = validate_manifest(raw, MANIFEST)
    if doc is None:
        return None, errors
    version = doc.get("contract_version")
    if type(version) is int and version != contract.version:
        errors.append(
            f"{MANIFEST}: unknown contract_version {version!r} (this loader reads {contract.version})"
        )
    la_code = doc.get("la_code") if isinstance(doc.get("la_code"), str) else ""
    if la_code and LA_CODE.fullmatch(la_code) and la_code != folder.la_code:
        errors.append(f"{MANIFEST}: la_code {la_code!r} does not match the folder {folder.la_code!r}")
    extract_date = _iso_date(doc["extract_date"]) if isinstance(doc.get("extract_date"), str) else None
    if extract_date is not None and extract_date != folder.extract_date:
        errors.append(
            f"{MANIFEST}: extract_date {extract_date} does not match the folder "
            f"{printable(folder.path.name)!r}"
        )
    history_start = _history_start(doc.get("history_start"), extract_date, errors)
    default_encoding = _encoding(doc.get("encoding"), MANIFEST, errors)
    files = doc.get("files") if isinstance(doc.get("files"), dict) else {}
    manifest = Manifest(
        folder.la_code,
        extract_date,
        version if type(version) is int else None,
        doc,
        history_start=history_start,
    )
    for name, spec in files.items():
        if not isinstance(spec, dict):
            continue  # reported by the schema
        if Path(name).name != name or name.startswith(".") or "\\" in name or name == MANIFEST:
            errors.append(f"{MANIFEST}: file name {printable(name)!r} is not a plain file name in the folder")
            continue
        rows, sha = spec.get("rows"), spec.get("sha256")
        if type(rows) is not int or not isinstance(sha, str):
            continue  # reported by the schema
        stem = name[:-4] if name.endswith(".csv") else None
        table = stem if stem in contract.tables else None
        encoding = _encoding(spec.get("encoding"), f"{MANIFEST} {name}", errors) or default_encoding
        size = spec.get("bytes") if type(spec.get("bytes")) is int else None
        manifest.files[name] = FileEntry(name, table, rows, sha.lower(), encoding or "utf-8-sig", size=size)
    listed = {f.table for f in manifest.files.values()}
    if files:
        for t in contract.required_tables:
            if t not in listed:
                errors.append(f"{MANIFEST}: required table {t} is not listed ({t}.csv)")
    for p in sorted(folder.path.glob("*.csv")):
        if p.name not in manifest.files and p.name[:-4] in contract.tables:
            errors.append(f"{p.name}: present in the folder but not listed in {MANIFEST}")
    return manifest, errors


def printable(text: str) -> str:
    """``text`` safe to print and to store in Postgres: undecodable bytes of a file name (Python's
    surrogate escapes) and lone surrogates become backslash escapes."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def file_problem(path: Path) -> str | None:
    """Why ``path`` may not be read as an extract file: only regular files are read, never symbolic
    links (a link to a key or /etc/shadow must not be loaded or archived) or special files (a FIFO
    blocks the reader forever, a device reads for ever)."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return "missing from the folder"
    except OSError as e:
        return f"cannot be read ({e.strerror or e})"
    if stat.S_ISLNK(st.st_mode):
        return "is a symbolic link (not followed: extract files must be regular files)"
    if not stat.S_ISREG(st.st_mode):
        kind = (
            "a folder"
            if stat.S_ISDIR(st.st_mode)
            else "a FIFO"
            if stat.S_ISFIFO(st.st_mode)
            else ("a device" if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode) else "a special file")
        )
        return f"is {kind}, not a regular file (not read)"
    return None


def open_regular(path: Path):
    """Open a regular file for reading without following a symbolic link at its last component and
    without blocking on a FIFO put there since it was checked; OSError otherwise."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise OSError(f"{path.name}: not a regular file")
    return os.fdopen(fd, "rb")


def read_regular(path: Path, limit: int) -> bytes:
    with open_regular(path) as f:
        return f.read(limit)


def size_problem(entry: FileEntry, size: int) -> str | None:
    """A file larger than the manifest allows is not read or archived: its declared ``bytes`` when
    given, else MAX_RECORD_BYTES per declared record (and the header)."""
    if entry.size is not None:
        if size != entry.size:
            return f"{size:,} bytes, but {MANIFEST} says {entry.size:,}"
        return None
    allowed = (entry.rows + 1) * MAX_RECORD_BYTES
    if size > allowed:
        return (
            f"{size:,} bytes for {entry.rows:,} declared rows: over the {MAX_RECORD_BYTES // 1024} KB a "
            f"record may take (declare `bytes` in {MANIFEST} if the file really is this large)"
        )
    return None


def _history_start(value, extract_date: dt.date | None, errors: list[str]) -> dt.date | None:
    """The optional `history_start` (the date from which the extract holds complete history): an ISO
    date (its form is checked by the manifest schema) not after the extract date."""
    day = _iso_date(value) if isinstance(value, str) else None
    if day is not None and extract_date is not None and day > extract_date:
        errors.append(f"{MANIFEST}: history_start {day} is after the extract date {extract_date}")
        return None
    return day


def _encoding(value, where: str, errors: list[str]) -> str | None:
    if value is None:
        return None
    codec = ENCODINGS.get(str(value).strip().lower())
    if codec is None:
        errors.append(f"{where}: encoding {value!r} is not accepted (UTF-8 or cp1252)")
    return codec


def missing_files(folder: ExtractFolder, manifest: Manifest) -> list[str]:
    """Listed files that are missing, not regular files, or larger than the manifest allows."""
    errors = []
    for e in manifest.files.values():
        path = folder.path / e.name
        problem = file_problem(path)
        if problem == "missing from the folder":
            errors.append(f"{e.name}: listed in {MANIFEST} but missing from the folder")
        elif problem:
            errors.append(f"{e.name}: {problem}")
        else:
            problem = size_problem(e, os.lstat(path).st_size)
            if problem:
                errors.append(f"{e.name}: {problem}")
    return errors


def hash_files(folder: ExtractFolder, manifest: Manifest) -> list[str]:
    """Hash every listed file (sets ``actual_sha256``); an error for each that differs from the
    manifest."""
    errors = []
    for entry in manifest.files.values():
        path = folder.path / entry.name
        if file_problem(path) or size_problem(entry, os.lstat(path).st_size):
            continue  # reported by missing_files; never read
        entry.actual_sha256 = sha256_file(path)
        if entry.actual_sha256 != entry.sha256:
            errors.append(
                f"{entry.name}: sha256 {entry.actual_sha256[:12]}... does not match the manifest's "
                f"{entry.sha256[:12]}... (file changed or incomplete)"
            )
    return errors
