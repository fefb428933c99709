"""Small extract folders written by the tests: valid rows from the contract, then spoilt on purpose."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path

from ingestion.contract import load_contract

CONTRACT = load_contract()


def valid_value(table: str, column: str, i: int) -> str:
    col = CONTRACT.tables[table].column(column)
    if col.type == "id":
        return f"{column[:4]}{i}"
    if col.type == "date":
        return f"2019-{1 + i % 12:02d}-{1 + i % 28:02d}"
    if col.type == "flag":
        return "YN"[i % 2]
    if col.type == "code":
        codes = sorted(CONTRACT.code_lists[col.codes].codes)
        return codes[i % len(codes)]
    if col.type == "int":
        return str(i)
    if col.type == "decimal":
        return f"{i}.5"
    return f"text {i}"


def valid_rows(table: str, n: int, start: int = 1) -> list[dict[str, str]]:
    cols = CONTRACT.tables[table].column_names
    return [{c: valid_value(table, c, i) for c in cols} for i in range(start, start + n)]


def to_csv(rows: list[dict[str, str]], header: list[str] | None = None) -> str:
    header = header or list(rows[0])
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(header)
    for r in rows:
        w.writerow([r.get(h, "") for h in header])
    return buf.getvalue()


def count_rows(text: str) -> int:
    return sum(1 for row in csv.reader(io.StringIO(text)) if row) - 1


def write_extract(
    root: Path,
    la_code: str = "901",
    extract_date: str = "2019-04-01",
    tables: dict[str, list[dict] | str] | None = None,
    *,
    n: int = 2,
    encoding: str = "utf-8",
    bom: bool = False,
    manifest: dict | None = None,
    rows: dict[str, int] | None = None,
    write_manifest: bool = True,
) -> Path:
    """Write <root>/<la_code>/<extract_date>/ with every required table (n valid rows each) unless
    ``tables`` gives a table's rows (dicts) or its exact text; a value None drops the table."""
    folder = root / la_code / extract_date
    folder.mkdir(parents=True, exist_ok=True)
    content: dict[str, list[dict] | str | None] = {t: valid_rows(t, n) for t in CONTRACT.required_tables}
    content.update(tables or {})
    files = {}
    for table, spec in content.items():
        if spec is None:
            continue
        text = spec if isinstance(spec, str) else to_csv(spec)
        data = ("\ufeff" if bom else "").encode(encoding) + text.encode(encoding)
        name = f"{table}.csv"
        (folder / name).write_bytes(data)
        n_rows = (rows or {}).get(table, count_rows(text))
        files[name] = {"rows": n_rows, "sha256": hashlib.sha256(data).hexdigest()}
    doc = {
        "contract_version": 1,
        "la_code": la_code,
        "extract_date": extract_date,
        "extracted_at": f"{extract_date}T02:10:00Z",
        "source_system": "test",
        "files": files,
    }
    if encoding != "utf-8":
        doc["encoding"] = encoding
    doc.update(manifest or {})
    if write_manifest:
        (folder / "manifest.json").write_text(json.dumps(doc, indent=1))
    return folder


def rehash(folder: Path) -> None:
    """Recompute the manifest's hashes after a test edits a file (keeps its row counts)."""
    path = folder / "manifest.json"
    doc = json.loads(path.read_text())
    for name, entry in doc["files"].items():
        if (folder / name).exists():
            entry["sha256"] = hashlib.sha256((folder / name).read_bytes()).hexdigest()
    path.write_text(json.dumps(doc, indent=1))
