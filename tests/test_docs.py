"""What users read speaks in the repository's own words: no pointers to files outside it (the project's
working notes are not shipped), no source-file names of documents users cannot open, no hand-over
wording. Covers the README, docs/, the package (messages, templates, the contract) and the dbt project."""

from __future__ import annotations

import re

from tests.conftest import REPO_DIR

FORBIDDEN = {
    "a path outside the repository": re.compile(r"\.\./shared|shared/(spec|domain|reference)/"),
    "a working-notes file name": re.compile(
        r"seed-kpis\.md|extract-contract\.md|kpi-definitions\.md|domain-anchors|seed \d{3}_[0-9a-f]{16}\.txt"
    ),
    # a line of a working copy of a source document ("D0:466"): the document's own name says more
    "a working-copy line reference": re.compile(r"\bD[0-9]:[0-9]"),
    "hand-over wording": re.compile(
        r"next engineer|the issue asks|what the issue|in the issue\b|the lead's", re.I
    ),
}


def user_facing_files():
    yield REPO_DIR / "README.md"
    yield from sorted((REPO_DIR / "docs").glob("*.md"))
    for pattern in ("*.py", "*.yml", "*.j2"):
        yield from sorted((REPO_DIR / "ingestion").rglob(pattern))
    yield from sorted((REPO_DIR / "dbt_project" / "seeds").rglob("*.csv"))
    # model and macro comments and descriptions: what `dbt docs` shows and a dbt engineer reads
    for folder in ("models", "macros", "tests", "seeds"):
        for pattern in ("*.sql", "*.yml"):
            yield from sorted((REPO_DIR / "dbt_project" / folder).rglob(pattern))
    yield from sorted((REPO_DIR / "deploy").rglob("*.yml"))


def test_user_facing_text_stays_inside_the_repository():
    found = []
    for path in user_facing_files():
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            for what, pattern in FORBIDDEN.items():
                if pattern.search(line):
                    found.append(f"{path.relative_to(REPO_DIR)}:{n}: {what}: {line.strip()[:100]}")
    assert found == []


def test_metabase_is_told_to_log_in_as_a_role_that_can():
    init = (REPO_DIR / "deploy" / "postgres" / "init.sh").read_text(encoding="utf-8")
    logins = set(re.findall(r"create role (\w+) login", init))
    nologin = set(re.findall(r"create role (\w+) nologin", init))
    guide = (REPO_DIR / "docs" / "metabase.md").read_text(encoding="utf-8")
    told = set(re.findall(r"user `(\w+)`", guide))
    assert told and told <= logins, (told, logins)
    assert "reporter" in nologin and "reporter" not in told
