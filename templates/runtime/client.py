"""Client base classes, resource base classes and the raw-response view helpers.

``SyncAPIClient`` and ``AsyncAPIClient`` share everything except how they perform I/O: both build
the request the same way (:meth:`BaseClient._build_request`) and run the same sans-IO loop
(:func:`.flow.request_flow`), driven by ``httpx.Client.send``/``time.sleep`` or
``httpx.AsyncClient.send``/``asyncio.sleep``.
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Awaitable, Callable, Mapping
from types import TracebackType
from typing import Any, ClassVar, Generic, TypeVar, cast

import httpx
from typing_extensions import ParamSpec, Self

from .endpoint import Endpoint
from .errors import ConfigurationError
from .flow import Flow, request_flow, run_async, run_sync
from .logs import RedactedHeaders
from .pagination import DEFAULT_MAX_PAGES, AsyncPageIterator, PageIterator, PaginationSpec
from .request import (
    auth_headers,
    encode_body,
    encode_cookies,
    encode_headers,
    encode_query,
    render_path,
)
from .response import RawResponse
from .retries import RetryPolicy
from .settings import ClientSettings
from .types import NOT_GIVEN, NotGiven, RequestOptions

__all__ = [
    "BaseClient",
    "SyncAPIClient",
    "AsyncAPIClient",
    "SyncResource",
    "AsyncResource",
    "as_raw",
    "as_raw_async",
]

T = TypeVar("T")
H = TypeVar("H", httpx.Client, httpx.AsyncClient)
P = ParamSpec("P")

_HEADER_SAFE = re.compile(r"[\x21-\x7e]+")
_HTTP_LOCK = threading.Lock()


def _env(name: str) -> str | None:
    value = os.environ.get(name, "").strip()
    return value or None


def _checked(keyword: str, value: str | None) -> str | None:
    """Reject credentials that cannot go in a header (without ever echoing them)."""
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    if not _HEADER_SAFE.fullmatch(value):
        raise ConfigurationError(
            f"{keyword} contains whitespace or characters not allowed in an HTTP header"
        )
    return value


class BaseClient(Generic[H]):
    """State and request building shared by the sync and async clients.

    Credentials: ``api_token`` (sent as ``Authorization: Bearer``), else the legacy
    ``api_email`` + ``api_key`` pair; each falls back to its environment variable (see
    :class:`ClientSettings`). Explicit arguments beat the environment, a token beats the pair.
    ``http_client``: an ``httpx.Client`` (``httpx.AsyncClient`` for the async client) to send
    through, e.g. one with a MockTransport; it is never closed by us. Without one, the client
    creates its own on first use and closes it in ``close()``.
    """

    _settings: ClassVar[ClientSettings]

    account_id: str | None
    base_url: str
    timeout: float | httpx.Timeout | None
    max_retries: int
    retry_unsafe: bool

    def __init__(
        self,
        *,
        api_token: str | None = None,
        api_email: str | None = None,
        api_key: str | None = None,
        account_id: str | None = None,
        base_url: str | httpx.URL | None = None,
        timeout: float | httpx.Timeout = 60.0,
        max_retries: int = 2,
        retry_unsafe: bool = False,
        http_client: H | None = None,
        default_headers: Mapping[str, str] | None = None,
    ) -> None:
        settings = getattr(type(self), "_settings", None)
        if not isinstance(settings, ClientSettings):
            raise TypeError(f"{type(self).__name__} must define _settings = ClientSettings(...)")
        self._api_token, self._api_email, self._api_key = self._credentials(
            settings,
            _checked("api_token", api_token),
            _checked("api_email", api_email),
            _checked("api_key", api_key),
        )
        self.account_id = account_id or _env(settings.env_account_id)
        url = str(base_url) if base_url is not None else None
        self.base_url = (url or _env(settings.env_base_url) or settings.default_base_url).rstrip(
            "/"
        )
        self.timeout = timeout
        self.max_retries = max_retries
        self.retry_unsafe = retry_unsafe
        self._retry_policy = RetryPolicy(max_retries=max_retries)
        self._secrets = tuple(s for s in (self._api_token, self._api_key) if s)
        headers = httpx.Headers({"Accept": "application/json", "User-Agent": settings.user_agent})
        headers.update(
            auth_headers(
                api_token=self._api_token,
                api_email=self._api_email,
                api_key=self._api_key,
            )
        )
        headers.update(default_headers or {})
        self._base_headers = headers
        self._owns_http = http_client is None
        self._http_client: H | None = http_client

    def _new_http(self) -> H:
        raise NotImplementedError

    @property
    def _http(self) -> H:
        """The HTTP client passed in, else our own, created on first use: its TLS context costs
        tens of milliseconds that a client configured but never used does not pay."""
        http = self._http_client
        if http is None:
            with _HTTP_LOCK:
                http = self._http_client
                if http is None:
                    http = self._http_client = self._new_http()
        return http

    @staticmethod
    def _credentials(
        settings: ClientSettings,
        api_token: str | None,
        api_email: str | None,
        api_key: str | None,
    ) -> tuple[str | None, str | None, str | None]:
        if api_token:
            return api_token, None, None
        if api_email and api_key:
            return None, api_email, api_key
        if api_email or api_key:
            missing = "api_key" if api_email else "api_email"
            env = settings.env_api_key if api_email else settings.env_api_email
            raise ConfigurationError(
                f"{missing} is missing: the legacy credentials need both api_email and api_key "
                f"(or set {env}); prefer api_token"
            )
        env_token = _checked(settings.env_api_token, _env(settings.env_api_token))
        if env_token:
            return env_token, None, None
        env_email = _checked(settings.env_api_email, _env(settings.env_api_email))
        env_key = _checked(settings.env_api_key, _env(settings.env_api_key))
        if env_email and env_key:
            return None, env_email, env_key
        raise ConfigurationError(
            "No API credentials: pass api_token=... or set the "
            f"{settings.env_api_token} environment variable (or the legacy pair api_email= and "
            f"api_key=, or {settings.env_api_email} and {settings.env_api_key})"
        )

    def __repr__(self) -> str:
        parts = [f"base_url={self.base_url!r}", f"account_id={self.account_id!r}"]
        if self._api_token:
            parts.append("api_token='***'")
        else:
            parts += [f"api_email={self._api_email!r}", "api_key='***'"]
        return f"{type(self).__name__}({', '.join(parts)})"

    # --- building ---------------------------------------------------------------

    def _path_values(
        self, endpoint: Endpoint[Any], path: Mapping[str, object]
    ) -> dict[str, object]:
        """``path`` with client defaults (``account_id``) filled in where the call passed None."""
        values = dict(path)
        settings = self._settings
        for name, attribute in settings.path_defaults.items():
            if name not in endpoint.path_params:
                continue
            value = values.get(name)
            if value is None or isinstance(value, NotGiven):
                default = getattr(self, attribute, None)
                if default is None:
                    hint = (
                        f" or the {settings.env_account_id} environment variable"
                        if attribute == "account_id"
                        else ""
                    )
                    raise ConfigurationError(
                        f"{name} is required by {endpoint.operation_id}: pass {name}=... to the "
                        f"method, or {attribute}=... to the client{hint}"
                    )
                values[name] = default
        return values

    def _build_request(
        self,
        http: httpx.Client | httpx.AsyncClient,
        endpoint: Endpoint[Any],
        path: Mapping[str, object],
        query: Mapping[str, object] | None,
        body: object,
        options: RequestOptions,
        headers: Mapping[str, object] | None = None,
        cookies: Mapping[str, object] | None = None,
    ) -> httpx.Request:
        """Validate and encode everything; raises before any I/O when something is wrong."""
        url = self.base_url + render_path(endpoint.path, self._path_values(endpoint, path))
        params = encode_query(
            query,
            json_query=endpoint.json_query,
            extra=options.get("extra_query"),
            styles=endpoint.query_styles,
        )
        params[:0] = endpoint.fixed_query  # the query the document wrote into the path
        content, content_type = encode_body(endpoint, body, options.get("extra_body"))
        all_headers = self._base_headers.copy()
        if content_type is not None:
            all_headers["Content-Type"] = content_type
        if endpoint.accept is not None:
            all_headers["Accept"] = endpoint.accept
        all_headers.update(encode_headers(headers))
        cookie = encode_cookies(cookies)
        if cookie is not None:
            all_headers["Cookie"] = cookie
        all_headers.update(options.get("extra_headers") or {})
        request = http.build_request(
            endpoint.method,
            url,
            params=tuple(params) if params else None,
            headers=all_headers,
            content=content,
            timeout=options["timeout"] if "timeout" in options else self.timeout,
        )
        if self._api_key is not None:  # httpx hides Authorization only, not the legacy key
            request.headers = RedactedHeaders(request.headers)
        return request

    def _flow(
        self,
        endpoint: Endpoint[T],
        request: httpx.Request,
        options: RequestOptions,
        raw: bool,
    ) -> Flow[T | RawResponse[T]]:
        return request_flow(
            request,
            endpoint,
            policy=self._retry_policy,
            retry_unsafe=options.get("retry_unsafe", self.retry_unsafe),
            raw=raw,
            secrets=self._secrets,
        )


class SyncAPIClient(BaseClient[httpx.Client]):
    """Blocking client. ``close()`` closes the HTTP client only when this object created it."""

    def _new_http(self) -> httpx.Client:
        return httpx.Client(timeout=self.timeout)

    def _sleep(self, seconds: float) -> None:
        time.sleep(seconds)

    def _request(
        self,
        endpoint: Endpoint[T],
        *,
        path: Mapping[str, object],
        query: Mapping[str, object] | None = None,
        body: object = NOT_GIVEN,
        headers: Mapping[str, object] | None = None,
        options: RequestOptions | None = None,
        raw: bool = False,
        cookies: Mapping[str, object] | None = None,
    ) -> T:
        """Send one call; returns the parsed result, or a RawResponse[T] when ``raw``."""
        options = options if options is not None else {}
        request = self._build_request(
            self._http, endpoint, path, query, body, options, headers, cookies
        )
        result = run_sync(self._flow(endpoint, request, options, raw), self._http.send, self._sleep)
        return cast(T, result)

    def close(self) -> None:
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class AsyncAPIClient(BaseClient[httpx.AsyncClient]):
    """Asyncio client. ``close()``/``aclose()`` close the HTTP client only when this object created it."""

    def _new_http(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(timeout=self.timeout)

    async def _sleep(self, seconds: float) -> None:
        import asyncio  # only async users pay for importing asyncio

        await asyncio.sleep(seconds)

    async def _request(
        self,
        endpoint: Endpoint[T],
        *,
        path: Mapping[str, object],
        query: Mapping[str, object] | None = None,
        body: object = NOT_GIVEN,
        headers: Mapping[str, object] | None = None,
        options: RequestOptions | None = None,
        raw: bool = False,
        cookies: Mapping[str, object] | None = None,
    ) -> T:
        """Send one call; returns the parsed result, or a RawResponse[T] when ``raw``."""
        options = options if options is not None else {}
        request = self._build_request(
            self._http, endpoint, path, query, body, options, headers, cookies
        )
        result = await run_async(
            self._flow(endpoint, request, options, raw), self._http.send, self._sleep
        )
        return cast(T, result)

    async def close(self) -> None:
        if self._owns_http:
            await self._http.aclose()

    async def aclose(self) -> None:
        await self.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()


class SyncResource:
    """Base of generated resource classes; ``raw=True`` makes calls return RawResponse."""

    def __init__(self, client: SyncAPIClient, *, raw: bool = False) -> None:
        self._client = client
        self._raw = raw

    def _request(
        self,
        endpoint: Endpoint[T],
        *,
        path: Mapping[str, object],
        query: Mapping[str, object] | None = None,
        body: object = NOT_GIVEN,
        headers: Mapping[str, object] | None = None,
        options: RequestOptions,
        cookies: Mapping[str, object] | None = None,
    ) -> T:
        return self._client._request(
            endpoint,
            path=path,
            query=query,
            body=body,
            headers=headers,
            options=options,
            raw=self._raw,
            cookies=cookies,
        )

    def _paginate(
        self,
        endpoint: Endpoint[Any],
        spec: PaginationSpec,
        *,
        path: Mapping[str, object],
        query: Mapping[str, object] | None = None,
        headers: Mapping[str, object] | None = None,
        options: RequestOptions,
        cookies: Mapping[str, object] | None = None,
        max_pages: int = DEFAULT_MAX_PAGES,
    ) -> PageIterator[Any]:
        client = self._client
        path = client._path_values(endpoint, path)
        render_path(endpoint.path, path)  # fail now, not at the first iteration

        def fetch(page_query: Mapping[str, object]) -> RawResponse[Any]:
            return cast(
                "RawResponse[Any]",
                client._request(
                    endpoint,
                    path=path,
                    query=page_query,
                    headers=headers,
                    options=options,
                    raw=True,
                    cookies=cookies,
                ),
            )

        return PageIterator(fetch, spec, query, max_pages=max_pages)


class AsyncResource:
    """Base of generated async resource classes; ``raw=True`` makes calls return RawResponse."""

    def __init__(self, client: AsyncAPIClient, *, raw: bool = False) -> None:
        self._client = client
        self._raw = raw

    async def _request(
        self,
        endpoint: Endpoint[T],
        *,
        path: Mapping[str, object],
        query: Mapping[str, object] | None = None,
        body: object = NOT_GIVEN,
        headers: Mapping[str, object] | None = None,
        options: RequestOptions,
        cookies: Mapping[str, object] | None = None,
    ) -> T:
        return await self._client._request(
            endpoint,
            path=path,
            query=query,
            body=body,
            headers=headers,
            options=options,
            raw=self._raw,
            cookies=cookies,
        )

    def _paginate(
        self,
        endpoint: Endpoint[Any],
        spec: PaginationSpec,
        *,
        path: Mapping[str, object],
        query: Mapping[str, object] | None = None,
        headers: Mapping[str, object] | None = None,
        options: RequestOptions,
        cookies: Mapping[str, object] | None = None,
        max_pages: int = DEFAULT_MAX_PAGES,
    ) -> AsyncPageIterator[Any]:
        client = self._client
        path = client._path_values(endpoint, path)
        render_path(endpoint.path, path)  # fail now, not at the first iteration

        async def fetch(page_query: Mapping[str, object]) -> RawResponse[Any]:
            result = await client._request(
                endpoint,
                path=path,
                query=page_query,
                headers=headers,
                options=options,
                raw=True,
                cookies=cookies,
            )
            return cast("RawResponse[Any]", result)

        return AsyncPageIterator(fetch, spec, query, max_pages=max_pages)


def as_raw(func: Callable[P, T]) -> Callable[P, RawResponse[T]]:
    """Types a method of a ``raw=True`` resource as returning ``RawResponse[T]`` (no-op at run time)."""
    return cast("Callable[P, RawResponse[T]]", func)


def as_raw_async(
    func: Callable[P, Awaitable[T]],
) -> Callable[P, Awaitable[RawResponse[T]]]:
    """Async counterpart of :func:`as_raw`."""
    return cast("Callable[P, Awaitable[RawResponse[T]]]", func)
