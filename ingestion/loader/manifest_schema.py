"""The manifest's schema: what `manifest.json` may hold, with limits, checked before anything else.

A manifest is written by another organisation's extract job, so it is parsed defensively: bounded
size, valid UTF-8 (no lone surrogates, even as `\\ud800` escapes), bounded nesting, every known
field of the right type and in range. `validate_manifest(raw_bytes)` returns the parsed document
and one error per problem (an empty list means the document is well formed); the contract checks
(version, folder names, required tables) come after, in manifest.py. `cscw extract check` and
`cscw extract manifest` use the same schema.
"""

from __future__ import annotations

import datetime as dt
import json
import re

MANIFEST_MAX_BYTES = 1 << 20  # a real manifest is a few KB (one entry per file)
MAX_DEPTH = 4  # {"files": {"x.csv": {"rows": 1}}} is depth 3; one level spare for extensions
MAX_FILES = 200
MAX_STRING = 1000  # characters in any string value or key
MAX_ROWS = 10**9
MAX_BYTES = 1 << 40  # 1 TiB: a declared file size beyond this is a typo or an attack
MAX_CONTRACT_VERSION = 1000
# The DfE local-authority code: three digits (e.g. 888 Lancashire). It names folders, raw rows and
# published figures, so nothing else is accepted.
LA_CODE = re.compile(r"[0-9]{3}")
ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
SHA256 = re.compile(r"[0-9a-fA-F]{64}")
DATE_FORMATS = ("YYYY-MM-DD", "DD/MM/YYYY")

# Top-level fields: name -> (required, kind). Unknown top-level fields are allowed (a newer
# extract job may add some) within the size, depth and string limits.
FIELDS = {
    "contract_version": (True, "version"),
    "la_code": (True, "la_code"),
    "extract_date": (True, "date"),
    "files": (True, "files"),
    "extracted_at": (False, "text"),
    "source_system": (False, "text"),
    "encoding": (False, "text"),
    "date_format": (False, "date_format"),
    "history_start": (False, "date"),
}
FILE_FIELDS = {"rows": (True, "count"), "sha256": (True, "sha256"), "encoding": (False, "text"),
               "bytes": (False, "size")}  # fmt: skip


class ManifestSchemaError(ValueError):
    pass


def validate_manifest(raw: bytes, name: str = "manifest.json") -> tuple[dict | None, list[str]]:
    """Parse and check ``raw`` against the schema: (document or None, errors naming the field)."""
    if len(raw) > MANIFEST_MAX_BYTES:
        return None, [f"{name}: {len(raw):,} bytes, over the {MANIFEST_MAX_BYTES:,}-byte manifest limit"]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        return None, [f"{name}: not valid UTF-8 (byte {e.start}: {raw[e.start : e.start + 4].hex(' ')})"]
    depth = _max_depth(text)
    if depth > MAX_DEPTH:
        return None, [f"{name}: JSON nested more than {MAX_DEPTH} levels deep"]
    try:
        doc = json.loads(
            text, parse_constant=_no_constant, parse_float=_bounded_float, parse_int=_bounded_int
        )
    except (json.JSONDecodeError, ManifestSchemaError, RecursionError) as e:
        return None, [f"{name}: not valid JSON ({e})"]
    if not isinstance(doc, dict):
        return None, [f"{name}: not a JSON object"]
    errors = [f"{name}: {e}" for e in _strings_errors(doc, "")]
    if errors:
        return None, errors
    errors = [f"{name}: {e}" for e in _check_fields(doc)]
    return doc, errors


def _check_fields(doc: dict) -> list[str]:
    errors = []
    for key, (required, kind) in FIELDS.items():
        if key not in doc:
            if required:
                errors.append(f"`{key}` is missing")
            continue
        problem = _KINDS[kind](doc[key])
        if problem:
            errors.append(f"`{key}` {problem}")
    files = doc.get("files")
    if isinstance(files, dict):
        for fname, spec in files.items():
            for key, (required, kind) in FILE_FIELDS.items():
                if key not in spec:
                    if required:
                        errors.append(f"files.{fname}: `{key}` is missing")
                    continue
                problem = _KINDS[kind](spec[key])
                if problem:
                    errors.append(f"files.{fname}: `{key}` {problem}")
    return errors


