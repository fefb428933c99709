"""pyproject.toml declares what the package needs as ranges; requirements.txt + constraints.txt pin the
tested set. The two must agree: every pin inside its declared range, nothing declared but unpinned."""

from __future__ import annotations

import sys
import tomllib

from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

from tests.conftest import REPO_DIR


def pins() -> dict[str, str]:
    out = {}
    for line in (REPO_DIR / "requirements.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            req = Requirement(line)
            (spec,) = req.specifier
            assert spec.operator == "==", f"requirements.txt pins exactly: {line}"
            out[canonicalize_name(req.name)] = spec.version
    return out


def declared() -> list[Requirement]:
    project = tomllib.loads((REPO_DIR / "pyproject.toml").read_text())["project"]
    reqs = project["dependencies"] + [r for extra in project["optional-dependencies"].values() for r in extra]
    return [Requirement(r) for r in reqs]


def test_every_pin_is_declared_and_inside_its_range():
    pinned = pins()
    ranges = {canonicalize_name(r.name): r.specifier for r in declared()}
    assert set(ranges) == set(pinned), (
        f"declared but not pinned: {sorted(set(ranges) - set(pinned))}; "
        f"pinned but not declared: {sorted(set(pinned) - set(ranges))}"
    )
    outside = {name: (pinned[name], str(spec)) for name, spec in ranges.items() if pinned[name] not in spec}
    assert outside == {}, f"pins outside the declared ranges: {outside}"


def test_the_running_python_is_a_supported_one():
    project = tomllib.loads((REPO_DIR / "pyproject.toml").read_text())["project"]
    running = ".".join(map(str, sys.version_info[:3]))
    assert running in SpecifierSet(project["requires-python"])
