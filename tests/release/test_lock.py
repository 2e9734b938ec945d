"""The lock files agree with pyproject.toml's ranges and with each other, and every pin has hashes."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
LOCKS = {name: ROOT / "requirements" / f"{name}.txt" for name in ("app", "dev", "build")}


def pins(path: Path) -> dict[str, str]:
    return {canonicalize_name(m[1]): m[2]
            for m in re.finditer(r"^([A-Za-z0-9_.-]+)==([^\s;\\]+)", path.read_text(encoding="utf-8"), re.M)
            for m in [re.match(r"([A-Za-z0-9_.-]+)==([^\s;\\]+)", m.group(0))] if m}


def project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


@pytest.mark.parametrize("lock, extras", [("app", []), ("dev", ["test", "postgres"]), ("build", ["build", "postgres"])])
def test_each_dependency_is_pinned_inside_its_range(lock, extras):
    pinned = pins(LOCKS[lock])
    wanted = project()["dependencies"] + [d for e in extras for d in project()["optional-dependencies"][e]]
    for line in wanted:
        req = Requirement(line)
        name = canonicalize_name(req.name)
        assert name in pinned, f"{name} not in {lock}.txt"
        assert req.specifier.contains(pinned[name], prereleases=True), f"{name}=={pinned[name]} outside {req.specifier}"


def test_pyside_612_stays_out():
    """6.12.0 aborts Python 3.11 (tests/ui/test_pyside_guard.py): excluded in pyproject, so in every lock."""
    for lock in LOCKS.values():
        assert not pins(lock)["pyside6-essentials"].startswith("6.12.")


def test_the_program_is_pinned_alike_in_every_lock():
    app = pins(LOCKS["app"])
    for name in ("dev", "build"):
        other = pins(LOCKS[name])
        assert {k: other[k] for k in app} == app, name


@pytest.mark.parametrize("lock", list(LOCKS))
def test_every_pin_carries_hashes(lock):
    blocks = re.split(r"\n(?=[A-Za-z0-9_.-]+==)", LOCKS[lock].read_text(encoding="utf-8"))
    blocks = [b for b in blocks if re.match(r"[A-Za-z0-9_.-]+==", b)]
    assert blocks
    for block in blocks:
        assert "--hash=sha256:" in block, block.splitlines()[0]


def test_the_installers_and_backend_are_pinned_too():
    """The project is installed with --no-build-isolation: setuptools must come from the lock."""
    for lock in LOCKS.values():
        assert {"pip", "setuptools", "wheel"} <= pins(lock).keys()
