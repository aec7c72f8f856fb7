"""The house's size rules: no module over 400 lines and no function over 60 lines in the
generator, in the runtime every generated client carries (``templates/runtime``) and in the
verbatim test harness files it carries too (``templates/tests``).

Small modules and short functions are how a reader finds where a fact is decided in one guess;
this test keeps them small as the code grows, naming every offender with its size.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60
HOUSES = ("generator", "templates/runtime", "templates/tests")


def _modules() -> list[Path]:
    return sorted(p for house in HOUSES for p in (ROOT / house).rglob("*.py"))


def _long_functions(path: Path, root: Path = ROOT) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            length = (node.end_lineno or node.lineno) - first + 1
            if length > MAX_FUNCTION_LINES:
                found.append(
                    f"{path.relative_to(root)}:{node.lineno}: {node.name}() has {length} lines"
                )
    return found


def test_the_houses_hold_python_modules() -> None:
    """The rules below would pass vacuously if the folders moved: pin that they are found."""
    names = {p.relative_to(ROOT).as_posix() for p in _modules()}
    assert "generator/pipeline.py" in names
    assert "templates/tests/prism_servers.py" in names
    assert "templates/runtime/client.py" in names
    assert len(names) > 30


@pytest.mark.parametrize("path", _modules(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_module_is_at_most_400_lines(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert (
        lines <= MAX_MODULE_LINES
    ), f"{path.relative_to(ROOT)} has {lines} lines: split it along its seams"


@pytest.mark.parametrize("path", _modules(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_functions_are_at_most_60_lines(path: Path) -> None:
    assert _long_functions(path) == []


def test_the_size_rule_catches_a_long_function(tmp_path: Path) -> None:
    """The checker itself: a 61-line function is reported, a 60-line one is not."""
    body = "\n".join(f"    x{i} = {i}" for i in range(59))
    (tmp_path / "ok.py").write_text(f"def ok():\n{body}\n", encoding="utf-8")
    (tmp_path / "long.py").write_text(f"@staticmethod\ndef long():\n{body}\n", encoding="utf-8")
    assert _long_functions(tmp_path / "ok.py", tmp_path) == []
    assert _long_functions(tmp_path / "long.py", tmp_path) == ["long.py:2: long() has 61 lines"]
