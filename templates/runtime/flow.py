"""The one request loop, written once without I/O and driven by the sync and async clients.

:func:`request_flow` is a generator that yields actions (:class:`Send` a request, :class:`Sleep`
some seconds) and receives their outcomes (an ``httpx.Response`` or the exception raised while
sending; ``None`` after a sleep). It owns retries, logging, error mapping and parsing; the
drivers :func:`run_sync` and :func:`run_async` only perform the actions.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Generator
from dataclasses import dataclass
from typing import TypeAlias, TypeVar

import httpx

from .endpoint import Endpoint
from .errors import APIConnectionError, APITimeoutError, shorten
from .logs import logger, scrub
from .response import RawResponse, make_status_error
from .retries import RetryPolicy, retry_decision

__all__ = [
    "Send",
    "Sleep",
    "Action",
    "Outcome",
    "request_flow",
    "run_sync",
    "run_async",
]

T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True)
class Send:
    """Send ``request`` (reading the whole body) and report the response or the exception."""

    request: httpx.Request


@dataclass(frozen=True)
class Sleep:
    """Wait ``seconds`` before the next attempt."""

    seconds: float


Action: TypeAlias = Send | Sleep
Outcome: TypeAlias = httpx.Response | Exception | None
Flow: TypeAlias = Generator[Action, Outcome, R]


def _path(request: httpx.Request) -> str:
    return request.url.raw_path.split(b"?", 1)[0].decode("ascii", "replace")


def request_flow(
    request: httpx.Request,
    endpoint: Endpoint[T],
    *,
    policy: RetryPolicy,
    retry_unsafe: bool = False,
    raw: bool = False,
    secrets: tuple[str, ...] = (),
    clock: Callable[[], float] = time.monotonic,
) -> Flow[T | RawResponse[T]]:
    """Send ``request`` with retries; return the parsed result (or a RawResponse when ``raw``).

    Raises the mapped :mod:`errors` exception when the last attempt fails.
    """
    retries_taken = 0
    method = request.method
    while True:
        debug = logger.isEnabledFor(logging.DEBUG)
        started = clock() if debug else 0.0
        outcome = yield Send(request)
        if isinstance(outcome, httpx.Response):
            response = outcome
            if debug:
                logger.debug(
                    "%s %s -> %d (%.1f ms)",
                    method,
                    _path(request),
                    response.status_code,
                    (clock() - started) * 1000.0,
                )
            if endpoint.is_success(response.status_code):
                result = RawResponse(response, endpoint)
                return result if raw else result.parse()
            decision = retry_decision(
                method, status_code=response.status_code, retry_unsafe=retry_unsafe
            )
            retry = decision.retry and retries_taken < policy.max_retries
            delay = policy.delay(retries_taken, response.headers) if retry else None
            if delay is None:  # not retryable, out of retries, or asked to wait too long
                raise make_status_error(response)
        elif isinstance(outcome, Exception):
            if not isinstance(outcome, (httpx.HTTPError, OSError)):
                raise outcome
            if debug:
                logger.debug(
                    "%s %s -> %s (%.1f ms)",
                    method,
                    _path(request),
                    type(outcome).__name__,
                    (clock() - started) * 1000.0,
                )
            decision = retry_decision(method, error=outcome, retry_unsafe=retry_unsafe)
            if not decision.retry or retries_taken >= policy.max_retries:
                raise _connection_error(outcome, request, secrets) from outcome
            delay = policy.backoff(retries_taken)
        else:
            raise TypeError(f"expected an httpx.Response or an exception, got {outcome!r}")
        retries_taken += 1
        if logger.isEnabledFor(logging.INFO):
            logger.info(
                "Retrying %s %s in %.2f s (retry %d of %d): %s",
                method,
                _path(request),
                delay,
                retries_taken,
                policy.max_retries,
                decision.reason,
            )
        yield Sleep(delay)


def _connection_error(
    error: Exception, request: httpx.Request, secrets: tuple[str, ...]
) -> APIConnectionError:
    """The :class:`APIConnectionError` for a transport failure (or an answer that could not be
    read, such as a body whose ``Content-Encoding`` does not decode)."""
    detail = shorten(scrub(str(error) or type(error).__name__, secrets))
    what = f"{request.method} {_path(request)}"
    if isinstance(error, httpx.TimeoutException):
        return APITimeoutError(f"Request timed out: {what}: {detail}", request=request)
    if isinstance(error, httpx.TransportError):
        return APIConnectionError(f"Connection error: {what}: {detail}", request=request)
    name = type(error).__name__
    return APIConnectionError(
        f"Could not read the answer to {what}: {name}: {detail}", request=request
    )


def run_sync(
    flow: Flow[R],
    send: Callable[[httpx.Request], httpx.Response],
    sleep: Callable[[float], object],
) -> R:
    """Drive ``flow`` with blocking ``send``/``sleep``."""
    try:
        action = next(flow)
        while True:
            outcome: Outcome = None
            if isinstance(action, Send):
                try:
                    outcome = send(action.request)
                except Exception as exc:  # the flow decides what is retryable
                    outcome = exc
            else:
                sleep(action.seconds)
            action = flow.send(outcome)
    except StopIteration as stop:
        return stop.value  # type: ignore[no-any-return]
    finally:
        flow.close()


async def run_async(
    flow: Flow[R],
    send: Callable[[httpx.Request], Awaitable[httpx.Response]],
    sleep: Callable[[float], Awaitable[object]],
) -> R:
    """Drive ``flow`` with awaitable ``send``/``sleep``."""
    try:
        action = next(flow)
        while True:
            outcome: Outcome = None
            if isinstance(action, Send):
                try:
                    outcome = await send(action.request)
                except Exception as exc:  # the flow decides what is retryable
                    outcome = exc
            else:
                await sleep(action.seconds)
            action = flow.send(outcome)
    except StopIteration as stop:
        return stop.value  # type: ignore[no-any-return]
    finally:
        flow.close()
