"""generator/layout.py lays out brackets the way black does, so black has less to change.

Each case is formatted by black too: the layout must be black's fixed point (black changes
nothing), which is what makes formatting it cheap.
"""

from __future__ import annotations

import black
import pytest

from generator.render.formatters import LINE_LENGTH, black_mode
from generator.render.layout import (
    bracket,
    field,
    fits,
    from_import,
    keyword,
    split_top_level,
    type_alias,
)

MODE = black_mode()  # what the generator formats with


def _def(params: list[str], returns: str = "None") -> str:
    return (
        "class C:\n    "
        + bracket("def method(", params, f") -> {returns}:", 4, is_def=True)
        + "\n        pass\n"
    )


def _call(key: str, items: list[str]) -> str:
    return "x = f(\n    " + bracket(f"{key}={{", items, "},", 4, literal=True) + "\n)\n"


@pytest.mark.parametrize(
    ("source", "lines"),
    [
        (_def(["self", "*", "a: int"]), 3),  # one line
        (
            _def(
                [
                    "self",
                    "*",
                    "account_id: str",
                    "widget_id: str",
                    "**options: Unpack[RequestOptions]",
                ],
                "Widget",
            ),
            5,
        ),  # hugged
        (
            _def(
                ["self", "*"]
                + [f"parameter_{i}: str | NotGiven = NOT_GIVEN" for i in range(4)]
                + ["**options: Unpack[RequestOptions]"],
                "list[Widget]",
            ),
            11,
        ),
        (_def(["self_with_a_very_long_name_" + "x" * 70]), 5),  # a lone parameter gets a comma
        (
            "x = " + bracket("function_with_a_long_name(", ["argument_" + "y" * 80], ")", 0) + "\n",
            3,
        ),  # a lone argument: hugged
        (_call("path", ['"account_id": account_id']), 3),
        (_call("query", [f'"parameterNumber{i}": parameter_number_{i}' for i in range(4)]), 8),
    ],
    ids=[
        "def-one-line",
        "def-hugged",
        "def-exploded",
        "def-lone-parameter",
        "call-lone-argument",
        "dict-one-line",
        "dict-exploded",
    ],
)
def test_layout_is_blacks_fixed_point(source: str, lines: int) -> None:
    assert black.format_str(source, mode=MODE) == source
    assert len(source.splitlines()) == lines


def test_fits_counts_the_indent_and_rejects_newlines() -> None:
    assert fits("x" * (LINE_LENGTH - 4), 4)
    assert not fits("x" * (LINE_LENGTH - 3), 4)
    assert not fits("a\nb", 0)


def test_empty_brackets_stay_on_one_line_even_when_long() -> None:
    assert bracket("f" * 120 + "(", [], ")", 0) == "f" * 120 + "()"


@pytest.mark.parametrize(
    "names", [["A", "B"], [f"SomeRatherLongModelName{i}" for i in range(6)]], ids=["short", "long"]
)
def test_from_import_is_blacks_fixed_point(names: list[str]) -> None:
    source = from_import(".module", names) + "\n"
    assert black.format_str(source, mode=MODE) == source


LONG_LITERAL = "Literal[" + ", ".join(f'"value, number {i}"' for i in range(12)) + "]"


@pytest.mark.parametrize(
    "source",
    [
        type_alias("Short", "A | B") + "\n",
        type_alias("Filter", " | ".join(f"EventSearchFilterVariant{i}" for i in range(6))) + "\n",
        type_alias("Field", LONG_LITERAL) + "\n",
        "class C:\n    " + field("op", LONG_LITERAL, 4) + "\n",
        "class C:\n    " + field("op", 'Literal["a", "b"]', 4) + "\n",
    ],
    ids=["alias-one-line", "alias-union", "alias-literal", "field-literal", "field-short"],
)
def test_annotations_are_blacks_fixed_point(source: str) -> None:
    assert black.format_str(source, mode=MODE) == source


def test_split_top_level_ignores_brackets_and_quotes() -> None:
    assert split_top_level('Literal["a | b", "c"] | Mapping[str, A | B] | None', " | ") == [
        'Literal["a | b", "c"]',
        "Mapping[str, A | B]",
        "None",
    ]
    assert split_top_level('"x\\", y", "z"', ", ") == ['"x\\", y"', '"z"']


STYLES = "{" + ", ".join(f'"parameterNumber{i}": ("form", False)' for i in range(4)) + "}"


@pytest.mark.parametrize(
    "source",
    ['{"seeds": ("form", False)}', STYLES, "frozenset([200])"],
    ids=["short-dict", "long-dict", "not-a-dict"],
)
def test_keyword_arguments_are_blacks_fixed_point(source: str) -> None:
    text = (
        'x = Endpoint(\n    operation_id="op",\n    '
        + keyword("query_styles", source, 4)
        + ",\n)\n"
    )
    assert black.format_str(text, mode=MODE) == text
