"""Profiles: the calibration targets in profiles.yml, with the shared defaults applied."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

PROFILE_FILE = Path(__file__).resolve().parent / "profiles.yml"


@lru_cache(maxsize=1)
def _doc() -> dict:
    with open(PROFILE_FILE, encoding="utf-8") as f:
        return yaml.safe_load(f)


def profile_names() -> list[str]:
    return sorted(_doc()["profiles"])


def load_profile(name: str) -> dict:
    doc = _doc()
    if name not in doc["profiles"]:
        raise ValueError(f"unknown profile {name!r}; choose one of {', '.join(profile_names())}")
    merged = dict(doc["defaults"])
    merged.update(doc["profiles"][name])
    merged["profile"] = name
    return merged
