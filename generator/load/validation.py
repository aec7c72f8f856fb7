"""Whether a bundled document is an OpenAPI 3.0.x / 3.1.x document, checked by openapi-pydantic.

Decides which versions are supported and how a validation error is reported: at the most precise
places (a problem whose pointer encloses another's is dropped), at most five, each at the file
and line the offending part came from. JSON Schema 2020-12's boolean schemas, which
openapi-pydantic rejects, are accepted in 3.1 documents; so is an empty ``enum`` (a SHOULD of
JSON Schema, not a MUST), which the IR builder warns about and types from the other keywords.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from generator.diagnostics import Diagnostic, GenerationError, Level
from generator.load.pointers import JSON, is_within, join_pointer, resolve_pointer
from generator.load.sources import SourceMap

if TYPE_CHECKING:
    from pydantic_core import ErrorDetails

_SUPPORTED = re.compile(r"^3\.[01]\.\d+")
MAX_REPORTED = 5


Problems = list[tuple[str, str]]
"""(JSON pointer, message) of each problem, the most precise places first."""


def openapi_problems(document: dict[str, JSON], version: str) -> Problems:
    """What openapi-pydantic finds wrong with the document, less what is accepted here.

    Imported here: building openapi-pydantic's models is most of the cost of a check that
    usually runs in another process (:mod:`~generator.load.validation_beside`)."""
    from openapi_pydantic import parse_obj
    from pydantic import ValidationError

    try:
        parse_obj(document)
    except ValidationError as exc:
        return _problems(document, version, exc.errors())
    return []


def raise_problems(problems: Problems, version: str, sources: SourceMap) -> None:
    """The first :data:`MAX_REPORTED` problems as located errors (none: return)."""
    if problems:
        raise GenerationError(
            [
                Diagnostic(
                    Level.ERROR, sources.locate(p), f"not a valid OpenAPI {version} document: {m}"
                )
                for p, m in problems[:MAX_REPORTED]
            ]
        )


def supported_version(document: dict[str, JSON], sources: SourceMap) -> str:
    """The document's ``openapi`` version (as written: "3.1.0"), when it is one this generator
    reads."""
    version = document.get("openapi")
    if version is None and "swagger" in document:
        raise GenerationError.at(
            sources.locate("/swagger"),
            f"a Swagger {document.get('swagger')} document; only OpenAPI 3.0.x and 3.1.x are supported "
            "(convert it first, e.g. with swagger2openapi)",
        )
    if not isinstance(version, str) or not _SUPPORTED.match(version):
        found = "missing" if version is None else repr(version)
        raise GenerationError.at(
            sources.locate("/openapi"),
            f"unsupported or missing 'openapi' version ({found}); 3.0.x or 3.1.x expected",
        )
    return version


def _problems(document: JSON, version: str, errors: Sequence[ErrorDetails]) -> Problems:
    """(pointer, message) of each distinct error, the most precise places first."""
    problems: Problems = []
    seen: set[str] = set()
    located = [(_pydantic_loc_to_pointer(document, tuple(error["loc"])), error) for error in errors]
    empty_enums = {p for p, _ in located if _is_empty_enum(document, p)}
    for pointer, error in located:
        message = error["msg"]
        if _other_branch(error, pointer, empty_enums):
            continue  # "not a Reference either": the schema is fine but for what is accepted
        if version.startswith("3.1") and _is_boolean_schema(document, pointer, message):
            continue  # JSON Schema 2020-12 allows `true`/`false` schemas; openapi-pydantic does not
        if pointer in empty_enums:
            continue  # JSON Schema only says an enum SHOULD have a value; the IR builder warns
        if error.get("type") == "missing" and error["loc"]:
            message = f"required field {str(error['loc'][-1])!r} is missing"
        text = f"{pointer}|{message}"
        if text in seen:
            continue
        seen.add(text)
        problems.append((pointer, message))
    # report the most precise places: drop a problem whose pointer encloses another's
    pointers = {p for p, _ in problems}
    problems = [
        (p, m) for p, m in problems if not any(o != p and is_within(o, p) for o in pointers)
    ]
    problems.sort(key=lambda p: (-p[0].count("/"), p[0]))
    return problems


def _pydantic_loc_to_pointer(document: JSON, loc: tuple[str | int, ...]) -> str:
    """Map a pydantic error location onto the document, skipping model/union names."""
    node = document
    tokens: list[str | int] = []
    for part in loc:
        if isinstance(node, dict) and str(part) in node:
            node = node[str(part)]
            tokens.append(str(part))
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
            tokens.append(part)
    return join_pointer("", *tokens)


def _other_branch(error: ErrorDetails, pointer: str, accepted: set[str]) -> bool:
    """The Reference branch of openapi-pydantic's Schema | Reference union failing (``$ref``
    missing) on a schema whose only problem is one accepted here."""
    loc = error["loc"]
    return (
        error.get("type") == "missing"
        and bool(loc)
        and loc[-1] == "$ref"
        and any(is_within(a, pointer) for a in accepted)
    )


def _is_empty_enum(document: JSON, pointer: str) -> bool:
    """``enum: []`` (Discord's document), which openapi-pydantic refuses."""
    if not pointer.endswith("/enum"):
        return False
    try:
        return bool(resolve_pointer(document, pointer) == [])
    except KeyError:
        return False


def _is_boolean_schema(document: JSON, pointer: str, message: str) -> bool:
    try:
        value = resolve_pointer(document, pointer)
    except KeyError:
        return False
    return isinstance(value, bool) and ("Schema" in message or "Reference" in message)
