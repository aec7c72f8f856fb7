"""Client base classes, resource base classes and the raw-response view helpers.

``SyncAPIClient`` and ``AsyncAPIClient`` share everything except how they perform I/O: both build
the request the same way (:meth:`BaseClient._build_request`) and run the same sans-IO loop
(:func:`.flow.request_flow`), driven by ``httpx.Client.send``/``time.sleep`` or
``httpx.AsyncClient.send``/``asyncio.sleep``.
"""

from __future__ import annotations

import copy
import os
import threading
import time
from collections.abc import Awaitable, Callable, Mapping
from types import TracebackType
from typing import Any, ClassVar, Generic, TypeVar, cast

import httpx
from typing_extensions import ParamSpec, Self

from .auth import Credentials
from .endpoint import Endpoint
from .errors import AuthenticationError, ConfigurationError
from .flow import Flow, request_flow, run_async, run_sync
from .logs import RedactedHeaders
from .options import check_options, unknown_keywords
from .pagination import DEFAULT_MAX_PAGES, AsyncPageIterator, PageIterator, PaginationSpec
from .request import (
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

_HTTP_LOCK = threading.Lock()
_SETTINGS = ("base_url", "timeout", "max_retries", "retry_unsafe", "default_headers")


def _env(name: str) -> str | None:
    value = os.environ.get(name, "").strip() if name else ""
    return value or None


class BaseClient(Generic[H]):
    """State and request building shared by the sync and async clients.

    Credentials: one keyword argument per security scheme of the document (see
    :class:`.auth.Credentials`), each falling back to its environment variable; path defaults
    likewise. The generated ``Client`` spells them out with their types.
    ``http_client``: an ``httpx.Client`` (``httpx.AsyncClient`` for the async client) to send
    through, e.g. one with a MockTransport; it is never closed by us. Without one, the client
    creates its own on first use and closes it in ``close()``.
    """

    _settings: ClassVar[ClientSettings]

    base_url: str
    timeout: float | httpx.Timeout | None
    max_retries: int
    retry_unsafe: bool

    def __init__(
        self,
        *,
        base_url: str | httpx.URL | None = None,
        timeout: float | httpx.Timeout = 60.0,
        max_retries: int = 2,
        retry_unsafe: bool = False,
        http_client: H | None = None,
        default_headers: Mapping[str, str] | None = None,
        **arguments: Any,
    ) -> None:
        settings = getattr(type(self), "_settings", None)
        if not isinstance(settings, ClientSettings):
            raise TypeError(f"{type(self).__name__} must define _settings = ClientSettings(...)")
        known: tuple[str, ...] = settings.arguments
        unknown = [name for name in arguments if name not in known]
        if unknown:
            valid = [*known, *_SETTINGS, "http_client"]
            raise unknown_keywords(f"{type(self).__name__}()", unknown, valid)
        self._given = {k: v for k, v in arguments.items() if k not in settings.defaults_env}
        self._auth = Credentials(settings.schemes, self._given)
        if settings.credentials_required:
            self._auth.check(settings.security)
        for attribute, env in settings.defaults_env.items():
            setattr(self, attribute, arguments.get(attribute) or _env(env))
        url = str(base_url) if base_url is not None else None
        self.base_url = (url or _env(settings.env_base_url) or settings.default_base_url).rstrip(
            "/"
        )
        self.timeout = timeout
        self.max_retries = max_retries
        self.retry_unsafe = retry_unsafe
        self._retry_policy = RetryPolicy(max_retries=max_retries)
        headers = httpx.Headers({"Accept": "application/json", "User-Agent": settings.user_agent})
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

    def with_options(self, **changes: Any) -> Self:
        """A copy of this client with other settings (``base_url``, ``timeout``, ``max_retries``,
        ``retry_unsafe``, ``default_headers``, credentials, path defaults), sharing this client's
        connection pool: closing the copy leaves the pool open; closing this client closes it."""
        settings: ClientSettings = self._settings
        valid = (*settings.arguments, *_SETTINGS)
        unknown = [name for name in changes if name not in valid]
        if unknown:
            raise unknown_keywords(f"{type(self).__name__}.with_options()", unknown, valid)
        http = self._http
        clone = copy.copy(self)
        for name, value in list(vars(clone).items()):  # resources are bound to their client
            if isinstance(value, (SyncResource, AsyncResource)):
                del vars(clone)[name]
        clone._http_client, clone._owns_http = http, False
        schemes = {scheme.argument for scheme in settings.schemes}
        credentials = {k: v for k, v in changes.items() if k in schemes}
        if credentials:
            clone._given = {**self._given, **credentials}
            clone._auth = Credentials(settings.schemes, clone._given)
        for attribute in settings.defaults_env:
            if attribute in changes:
                setattr(clone, attribute, changes[attribute])
        if "base_url" in changes:
            clone.base_url = str(changes["base_url"]).rstrip("/")
        if "default_headers" in changes:
            clone._base_headers = self._base_headers.copy()
            clone._base_headers.update(changes["default_headers"] or {})
        for name in ("timeout", "retry_unsafe"):
            if name in changes:
                setattr(clone, name, changes[name])
        if "max_retries" in changes:
            clone.max_retries = changes["max_retries"]
            clone._retry_policy = RetryPolicy(max_retries=clone.max_retries)
        return clone

    def __repr__(self) -> str:
        parts = [f"base_url={self.base_url!r}"]
        parts += [f"{a}={getattr(self, a, None)!r}" for a in self._settings.defaults_env]
        parts += [f"{argument}='***'" for argument in self._auth.given()]
        return f"{type(self).__name__}({', '.join(parts)})"

    # --- building ---------------------------------------------------------------

    def _path_values(
        self, endpoint: Endpoint[Any], path: Mapping[str, object]
    ) -> dict[str, object]:
        """``path`` with the client's path defaults filled in where the call passed None."""
        values = dict(path)
        settings: ClientSettings = self._settings
        for name, attribute in settings.path_defaults.items():
            if name not in endpoint.path_params:
                continue
            value = values.get(name)
            if value is None or isinstance(value, NotGiven):
                default = getattr(self, attribute, None)
                if default is None:
                    env = settings.defaults_env.get(attribute)
                    hint = f" or the {env} environment variable" if env else ""
                    raise ConfigurationError(
                        f"{name} is required by {endpoint.operation_id}: pass {name}=... to the "
                        f"method, or {attribute}=... to the client{hint}"
                    )
                values[name] = default
        return values

    def _security(self, endpoint: Endpoint[Any]) -> tuple[tuple[str, ...], ...]:
        """The security requirement of ``endpoint``: its own, else the document's."""
        return self._settings.security if endpoint.security is None else endpoint.security

    def _refresh_token(self, endpoint: Endpoint[Any]) -> bool:
        """After a 401: whether the call used a token provider, whose token is then dropped so
        the next attempt asks the provider again."""
        if not self._auth.uses_provider(self._security(endpoint)):
            return False
        self._auth.refresh()
        return True

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
        credentials = self._auth.apply(self._security(endpoint), endpoint.operation_id)
        params.extend(credentials.query)
        all_headers = self._base_headers.copy()
        all_headers.update(credentials.headers)
        if content_type is not None:
            all_headers["Content-Type"] = content_type
        if endpoint.accept is not None:
            all_headers["Accept"] = endpoint.accept
        all_headers.update(encode_headers(headers))
        if credentials.cookies:
            cookies = {**credentials.cookies, **(cookies or {})}
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
        if credentials.headers.keys() - {"Authorization"}:  # httpx hides Authorization only
            request.headers = RedactedHeaders(request.headers, credentials.headers.keys())
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
            secrets=self._auth.secrets(),
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
        check_options(endpoint, options)
        for attempt in (1, 2):  # a second time only with a refreshed token, after a 401
            request = self._build_request(
                self._http, endpoint, path, query, body, options, headers, cookies
            )
            flow = self._flow(endpoint, request, options, raw)
            try:
                return cast(T, run_sync(flow, self._http.send, self._sleep))
            except AuthenticationError:
                if attempt == 2 or not self._refresh_token(endpoint):
                    raise
        raise AssertionError("unreachable")

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
        check_options(endpoint, options)
        for attempt in (1, 2):  # a second time only with a refreshed token, after a 401
            request = self._build_request(
                self._http, endpoint, path, query, body, options, headers, cookies
            )
            flow = self._flow(endpoint, request, options, raw)
            try:
                return cast(T, await run_async(flow, self._http.send, self._sleep))
            except AuthenticationError:
                if attempt == 2 or not self._refresh_token(endpoint):
                    raise
        raise AssertionError("unreachable")

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
        check_options(endpoint, options)
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
        check_options(endpoint, options)
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
