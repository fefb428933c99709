"""The embedded server: a port kept across restarts (a clear fallback when it is taken), a private log,
and as root a no-login system user and no silent widening of the user's folders."""

from __future__ import annotations

import os
import pwd
import socket
import stat
from urllib.parse import urlsplit

import pytest

from ingestion.embedded import NOLOGIN_SHELLS, SYSTEM_USER, EmbeddedPostgres


def _port(url: str) -> int:
    return urlsplit(url).port


def test_the_port_is_kept_across_restarts_with_a_clear_fallback(tmp_path, capsys):
    server = EmbeddedPostgres(tmp_path / "pg", fast_unsafe=True)
    first = _port(server.start())
    try:
        assert (tmp_path / "pg" / "port").read_text().strip() == str(first)
        server.stop()
        assert _port(server.start()) == first  # a saved BI connection still works
        server.stop()
        with socket.socket() as squatter:
            squatter.bind(("127.0.0.1", first))
            squatter.listen()
            capsys.readouterr()
            other = _port(server.start())
            err = capsys.readouterr().err
            assert other != first
            assert f"port {first} (kept in {tmp_path / 'pg' / 'port'}) is in use by another program" in err
            assert f"starts on port {other} this time" in err
            server.stop()
        assert _port(server.start()) == first  # the kept port is unchanged by the fallback
        assert stat.S_IMODE(server.log_file.stat().st_mode) == 0o600  # postgres.log is private
        assert stat.S_IMODE((tmp_path / "pg").stat().st_mode) & 0o077 in (0, 0o001)
    finally:
        server.stop()


@pytest.mark.skipif(os.geteuid() != 0, reason="the system user is used only when running as root")
def test_as_root_no_login_user_and_only_traversal_added_and_said(tmp_path, capsys):
    home = tmp_path / "home"
    home.mkdir(mode=0o700)
    home.chmod(0o700)
    server = EmbeddedPostgres(home / "pg", fast_unsafe=True)
    server.start()
    try:
        err = capsys.readouterr().err
        assert pwd.getpwnam(SYSTEM_USER).pw_shell in NOLOGIN_SHELLS
        # 0700 -> 0701: others may pass through, not list; and it was said
        assert stat.S_IMODE(home.stat().st_mode) == 0o701
        assert f"gave other users permission to pass through (not to list) {home} (700 -> 701)" in err
        assert stat.S_IMODE(server.pgdata.stat().st_mode) == 0o700
        assert server.pgdata.stat().st_uid == pwd.getpwnam(SYSTEM_USER).pw_uid
    finally:
        server.stop()


def test_cscw_home_is_made_private(tmp_path):
    import subprocess
    import sys

    env = {"CSCW_HOME": str(tmp_path / "home"), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-m", "ingestion.cli", "db", "status"], env=env, capture_output=True
    )
    assert done.returncode == 3  # not running; the folder is made all the same
    assert stat.S_IMODE((tmp_path / "home").stat().st_mode) == 0o700
