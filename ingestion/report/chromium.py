"""Headless Chromium: print the report to PDF and take screenshots. Chromium is a system package
(Debian `chromium`), not a Python dependency; when it is missing the caller is told so plainly."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

# Flags that keep a headless run offline and quiet (no sync, updates or background fetches).
BASE_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
]
CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


class ChromiumMissing(RuntimeError):
    pass


def find_chromium() -> str | None:
    """The Chromium executable: CSCW_CHROMIUM if set, else the first candidate on PATH."""
    explicit = os.environ.get("CSCW_CHROMIUM")
    if explicit:
        return explicit if Path(explicit).exists() else None
    for name in CANDIDATES:
        path = shutil.which(name)
        if path:
            return path
    return None


def install_chromium() -> str:
    """Install Debian's chromium package (needs root and the package mirror). Used by the test set-up."""
    found = find_chromium()
    if found:
        return found
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update", "-q"], check=True, env=env, capture_output=True)
    subprocess.run(
        ["apt-get", "install", "-y", "-q", "--no-install-recommends", "chromium"],
        check=True,
        env=env,
        capture_output=True,
    )
    found = find_chromium()
    if not found:
        raise ChromiumMissing("apt-get installed chromium but no executable was found on PATH")
    return found


def _run(args: list[str], output: Path, timeout: int) -> Path:
    exe = find_chromium()
    if not exe:
        raise ChromiumMissing(
            "Chromium is not installed (Debian: apt-get install -y chromium; or set CSCW_CHROMIUM)"
        )
    output.unlink(missing_ok=True)
    # A fresh profile per run: no state shared with a desktop browser or between runs.
    with tempfile.TemporaryDirectory(prefix="cscw-chromium-") as profile:
        cmd = [exe, *BASE_FLAGS, f"--user-data-dir={profile}", *args]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if not output.exists() or output.stat().st_size == 0:
        tail = "\n".join(proc.stderr.strip().splitlines()[-5:])
        raise RuntimeError(f"Chromium did not write {output} (exit {proc.returncode}): {tail}")
    return output


def print_pdf(html_path: Path, pdf_path: Path, timeout: int = 120) -> Path:
    """Print a local HTML file to PDF (A4, page size from the report's @page CSS)."""
    pdf_path = Path(pdf_path).resolve()
    return _run(
        ["--no-pdf-header-footer", f"--print-to-pdf={pdf_path}", Path(html_path).resolve().as_uri()],
        pdf_path,
        timeout,
    )


def screenshot(html_path: Path, png_path: Path, width: int = 1280, height: int = 1600, timeout: int = 120):
    """A PNG of the top of the page as a reader sees it on screen."""
    png_path = Path(png_path).resolve()
    return _run(
        [f"--window-size={width},{height}", f"--screenshot={png_path}", Path(html_path).resolve().as_uri()],
        png_path,
        timeout,
    )
