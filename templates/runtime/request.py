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
from pydantic import BaseModel, ValidationError

from .endpoint import PATH_PLACEHOLDER, Endpoint
from .errors import RequestValidationError, validation_problems
from .types import NotGiven

__all__ = [
    "auth_headers",
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
    if isinstance(value, (Mapping, BaseModel)):
        return _json_text(value)
    return str(value)


def _jsonable(value: object) -> Any:
    """Plain JSON data; models are dumped by alias with unset fields left out."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", by_alias=True, exclude_unset=True)
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items() if not isinstance(v, NotGiven)}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_jsonable(v) for v in value]
    return pydantic_core.to_jsonable_python(value)


def _json_text(value: object) -> str:
    return pydantic_core.to_json(_jsonable(value)).decode("utf-8")


def _encode_param(name: str, value: object, json_query: frozenset[str]) -> list[tuple[str, str]]:
    if _omitted(value):
        return []
    if name in json_query:
        return [(name, _json_text(value))]
    if isinstance(value, (list, tuple, set, frozenset)):
        return [(name, _scalar(item)) for item in value if not _omitted(item)]
    return [(name, _scalar(value))]


def encode_query(
    query: Mapping[str, object] | None,
    *,
    json_query: frozenset[str] = frozenset(),
    extra: Mapping[str, object] | None = None,
) -> list[tuple[str, str]]:
    """Encode query parameters as ``(name, text)`` pairs.

    ``None``/``NOT_GIVEN`` are dropped; booleans become ``true``/``false``; lists repeat the key;
    names in ``json_query`` (and any mapping or model) become compact JSON; dates and datetimes
    become ISO 8601. ``extra`` is merged last, replacing parameters of the same name.
    """
    pairs: list[tuple[str, str]] = []
    for name, value in (query or {}).items():
        pairs.extend(_encode_param(name, value, json_query))
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


def auth_headers(
    *, api_token: str | None, api_email: str | None, api_key: str | None
) -> dict[str, str]:
    """``Authorization: Bearer`` for a token, else the legacy ``X-Auth-Email``/``X-Auth-Key``."""
    if api_token:
        return {"Authorization": f"Bearer {api_token}"}
    if api_email and api_key:
        return {"X-Auth-Email": api_email, "X-Auth-Key": api_key}
    return {}


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
        try:
            value = adapter.validate_python(body)
        except ValidationError as exc:
            raise format_validation_error(
                exc, what=f"request body for {endpoint.operation_id}"
            ) from None
        if not extra_body:
            return adapter.dump_json(value, by_alias=True, exclude_unset=True)
        data = adapter.dump_python(value, mode="json", by_alias=True, exclude_unset=True)
    if extra_body:
        if not isinstance(data, dict):
            raise RequestValidationError(
                f"extra_body needs a JSON object body; {endpoint.operation_id} sends "
                f"{type(data).__name__}"
            )
        data.update(_jsonable(extra_body))
    return pydantic_core.to_json(data)
