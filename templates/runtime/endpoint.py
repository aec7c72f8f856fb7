"""Static description of one API operation, built once per operation at import time."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar, cast

from typing_extensions import NotRequired, TypedDict

from .wire import wire_type

if TYPE_CHECKING:
    from pydantic import TypeAdapter

__all__ = ["Endpoint", "LazyType", "resolve_type", "wire_type"]

T = TypeVar("T")


class _Envelope(TypedDict, Generic[T]):
    """The v4-style envelope of a successful call, as far as parsing needs it: ``result_info``
    (paging data) is decoded with the result, in the same pass; the other keys (``errors``,
    ``messages``) are skipped, not validated.
    """

    success: Literal[True]
    result: T
    result_info: NotRequired[Any]


_UNRESOLVED: Any = object()


class LazyType:
    """A type given as a function that returns it; the function is called once, on first use.

    Generated resource modules pass their request and response types this way
    (``LazyType(lambda: list[_models.Event])``): importing a resource module then imports no
    model module, and an endpoint resolves its types when it first builds its adapters (the
    first call), never again.
    """

    __slots__ = ("_load", "_value")

    def __init__(self, load: Callable[[], Any]) -> None:
        self._load = load
        self._value: Any = _UNRESOLVED

    def resolve(self) -> Any:
        """The type (calls the function the first time only)."""
        value = self._value
        if value is _UNRESOLVED:
            value = self._value = self._load()
        return value

    def __repr__(self) -> str:
        if self._value is _UNRESOLVED:
            return "LazyType(<not resolved yet>)"
        return f"LazyType({self._value!r})"


def resolve_type(type_: Any) -> Any:
    """``type_`` itself, or the type a :class:`LazyType` stands for."""
    return type_.resolve() if isinstance(type_, LazyType) else type_


def _adapter(type_: Any) -> TypeAdapter[Any]:
    from pydantic import TypeAdapter  # imported on first use: keeps the package import light

    return TypeAdapter(type_)


PATH_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")
"""Matches one ``{name}`` placeholder of a path template."""


@dataclass(frozen=True, eq=False)
class Endpoint(Generic[T]):
    """One operation: route, request/response types and how to read the response.

    ``response_type`` is anything :class:`pydantic.TypeAdapter` accepts, or ``None`` when the
    success response has no body (the call then returns ``None``); ``body_type`` likewise for the
    request body. Either may be a :class:`LazyType`, resolved once, when the endpoint first needs
    it. ``path`` is relative to the client's base URL; its ``{placeholders}`` use the wire names of
    the path parameters. Adapters are built lazily, once per endpoint, and shared by every call.
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
    """Media type of the request body (its ``Content-Type`` header when not JSON)."""
    body_encoding: str = "json"
    """How the body is encoded, as the generator decided from the media type: ``json``,
    ``multipart``, ``form``, ``text`` or ``binary`` (see ``encode_body``)."""
    accept: str | None = None
    """``Accept`` header of the call when the success responses are not (only) JSON."""
    response_format: str = "json"
    """How a success body is read: ``json`` (validated into ``response_type``), ``text`` (str),
    ``bytes`` or ``empty`` (``None``)."""
    status_formats: Mapping[int, str] = field(default_factory=dict)
    """``response_format`` of the success statuses that differ (a 204 without a body, say)."""
    query_styles: Mapping[str, tuple[str, bool]] = field(default_factory=dict)
    """(style, explode) of query parameters not sent as ``form``/exploded scalars and lists."""
    fixed_query: tuple[tuple[str, str], ...] = ()
    """Query pairs the document wrote into the path (``/responses/{id}?beta=true``): always sent,
    before the call's own parameters."""
    security: tuple[tuple[str, ...], ...] | None = None
    """The operation's own security requirement (scheme keys per alternative; ``()``: none),
    or ``None`` for the document's (the client's settings)."""
    arguments: tuple[str, ...] = ()
    """The Python names of the method's parameters (to suggest one for a misspelt keyword)."""

    def format_of(self, status_code: int) -> str:
        return self.status_formats.get(status_code, self.response_format)

    @cached_property
    def resolved_response_type(self) -> Any:
        """``response_type``, a :class:`LazyType` resolved (once)."""
        return resolve_type(self.response_type)

    @cached_property
    def resolved_body_type(self) -> Any:
        """``body_type``, a :class:`LazyType` resolved (once)."""
        return resolve_type(self.body_type)

    @cached_property
    def response_adapter(self) -> TypeAdapter[T] | None:
        if self.response_type is None:
            return None
        return cast("TypeAdapter[T]", _adapter(self.resolved_response_type))

    @cached_property
    def envelope_adapter(self) -> TypeAdapter[dict[str, Any]] | None:
        """Validates a whole ``{"success": true, "result": <response type>, ...}`` body at once."""
        if self.response_type is None or not self.unwrap_envelope:
            return None
        envelope: Any = _Envelope
        return cast("TypeAdapter[dict[str, Any]]", _adapter(envelope[self.resolved_response_type]))

    @cached_property
    def body_adapter(self) -> TypeAdapter[Any] | None:
        if self.body_type is None:
            return None
        return _adapter(self.resolved_body_type)

    @cached_property
    def body_wire_adapter(self) -> TypeAdapter[Any] | None:
        """The body type with its models mirrored as TypedDicts (see :func:`wire_type`): validates
        plain data about twice as fast; ``None`` when there is nothing to mirror."""
        if self.body_type is None:
            return None
        body_type = self.resolved_body_type
        wire = wire_type(body_type)
        return None if wire == body_type else _adapter(wire)

    @cached_property
    def path_params(self) -> tuple[str, ...]:
        """Wire names of the path placeholders, in order."""
        return tuple(PATH_PLACEHOLDER.findall(self.path))

    def is_success(self, status_code: int) -> bool:
        """A declared success code, or any 2xx (an undeclared 2xx is not an error)."""
        return status_code in self.success_codes or 200 <= status_code < 300
