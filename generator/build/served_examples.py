"""Response examples that break their own schema in ways the client does not: how Prism serves them.

Prism's static server answers with a response's first example, then validates that answer
against the response's schema (errors mode). A document whose examples break its own schema
(Twilio writes ``"uri": "/2010-04-01/Accounts.json"`` under ``format: uri``, ``""`` for a SID
with ``minLength: 34`` and a ``pattern``, ``"price": "0"`` for a ``number``) makes every call of
such an operation a 500 that says nothing about the client. Dropping the example does not help:
Prism then makes up a value that ignores the schema's ``pattern``. So the copy Prism serves
(:mod:`~generator.render.contract_spec`, "the spec as the client reads it") changes exactly what
the client reads differently from the document, at exactly the places an example breaks:

* ``format`` (``uri``, ``uuid``), ``pattern``, ``minLength``, ``maxLength`` of a string: the
  generated models keep any string, so the keyword is left out of that schema;
* a number written as a string (``"0"`` under ``type: number``): the models read it as that
  number, so the served example holds the number.

Anything else an example breaks is left alone (and so still fails the contract tests). One
warning says how many examples were changed and how.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from generator.diagnostics import Diagnostics
from generator.load.loader import LoadedSpec
from generator.load.pointers import join_pointer, resolve_pointer

_NUMBER = re.compile(r"^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?$")
_FORMATS: dict[str, re.Pattern[str]] = {
    "uri": re.compile(r"^[a-z][a-z0-9+\-.]*:[^\s]*$", re.I),
    "uuid": re.compile(r"^(?:urn:uuid:)?[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}$", re.I),
}
"""The formats checked, as ajv-formats' full mode writes them (Prism's validator): those the
client reads as plain ``str``."""

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_MAX_DEPTH = 64


@dataclass(frozen=True)
class Served:
    """What the served copy changes: (schema pointer, keyword) left out, example values (by
    pointer) served as numbers."""

    relaxed: tuple[tuple[str, str], ...] = ()
    numbers: tuple[str, ...] = ()


def served_examples(spec: LoadedSpec, diagnostics: Diagnostics) -> Served:
    """What the response examples (media-type ``example`` or an entry of ``examples``) break
    that the client reads differently; one warning when there is anything."""
    document = spec.document
    relaxed: set[tuple[str, str]] = set()
    numbers: set[str] = set()
    problems: dict[str, str] = {}  # example pointer -> the first thing it breaks
    for pointer, media in _media_types(document):
        if not isinstance(media.get("schema"), dict):
            continue
        for example_pointer, value_pointer, value in _examples(document, pointer, media):
            start = join_pointer(pointer, "schema")
            for found in _breaks(document, start, value, value_pointer, 0):
                where, keyword, problem = found
                if keyword == "number":
                    numbers.add(where)
                else:
                    relaxed.add((where, keyword))
                problems.setdefault(example_pointer, problem)
    if problems:
        first = min(problems)
        diagnostics.warn(
            spec.locate(first),
            f"{len(problems)} response example(s) break their own schema where the client reads "
            f"it differently (here: {problems[first]}); the contract tests' Prism serves them "
            f"with {len(relaxed)} string keyword(s) left out and {len(numbers)} number(s) "
            "written as numbers",
        )
    return Served(tuple(sorted(relaxed)), tuple(sorted(numbers)))


def deref(document: Any, node: Any) -> tuple[str | None, Any]:
    """(pointer followed, target) for a local ``$ref``; (None, node) otherwise."""
    seen = 0
    pointer = None
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and seen < _MAX_DEPTH:
        ref = node["$ref"]
        if not ref.startswith("#"):
            return pointer, None
        pointer = ref[1:]
        try:
            node = resolve_pointer(document, pointer)
        except KeyError:
            return pointer, None
        seen += 1
    return pointer, node


def _media_types(document: Any) -> Iterator[tuple[str, dict[str, Any]]]:
    """(pointer, media type object) of every response body an operation declares; a shared
    response (``$ref``) is visited where it is declared, once."""
    visited: set[str] = set()
    paths = document.get("paths")
    for path, item in (paths or {}).items() if isinstance(paths, dict) else ():
        for method in METHODS:
            op = item.get(method) if isinstance(item, dict) else None
            responses = op.get("responses") if isinstance(op, dict) else None
            if not isinstance(responses, dict):
                continue
            for status, response in responses.items():
                where, target = deref(document, response)
                pointer = where or join_pointer("/paths", path, method, "responses", status)
                content = target.get("content") if isinstance(target, dict) else None
                if pointer in visited or not isinstance(content, dict):
                    continue
                visited.add(pointer)
                for media_name, media in content.items():
                    if isinstance(media, dict):
                        yield join_pointer(pointer, "content", media_name), media


def _examples(document: Any, pointer: str, media: dict[str, Any]) -> Iterator[tuple[str, str, Any]]:
    """(example pointer, pointer of its value, value) of each example of a media type."""
    if "example" in media:
        where = join_pointer(pointer, "example")
        yield where, where, media["example"]
    examples = media.get("examples")
    for name, entry in examples.items() if isinstance(examples, dict) else ():
        followed, target = deref(document, entry)
        where = join_pointer(pointer, "examples", name)
        if isinstance(target, dict) and "value" in target:
            yield where, join_pointer(followed or where, "value"), target["value"]


def _breaks(
    document: Any, pointer: str, value: Any, at: str, depth: int
) -> Iterator[tuple[str, str, str]]:
    """(where, keyword, what) for what ``value`` (at pointer ``at``) breaks of the schema at
    ``pointer`` and the client reads differently: (schema pointer, string keyword, ...) or
    (value pointer, "number", ...)."""
    followed, schema = deref(document, resolve_pointer(document, pointer))
    pointer = followed or pointer
    if not isinstance(schema, dict) or depth > _MAX_DEPTH:
        return
    for index, member in enumerate(schema.get("allOf") or ()):
        if isinstance(member, dict):
            sub = join_pointer(pointer, "allOf", index)
            yield from _breaks(document, sub, value, at, depth + 1)
    if isinstance(value, str):
        yield from _string_breaks(schema, pointer, value, at)
    elif isinstance(value, dict):
        properties = schema.get("properties")
        for key, item in value.items():
            if isinstance(properties, dict) and isinstance(properties.get(key), dict):
                sub = join_pointer(pointer, "properties", key)
            elif isinstance(schema.get("additionalProperties"), dict):
                sub = join_pointer(pointer, "additionalProperties")
            else:
                continue
            yield from _breaks(document, sub, item, join_pointer(at, key), depth + 1)
    elif isinstance(value, list) and isinstance(schema.get("items"), dict):
        for index, item in enumerate(value):
            sub = join_pointer(pointer, "items")
            yield from _breaks(document, sub, item, join_pointer(at, index), depth + 1)


def _string_breaks(
    schema: dict[str, Any], pointer: str, value: str, at: str
) -> Iterator[tuple[str, str, str]]:
    shown = f"`{at}` = {value[:40]!r}"
    kinds = schema.get("type")
    kinds = set(kinds) if isinstance(kinds, list) else {kinds}
    if kinds & {"number", "integer"} and "string" not in kinds:
        if _NUMBER.match(value) and (kinds != {"integer"} or float(value).is_integer()):
            yield at, "number", f"{shown} is not a number"
        return
    pattern = _FORMATS.get(str(schema.get("format")))
    if pattern is not None and not pattern.match(value):
        yield pointer, "format", f"{shown} is not a {schema['format']!r}"
    if isinstance(schema.get("pattern"), str):
        try:
            matched = re.search(schema["pattern"], value) is not None
        except re.error:
            matched = True  # a pattern Python cannot read is not judged here
        if not matched:
            yield pointer, "pattern", f"{shown} does not match {schema['pattern']!r}"
    low, high = schema.get("minLength"), schema.get("maxLength")
    if isinstance(low, int) and len(value) < low:
        yield pointer, "minLength", f"{shown} is shorter than {low}"
    if isinstance(high, int) and len(value) > high:
        yield pointer, "maxLength", f"{shown} is longer than {high}"
