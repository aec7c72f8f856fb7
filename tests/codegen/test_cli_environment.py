"""``python -m generator`` run by a Python without the generator's dependencies (the shell's
own instead of the project's .venv) says what is missing and how to get it, exit 2."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("missing", ["openapi_pydantic", "jinja2", "yaml"])
def test_a_missing_dependency_is_named_with_the_fix(missing: str) -> None:
    hide = f"import sys; sys.modules[{missing!r}] = None"  # import now raises ModuleNotFoundError
    run = "import runpy; runpy.run_module('generator', run_name='__main__')"
    result = subprocess.run(
        [sys.executable, "-c", f"{hide}; {run}", "generate", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    assert f"the package {missing!r} is not installed for {sys.executable}" in result.stderr
    assert "make generate" in result.stderr and ".venv/bin/python -m generator" in result.stderr


def test_a_python_without_site_packages_is_told_what_to_do() -> None:
    """The real case: an interpreter that does not see the project's packages at all."""
    result = subprocess.run(
        [sys.executable, "-S", "-m", "generator", "--version"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "is not installed for" in result.stderr and "make generate" in result.stderr
