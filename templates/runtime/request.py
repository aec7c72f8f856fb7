"""Building requests: the body in its encoding, and the ``httpx.Request`` itself.

The parts live in their own modules (:mod:`.params`: path, query, header and cookie parameters;
:mod:`.body`: JSON bodies; :mod:`.multipart`: multipart and form bodies, loaded by the first such
body; :mod:`.auth`: what the credentials send); their public names are available from here too,
except the multipart ones.

:class:`RequestFactory` holds what every request of one client shares, prepared once instead of
per call: the URL of each path it has rendered (an ``httpx.URL``, parsed once), its headers merged
with those of the HTTP client and the credentials a call sends (again only when the HTTP client's
headers change), and the timeout as httpx hands it to the transport. With a stock
``httpx.Client``/``AsyncClient`` it builds the ``httpx.Request`` directly, merging the HTTP
client's headers, cookies and query parameters the way ``build_request`` does
(``tests/test_request_bytes.py`` pins the bytes); an HTTP client of a class that overrides
``build_request``, or a relative URL, goes through ``build_request`` itself.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import httpx

from .auth import Applied
from .body import format_validation_error, serialize_body
from .endpoint import Endpoint
from .errors import RequestValidationError
from .logs import RedactedHeaders
from .params import (
    encode_cookies,
    encode_headers,
    encode_path_value,
    encode_query,
    omitted,
    render_path,
)
from .types import EncodedJSON

__all__ = [
    "CallHeaders",
    "RequestFactory",
    "encode_body",
    "encode_cookies",
    "encode_headers",
    "encode_path_value",
    "encode_query",
    "format_validation_error",
    "render_path",
    "serialize_body",
]


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
    if omitted(body) and not extra_body:
        return None, None
    if kind in ("multipart", "form"):
        from .multipart import body_fields, encode_form, encode_multipart  # only such APIs load it

        fields = body_fields(endpoint, body, extra_body)
        if kind == "multipart":
            return encode_multipart(fields)
        return encode_form(fields), "application/x-www-form-urlencoded"
    if extra_body:
        raise RequestValidationError(
            f"extra_body needs a JSON or form body; {endpoint.operation_id} sends {endpoint.content_type}"
        )
    return _raw_body(endpoint, kind, body)


def _raw_body(endpoint: Endpoint[Any], kind: str, body: object) -> tuple[bytes, str]:
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


# --- the request ----------------------------------------------------------------------

HTTPClient = httpx.Client | httpx.AsyncClient
TimeoutValue = float | httpx.Timeout | None

_STOCK_BUILDERS = (httpx.Client.build_request, httpx.AsyncClient.build_request)
_URLS_MAX = 256
_MERGED_MAX = 64


class CallHeaders:
    """What one call adds to the client's headers: its header and cookie parameters and the
    ``extra_headers`` option (any of them ``None``)."""

    __slots__ = ("cookie", "extra", "params")

    def __init__(
        self,
        params: Mapping[str, str] | None,
        cookie: str | None,
        extra: Mapping[str, str] | None,
    ) -> None:
        self.params, self.cookie, self.extra = params, cookie, extra


class RequestFactory:
    """Builds the ``httpx.Request`` of every call of one client (see the module doc).

    ``base_headers``: the client's own (``Accept``, ``User-Agent``, default headers); the
    credentials of each call come after them, then its content type, ``Accept`` and parameters.
    """

    def __init__(self, base_headers: httpx.Headers) -> None:
        self.base_headers = base_headers
        self._urls: dict[str, httpx.URL] = {}
        self._http_headers: list[tuple[bytes, bytes]] | None = None
        self._merged: dict[tuple[Applied, str | None, str | None], httpx.Headers] = {}
        self._timeout: tuple[object, dict[str, float | None]] = (object(), {})

    def url(self, base_url: str, path: str) -> httpx.URL:
        """``base_url + path`` as an ``httpx.URL``, parsed once per distinct URL."""
        text = base_url + path
        url = self._urls.get(text)
        if url is None:
            url = httpx.URL(text)
            if len(self._urls) >= _URLS_MAX:
                self._urls.clear()
            self._urls[text] = url
        return url

    def _timeouts(self, value: TimeoutValue) -> dict[str, float | None]:
        """``httpx.Timeout(value).as_dict()``, built again only when the value changes (value
        and dict kept as one tuple: threads sharing the client never pair one with another's)."""
        cached = self._timeout
        if cached[0] is not value:
            cached = self._timeout = (value, httpx.Timeout(value).as_dict())
        return cached[1]

    def own_headers(
        self,
        credentials: Applied,
        content_type: str | None,
        accept: str | None,
        call: CallHeaders | None = None,
    ) -> httpx.Headers:
        """The client's headers for one call, before the HTTP client's are merged in."""
        headers = self.base_headers.copy()
        headers.update(credentials.headers)
        if content_type is not None:
            headers["Content-Type"] = content_type
        if accept is not None:
            headers["Accept"] = accept
        if call is not None:
            headers.update(call.params or {})
            if call.cookie is not None:
                headers["Cookie"] = call.cookie
            headers.update(call.extra or {})
        return headers

    def _merged_headers(
        self, http: HTTPClient, credentials: Applied, content_type: str | None, accept: str | None
    ) -> httpx.Headers:
        """The HTTP client's headers updated with ours, as ``build_request`` merges them; kept
        until the HTTP client's headers change (the credentials are part of the key)."""
        current = http.headers.raw
        if current != self._http_headers or len(self._merged) >= _MERGED_MAX:
            self._merged = {}
            self._http_headers = current
        key = (credentials, content_type, accept)
        merged = self._merged.get(key)
        if merged is None:
            merged = httpx.Headers(http.headers)
            merged.update(self.own_headers(credentials, content_type, accept))
            self._merged[key] = merged
        return merged

    def build(
        self,
        http: HTTPClient,
        method: str,
        url: httpx.URL,
        *,
        params: Sequence[tuple[str, str]] | None,
        content: bytes | None,
        content_type: str | None,
        accept: str | None,
        credentials: Applied,
        call: CallHeaders | None,
        timeout: TimeoutValue,
    ) -> httpx.Request:
        """The request of one call; ``timeout``: the call's option, else the client's."""
        if type(http).build_request not in _STOCK_BUILDERS or url.is_relative_url:
            request = http.build_request(
                method,
                url,
                params=tuple(params) if params else None,
                headers=self.own_headers(credentials, content_type, accept, call),
                content=content,
                timeout=timeout,
            )
        else:
            request = self._direct(
                http, method, url, params, content, content_type, accept, credentials, call, timeout
            )
        if credentials.headers.keys() - {"Authorization"}:  # httpx hides Authorization only
            request.headers = RedactedHeaders(request.headers, credentials.headers.keys())
        return request

    def _direct(
        self,
        http: HTTPClient,
        method: str,
        url: httpx.URL,
        params: Sequence[tuple[str, str]] | None,
        content: bytes | None,
        content_type: str | None,
        accept: str | None,
        credentials: Applied,
        call: CallHeaders | None,
        timeout: TimeoutValue,
    ) -> httpx.Request:
        """What ``build_request`` of a stock HTTP client builds, with the headers prepared."""
        if call is None:
            headers = self._merged_headers(http, credentials, content_type, accept)
        else:
            headers = httpx.Headers(http.headers)
            headers.update(self.own_headers(credentials, content_type, accept, call))
        query: Any = tuple(params) if params else None
        if http.params:
            query = httpx.QueryParams(http.params).merge(query)
        return httpx.Request(
            method,
            url,
            params=query,
            headers=headers,
            cookies=http.cookies if http.cookies else None,
            content=content,
            extensions={"timeout": dict(self._timeouts(timeout))},
        )
