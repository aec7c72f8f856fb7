"""generator/escape.py: spec text becomes safe Python literals and docstrings, in black's shape."""

from __future__ import annotations

import ast

import black
import pytest

from generator.escape import docstring_at, py_literal, py_string
from generator.render.formatters import LINE_LENGTH

MODE = black.Mode(line_length=LINE_LENGTH)
HOSTILE = [
    'A thing called "widget"',
    '""""',
    '"quoted" start',
    "ends with a backslash \\",
    "line one\n    indented two\n\n  three",
    "tabs\tand\x00NUL and \u2028 separators",
    "x" * 150,
    "first\n" + "y" * 120,
    "'''\n\"\"\"",
]


@pytest.mark.parametrize("text", HOSTILE)
@pytest.mark.parametrize("indent", [0, 4])
def test_docstrings_are_valid_python_and_keep_the_text(text: str, indent: int) -> None:
    body = docstring_at(text, indent)
    source = "class C:\n    " + f'"""{body}"""' + "\n" if indent else f'"""{body}"""\n'
    tree = ast.parse(source)  # a SyntaxError is the bug this guards against
    node = tree.body[0].body[0] if indent else tree.body[0]  # type: ignore[attr-defined]
    value = node.value.value
    assert isinstance(value, str) and value.split()[:1] == text.replace("\x00", "\\x00").split()[:1]


@pytest.mark.parametrize(
    "text", ['A thing called "widget"', "Summary.\n\nMore text,\n  indented.", "z" * 120]
)
def test_docstrings_are_blacks_fixed_point(text: str) -> None:
    source = "class C:\n    " + f'"""{docstring_at(text, 4)}"""' + "\n\n    x: int\n"
    assert black.format_str(source, mode=MODE) == source


@pytest.mark.parametrize(
    "value",
    ["plain", "it's", 'say "hi"', "both ' and \"", "nl\n\t\x00", "\\back", "{{ }}", "é\u2028"],
)
def test_string_literals_round_trip_and_prefer_double_quotes(value: str) -> None:
    literal = py_string(value)
    assert ast.literal_eval(literal) == value
    assert literal[0] == '"' or '"' in value
    assert py_literal([value, {value: 1}]) == f"[{literal}, {{{literal}: 1}}]"
