"""Reading responses: the v4-style envelope (when the API sends one), error mapping, parsing, :class:`RawResponse`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Generic, TypeGuard, TypeVar, cast

import httpx
import pydantic_core
from pydantic_core import ValidationError

from .collector import gc_paused
from .endpoint import Endpoint
from .errors import (
    APIEnvelopeError,
    APIResponseValidationError,
    APIStatusError,
    ErrorDetail,
    shorten,
    status_error_class,
    validation_problems,
)
from .retries import retry_after_seconds

if TYPE_CHECKING:
    from pydantic import TypeAdapter

__all__ = [
    "RawResponse",
    "error_details",
    "is_envelope",
    "make_status_error",
    "parse_success",
    "request_id_of",
    "validate_bytes",
]

T = TypeVar("T")

SNIPPET_CHARS = 200
_MISSING: Any = object()


def is_envelope(value: object) -> TypeGuard[dict[str, Any]]:
    """Looks like ``{success, errors, messages, result, result_info}``."""
    return (
        isinstance(value, dict)
        and "success" in value
        and ("result" in value or "errors" in value or "messages" in value)
    )


def request_id_of(response: httpx.Response) -> str | None:
    value: str | None = response.headers.get("cf-ray")
    return value


def snippet(response: httpx.Response) -> str:
    text = response.content[: SNIPPET_CHARS * 4].decode("utf-8", errors="replace")
    if len(text) > SNIPPET_CHARS:
        text = text[:SNIPPET_CHARS] + "..."
    return text


def error_details(body: object) -> list[ErrorDetail]:
    """The explanations of an error answer: an envelope's ``errors`` list, else the shapes
    other APIs use (``{"error": {"message"}}``, problem+json, OAuth errors, ``message``)."""
    details: list[ErrorDetail] = []
    if not isinstance(body, dict):
        return details
    errors = body.get("errors")
    if isinstance(errors, list):
        for item in errors:
            if isinstance(item, dict):
                message = _first_text(item, ("message", "detail", "title"))
                if message is None and item.get("message") is not None:
                    message = str(item["message"])
                code = item.get("code")
                details.append(
                    ErrorDetail(
                        message=str(message) if message is not None else "",
                        code=code if isinstance(code, (int, str)) else None,
                    )
                )
            elif isinstance(item, str):
                details.append(ErrorDetail(message=item))
    if details:
        return details
    nested = body.get("error")
    if isinstance(nested, dict):  # {"error": {"message": ..., "code": ...}}
        body = nested
    message = _first_text(body, ("message", "detail", "error_description", "error", "title"))
    if message:
        code = body.get("code")
        details.append(
            ErrorDetail(message=message, code=code if isinstance(code, (int, str)) else None)
        )
    return details


def _first_text(item: dict[str, Any], keys: tuple[str, ...]) -> str | None:
    """The first non-empty string among ``keys`` of ``item`` (the shapes APIs use for an
    error's explanation: envelopes, problem+json's ``detail``, OAuth's ``error_description``)."""
    for key in keys:
        value = item.get(key)
        if isinstance(value, str) and value:
            return value
    return None


def _try_json(content: bytes) -> object:
    if not content:
        return _MISSING
    try:
        return pydantic_core.from_json(content)
    except ValueError:
        return _MISSING


def make_status_error(
    response: httpx.Response, body: object = _MISSING, *, envelope: bool = False
) -> APIStatusError:
    """The :class:`APIStatusError` subclass for ``response`` (body decoded when not given).

    Message: ``404 Not Found: <error messages> (cf-ray <id>)``.
    """
    if body is _MISSING:
        body = _try_json(response.content)
    details = error_details(body) if body is not _MISSING else []
    request_id = request_id_of(response)
    message = f"{response.status_code} {response.reason_phrase}".rstrip()
    if envelope:
        message += " with success=false"
    if details:
        message += ": " + shorten("; ".join(str(d) for d in details))
    elif response.content:  # not a shape we know: what the server sent, shortened
        message += f": {snippet(response)}"
    retry_after = None
    if response.status_code in (429, 503):
        retry_after = retry_after_seconds(response.headers)
        if retry_after is not None:
            message += f" (Retry-After: {retry_after:g} s)"
    if request_id:
        message += f" (cf-ray {request_id})"
    cls = APIEnvelopeError if envelope else status_error_class(response.status_code)
    return cls(
        message,
        response=response,
        errors=details,
        request_id=request_id,
        body=None if body is _MISSING else body,
        retry_after=retry_after,
    )


class RawResponse(Generic[T]):
    """The HTTP response of a successful call, parsed only when asked (``.parse()``).

    Returned by ``client.<resource>.with_raw_response.<method>(...)``. Error statuses still raise.
    """

    def __init__(self, http_response: httpx.Response, endpoint: Endpoint[T]) -> None:
        self.http_response = http_response
        self._endpoint = endpoint
        self._body: object = _MISSING
        self._parsed: object = _MISSING
        self._result_info: object = _MISSING  # the envelope's, when the bytes were validated

    @property
    def status_code(self) -> int:
        return self.http_response.status_code

    @property
    def headers(self) -> httpx.Headers:
        return self.http_response.headers

    @property
    def content(self) -> bytes:
        return self.http_response.content

    @property
    def text(self) -> str:
        return self.http_response.text

    @property
    def request_id(self) -> str | None:
        """The ``cf-ray`` header, when present."""
        return request_id_of(self.http_response)

    @property
    def result_info(self) -> dict[str, Any] | None:
        """The envelope's ``result_info`` (paging data, cursors), or ``None``."""
        if self._result_info is not _MISSING:
            info = self._result_info
            return info if isinstance(info, dict) else None
        body = _try_json(self.content) if self._body is _MISSING else self._body
        if is_envelope(body):
            info = body.get("result_info")
            if isinstance(info, dict):
                return info
        return None

    def json(self) -> Any:
        """The decoded body (decoded once); malformed JSON raises APIResponseValidationError."""
        if self._body is _MISSING:
            content = self.content
            if not content.strip():
                raise self._invalid("empty body where JSON was expected")
            try:
                self._body = pydantic_core.from_json(content)
            except ValueError as exc:
                raise self._invalid(f"body is not valid JSON ({exc})") from None
        return self._body

    def result_json(self) -> Any:
        """The decoded ``result`` when the body is an envelope to unwrap, else the whole body."""
        body = self.json()
        if self._endpoint.unwrap_envelope and is_envelope(body):
            if body.get("success") is False:
                raise make_status_error(self.http_response, body, envelope=True)
            return body.get("result")
        return body

    def parse(self) -> T:
        """Validate the body into the endpoint's response type (once; cached)."""
        if self._parsed is _MISSING:
            self._parsed = self._parse()
        return cast(T, self._parsed)

    def _parse(self) -> T | None:
        fmt = self._endpoint.format_of(self.status_code)
        if fmt != "json":  # a text, binary or empty success body: no JSON, no envelope
            return self._read_as(fmt)
        adapter = self._endpoint.response_adapter
        if adapter is None:
            if self._endpoint.unwrap_envelope:
                body = _try_json(self.content)
                if is_envelope(body) and body.get("success") is False:
                    raise make_status_error(self.http_response, body, envelope=True)
            return None
        if self._body is _MISSING:
            fast = self._parse_json_bytes(adapter)
            if fast is not _MISSING:
                return cast(T, fast)
        value = self.result_json()
        try:
            with gc_paused():
                return adapter.validate_python(value)
        except ValidationError as exc:
            problems = validation_problems(exc)
            shown = "; ".join(problems[:5])
            if len(problems) > 5:
                shown += f"; ... ({len(problems)} problems)"
            raise self._invalid(
                f"body does not match the response type of {self._endpoint.operation_id}: {shown}",
                problems,
            ) from None

    def _parse_json_bytes(self, adapter: TypeAdapter[T]) -> object:
        """:func:`validate_bytes` on the body, keeping the envelope's ``result_info``."""
        validated = validate_bytes(self._endpoint, adapter, self.content)
        if validated is _MISSING:
            return _MISSING
        value, self._result_info = validated
        return value

    def _read_as(self, fmt: str) -> T | None:
        """``text`` -> str (decoded with the response's charset), ``bytes`` -> the raw content,
        ``empty`` -> None."""
        if fmt == "empty":
            return None
        value: object = self.text if fmt == "text" else self.content
        return cast(T, value)

    def _invalid(
        self, problem: str, problems: list[str] | None = None
    ) -> APIResponseValidationError:
        request_id = self.request_id
        message = f"{self.status_code} {self.http_response.reason_phrase}: {problem}"
        message += f"; body: {snippet(self.http_response)!r}"
        if request_id:
            message += f" (cf-ray {request_id})"
        return APIResponseValidationError(
            message, response=self.http_response, request_id=request_id, problems=problems
        )

    def __repr__(self) -> str:
        request = self.http_response.request
        return (
            f"<RawResponse [{self.status_code}] {request.method} "
            f"{request.url.raw_path.split(b'?')[0].decode('ascii', 'replace')}>"
        )


def validate_bytes(endpoint: Endpoint[Any], adapter: TypeAdapter[Any], content: bytes) -> Any:
    """The common case in one pass: pydantic-core validates the raw bytes straight into the
    response type (no intermediate dicts); an envelope is validated whole, ``result`` and
    ``result_info`` with it, in the same single call. Returns ``(value, result_info)``
    (``result_info`` is ``_MISSING`` without an envelope).

    Anything unusual (an envelope with ``success: false`` or a missing ``result``, invalid JSON, a
    body that does not validate, unicode escapes that could spell ``success``) returns
    ``_MISSING``: the general path decides and words errors. The collector is kept out while
    pydantic-core builds the value (see :mod:`.collector`).
    """
    if endpoint.unwrap_envelope:
        if b"\\" in content and b"\\u" in content:  # an escaped key could spell "success":
            return _MISSING  # let the general path look (the first test is a fast memchr)
        if b'"success"' in content:  # perhaps an envelope: validate it whole, result and all
            envelope = endpoint.envelope_adapter
            if envelope is None:
                return _MISSING
            try:
                with gc_paused():
                    body = envelope.validator.validate_json(content)
            except Exception:  # ValidationError and anything else: the general path decides
                return _MISSING
            return body["result"], body.get("result_info", _MISSING)
    try:
        with gc_paused():
            return adapter.validator.validate_json(content), _MISSING
    except Exception:
        return _MISSING


def parse_success(response: httpx.Response, endpoint: Endpoint[T]) -> T:
    """What a successful call returns: the body validated into the response type. The common
    case (a JSON body the bytes fast path accepts) builds no :class:`RawResponse`."""
    if endpoint.response_format == "json" and not endpoint.status_formats:
        adapter = endpoint.response_adapter
        if adapter is not None:
            validated = validate_bytes(endpoint, adapter, response.content)
            if validated is not _MISSING:
                return cast(T, validated[0])
    return RawResponse(response, endpoint).parse()
