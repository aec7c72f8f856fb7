"""Static description of one API operation, built once per operation at import time."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Generic, TypeVar

from pydantic import TypeAdapter

__all__ = ["Endpoint"]

T = TypeVar("T")

PATH_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")
"""Matches one ``{name}`` placeholder of a path template."""


@dataclass(frozen=True, eq=False)
class Endpoint(Generic[T]):
    """One operation: route, request/response types and how to read the response.

    ``response_type`` is anything :class:`pydantic.TypeAdapter` accepts, or ``None`` when the
    success response has no body (the call then returns ``None``). ``path`` is relative to the
    client's base URL; its ``{placeholders}`` use the wire names of the path parameters.
    Adapters are built lazily, once per endpoint.
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

    @cached_property
    def response_adapter(self) -> TypeAdapter[T] | None:
        if self.response_type is None:
            return None
        adapter: TypeAdapter[T] = TypeAdapter(self.response_type)
        return adapter

    @cached_property
    def body_adapter(self) -> TypeAdapter[Any] | None:
        if self.body_type is None:
            return None
        adapter: TypeAdapter[Any] = TypeAdapter(self.body_type)
        return adapter

    @cached_property
    def path_params(self) -> tuple[str, ...]:
        """Wire names of the path placeholders, in order."""
        return tuple(PATH_PLACEHOLDER.findall(self.path))

    def is_success(self, status_code: int) -> bool:
        """A declared success code, or any 2xx (an undeclared 2xx is not an error)."""
        return status_code in self.success_codes or 200 <= status_code < 300
