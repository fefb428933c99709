"""The pseudonym key lives inside the database, where only the build role can read it.

dbt's `child_key` macro reads the key with a sub-select from `cscw_private.pseudonym_key` (Postgres
evaluates it once per query, as an InitPlan), so the key never appears in compiled SQL, dbt's
`target/` folder, `partial_parse.msgpack` or logs, and dbt needs no key in its environment. The
schema and table belong to the role that builds the warehouse; PUBLIC (and so the BI role
`reporter`) has no privilege on either. `install_key` copies the configured key
(`config.pseudonym_key`: CSCW_PSEUDONYM_KEY or the generated key file) into that table before every
dbt command that touches the database; a changed key is caught by the warehouse fingerprint, which
rebuilds every child key.
"""

from __future__ import annotations

import re

PRIVATE_SCHEMA = "cscw_private"
KEY_TABLE = f"{PRIVATE_SCHEMA}.pseudonym_key"
MIN_KEY_LENGTH = 16
MIN_DISTINCT_CHARACTERS = 8
# Words of placeholders and examples: a key containing one was copied from a template, not generated.
PLACEHOLDERS = re.compile(
    r"change.?me|replace.?me|placeholder|example|secret|password|your.?key|xxxx|todo", re.I
)
_INSTALL_LOCK = 7_305_002  # serialises concurrent installers (CREATE ... IF NOT EXISTS races)

DDL = f"""
create schema if not exists {PRIVATE_SCHEMA};
revoke all on schema {PRIVATE_SCHEMA} from public;
create table if not exists {KEY_TABLE} (
  one_row boolean primary key default true check (one_row),
  key text not null
);
revoke all on {KEY_TABLE} from public;
"""


class WeakPseudonymKey(ValueError):
    """The configured key is a placeholder or too guessable to protect children's identities."""


def key_problem(key: str) -> str | None:
    """Why ``key`` may not be used as the pseudonym key (None when it may)."""
    if PLACEHOLDERS.search(key):
        return "it looks like a placeholder (e.g. CHANGE_ME)"
    if len(key) < MIN_KEY_LENGTH:
        return f"it has {len(key)} characters (at least {MIN_KEY_LENGTH})"
    if len(set(key)) < MIN_DISTINCT_CHARACTERS:
        return f"it has only {len(set(key))} distinct characters (at least {MIN_DISTINCT_CHARACTERS})"
    return None


def check_key(key: str, source: str) -> str:
    problem = key_problem(key)
    if problem:
        raise WeakPseudonymKey(
            f"the pseudonym key from {source} is not usable: {problem}. Set CSCW_PSEUDONYM_KEY to a long "
            "random secret, e.g. the output of: python -c 'import secrets; print(secrets.token_hex(32))' "
            "(keep it: a new key gives every child a new pseudonymous key)"
        )
    return key


def install_key(conn, key: str | None = None) -> bool:
    """Store the configured key in the private table (commits); returns whether it changed."""
    from ingestion.config import pseudonym_key

    key = key if key is not None else pseudonym_key()
    with conn.cursor() as cur:
        cur.execute("select pg_advisory_xact_lock(%s)", (_INSTALL_LOCK,))
        cur.execute(DDL)
        cur.execute(f"select key = %s from {KEY_TABLE}", (key,))
        row = cur.fetchone()
        if row is None:
            cur.execute(f"insert into {KEY_TABLE} (key) values (%s)", (key,))
        elif not row[0]:
            cur.execute(f"update {KEY_TABLE} set key = %s", (key,))
    conn.commit()
    return row is None or not row[0]


def install_key_at(url: str) -> bool:
    from ingestion.db import connect

    with connect(url) as conn:
        return install_key(conn)
