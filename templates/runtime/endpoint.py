"""Static description of one API operation, built once per operation at import time."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar, cast

from typing_extensions import TypedDict

if TYPE_CHECKING:
    from pydantic import TypeAdapter

__all__ = ["Endpoint"]

T = TypeVar("T")


class _Envelope(TypedDict, Generic[T]):
    """Cloudflare's v4 envelope of a successful call, as far as parsing needs it.

    The other keys (``errors``, ``messages``, ``result_info``) are skipped, not validated.
    """

    success: Literal[True]
    result: T


def _adapter(type_: Any) -> TypeAdapter[Any]:
    from pydantic import TypeAdapter  # imported on first use: keeps the package import light

    return TypeAdapter(type_)


PATH_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")
"""Matches one ``{name}`` placeholder of a path template."""


@dataclass(frozen=True, eq=False)
class Endpoint(Generic[T]):
    """One operation: route, request/response types and how to read the response.

    ``response_type`` is anything :class:`pydantic.TypeAdapter` accepts, or ``None`` when the
    success response has no body (the call then returns ``None``). ``path`` is relative to the
    client's base URL; its ``{placeholders}`` use the wire names of the path parameters.
    Adapters are built lazily, once per endpoint, and shared by every call.
    """

    operation_id: str
    method: str
    path: str
    response_type: Any
    body_type: Any = None
    json_query: frozenset[str] = frozenset()
    unwrap_envelope: bool = True
    deprecated: str | None = None
    success_codes: frozenset[int] = frozenset({200})
    # -- bodies that are not JSON, and how success bodies are read
    content_type: str = "application/json"
    """Media type of the request body: JSON, ``multipart/form-data``,
    ``application/x-www-form-urlencoded``, ``text/*`` or any binary type (see ``encode_body``)."""
    accept: str | None = None
    """``Accept`` header of the call when the success responses are not (only) JSON."""
    response_format: str = "json"
    """How a success body is read: ``json`` (validated into ``response_type``), ``text`` (str),
    ``bytes`` or ``empty`` (``None``)."""
    status_formats: Mapping[int, str] = field(default_factory=dict)
    """``response_format`` of the success statuses that differ (a 204 without a body, say)."""
    query_styles: Mapping[str, tuple[str, bool]] = field(default_factory=dict)
    """(style, explode) of query parameters not sent as ``form``/exploded scalars and lists."""

    def format_of(self, status_code: int) -> str:
        return self.status_formats.get(status_code, self.response_format)

    @cached_property
    def response_adapter(self) -> TypeAdapter[T] | None:
        if self.response_type is None:
            return None
        return cast("TypeAdapter[T]", _adapter(self.response_type))

    @cached_property
    def envelope_adapter(self) -> TypeAdapter[dict[str, Any]] | None:
        """Validates a whole ``{"success": true, "result": <response type>, ...}`` body at once."""
        if self.response_type is None or not self.unwrap_envelope:
            return None
        envelope: Any = _Envelope
        return cast("TypeAdapter[dict[str, Any]]", _adapter(envelope[self.response_type]))

    @cached_property
    def body_adapter(self) -> TypeAdapter[Any] | None:
        if self.body_type is None:
            return None
        return _adapter(self.body_type)

    @cached_property
    def path_params(self) -> tuple[str, ...]:
        """Wire names of the path placeholders, in order."""
        return tuple(PATH_PLACEHOLDER.findall(self.path))

    def is_success(self, status_code: int) -> bool:
        """A declared success code, or any 2xx (an undeclared 2xx is not an error)."""
        return status_code in self.success_codes or 200 <= status_code < 300
