"""tools/core_legs.py: every package a test leg installs is pinned, and the pins keep the holds."""

import os
import re
import sys

import pytest

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
sys.path.insert(0, REPO_ROOT)

from tools import core_legs  # noqa: E402  pylint: disable=wrong-import-position

NAME = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)")


def _normal(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirement_names(path):
    names = []
    with open(os.path.join(REPO_ROOT, path)) as handle:
        for line in handle:
            line = line.split("#")[0].strip()
            if line.startswith("-r "):
                names += _requirement_names(line[3:].strip())
            elif line:
                names.append(_normal(NAME.match(line).group(1)))
    return names


def _pins(path):
    pins = {}
    with open(os.path.join(REPO_ROOT, path)) as handle:
        for line in handle:
            if line.startswith("#") or not line.strip():
                continue
            name, version = line.strip().split("==")
            pins[_normal(name)] = version
    return pins


@pytest.mark.parametrize("leg", sorted(core_legs.LEGS))
def test_every_requirement_and_pip_itself_is_pinned_to_one_version(leg):
    pins = _pins(core_legs.LEGS[leg].constraints)
    missing = [name for name in _requirement_names(core_legs.LEGS[leg].requirements) + ["pip"] if name not in pins]
    assert missing == []


@pytest.mark.parametrize("leg", sorted(core_legs.LEGS))
def test_the_pins_keep_the_holds(leg):
    pins = _pins(core_legs.LEGS[leg].constraints)
    for hold in core_legs.HOLDS[leg]:
        name, bound = hold.split("<")
        assert tuple(int(part) for part in pins[_normal(name)].split(".")[:1]) < (int(bound),), hold


def test_the_pins_are_part_of_a_legs_fingerprint(tmp_path, monkeypatch):
    for name in ("requirements.txt", "constraints.txt"):
        (tmp_path / name).write_text("pkg==1\n")
    monkeypatch.setattr(core_legs, "REPO_ROOT", str(tmp_path))
    leg = core_legs.Leg("x", "x", "3.11", "venv", "requirements.txt", "constraints.txt")
    before = core_legs._fingerprint(leg, "/usr/bin/python3")  # pylint: disable=protected-access
    (tmp_path / "constraints.txt").write_text("pkg==2\n")
    assert core_legs._fingerprint(leg, "/usr/bin/python3") != before  # pylint: disable=protected-access
