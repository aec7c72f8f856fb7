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
    if annotation.startswith("Annotated[") and annotation.endswith("]"):
        return _annotated_alias(name, annotation)
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


def keyword(name: str, source: str, indent: int) -> str:
    """``name=source`` as one argument of an exploded call at ``indent`` (a comma follows it); a
    dict display too long for the line gets one entry per line (black's shape)."""
    one = f"{name}={source}"
    if fits(one + ",", indent) or not (source.startswith("{") and source.endswith("}")):
        return one
    return bracket(f"{name}={{", split_top_level(source[1:-1], ", "), "}", indent, literal=True)


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


def assigned_call(name: str, generic: str, hint: str, body: str) -> str:
    """``name: generic[hint] = generic(`` + ``body`` (its argument lines, each indented by 4 and
    ending with a newline) + ``)``, at column 0, laid out as black does when the first line is
    too long: the call wrapped in parentheses when that line then fits and so does every
    argument line one level deeper, else the annotation's subscript split. Anything else is
    left to black."""
    annotation = f"{generic}[{hint}]"
    head = f"{name}: {annotation} = {generic}("
    if fits(head, 0):
        return f"{head}\n{body})"
    deeper = [" " * INDENT + line if line else line for line in body.split("\n")]
    if fits(f"{name}: {annotation} = (", 0) and all(fits(line, 0) for line in deeper):
        return f"{name}: {annotation} = (\n    {generic}(\n" + "\n".join(deeper) + "    )\n)"
    if fits(f"{name}: {generic}[", 0) and fits(hint, INDENT):
        return f"{name}: {generic}[\n    {hint}\n] = {generic}(\n{body})"
    return f"{head}\n{body})"


def aliased_field(name: str, annotation: str, arguments: Sequence[str], indent: int) -> str:
    """``name: annotation = Field(arguments)`` in a class body, laid out as black does: by
    :func:`bracket` while ``name: annotation = Field(`` fits on its line, else with the
    annotation in parentheses on a line of its own and the call after them when both fit
    (left to black otherwise)."""
    head = f"{name}: {annotation} = Field("
    call = "Field(" + ", ".join(arguments) + ")"
    if fits(head, indent) or fits(f"{name}: {annotation} = {call}", indent):
        return bracket(head, arguments, ")", indent)
    if fits(annotation, indent + INDENT) and fits(f") = {call}", indent):
        pad = " " * (indent + INDENT)
        return f"{name}: (\n{pad}{annotation}\n{' ' * indent}) = {call}"
    return bracket(head, arguments, ")", indent)


def _annotated_alias(name: str, annotation: str) -> str:
    """``name = Annotated[<union>, <call>]`` too long for a line (a tagged union), laid out as
    black does: each argument on its own line; the union's members one per line when it does
    not fit; the call's arguments, and a dict among them, one per line when they do not."""
    parts = split_top_level(annotation[len("Annotated[") : -1], ", ")
    if len(parts) < 2:
        return f"{name} = {annotation}"
    pad = " " * INDENT
    lines = [f"{name} = Annotated["]
    for part in parts:
        lines.append(pad + _argument(part, INDENT) + ",")
    return "\n".join(lines) + "\n]"


def _argument(source: str, indent: int) -> str:
    """One argument of an exploded bracket at ``indent`` (a comma follows it)."""
    if fits(source + ",", indent):
        return source
    members = split_top_level(source, " | ")
    if len(members) > 1:
        last = len(members) - 1
        laid = [
            _exploded(m, indent, ("| " if i else "") + m + ("," if i == last else ""))
            for i, m in enumerate(members)
        ]
        return f"\n{' ' * indent}| ".join(laid)
    return _exploded(source, indent, source + ",")


def _exploded(source: str, indent: int, line: str) -> str:
    """``source`` (a call, subscript or dict) whose ``line`` is too long at ``indent``: its
    arguments together on a line of their own when they fit, else one per line."""
    if fits(line, indent):
        return source
    closing = {"(": ")", "[": "]", "{": "}"}
    opening = min((source.find(b) for b in closing if b in source), default=-1)
    if opening < 0 or source[-1] != closing[source[opening]]:
        return source
    head, body = source[: opening + 1], source[opening + 1 : -1]
    arguments = split_top_level(body, ", ")
    inner = " " * (indent + INDENT)
    if not head.startswith("{") and fits(", ".join(arguments), indent + INDENT):
        return f"{head}\n{inner}{', '.join(arguments)}\n{' ' * indent}{source[-1]}"
    laid = [inner + _argument(a, indent + INDENT) + "," for a in arguments]
    return head + "\n" + "\n".join(laid) + "\n" + " " * indent + source[-1]
