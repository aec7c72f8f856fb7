"""Building requests: path and query encoding, auth headers, body validation and serialization.

Everything here is pure (no I/O) so it can be tested without a transport.
"""

from __future__ import annotations

import datetime as _dt
import enum
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

import pydantic_core
from pydantic_core import ValidationError

from .collector import gc_paused
from .endpoint import PATH_PLACEHOLDER, Endpoint
from .errors import RequestValidationError, validation_problems
from .types import EncodedJSON, NotGiven, is_model

__all__ = [
    "encode_body",
    "encode_cookies",
    "encode_headers",
    "encode_path_value",
    "encode_query",
    "format_validation_error",
    "render_path",
    "serialize_body",
]


def _omitted(value: object) -> bool:
    return value is None or isinstance(value, NotGiven)


# --- path -------------------------------------------------------------------


def encode_path_value(name: str, value: object) -> str:
    """Percent-encode one path parameter so it stays inside its segment.

    Nothing is left unencoded that could change the path: ``/``, ``?``, ``#``, ``%`` are encoded,
    and values made only of dots (``.``, ``..``) are encoded as ``%2E`` so they are never
    treated as dot segments. Empty (or blank) values raise :class:`RequestValidationError`
    (a ``ValueError``).
    """
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


def render_path(template: str, params: Mapping[str, object]) -> str:
    """Substitute every ``{name}`` of ``template`` with the encoded value from ``params``."""

    def substitute(match: re.Match[str]) -> str:
        name = match.group(1)
        value = params.get(name)
        if _omitted(value):
            raise RequestValidationError(f"Missing required path parameter `{name}`")
        return encode_path_value(name, value)

    return PATH_PLACEHOLDER.sub(substitute, template)


# --- query ------------------------------------------------------------------


def _scalar(value: object) -> str:
    if isinstance(value, enum.Enum):
        value = value.value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (_dt.datetime, _dt.date, _dt.time)):
        return value.isoformat()
    if isinstance(value, Mapping) or is_model(value):
        return _json_text(value)
    return str(value)


def _jsonable(value: object) -> Any:
    """Plain JSON data; models are dumped by alias with unset fields left out."""
    if is_model(value):
        return value.model_dump(mode="json", by_alias=True, exclude_unset=True)
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items() if not isinstance(v, NotGiven)}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_jsonable(v) for v in value]
    return pydantic_core.to_jsonable_python(value)


def _json_text(value: object) -> str:
    return pydantic_core.to_json(_jsonable(value)).decode("utf-8")


_DELIMITERS = {"form": ",", "spaceDelimited": " ", "pipeDelimited": "|"}


def _styled(name: str, value: object, style: str, explode: bool) -> list[tuple[str, str]]:
    """OpenAPI ``style``/``explode`` for query parameters.

    Lists: exploded -> ``a=1&a=2``; not exploded -> ``a=1,2`` (``%20``/``|`` for
    ``spaceDelimited``/``pipeDelimited``). Objects: ``form`` exploded -> ``k1=v1&k2=v2``; not
    exploded -> ``a=k1,v1,k2,v2``; ``deepObject`` -> ``a[k1]=v1&a[k2][k3]=v3``.
    """
    data = _jsonable(value) if isinstance(value, Mapping) or is_model(value) else value
    if isinstance(data, Mapping):
        if style == "deepObject":
            return _deep(name, data)
        items = [(str(k), v) for k, v in data.items() if not _omitted(v)]
        if explode:
            return [(k, _scalar(v)) for k, v in items]
        return [(name, ",".join(f"{k},{_scalar(v)}" for k, v in items))] if items else []
    if isinstance(data, (list, tuple, set, frozenset)):
        texts = [_scalar(item) for item in data if not _omitted(item)]
        if explode or style == "deepObject":
            return [(name, text) for text in texts]
        return [(name, _DELIMITERS.get(style, ",").join(texts))] if texts else []
    return [(name, _scalar(value))]


