"""The one request loop, written once without I/O and driven by the sync and async clients.

:func:`request_flow` is a generator that yields actions (:class:`Send` a request, :class:`Sleep`
some seconds) and receives their outcomes (an ``httpx.Response`` or the exception raised while
sending; ``None`` after a sleep). It owns retries, logging, error mapping and parsing; the
drivers :func:`run_sync` and :func:`run_async` only perform the actions.

Most calls succeed at once, and then no generator is needed: the client sends the request itself
and :func:`first_result` finishes the call exactly as the flow would have. Any other outcome (an
error status, an exception) is handed to the flow as the answer to its first ``Send``
(``run_sync(..., first=outcome)``), which goes on from there: one loop decides every retry.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Generator
from dataclasses import dataclass
from typing import TypeAlias, TypeVar, cast

import httpx

from .endpoint import Endpoint
from .errors import APIConnectionError, APITimeoutError, shorten
from .logs import logger, scrub
from .response import RawResponse, make_status_error, parse_success
from .retries import RetryPolicy, retry_decision

__all__ = [
    "Send",
    "Sleep",
    "Action",
    "Outcome",
    "NOT_SENT",
    "PENDING",
    "first_result",
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


class _Marker:
    __slots__ = ("_name",)

    def __init__(self, name: str) -> None:
        self._name = name

    def __repr__(self) -> str:
        return self._name


NOT_SENT: object = _Marker("NOT_SENT")
"""``first`` of the drivers when the flow's first request has not been sent yet."""
PENDING: object = _Marker("PENDING")
""":func:`first_result` of an outcome the flow must decide."""


def _success(response: httpx.Response, endpoint: Endpoint[T], raw: bool) -> T | RawResponse[T]:
    return RawResponse(response, endpoint) if raw else parse_success(response, endpoint)


def first_result(outcome: object, endpoint: Endpoint[T], raw: bool) -> object:
    """The call's result when the first attempt succeeded (what the flow would return), else
    :data:`PENDING`. Only for callers that log nothing per answer (the flow logs at DEBUG)."""
    if isinstance(outcome, httpx.Response) and endpoint.is_success(outcome.status_code):
        return _success(outcome, endpoint, raw)
    return PENDING


def _path(request: httpx.Request) -> str:
    return request.url.raw_path.split(b"?", 1)[0].decode("ascii", "replace")


def _origin(request: httpx.Request) -> str:
    """``scheme://host[:port]`` of the request: never the user and password a URL may hold."""
    url = request.url
    port = f":{url.port}" if url.port is not None else ""
    host = f"[{url.host}]" if ":" in url.host else url.host  # an IPv6 address
    return f"{url.scheme}://{host}{port}"


def _log_answer(request: httpx.Request, outcome: object, started: float, now: float) -> None:
    what = outcome.status_code if isinstance(outcome, httpx.Response) else type(outcome).__name__
    elapsed = (now - started) * 1000.0
    logger.debug("%s %s -> %s (%.1f ms)", request.method, _path(request), what, elapsed)


def _log_retry(request: httpx.Request, delay: float, retry: int, of: int, reason: str) -> None:
    if logger.isEnabledFor(logging.INFO):
        logger.info(
            "Retrying %s %s in %.2f s (retry %d of %d): %s",
            request.method,
            _path(request),
            delay,
            retry,
            of,
            reason,
        )


def _retry_delay(
    outcome: Outcome,
    request: httpx.Request,
    retries_taken: int,
    policy: RetryPolicy,
    retry_unsafe: bool,
    secrets: tuple[str, ...],
) -> tuple[float, str]:
    """How long to wait before retrying after ``outcome`` (a failed answer or an exception), and
    why; raises the mapped error when it is not retried."""
    method = request.method
    if isinstance(outcome, httpx.Response):
        decision = retry_decision(
            method, status_code=outcome.status_code, retry_unsafe=retry_unsafe
        )
        retry = decision.retry and retries_taken < policy.max_retries
        delay = policy.delay(retries_taken, outcome.headers) if retry else None
        if delay is None:  # not retryable, out of retries, or asked to wait too long
            raise make_status_error(outcome)
        return delay, decision.reason
    if isinstance(outcome, Exception):
        if not isinstance(outcome, (httpx.HTTPError, OSError)):
            raise outcome
        decision = retry_decision(method, error=outcome, retry_unsafe=retry_unsafe)
        if not decision.retry or retries_taken >= policy.max_retries:
            raise _connection_error(outcome, request, secrets) from outcome
        return policy.backoff(retries_taken), decision.reason
    raise TypeError(f"expected an httpx.Response or an exception, got {outcome!r}")


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
    while True:
        debug = logger.isEnabledFor(logging.DEBUG)
        started = clock() if debug else 0.0
        outcome = yield Send(request)
        if debug and isinstance(outcome, (httpx.Response, httpx.HTTPError, OSError)):
            _log_answer(request, outcome, started, clock())
        if isinstance(outcome, httpx.Response) and endpoint.is_success(outcome.status_code):
            return _success(outcome, endpoint, raw)
        delay, reason = _retry_delay(outcome, request, retries_taken, policy, retry_unsafe, secrets)
        retries_taken += 1
        _log_retry(request, delay, retries_taken, policy.max_retries, reason)
        yield Sleep(delay)


def _connection_error(
    error: Exception, request: httpx.Request, secrets: tuple[str, ...]
) -> APIConnectionError:
    """The :class:`APIConnectionError` for a transport failure (or an answer that could not be
    read, such as a body whose ``Content-Encoding`` does not decode)."""
    detail = shorten(scrub(str(error) or type(error).__name__, secrets))
    what = f"{request.method} {_origin(request)}{_path(request)}"  # where it could not go
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
    first: object = NOT_SENT,
) -> R:
    """Drive ``flow`` with blocking ``send``/``sleep``; ``first``: the outcome of its first
    request when the caller already sent it."""
    try:
        action = next(flow)
        while True:
            outcome: Outcome = None
            if isinstance(action, Send):
                if first is not NOT_SENT:
                    outcome, first = cast(Outcome, first), NOT_SENT
                else:
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
    first: object = NOT_SENT,
) -> R:
    """Drive ``flow`` with awaitable ``send``/``sleep`` (``first`` as in :func:`run_sync`)."""
    try:
        action = next(flow)
        while True:
            outcome: Outcome = None
            if isinstance(action, Send):
                if first is not NOT_SENT:
                    outcome, first = cast(Outcome, first), NOT_SENT
                else:
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