def _int_in(value, low: int, high: int, what: str) -> str | None:
    if type(value) is not int:  # bool is an int in Python, not in the schema
        return f"must be {what} (a whole number), not {_kind_of(value)}"
    if not low <= value <= high:
        return f"{value} is out of range ({low} to {high:,})"
    return None


def _text(value) -> str | None:
    return None if isinstance(value, str) else f"must be a string, not {_kind_of(value)}"


def _date(value) -> str | None:
    if not isinstance(value, str):
        return f"must be a YYYY-MM-DD date string, not {_kind_of(value)}"
    if not ISO_DAY.fullmatch(value):
        return f"{value!r} is not a YYYY-MM-DD date"
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return f"{value!r} is not a real calendar date"
    return None


def _la_code(value) -> str | None:
    if not isinstance(value, str) or not LA_CODE.fullmatch(value):
        return f'{value!r} is not a DfE local-authority code (three digits, e.g. "888")'
    return None


def _date_format(value) -> str | None:
    if value not in DATE_FORMATS:
        return f"{value!r} is not one of {', '.join(DATE_FORMATS)}"
    return None


def _sha256(value) -> str | None:
    if not isinstance(value, str) or not SHA256.fullmatch(value):
        return "must be 64 hexadecimal characters"
    return None


def _files(value) -> str | None:
    if not isinstance(value, dict):
        return f"must be an object of file name -> {{rows, sha256}}, not {_kind_of(value)}"
    if not value:
        return "lists no files"
    if len(value) > MAX_FILES:
        return f"lists {len(value)} files (at most {MAX_FILES})"
    bad = next((k for k, v in value.items() if not isinstance(v, dict)), None)
    if bad is not None:
        return f"entry {bad!r} must be an object with `rows` and `sha256`"
    return None


_KINDS = {
    "version": lambda v: _int_in(v, 1, MAX_CONTRACT_VERSION, "a contract version"),
    "count": lambda v: _int_in(v, 0, MAX_ROWS, "a row count"),
    "size": lambda v: _int_in(v, 0, MAX_BYTES, "a size in bytes"),
    "text": _text,
    "date": _date,
    "la_code": _la_code,
    "date_format": _date_format,
    "sha256": _sha256,
    "files": _files,
}


def _kind_of(value) -> str:
    return {dict: "an object", list: "a list", bool: "true/false", type(None): "null", str: "a string",
            int: "a number", float: "a number"}.get(type(value), type(value).__name__)  # fmt: skip


def _strings_errors(value, where: str) -> list[str]:
    """Every key and string: no lone surrogates (JSON `\\ud800` escapes decode to them), bounded."""
    errors = []
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for k, v in items:
        here = f"{where}.{k}" if where else str(k)
        for s in (k, v):
            if isinstance(s, str):
                if len(s) > MAX_STRING:
                    errors.append(f"{_short(here)}: a string of {len(s):,} characters (at most {MAX_STRING})")
                try:
                    s.encode("utf-8")
                except UnicodeEncodeError:
                    errors.append(f"{_short(here)}: contains a lone surrogate (invalid Unicode)")
        if isinstance(v, dict | list):
            errors += _strings_errors(v, here)
    return errors[:20]


def _short(where: str) -> str:
    return where.encode("utf-8", "backslashreplace").decode()[:80]


def _max_depth(text: str) -> int:
    """The deepest nesting of objects and lists, counted without recursion (strings skipped)."""
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > MAX_DEPTH:
                    return deepest  # no need to scan 200,000 levels
        elif ch in "]}":
            depth -= 1
    return deepest


def _no_constant(name: str):
    raise ManifestSchemaError(f"{name} is not allowed")


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > 15:  # far beyond any count or size; also spares int() huge inputs
        raise ManifestSchemaError(f"number {text[:20]}... is out of range")
    return int(text)


def _bounded_float(text: str) -> float:
    if len(text) > 30:
        raise ManifestSchemaError(f"number {text[:20]}... is out of range")
    return float(text)