def _deep(prefix: str, data: Mapping[str, Any]) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for key, item in data.items():
        if _omitted(item):
            continue
        name = f"{prefix}[{key}]"
        if isinstance(item, Mapping):
            pairs.extend(_deep(name, item))
        elif isinstance(item, (list, tuple)):
            pairs.extend((name, _scalar(v)) for v in item if not _omitted(v))
        else:
            pairs.append((name, _scalar(item)))
    return pairs


def _encode_param(
    name: str,
    value: object,
    json_query: frozenset[str],
    styles: Mapping[str, tuple[str, bool]] | None = None,
) -> list[tuple[str, str]]:
    if _omitted(value):
        return []
    if name in json_query:
        return [(name, _json_text(value))]
    if styles and name in styles:
        style, explode = styles[name]
        return _styled(name, value, style, explode)
    if isinstance(value, (list, tuple, set, frozenset)):
        return [(name, _scalar(item)) for item in value if not _omitted(item)]
    return [(name, _scalar(value))]


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


# --- headers ----------------------------------------------------------------


def encode_headers(headers: Mapping[str, object] | None) -> dict[str, str]:
    """Header parameters as text: ``None``/``NOT_GIVEN`` dropped, lists comma-separated."""
    encoded: dict[str, str] = {}
    for name, value in (headers or {}).items():
        if _omitted(value):
            continue
        if isinstance(value, (list, tuple, set, frozenset)):
            encoded[name] = ",".join(_scalar(item) for item in value if not _omitted(item))
        else:
            encoded[name] = _scalar(value)
    return encoded


_COOKIE_SAFE = "!#$&'()*+-./:<=>?@[]^_`{|}~"


def encode_cookies(cookies: Mapping[str, object] | None) -> str | None:
    """Cookie parameters as one ``Cookie`` header value: ``a=1; b=x%20y; c=1,2`` (a list is
    comma-joined, OpenAPI's ``form`` style; each value is percent-encoded where a cookie cannot
    carry it), or None when there are none."""
    parts: list[str] = []
    for name, value in (cookies or {}).items():
        if _omitted(value):
            continue
        items = value if isinstance(value, (list, tuple, set, frozenset)) else [value]
        text = ",".join(quote(_scalar(i), safe=_COOKIE_SAFE) for i in items if not _omitted(i))
        parts.append(f"{quote(name, safe=_COOKIE_SAFE)}={text}")
    return "; ".join(parts) or None


# --- body -------------------------------------------------------------------


def format_validation_error(exc: ValidationError, *, what: str) -> RequestValidationError:
    """One ``<loc>: <msg>`` line per problem, e.g. ``data[3].tlp: Field required``.

    Input values are not repeated in the message.
    """
    problems = validation_problems(exc)
    count = len(problems)
    lines = [f"Invalid {what} ({count} problem{'s' if count != 1 else ''}):", *problems[:20]]
    if count > 20:
        lines.append(f"... and {count - 20} more (see .problems)")
    return RequestValidationError("\n  ".join(lines), problems)


def _plain_data(body: object) -> bool:
    """A cheap guess that ``body`` holds no model instances (they take the model path): looks at
    the body, its values and the first item of its lists."""
    if is_model(body):
        return False
    values = body.values() if isinstance(body, Mapping) else (body,)
    for value in values:
        if is_model(value):
            return False
        if isinstance(value, (list, tuple)) and value and is_model(value[0]):
            return False
    return True


