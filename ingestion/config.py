"""Configuration from the environment: one place, read by the CLI, the loader, dbt and the DAG.

CSCW_DATABASE_URL   a Postgres URL; when unset, the embedded Postgres under CSCW_HOME is used.
CSCW_HOME           working folder for the embedded database, archive and Airflow metadata
                    (default: .cscw in the current directory).
CSCW_ARCHIVE_DIR    where original extract files are archived (default CSCW_HOME/archive).
CSCW_LANDING_DIR    the landing root the nightly pipeline reads (default CSCW_HOME/landing).
CSCW_PSEUDONYM_KEY  the secret for pseudonymous child keys; never in the repo. The embedded
                    default generates one under CSCW_HOME on first use. Placeholders (CHANGE_ME) and
                    short keys are refused (ingestion.pseudonym); builds copy it into the database.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    home: Path
    database_url: str | None
    archive_dir: Path
    landing_dir: Path

    @property
    def embedded_dir(self) -> Path:
        return self.home / "pg"


def settings() -> Settings:
    home = Path(os.environ.get("CSCW_HOME") or ".cscw").resolve()
    url = os.environ.get("CSCW_DATABASE_URL") or None
    archive = Path(os.environ.get("CSCW_ARCHIVE_DIR") or home / "archive").resolve()
    landing = Path(os.environ.get("CSCW_LANDING_DIR") or home / "landing").resolve()
    return Settings(home=home, database_url=url, archive_dir=archive, landing_dir=landing)


def pseudonym_key(s: Settings | None = None) -> str:
    """The keyed-hash secret for child pseudonyms: from CSCW_PSEUDONYM_KEY, else a per-install
    random key kept (0600) under CSCW_HOME so keys stay stable across nights."""
    from ingestion.pseudonym import check_key

    key = os.environ.get("CSCW_PSEUDONYM_KEY")
    if key:
        return check_key(key, "CSCW_PSEUDONYM_KEY")
    s = s or settings()
    path = s.home / "pseudonym.key"
    if not path.exists():
        private_dir(s.home)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32))
    if path.stat().st_mode & 0o077:
        path.chmod(0o600)  # a copy restored with a wide umask
    return check_key(path.read_text().strip(), str(path))


def private_dir(path: Path) -> Path:
    """Make ``path`` (and missing parents) and keep it 0700: CSCW_HOME and the folders under it hold
    the key, the database, the archive of children's records and dbt's artefacts. Execute-only for
    others is kept where it is set: run as root, the embedded server's own user passes through CSCW_HOME
    to its data folder (never listing it), see ingestion/embedded.py."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    mode = path.stat().st_mode
    if mode & 0o076:
        path.chmod(0o700 | (mode & 0o001))
    return path
