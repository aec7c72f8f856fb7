"""State and request building shared by the sync and async clients (:class:`BaseClient`):
settings, credentials, the HTTP client, ``with_options`` and one request built from a call.

The I/O (sending, sleeping between retries) is the subclasses' (:mod:`.client`).
"""

from __future__ import annotations

import copy
import os
import threading
from collections.abc import Mapping
from typing import Any, ClassVar, Generic, TypeVar

import httpx
from typing_extensions import Self

from .auth import Applied, Credentials
from .endpoint import Endpoint
from .errors import ConfigurationError
from .flow import Flow, request_flow
from .options import unknown_keywords
from .params import encode_cookies, encode_headers, encode_query, render_path
from .request import CallHeaders, RequestFactory, encode_body
from .resources import AsyncResource, SyncResource
from .response import RawResponse
from .retries import RetryPolicy
from .settings import ClientSettings
from .types import NotGiven, RequestOptions

__all__ = ["BaseClient"]

T = TypeVar("T")
H = TypeVar("H", httpx.Client, httpx.AsyncClient)

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
    _auth: Credentials
    _requests: RequestFactory
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
        self._requests = RequestFactory(headers)
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
        headers = self._requests.base_headers
        if "default_headers" in changes:
            headers = headers.copy()
            headers.update(changes["default_headers"] or {})
        clone._requests = RequestFactory(headers)  # what it prepares is the copy's own
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
    ) -> Mapping[str, object]:
        """``path`` with the client's path defaults filled in where the call passed None (a copy
        only when something is filled in)."""
        values = path
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
                values = {**values, name: default}
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

    @property
    def _base_headers(self) -> httpx.Headers:
        """The headers this client adds to every call before its credentials."""
        return self._requests.base_headers

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
        requests = self._requests
        path_text = render_path(endpoint.path, self._path_values(endpoint, path))
        extra_query = options.get("extra_query")
        params: list[tuple[str, str]] | tuple[tuple[str, str], ...] = endpoint.fixed_query
        if query or extra_query:
            params = [*endpoint.fixed_query]  # the query the document wrote into the path
            params += encode_query(
                query,
                json_query=endpoint.json_query,
                extra=extra_query,
                styles=endpoint.query_styles,
            )
        content, content_type = encode_body(endpoint, body, options.get("extra_body"))
        credentials: Applied = self._auth.apply(self._security(endpoint), endpoint.operation_id)
        if credentials.query:
            params = [*params, *credentials.query]
        extra_headers = options.get("extra_headers")
        call = None
        if headers or cookies or extra_headers or credentials.cookies:
            if credentials.cookies:
                cookies = {**credentials.cookies, **(cookies or {})}
            call = CallHeaders(encode_headers(headers), encode_cookies(cookies), extra_headers)
        return requests.build(
            http,
            endpoint.method,
            requests.url(self.base_url, path_text),
            params=params,
            content=content,
            content_type=content_type,
            accept=endpoint.accept,
            credentials=credentials,
            call=call,
            timeout=options["timeout"] if "timeout" in options else self.timeout,
        )

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