def serialize_body(
    endpoint: Endpoint[Any],
    body: object,
    extra_body: Mapping[str, object] | None = None,
) -> bytes | None:
    """Validate ``body`` against the endpoint's body type and serialize it to JSON bytes.

    A mapping body has its ``NOT_GIVEN`` values dropped first. Validation happens before anything
    is sent; failures raise :class:`RequestValidationError`. Unset optional fields are not sent.
    Returns ``None`` when there is no body at all.
    """
    if isinstance(body, NotGiven):
        if not extra_body:
            return None
        return pydantic_core.to_json(_jsonable(extra_body))
    if isinstance(body, Mapping):
        body = {k: v for k, v in body.items() if not isinstance(v, NotGiven)}
    adapter = endpoint.body_adapter
    if adapter is None:
        data: Any = _jsonable(body)
    else:
        # The validated copy of the body only lives until it is dumped: no collection could
        # free any of it, so the collector is kept out (see .collector).
        if not extra_body and _plain_data(body):
            wire = endpoint.body_wire_adapter
            if wire is not None:
                try:
                    with gc_paused():
                        return wire.dump_json(
                            wire.validate_python(body), by_alias=True, exclude_unset=True
                        )
                except Exception:  # invalid: the model path below finds it again and words it
                    pass
        try:
            with gc_paused():
                value = adapter.validate_python(body)
                if not extra_body:
                    return adapter.dump_json(value, by_alias=True, exclude_unset=True)
        except ValidationError as exc:
            raise format_validation_error(
                exc, what=f"request body for {endpoint.operation_id}"
            ) from None
        data = adapter.dump_python(value, mode="json", by_alias=True, exclude_unset=True)
    if extra_body:
        if not isinstance(data, dict):
            raise RequestValidationError(
                f"extra_body needs a JSON object body; {endpoint.operation_id} sends "
                f"{type(data).__name__}"
            )
        data.update(_jsonable(extra_body))
    return pydantic_core.to_json(data)


# --- bodies that are not JSON ---------------------------------------------------


def encode_body(
    endpoint: Endpoint[Any],
    body: object,
    extra_body: Mapping[str, object] | None = None,
) -> tuple[bytes | None, str | None]:
    """The request body as bytes and its ``Content-Type`` (``(None, None)`` without a body).

    JSON bodies go through :func:`serialize_body`. A ``multipart/form-data`` body is a mapping of
    fields: a file is ``bytes``, a binary file object, or a ``(filename, data[, content_type])``
    tuple (a list of them repeats the field); other values become text parts (objects as JSON).
    A form (``application/x-www-form-urlencoded``) body is a mapping too; lists repeat the key and
    objects are sent as JSON text. ``text/*`` bodies are ``str`` (sent as UTF-8), anything else
    ``bytes`` (a ``str`` is sent as UTF-8, a file object is read).
    """
    kind = endpoint.body_encoding
    if isinstance(body, EncodedJSON):  # validated and encoded by the caller (the bulk helper)
        return body.content, "application/json"
    if kind == "json":
        content = serialize_body(endpoint, body, extra_body)
        return content, None if content is None else "application/json"
    if _omitted(body) and not extra_body:
        return None, None
    if kind in ("multipart", "form"):
        fields = _fields(endpoint, body, extra_body)
        if kind == "multipart":
            return encode_multipart(fields)
        return encode_form(fields), "application/x-www-form-urlencoded"
    if extra_body:
        raise RequestValidationError(
            f"extra_body needs a JSON or form body; {endpoint.operation_id} sends {endpoint.content_type}"
        )
    content_type = endpoint.content_type
    if "*" in content_type:
        content_type = "text/plain" if kind == "text" else "application/octet-stream"
    if isinstance(body, str):
        if kind == "text" and "charset" not in content_type:
            content_type += "; charset=utf-8"
        return body.encode("utf-8"), content_type
    if isinstance(body, (bytes, bytearray, memoryview)):
        return bytes(body), content_type
    read = getattr(body, "read", None)
    if callable(read):
        data = read()
        return (data.encode("utf-8") if isinstance(data, str) else bytes(data)), content_type
    raise RequestValidationError(
        f"Invalid request body for {endpoint.operation_id}: expected bytes or str, got "
        f"{type(body).__name__}"
    )


