"""The pseudonym key: never in a dbt artefact or a file under CSCW_HOME, never readable by others,
placeholders refused; files holding children's data or secrets private."""

from __future__ import annotations

import hashlib
import secrets
import stat
from pathlib import Path

import pytest

from ingestion import config
from ingestion.dbt_runner import PROJECT_DIR, run_dbt
from ingestion.loader import load_path
from ingestion.pseudonym import WeakPseudonymKey
from tests.conftest import query
from tests.loader.extract import write_extract


def _files_holding(needle: bytes, *roots: Path) -> list[Path]:
    return [
        f
        for root in roots
        if root.exists()
        for f in root.rglob("*")
        if f.is_file() and needle in f.read_bytes()
    ]


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_key_is_in_no_dbt_artefact_or_file_under_cscw_home(db_url, tmp_path, monkeypatch):
    key = "artefact-probe-" + secrets.token_hex(16)
    home = tmp_path / "home"
    monkeypatch.setenv("CSCW_HOME", str(home))
    monkeypatch.setenv("CSCW_PSEUDONYM_KEY", key)
    [r] = load_path(write_extract(tmp_path / "landing"), db_url, archive_dir=home / "archive")
    assert r.status == "loaded"
    run = run_dbt(
        ["build", "--select", "+int_person", "--indirect-selection", "cautious"],
        db_url,
        target_path=home / "dbt" / "target",
    )
    assert run.success, run.summary()
    # the keyed hash is still sha256("<key>:<la_code>:<person id>"), computed inside the database
    expected = hashlib.sha256(f"{key}:901:pers1".encode()).hexdigest()
    assert query(db_url, "select child_key from intermediate.int_person where person_id = 'pers1'") == [
        (expected,)
    ]
    compiled = list((home / "dbt" / "target").rglob("int_person.sql"))
    assert compiled and "cscw_private.pseudonym_key" in compiled[0].read_text()  # the artefacts were made
    assert (home / "dbt" / "target" / "partial_parse.msgpack").exists()
    assert _files_holding(key.encode(), home, PROJECT_DIR / "target", PROJECT_DIR / "logs") == []
    # the artefacts and CSCW_HOME are private
    assert _mode(home / "dbt") == 0o700 and _mode(home / "dbt" / "target") == 0o700
    assert _mode(home / "archive") == 0o700


@pytest.mark.parametrize(
    "key",
    [
        "CHANGE_ME",
        "change-me-please-0123456789",
        "short-key",
        "aaaaaaaaaaaaaaaaaaaaaaaa",
        "my-secret-key-123456",
    ],
)
def test_placeholder_and_weak_keys_are_refused(monkeypatch, key):
    monkeypatch.setenv("CSCW_PSEUDONYM_KEY", key)
    with pytest.raises(WeakPseudonymKey, match="the pseudonym key from CSCW_PSEUDONYM_KEY is not usable"):
        config.pseudonym_key()


def test_a_generated_key_is_kept_0600_in_a_0700_home(tmp_path, monkeypatch):
    monkeypatch.delenv("CSCW_PSEUDONYM_KEY")
    monkeypatch.setenv("CSCW_HOME", str(tmp_path / "home"))
    key = config.pseudonym_key()
    assert len(key) == 64 and config.pseudonym_key() == key
    assert _mode(tmp_path / "home" / "pseudonym.key") == 0o600 and _mode(tmp_path / "home") == 0o700


def test_the_docker_image_gets_no_local_state_or_artefacts():
    ignored = set((PROJECT_DIR.parent / ".dockerignore").read_text().split())
    for path in (".cscw", ".venv", "dbt_project/target", "**/.env", "**/*.key", "landing", "archive"):
        assert path in ignored, path


def test_the_cli_refuses_a_placeholder_key_without_a_traceback(db_url, monkeypatch, capsys):
    from ingestion.cli import main

    monkeypatch.setenv("CSCW_DATABASE_URL", db_url)
    monkeypatch.setenv("CSCW_PSEUDONYM_KEY", "CHANGE_ME")
    assert main(["build"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(
        "cscw: the pseudonym key from CSCW_PSEUDONYM_KEY is not usable: it looks like a placeholder"
    )
