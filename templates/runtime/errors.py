"""Exceptions raised by the client.

Hierarchy::

    PackageError
    ├── APIError                       (the server or the transport failed us)
    │   ├── APIConnectionError
    │   │   └── APITimeoutError
    │   ├── APIStatusError             (.status_code, .errors, .response, .request_id)
    │   │   ├── BadRequestError            400
    │   │   ├── AuthenticationError        401
    │   │   ├── PermissionDeniedError      403
    │   │   ├── NotFoundError              404
    │   │   ├── ConflictError              409
    │   │   ├── UnprocessableEntityError   422
    │   │   ├── RateLimitError             429
    │   │   ├── InternalServerError        5xx
    │   │   └── APIEnvelopeError           2xx with ``"success": false``
    │   ├── APIResponseValidationError (malformed, non-JSON or unexpected body)
    │   └── PaginationError            (auto-paging found pages that cannot be right)
    ├── RequestValidationError(ValueError)  (bad arguments; nothing was sent)
    └── ConfigurationError(ValueError)      (missing credentials / account id)

No message or repr ever contains a credential, and no message quotes more than
``MAX_MESSAGE_CHARS`` characters of what the server sent.

``PackageError`` is the placeholder name of the base class: the generator writes the package's
own (``WidgetsError``, or the configured one) in every copy of the runtime.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import httpx
from pydantic_core import ValidationError

__all__ = [
    "PackageError",
    "ConfigurationError",
    "RequestValidationError",
    "ErrorDetail",
    "APIError",
    "APIConnectionError",
    "APITimeoutError",
    "APIStatusError",
    "APIEnvelopeError",
    "BadRequestError",
    "AuthenticationError",
    "PermissionDeniedError",
    "NotFoundError",
    "ConflictError",
    "UnprocessableEntityError",
    "RateLimitError",
    "InternalServerError",
    "APIResponseValidationError",
    "MAX_MESSAGE_CHARS",
    "PaginationError",
    "shorten",
    "status_error_class",
    "validation_problems",
]


MAX_MESSAGE_CHARS = 2000
"""Longest text from an answer that an error message quotes (a few KB at most)."""


def shorten(text: str, limit: int = MAX_MESSAGE_CHARS) -> str:
    """``text`` cut to ``limit`` characters, saying how much was left out."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}... ({len(text) - limit} more characters)"


class PackageError(Exception):
    """Base class of every error raised by this package."""


class ConfigurationError(PackageError, ValueError):
    """The client is missing something it needs (credentials, an account id)."""


class RequestValidationError(PackageError, ValueError):
    """Invalid arguments, found before anything was sent.

    ``problems`` lists each problem as ``"<loc>: <message>"``, e.g. ``"data[3].tlp: Field required"``.
    """

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.problems: list[str] = list(problems) if problems else []


@dataclass(frozen=True)
class ErrorDetail:
    """One entry of an envelope's ``errors`` list."""

    message: str
    code: int | str | None = None

    def __str__(self) -> str:
        return self.message if self.code is None else f"{self.message} (code {self.code})"


class APIError(PackageError):
    """The API call failed (transport, HTTP status, or response body)."""

    message: str
    request: httpx.Request | None

    def __init__(self, message: str, *, request: httpx.Request | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.request = request


class APIConnectionError(APIError):
    """The request could not be completed (connection failed, reset, protocol error)."""


class APITimeoutError(APIConnectionError):
    """The request timed out."""


class APIStatusError(APIError):
    """The API answered with an error status (or a ``success: false`` envelope).

    ``retry_after``: the seconds the server asked to wait (``Retry-After``), when it said.
    """

    status_code: int
    response: httpx.Response
    errors: list[ErrorDetail]
    request_id: str | None
    body: object
    retry_after: float | None

    def __init__(
        self,
        message: str,
        *,
        response: httpx.Response,
        errors: list[ErrorDetail] | None = None,
        request_id: str | None = None,
        body: object = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, request=_request_of(response))
        self.response = response
        self.status_code = response.status_code
        self.errors = list(errors) if errors else []
        self.request_id = request_id
        self.body = body
        self.retry_after = retry_after


class BadRequestError(APIStatusError):
    """HTTP 400."""


class AuthenticationError(APIStatusError):
    """HTTP 401."""


class PermissionDeniedError(APIStatusError):
    """HTTP 403."""


class NotFoundError(APIStatusError):
    """HTTP 404."""


class ConflictError(APIStatusError):
    """HTTP 409."""


class UnprocessableEntityError(APIStatusError):
    """HTTP 422."""


class RateLimitError(APIStatusError):
    """HTTP 429. ``retry_after`` holds the server's ``Retry-After`` in seconds, when it sent one:
    a wait longer than the retry policy's ``max_retry_after`` is not slept on, the call fails."""


class InternalServerError(APIStatusError):
    """HTTP 5xx."""


class APIEnvelopeError(APIStatusError):
    """A 2xx response whose envelope says ``"success": false``."""


class APIResponseValidationError(APIError):
    """The response body is empty, not JSON, or does not match the expected type.

    ``problems`` lists each mismatch as ``"<loc>: <message>"`` (empty for unreadable bodies).
    """

    status_code: int
    response: httpx.Response
    request_id: str | None
    problems: list[str]

    def __init__(
        self,
        message: str,
        *,
        response: httpx.Response,
        request_id: str | None = None,
        problems: list[str] | None = None,
    ) -> None:
        super().__init__(message, request=_request_of(response))
        self.response = response
        self.status_code = response.status_code
        self.request_id = request_id
        self.problems = list(problems) if problems else []


class PaginationError(APIError):
    """Auto-paging stopped because the pages cannot be right (or there are too many of them).

    ``page`` is the page (1-based count of pages fetched) where the problem showed; ``repeats``
    the earlier page it repeats, when that is the problem. Items yielded before are correct.
    """

    def __init__(
        self,
        message: str,
        *,
        page: int,
        repeats: int | None = None,
        request: httpx.Request | None = None,
    ) -> None:
        super().__init__(message, request=request)
        self.page = page
        self.repeats = repeats


_STATUS_ERRORS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def status_error_class(status_code: int) -> type[APIStatusError]:
    """The exception class for a non-success HTTP status."""
    if status_code >= 500:
        return InternalServerError
    return _STATUS_ERRORS.get(status_code, APIStatusError)


def _request_of(response: httpx.Response) -> httpx.Request | None:
    try:
        return response.request
    except RuntimeError:
        return None


def _format_loc(loc: Iterable[int | str]) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text or "(root)"


def validation_problems(exc: ValidationError) -> list[str]:
    """``"<loc>: <msg>"`` per pydantic error, e.g. ``"data[3].tlp: Field required"`` (no input values)."""
    return [f"{_format_loc(err['loc'])}: {err['msg']}" for err in exc.errors()]