def _fields(
    endpoint: Endpoint[Any], body: object, extra_body: Mapping[str, object] | None
) -> dict[str, object]:
    if is_model(body):
        fields: dict[str, object] = dict(body.model_dump(by_alias=True, exclude_unset=True))
    elif isinstance(body, Mapping):
        fields = {str(k): v for k, v in body.items() if not isinstance(v, NotGiven)}
    elif _omitted(body):
        fields = {}
    else:
        raise RequestValidationError(
            f"Invalid request body for {endpoint.operation_id}: expected a mapping of fields, got "
            f"{type(body).__name__}"
        )
    adapter = endpoint.body_adapter
    if adapter is not None:
        try:
            value = adapter.validate_python(fields)
        except ValidationError as exc:
            raise format_validation_error(
                exc, what=f"request body for {endpoint.operation_id}"
            ) from None
        fields = adapter.dump_python(value, mode="json", by_alias=True, exclude_unset=True)
    fields.update(extra_body or {})
    return fields


def _is_file(value: object) -> bool:
    if isinstance(value, (bytes, bytearray, memoryview)) or callable(getattr(value, "read", None)):
        return True
    return (
        isinstance(value, tuple)
        and len(value) in (2, 3)
        and isinstance(value[0], str)
        and (
            isinstance(value[1], (bytes, bytearray, memoryview))
            or callable(getattr(value[1], "read", None))
        )
    )


def _file_parts(value: object, name: str) -> tuple[str, bytes, str]:
    filename, data, content_type = name, value, "application/octet-stream"
    if isinstance(value, tuple):
        filename, data = str(value[0]), value[1]
        if len(value) == 3:
            content_type = str(value[2])
    read = getattr(data, "read", None)
    if callable(read):
        data = read()
    if isinstance(data, str):
        return filename, data.encode("utf-8"), content_type
    if isinstance(data, (bytes, bytearray, memoryview)):
        return filename, bytes(data), content_type
    raise RequestValidationError(f"file field `{name}`: expected bytes, got {type(data).__name__}")


def _part_text(value: object) -> tuple[str, str | None]:
    if isinstance(value, str):
        return value, None
    if isinstance(value, (Mapping, list, tuple)) or is_model(value):
        return _json_text(value), "application/json"
    return _scalar(value), None


def _disposition_value(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")


def encode_multipart(
    fields: Mapping[str, object], boundary: str | None = None
) -> tuple[bytes, str]:
    """``multipart/form-data`` bytes and the content type naming the boundary."""
    import os

    boundary = boundary if boundary is not None else os.urandom(16).hex()
    out = bytearray()
    for name, value in fields.items():
        if _omitted(value):
            continue
        items: list[object] = [value]
        if isinstance(value, list) or (isinstance(value, tuple) and not _is_file(value)):
            items = list(value)  # a list of files or of scalars repeats the field
            if not any(_is_file(i) for i in items) and any(
                isinstance(i, Mapping) or is_model(i) for i in items
            ):
                items = [value]  # a list of objects is one JSON part
        for item in items:
            if _omitted(item):
                continue
            out += f"--{boundary}\r\n".encode()
            disposition = f'form-data; name="{_disposition_value(name)}"'
            if _is_file(item):
                filename, payload, content_type = _file_parts(item, name)
                disposition += f'; filename="{_disposition_value(filename)}"'
                out += f"Content-Disposition: {disposition}\r\n".encode()
                out += f"Content-Type: {content_type}\r\n\r\n".encode()
                out += payload
            else:
                text, text_type = _part_text(item)
                out += f"Content-Disposition: {disposition}\r\n".encode()
                if text_type:
                    out += f"Content-Type: {text_type}\r\n".encode()
                out += b"\r\n" + text.encode("utf-8")
            out += b"\r\n"
    out += f"--{boundary}--\r\n".encode()
    return bytes(out), f"multipart/form-data; boundary={boundary}"


def encode_form(fields: Mapping[str, object]) -> bytes:
    """``application/x-www-form-urlencoded`` bytes: lists repeat the key, objects are JSON text."""
    from urllib.parse import urlencode

    pairs: list[tuple[str, str]] = []
    for name, value in fields.items():
        if _omitted(value):
            continue
        if isinstance(value, (list, tuple, set, frozenset)):
            pairs.extend((name, _part_text(item)[0]) for item in value if not _omitted(item))
        else:
            pairs.append((name, _part_text(value)[0]))
    return urlencode(pairs).encode("ascii")
