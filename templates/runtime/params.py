"""Parameters as text: path values (percent-encoded), query pairs (OpenAPI styles), header and cookie
parameters. Pure functions (no I/O), so they can be tested without a transport.

Path templates are split into literal text and placeholder names once per template (not with a
regular expression on every call), and a value made only of unreserved characters, as identifiers
are, is used as it is.
"""

from __future__ import annotations

import datetime as _dt
import enum
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

import pydantic_core

from .endpoint import PATH_PLACEHOLDER
from .errors import RequestValidationError
from .types import NotGiven, is_model

__all__ = [
    "encode_cookies",
    "encode_headers",
    "encode_path_value",
    "encode_query",
    "render_path",
]


def omitted(value: object) -> bool:
    """``None`` and ``NOT_GIVEN`` are never sent."""
    return value is None or isinstance(value, NotGiven)


# --- values -----------------------------------------------------------------


def scalar_text(value: object) -> str:
    """One value as parameter text: enums by value, ``true``/``false``, ISO 8601 dates, objects as
    compact JSON, anything else ``str()``."""
    if isinstance(value, enum.Enum):
        value = value.value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (_dt.datetime, _dt.date, _dt.time)):
        return value.isoformat()
    if isinstance(value, Mapping) or is_model(value):
        return json_text(value)
    return str(value)


def jsonable(value: object) -> Any:
    """Plain JSON data; models are dumped by alias with unset fields left out."""
    if is_model(value):
        return value.model_dump(mode="json", by_alias=True, exclude_unset=True)
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items() if not isinstance(v, NotGiven)}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [jsonable(v) for v in value]
    return pydantic_core.to_jsonable_python(value)


def json_text(value: object) -> str:
    return pydantic_core.to_json(jsonable(value)).decode("utf-8")


# --- path -------------------------------------------------------------------

_UNRESERVED = re.compile(r"[A-Za-z0-9._~-]+")
"""What ``quote(text, safe="")`` leaves as it is."""


def encode_path_value(name: str, value: object) -> str:
    """Percent-encode one path parameter so it stays inside its segment.

    Nothing is left unencoded that could change the path: ``/``, ``?``, ``#``, ``%`` are encoded,
    and values made only of dots (``.``, ``..``) are encoded as ``%2E`` so they are never
    treated as dot segments. Empty (or blank) values raise :class:`RequestValidationError`
    (a ``ValueError``).
    """
    if type(value) is str and _UNRESERVED.fullmatch(value) is not None and value.strip("."):
        return value  # nothing to encode (the common case: identifiers)
    if isinstance(value, enum.Enum):
        value = value.value
    if isinstance(value, bool):
        text = "true" if value else "false"
    else:
        text = str(value)
    if not text.strip():
        raise RequestValidationError(
            f"Expected a non-empty value for path parameter `{name}`, got {value!r}"
        )
    if text.strip(".") == "":
        return "%2E" * len(text)
    return quote(text, safe="")


_Template = tuple[str, tuple[tuple[str, str], ...]]
_TEMPLATES: dict[str, _Template] = {}
_TEMPLATES_MAX = 1024


def _split(template: str) -> _Template:
    """``"/a/{x}/b/{y}"`` -> ``("/a/", (("x", "/b/"), ("y", "")))``: text, then each placeholder
    with the text that follows it (split once per template)."""
    parts = _TEMPLATES.get(template)
    if parts is None:
        pieces = PATH_PLACEHOLDER.split(template)  # text, name, text, name, ..., text
        parts = (pieces[0], tuple(zip(pieces[1::2], pieces[2::2])))
        if len(_TEMPLATES) >= _TEMPLATES_MAX:
            _TEMPLATES.clear()
        _TEMPLATES[template] = parts
    return parts


def render_path(template: str, params: Mapping[str, object]) -> str:
    """Substitute every ``{name}`` of ``template`` with the encoded value from ``params``."""
    head, placeholders = _split(template)
    if not placeholders:
        return head
    out = [head]
    for name, text in placeholders:
        value = params.get(name)
        if value is None or isinstance(value, NotGiven):
            raise RequestValidationError(f"Missing required path parameter `{name}`")
        out.append(encode_path_value(name, value))
        out.append(text)
    return "".join(out)


# --- query ------------------------------------------------------------------

_DELIMITERS = {"form": ",", "spaceDelimited": " ", "pipeDelimited": "|"}


