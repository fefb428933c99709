"""The landing area: `<landing>/<la_code>/<YYYY-MM-DD>/`, complete once `manifest.json` is written."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

DATE_DIR = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class ExtractRef:
    la_code: str
    extract_date: date
    path: Path


def authorities(landing: Path) -> list[str]:
    """Authorities with a folder in the landing area (DfE three-digit codes)."""
    landing = Path(landing)
    if not landing.is_dir():
        return []
    return sorted(p.name for p in landing.iterdir() if p.is_dir() and p.name.isdigit())


def extract_dir(landing: Path, la_code: str, extract_date: date) -> Path:
    return Path(landing) / la_code / extract_date.isoformat()


def manifest_ready(landing: Path, la_code: str, extract_date: date) -> bool:
    """The extract job writes manifest.json last: its presence means the folder is complete."""
    return (extract_dir(landing, la_code, extract_date) / "manifest.json").is_file()


def complete_extracts(landing: Path, la_code: str) -> list[ExtractRef]:
    """Every complete extract folder of one authority, oldest first."""
    base = Path(landing) / la_code
    if not base.is_dir():
        return []
    out = []
    for p in base.iterdir():
        if p.is_dir() and DATE_DIR.match(p.name) and (p / "manifest.json").is_file():
            out.append(ExtractRef(la_code, date.fromisoformat(p.name), p))
    return sorted(out, key=lambda r: r.extract_date)


def latest_complete_date(landing: Path) -> date | None:
    dates = [r.extract_date for la in authorities(landing) for r in complete_extracts(landing, la)]
    return max(dates) if dates else None


def wait_for_manifest(
    landing: Path, la_code: str, extract_date: date, *, timeout: float = 0, poke: float = 30
) -> bool:
    """Poll for the manifest (used by `cscw nightly --wait`; the DAG uses a reschedule-mode sensor)."""
    deadline = time.monotonic() + timeout
    while True:
        if manifest_ready(landing, la_code, extract_date):
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(min(poke, max(0.0, deadline - time.monotonic())))


def resolve_landing(path: Path) -> tuple[Path, date | None, list[str] | None]:
    """PATH may be the landing root, one authority's folder, or one extract folder."""
    path = Path(path).resolve()
    if (path / "manifest.json").is_file() and DATE_DIR.match(path.name):
        return path.parent.parent, date.fromisoformat(path.name), [path.parent.name]
    if path.name.isdigit() and any(DATE_DIR.match(p.name) for p in path.iterdir() if p.is_dir()):
        return path.parent, None, [path.name]
    return path, None, None
