"""Client base classes (the resource base classes live in :mod:`.resources` and are importable
from here too).

``SyncAPIClient`` and ``AsyncAPIClient`` share everything except how they perform I/O: both build
the request the same way (:meth:`BaseClient._build_request`, with :class:`.request.RequestFactory`)
and finish it the same way: a first answer that succeeds is parsed at once
(:func:`.flow.first_result`), anything else goes through the one sans-IO loop
(:func:`.flow.request_flow`), driven by ``httpx.Client.send``/``time.sleep`` or
``httpx.AsyncClient.send``/``asyncio.sleep``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from types import TracebackType
from typing import TypeVar, cast

import httpx
from typing_extensions import Self

from .client_base import BaseClient
from .endpoint import Endpoint
from .errors import AuthenticationError
from .flow import NOT_SENT, PENDING, first_result, run_async, run_sync
from .logs import logger
from .options import check_options
from .resources import AsyncResource, SyncResource, as_raw, as_raw_async
from .types import NOT_GIVEN, RequestOptions

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
            try:
                return self._send(endpoint, path, query, body, headers, options, raw, cookies)
            except AuthenticationError:
                if attempt == 2 or not self._refresh_token(endpoint):
                    raise
        raise AssertionError("unreachable")

    def _send(
        self,
        endpoint: Endpoint[T],
        path: Mapping[str, object],
        query: Mapping[str, object] | None,
        body: object,
        headers: Mapping[str, object] | None,
        options: RequestOptions,
        raw: bool,
        cookies: Mapping[str, object] | None,
    ) -> T:
        """One attempt of :meth:`_request`: a first answer that succeeds is finished at once,
        anything else by the flow (retries included)."""
        http = self._http
        request = self._build_request(http, endpoint, path, query, body, options, headers, cookies)
        outcome: object = NOT_SENT
        if not logger.isEnabledFor(logging.DEBUG):  # the flow logs each answer at DEBUG
            try:
                outcome = http.send(request)
            except Exception as exc:  # the flow decides what is retryable
                outcome = exc
            result = first_result(outcome, endpoint, raw)
            if result is not PENDING:
                return cast(T, result)
        flow = self._flow(endpoint, request, options, raw)
        return cast(T, run_sync(flow, http.send, self._sleep, first=outcome))

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
            try:
                return await self._send(endpoint, path, query, body, headers, options, raw, cookies)
            except AuthenticationError:
                if attempt == 2 or not self._refresh_token(endpoint):
                    raise
        raise AssertionError("unreachable")

    async def _send(
        self,
        endpoint: Endpoint[T],
        path: Mapping[str, object],
        query: Mapping[str, object] | None,
        body: object,
        headers: Mapping[str, object] | None,
        options: RequestOptions,
        raw: bool,
        cookies: Mapping[str, object] | None,
    ) -> T:
        """One attempt of :meth:`_request` (see :meth:`SyncAPIClient._send`)."""
        http = self._http
        request = self._build_request(http, endpoint, path, query, body, options, headers, cookies)
        outcome: object = NOT_SENT
        if not logger.isEnabledFor(logging.DEBUG):  # the flow logs each answer at DEBUG
            try:
                outcome = await http.send(request)
            except Exception as exc:  # the flow decides what is retryable
                outcome = exc
            result = first_result(outcome, endpoint, raw)
            if result is not PENDING:
                return cast(T, result)
        flow = self._flow(endpoint, request, options, raw)
        return cast(T, await run_async(flow, http.send, self._sleep, first=outcome))

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
