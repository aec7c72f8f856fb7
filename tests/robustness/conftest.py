"""Fixtures of the robustness suite: each valid fixture document generated once per session."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from generator.load.loader import load_spec
from tests.robustness.support import FIXTURES, Generated, forget, generate_package


@pytest.fixture(scope="session")
def mypy_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One mypy cache for the session: the second run reuses what the first learnt of the stdlib."""
    return tmp_path_factory.mktemp("mypy-cache")


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[str], Generated]]:
    """``generated(name)``: tests/fixtures/specs/<name>.yaml generated (once) into a temporary
    folder and importable as package ``<name>`` for the rest of the session."""
    made: dict[str, Generated] = {}

    def get(name: str) -> Generated:
        if name not in made:
            spec = FIXTURES / f"{name}.yaml"
            out = tmp_path_factory.mktemp(name) / "out"
            result = generate_package(spec, out, name)
            sys.path.insert(0, str(out))
            made[name] = Generated(name, spec, out, name, result, load_spec(spec).document)
        return made[name]

    yield get
    for g in made.values():
        sys.path.remove(str(g.out))
        forget(g.package)
