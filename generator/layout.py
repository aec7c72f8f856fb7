"""Where the templates break lines: black's shape for the constructs they print most.

black has the last word on every generated file, but it formats code that already has its
shape about 2.5 times as fast as code it must split (bench/bench_format.py measures both), so
the templates lay out signatures, calls and dict displays the way black would. Nothing here
decides what the code says, only where its lines break; a construct laid out differently from
black costs formatting time, never correctness.
"""

from __future__ import annotations

from collections.abc import Sequence

from generator.formatting import LINE_LENGTH

INDENT = 4


def fits(text: str, indent: int) -> bool:
    """``text`` on one line at ``indent`` stays within black's line length."""
    return "\n" not in text and indent + len(text) <= LINE_LENGTH


def bracket(head: str, items: Sequence[str], tail: str, indent: int, *, literal: bool = False, is_def: bool = False) -> str:
    """``head`` + the items separated by commas + ``tail``, laid out as black lays it out.

    ``head`` ends with the opening bracket and ``tail`` starts with the closing one; ``indent``
    is the column of ``head``. On one line when that fits; otherwise, for the arguments of a
    call or the parameters of a ``def`` (not ``literal``), the items together on one line of
    their own when that fits (black adds a comma to a lone parameter of a ``def``, and then
    keeps it on its own line); otherwise one item per line, each followed by a comma. A
    collection display (``literal``) that does not fit always gets one item per line.
    The result carries no indentation before ``head``; the lines after it are indented.
    """
    one = head + ", ".join(items) + tail
    if fits(one, indent) or not items:
        return one
    inner = " " * (indent + INDENT)
    closing = " " * indent + tail
    hugged = ", ".join(items)
    if not literal and not (is_def and len(items) == 1) and fits(hugged, indent + INDENT):
        return f"{head}\n{inner}{hugged}\n{closing}"
    return head + "\n" + "".join(f"{inner}{item},\n" for item in items) + closing


def from_import(module: str, names: Sequence[str], indent: int = 0) -> str:
    """``from module import a, b`` on one line when it fits, else parenthesized with one name
    per line (black never hugs imports)."""
    one = f"from {module} import {', '.join(names)}"
    if fits(one, indent):
        return one
    return bracket(f"from {module} import (", names, ")", indent, literal=True)
