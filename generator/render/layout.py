"""Where the templates break lines: black's shape for the constructs they print most.

black has the last word on every generated file, but it formats code that already has its
shape about 2.5 times as fast as code it must split (bench/bench_format.py measures both), so
the templates lay out signatures, calls and dict displays the way black would. Nothing here
decides what the code says, only where its lines break; a construct laid out differently from
black costs formatting time, never correctness.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from generator.escape import py_literal
from generator.render.formatters import LINE_LENGTH
from generator.testplan.sample_source import source
from generator.testplan.samples import Instance

INDENT = 4


def fits(text: str, indent: int) -> bool:
    """``text`` on one line at ``indent`` stays within black's line length."""
    return "\n" not in text and indent + len(text) <= LINE_LENGTH


def bracket(
    head: str,
    items: Sequence[str],
    tail: str,
    indent: int,
    *,
    literal: bool = False,
    is_def: bool = False,
    exploded: Sequence[str] | None = None,
) -> str:
    """``head`` + the items separated by commas + ``tail``, laid out as black lays it out.

    ``head`` ends with the opening bracket and ``tail`` starts with the closing one; ``indent``
    is the column of ``head``. On one line when that fits; otherwise, for the arguments of a
    call or the parameters of a ``def`` (not ``literal``), the items together on one line of
    their own when that fits (black adds a comma to a lone parameter of a ``def``, and then
    keeps it on its own line); otherwise one item per line, each followed by a comma. A
    collection display (``literal``) that does not fit always gets one item per line.
    ``exploded``: the items as they read one per line, when that differs (see :func:`annotated`).
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
    return head + "\n" + "".join(f"{inner}{item},\n" for item in (exploded or items)) + closing


def split_top_level(text: str, separator: str) -> list[str]:
    """``text`` split at each ``separator`` outside brackets and quotes."""
    parts, depth, quote, start, i = [], 0, "", 0, 0
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == "\\":
                i += 1
            elif ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif depth == 0 and text.startswith(separator, i):
            parts.append(text[start:i])
            start = i + len(separator)
            i = start
            continue
        i += 1
    parts.append(text[start:])
    return parts


def annotated(name: str, annotation: str, default: str, indent: int) -> str:
    """``name: annotation<default>`` as a line of its own at ``indent`` inside exploded brackets
    (a comma follows it). Too long, the annotation goes in parentheses on its own line, split
    before each ``|`` when even that is too long (black's shape). ``default``: "" or " = ..."."""
    one = f"{name}: {annotation}{default}"
    if fits(one + ",", indent):
        return one
    pad = " " * (indent + INDENT)
    body = (
        annotation
        if fits(annotation, indent + INDENT)
        else f"\n{pad}| ".join(split_top_level(annotation, " | "))
    )
    return f"{name}: (\n{pad}{body}\n{' ' * indent}){default}"


def signature(
    head: str, params: Sequence[str | tuple[str, str, str]], tail: str, indent: int
) -> str:
    """A ``def`` laid out by :func:`bracket`; a parameter given as (name, annotation, default)
    is laid out by :func:`annotated` when the parameters go one per line."""
    flat = [p if isinstance(p, str) else f"{p[0]}: {p[1]}{p[2]}" for p in params]
    one_per_line = [p if isinstance(p, str) else annotated(*p, indent + INDENT) for p in params]
    return bracket(head, flat, tail, indent, is_def=True, exploded=one_per_line)


def _literal_values(annotation: str) -> list[str] | None:
    """The values of an annotation that is one ``Literal[...]`` and nothing else."""
    if not annotation.startswith("Literal[") or len(split_top_level(annotation, " | ")) > 1:
        return None
    return split_top_level(annotation[len("Literal[") : -1], ", ")


def type_alias(name: str, annotation: str) -> str:
    """``name = annotation`` at module level, too long for a line laid out as black does: a
    union in parentheses with one member per line (each after ``|`` but the first), a lone
    ``Literal[...]`` with one value per line. Other long annotations are left to black."""
    one = f"{name} = {annotation}"
    if fits(one, 0):
        return one
    values = _literal_values(annotation)
    if values is not None:
        return bracket(f"{name} = Literal[", values, "]", 0, literal=True)
    members = split_top_level(annotation, " | ")
    if len(members) < 2:
        return one
    pad = " " * INDENT
    return f"{name} = (\n{pad}" + f"\n{pad}| ".join(members) + "\n)"


def field(name: str, annotation: str, indent: int) -> str:
    """``name: annotation`` in a class body; a lone ``Literal[...]`` too long for a line gets one
    value per line (black's shape). Other long annotations are left to black."""
    one = f"{name}: {annotation}"
    values = _literal_values(annotation)
    if fits(one, indent) or values is None:
        return one
    return bracket(f"{name}: Literal[", values, "]", indent, literal=True)


def from_import(module: str, names: Sequence[str], indent: int = 0) -> str:
    """``from module import a, b`` on one line when it fits, else parenthesized with one name
    per line (black never hugs imports)."""
    one = f"from {module} import {', '.join(names)}"
    if fits(one, indent):
        return one
    return bracket(f"from {module} import (", names, ")", indent, literal=True)


def laid_out(value: Any, indent: int, head: str = "", tail: str = "") -> str:
    """``head`` + the :func:`~generator.testplan.sample_source.source` of a sample value +
    ``tail``, with its lines broken by :func:`bracket` when ``head`` starts at column
    ``indent``: the elements of a display, or the data of an instance, each laid out the same
    way one level deeper."""
    inner = indent + INDENT
    if isinstance(value, Instance):
        return bracket(
            f"{head}{value.model}.model_validate(",
            [source(value.data)],
            ")" + tail,
            indent,
            exploded=[laid_out(value.data, inner)],
        )
    if isinstance(value, dict) and value:
        keys = [f"{py_literal(str(k))}: " for k in value]
        flat = [k + source(v) for k, v in zip(keys, value.values())]
        exploded = [laid_out(v, inner, k) for k, v in zip(keys, value.values())]
        return bracket(head + "{", flat, "}" + tail, indent, literal=True, exploded=exploded)
    if isinstance(value, (list, tuple)) and value:
        flat = [source(v) for v in value]
        exploded = [laid_out(v, inner) for v in value]
        return bracket(head + "[", flat, "]" + tail, indent, literal=True, exploded=exploded)
    return head + source(value) + tail  # a scalar: black does not break it
