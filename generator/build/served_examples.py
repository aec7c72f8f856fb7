"""Response examples that break a ``format`` the client reads as a plain string: how Prism serves them.

Prism's static server answers with a response's first example, then validates that answer
against the response's schema (errors mode), formats included. A document whose examples break
its own schema (Twilio writes ``"uri": "/2010-04-01/Accounts.json"`` under ``format: uri``,
which needs a scheme) makes every call of such an operation a 500 that says nothing about the
client, which reads ``uri`` and ``uuid`` as plain ``str`` (the generated models keep whatever
string the API sends). Dropping the example does not help: Prism then makes up a value that
ignores the schema's ``pattern``. So the copy Prism serves (:mod:`~generator.render.contract_spec`,
"the spec as the client reads it") leaves out exactly those ``format`` keywords, of exactly the
schemas an example breaks; one warning says so. Formats the client does parse (``date``,
``date-time``) are never relaxed: an example breaking them would break the client too.

Only ``format`` is checked, as Prism checks it (ajv-formats, full mode): a wrong type or a
missing property in an example is not guessed at here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from generator.diagnostics import Diagnostics
from generator.load.loader import LoadedSpec
from generator.load.pointers import join_pointer, resolve_pointer

_FORMATS: dict[str, re.Pattern[str]] = {
    "uri": re.compile(r"^[a-z][a-z0-9+\-.]*:[^\s]*$", re.I),
    "uuid": re.compile(r"^(?:urn:uuid:)?[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}$", re.I),
}
"""The formats checked, as ajv-formats' full mode writes them (Prism's validator): those the
client reads as plain ``str``."""

_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_MAX_DEPTH = 64


def relaxed_formats(spec: LoadedSpec, diagnostics: Diagnostics) -> tuple[str, ...]:
    """Pointers of the schemas whose ``format`` a response example (media-type ``example`` or
    an entry of ``examples``) breaks; one warning when there are any."""
    document = spec.document
    schemas: dict[str, str] = {}  # schema pointer -> the first example breaking it
    problems: dict[str, str] = {}  # example pointer -> what breaks
    for pointer, media in _media_types(document):
        if not isinstance(media.get("schema"), dict):
            continue
        for example_pointer, value in _examples(document, pointer, media):
            start = join_pointer(pointer, "schema")
            for schema_pointer, problem in _breaks(document, start, value, "", 0):
                schemas.setdefault(schema_pointer, example_pointer)
                problems.setdefault(example_pointer, problem)
    if problems:
        first = min(problems)
        diagnostics.warn(
            spec.locate(first),
            f"{len(problems)} response example(s) break a format of their own schema that the "
            f"client reads as a plain string (here: {problems[first]}); the contract tests' Prism "
            f"serves them with those {len(schemas)} format keyword(s) left out",
        )
    return tuple(sorted(schemas))


def _deref(document: Any, node: Any) -> tuple[str | None, Any]:
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
        for method in _METHODS:
            op = item.get(method) if isinstance(item, dict) else None
            responses = op.get("responses") if isinstance(op, dict) else None
            if not isinstance(responses, dict):
                continue
            for status, response in responses.items():
                where, target = _deref(document, response)
                pointer = where or join_pointer("/paths", path, method, "responses", status)
                content = target.get("content") if isinstance(target, dict) else None
                if pointer in visited or not isinstance(content, dict):
                    continue
                visited.add(pointer)
                for media_name, media in content.items():
                    if isinstance(media, dict):
                        yield join_pointer(pointer, "content", media_name), media


def _examples(document: Any, pointer: str, media: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    if "example" in media:
        yield join_pointer(pointer, "example"), media["example"]
    examples = media.get("examples")
    for name, entry in examples.items() if isinstance(examples, dict) else ():
        _where, target = _deref(document, entry)
        if isinstance(target, dict) and "value" in target:
            yield join_pointer(pointer, "examples", name), target["value"]


def _breaks(
    document: Any, pointer: str, value: Any, at: str, depth: int
) -> Iterator[tuple[str, str]]:
    """(schema pointer, what) for each ``format`` of the schema at ``pointer`` that ``value``
    breaks (``at``: where, in the value)."""
    followed, schema = _deref(document, resolve_pointer(document, pointer))
    pointer = followed or pointer
    if not isinstance(schema, dict) or depth > _MAX_DEPTH:
        return
    for index, member in enumerate(schema.get("allOf") or ()):
        if isinstance(member, dict):
            yield from _breaks(
                document, join_pointer(pointer, "allOf", index), value, at, depth + 1
            )
    pattern = _FORMATS.get(str(schema.get("format")))
    if isinstance(value, str) and pattern is not None and not pattern.match(value):
        yield pointer, f"`{at or '/'}` = {value[:60]!r} is not a {schema['format']!r}"
    if isinstance(value, dict):
        properties = schema.get("properties")
        for key, item in value.items():
            if isinstance(properties, dict) and isinstance(properties.get(key), dict):
                sub = join_pointer(pointer, "properties", key)
            elif isinstance(schema.get("additionalProperties"), dict):
                sub = join_pointer(pointer, "additionalProperties")
            else:
                continue
            yield from _breaks(document, sub, item, f"{at}/{key}", depth + 1)
    elif isinstance(value, list) and isinstance(schema.get("items"), dict):
        for index, item in enumerate(value):
            sub = join_pointer(pointer, "items")
            yield from _breaks(document, sub, item, f"{at}/{index}", depth + 1)
