"""A random stream of a record's own, for tables added after the main simulation was calibrated.

Drawing the new tables' values from the authority's main stream would shift every later draw, so every
other table would change with them. These tables draw from a stream seeded by the authority's seed and
the record (a period of care), so what was generated before stays byte-identical.
"""

from __future__ import annotations

import random
from contextlib import contextmanager

from ingestion.generator.authority import Authority

ID_BASE = {
    "health": 20_000_000,
    "sdq": 21_000_000,
    "visit_on_move": 22_000_000,
    "missing_on_move": 23_000_000,
    "sdq_reason": 28_000_000,
}


def stream(la: Authority, *key) -> random.Random:
    return random.Random(":".join(str(k) for k in (la.seed, *key)))


def new_id(la: Authority, kind: str) -> str:
    """Identifiers in ranges of their own (counters kept beside the authority's)."""
    la.counters.setdefault(kind, ID_BASE[kind])
    return la.new_id(kind)


@contextmanager
def drawing_from(la: Authority, rng: random.Random):
    """Let the authority's helpers (recording lag in emit, mix) draw from `rng` for a while."""
    main, la.rng = la.rng, rng
    try:
        yield
    finally:
        la.rng = main