def _styled(name: str, value: object, style: str, explode: bool) -> list[tuple[str, str]]:
    """OpenAPI ``style``/``explode`` for query parameters.

    Lists: exploded -> ``a=1&a=2``; not exploded -> ``a=1,2`` (``%20``/``|`` for
    ``spaceDelimited``/``pipeDelimited``). Objects: ``form`` exploded -> ``k1=v1&k2=v2``; not
    exploded -> ``a=k1,v1,k2,v2``; ``deepObject`` -> ``a[k1]=v1&a[k2][k3]=v3``.
    """
    data = jsonable(value) if isinstance(value, Mapping) or is_model(value) else value
    if isinstance(data, Mapping):
        if style == "deepObject":
            return _deep(name, data)
        items = [(str(k), v) for k, v in data.items() if not omitted(v)]
        if explode:
            return [(k, scalar_text(v)) for k, v in items]
        return [(name, ",".join(f"{k},{scalar_text(v)}" for k, v in items))] if items else []
    if isinstance(data, (list, tuple, set, frozenset)):
        texts = [scalar_text(item) for item in data if not omitted(item)]
        if explode or style == "deepObject":
            return [(name, text) for text in texts]
        return [(name, _DELIMITERS.get(style, ",").join(texts))] if texts else []
    return [(name, scalar_text(value))]


def _deep(prefix: str, data: Mapping[str, Any]) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for key, item in data.items():
        if omitted(item):
            continue
        name = f"{prefix}[{key}]"
        if isinstance(item, Mapping):
            pairs.extend(_deep(name, item))
        elif isinstance(item, (list, tuple)):
            pairs.extend((name, scalar_text(v)) for v in item if not omitted(v))
        else:
            pairs.append((name, scalar_text(item)))
    return pairs


def _encode_param(
    name: str,
    value: object,
    json_query: frozenset[str],
    styles: Mapping[str, tuple[str, bool]] | None = None,
) -> list[tuple[str, str]]:
    if omitted(value):
        return []
    if name in json_query:
        return [(name, json_text(value))]
    if styles and name in styles:
        style, explode = styles[name]
        return _styled(name, value, style, explode)
    if isinstance(value, (list, tuple, set, frozenset)):
        return [(name, scalar_text(item)) for item in value if not omitted(item)]
    return [(name, scalar_text(value))]


def encode_query(
    query: Mapping[str, object] | None,
    *,
    json_query: frozenset[str] = frozenset(),
    extra: Mapping[str, object] | None = None,
    styles: Mapping[str, tuple[str, bool]] | None = None,
) -> list[tuple[str, str]]:
    """Encode query parameters as ``(name, text)`` pairs.

    ``None``/``NOT_GIVEN`` are dropped; booleans become ``true``/``false``; lists repeat the key;
    names in ``json_query`` (and any mapping or model) become compact JSON; dates and datetimes
    become ISO 8601. ``extra`` is merged last, replacing parameters of the same name.
    """
    pairs: list[tuple[str, str]] = []
    for name, value in (query or {}).items():
        pairs.extend(_encode_param(name, value, json_query, styles))
    if extra:
        pairs = [pair for pair in pairs if pair[0] not in extra]
        for name, value in extra.items():
            pairs.extend(_encode_param(name, value, json_query))
    return pairs


# --- headers and cookies ------------------------------------------------------------


def encode_headers(headers: Mapping[str, object] | None) -> dict[str, str]:
    """Header parameters as text: ``None``/``NOT_GIVEN`` dropped, lists comma-separated."""
    encoded: dict[str, str] = {}
    for name, value in (headers or {}).items():
        if omitted(value):
            continue
        if isinstance(value, (list, tuple, set, frozenset)):
            encoded[name] = ",".join(scalar_text(item) for item in value if not omitted(item))
        else:
            encoded[name] = scalar_text(value)
    return encoded


_COOKIE_SAFE = "!#$&'()*+-./:<=>?@[]^_`{|}~"


def encode_cookies(cookies: Mapping[str, object] | None) -> str | None:
    """Cookie parameters as one ``Cookie`` header value: ``a=1; b=x%20y; c=1,2`` (a list is
    comma-joined, OpenAPI's ``form`` style; each value is percent-encoded where a cookie cannot
    carry it), or None when there are none."""
    parts: list[str] = []
    for name, value in (cookies or {}).items():
        if omitted(value):
            continue
        items = value if isinstance(value, (list, tuple, set, frozenset)) else [value]
        text = ",".join(quote(scalar_text(i), safe=_COOKIE_SAFE) for i in items if not omitted(i))
        parts.append(f"{quote(name, safe=_COOKIE_SAFE)}={text}")
    return "; ".join(parts) or None
