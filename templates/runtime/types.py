"""Small shared types: the NOT_GIVEN sentinel, per-call request options, timeouts."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import IO, TYPE_CHECKING, Any, Final, Literal, TypeAlias, TypedDict, TypeGuard

import httpx
from typing_extensions import final

if TYPE_CHECKING:  # for the annotation of is_model only; see there why it is not imported
    from pydantic import BaseModel

__all__ = [
    "NOT_GIVEN",
    "EncodedJSON",
    "FileInput",
    "NotGiven",
    "RequestOptions",
    "Timeout",
    "is_model",
]


def is_model(value: object) -> TypeGuard[BaseModel]:
    """``isinstance(value, pydantic.BaseModel)``, without importing pydantic's model machinery.

    Importing ``pydantic.BaseModel`` costs tens of milliseconds; the package import and the
    first resource access do not pay for it. No model instance can exist before
    ``pydantic.main`` has been imported, so until then the answer is simply ``False``.
    """
    main = sys.modules.get("pydantic.main")
    return main is not None and isinstance(value, main.BaseModel)


@final
class NotGiven:
    """Marks an argument the caller did not pass (distinct from an explicit ``None``).

    Values equal to ``NOT_GIVEN`` are never sent to the API.
    """

    _instance: NotGiven | None = None

    def __new__(cls) -> NotGiven:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> Literal[False]:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"

    def __copy__(self) -> NotGiven:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> NotGiven:
        return self

    def __reduce__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN: Final = NotGiven()


@final
class EncodedJSON:
    """A JSON request body already validated and encoded (``content``): sent as it is.

    The bulk helper builds each chunk's body from items it validated and encoded one by one.
    """

    __slots__ = ("content",)

    def __init__(self, content: bytes) -> None:
        self.content = content

    def __repr__(self) -> str:
        return f"EncodedJSON(<{len(self.content)} bytes>)"


Timeout: TypeAlias = float | httpx.Timeout | None
"""Seconds (float), a full :class:`httpx.Timeout`, or ``None`` for no timeout."""


FileContent: TypeAlias = bytes | IO[bytes]
FileInput: TypeAlias = FileContent | tuple[str, FileContent] | tuple[str, FileContent, str]
"""A file of a ``multipart/form-data`` body: its bytes (or a binary file object, read when the
request is built), optionally with a file name and a content type: ``(name, data, type)``."""


class RequestOptions(TypedDict, total=False):
    """Options every API method accepts as keyword arguments."""

    timeout: float | httpx.Timeout | None
    """Overrides the client's timeout for this call (``None``: no timeout)."""
    extra_headers: Mapping[str, str]
    """Headers sent in addition to (and overriding) the default ones."""
    extra_query: Mapping[str, object]
    """Query parameters merged last (replacing parameters of the same name)."""
    extra_body: Mapping[str, object]
    """Fields merged into the top level of the JSON body."""
    retry_unsafe: bool
    """Also retry a POST/PATCH that may already have been processed (5xx, read timeout)."""
