"""Python annotations for IR types: the one place that maps a TypeRef to source text."""

from __future__ import annotations

import re

from generator.escape import py_literal
from generator.ir import TypeRef

_SCALARS = {
    "str": "str",
    "int": "int",
    "float": "float",
    "bool": "bool",
    "datetime": "datetime",
    "date": "date",
    "bytes": "bytes",
    "any": "Any",
    "none": "None",
}


def annotation(
    t: TypeRef,
    *,
    open_enums: bool = False,
    request: bool = False,
    quote: frozenset[str] = frozenset(),
    models: str = "",
    object_aliases: frozenset[str] = frozenset(),
) -> str:
    """Render ``t``.

    ``open_enums``: literal types also accept any value of their base type, so a value
    the API adds later does not break parsing (used for response models).
    ``request``: the looser input form of an argument: a model may be given as a
    mapping, sequences and mappings need not be lists and dicts, datetimes may be ISO
    strings. ``quote``: names that must be written as forward references. ``models``: the
    name through which the module refers to the ``models`` package (model and alias names
    are written ``<models>.<Name>``); empty when the names are in scope. ``object_aliases``:
    aliases that stand for object models (a union of them), which the input form also lets be
    given as a mapping, like a model.
    """
    text = _render(t, open_enums, request, quote, models, object_aliases)
    if t.nullable and t.kind not in ("none", "any"):
        text = f"{text} | None"
    return text


def _render(t: TypeRef, open_enums: bool, request: bool, quote: frozenset[str], models: str, object_aliases: frozenset[str]) -> str:
    kind = t.kind
    if kind in _SCALARS:
        if request and kind in ("datetime", "date"):
            return f"{_SCALARS[kind]} | str"
        return _SCALARS[kind]
    if kind in ("model", "alias"):
        assert t.name is not None
        name = f"{models}.{t.name}" if models else t.name
        name = f'"{name}"' if t.name in quote else name
        if request and (kind == "model" or t.name in object_aliases):
            return f"{name} | Mapping[str, Any]"
        return name
    if kind == "literal":
        text = "Literal[" + ", ".join(py_literal(v) for v in t.values) + "]"
        if open_enums:
            bases = sorted({_literal_base(v) for v in t.values})
            text = " | ".join([text, *bases])
        return text
    if kind == "list":
        inner = annotation(t.args[0], open_enums=open_enums, request=request, quote=quote, models=models, object_aliases=object_aliases)
        return f"Sequence[{inner}]" if request else f"list[{inner}]"
    if kind == "dict":
        inner = annotation(t.args[0], open_enums=open_enums, request=request, quote=quote, models=models, object_aliases=object_aliases)
        return f"Mapping[str, {inner}]" if request else f"dict[str, {inner}]"
    if kind == "union":
        members: list[str] = []
        for arg in t.args:
            rendered = annotation(arg, open_enums=open_enums, request=request, quote=quote, models=models, object_aliases=object_aliases)
            if rendered not in members:
                members.append(rendered)
        if t.discriminator and t.tags and not request:
            return _tagged(t, open_enums, quote, models)
        return " | ".join(members)
    raise AssertionError(f"unknown type kind {kind}")


def _tagged(t: TypeRef, open_enums: bool, quote: frozenset[str], models: str = "") -> str:
    """A pydantic tagged union: each member carries its model's name as a ``Tag``; a callable
    discriminator maps the wire value of the property (or a model instance) to that name."""
    names = list(dict.fromkeys(name for _, name in t.tags))
    parts = [
        f"Annotated[{annotation(arg, open_enums=open_enums, quote=quote, models=models)}, _Tag({py_literal(name)})]"
        for arg, name in zip(t.args, names, strict=True)
    ]
    mapping = "{" + ", ".join(f"{py_literal(value)}: {py_literal(name)}" for value, name in t.tags) + "}"
    untagged = ""
    if t.tag_optional:  # data without the property: the plain union, best-matching member wins
        members = " | ".join(annotation(arg, open_enums=open_enums, quote=quote, models=models) for arg in t.args)
        parts.append(f"Annotated[{members}, _Tag({py_literal(UNTAGGED)})]")
        untagged = f", untagged={py_literal(UNTAGGED)}"
    return f"Annotated[{' | '.join(parts)}, _tagged_by({py_literal(t.discriminator)}, {mapping}{untagged})]"


UNTAGGED = "*"
"""The tag of a tagged union's fallback member (no class is named so)."""


def _literal_base(value: object) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    if value is None:
        return "None"
    return "str"


_STRING_LITERAL = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")
_HELPER = re.compile(r"\b(Any|Literal|Annotated|Sequence|Mapping|datetime|date|Field|_Tag|_tagged_by|FileInput)\b")


def helpers_used(text: str) -> set[str]:
    """Which typing helpers an annotation needs imported (string literals ignored)."""
    return set(_HELPER.findall(_STRING_LITERAL.sub("''", text)))
