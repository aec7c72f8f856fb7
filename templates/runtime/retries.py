"""Retry policy: which failures are retried, how long to wait, ``Retry-After``.

The decision is a pure function of the method, the outcome and the opt-in flag, so it can be
tested as a table. An event must never be created twice: a non-idempotent request (POST, PATCH)
that the server may have processed (a 5xx answer, or a failure after the request was sent) is
only retried when the caller opts in with ``retry_unsafe``.
"""

from __future__ import annotations

import email.utils
import math
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal

import httpx

__all__ = [
    "IDEMPOTENT_METHODS",
    "RetryDecision",
    "RetryPolicy",
    "parse_retry_after",
    "retry_after_seconds",
    "retry_decision",
]

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"})

# Never reached the server: always safe to retry.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
# Failed after (part of) the request was sent: the server may have processed it.
_MAYBE_PROCESSED = (
    httpx.TimeoutException,
    httpx.NetworkError,
    httpx.RemoteProtocolError,
)


@dataclass(frozen=True)
class RetryDecision:
    retry: bool
    reason: str

    def __bool__(self) -> bool:
        return self.retry


def retry_decision(
    method: str,
    *,
    status_code: int | None = None,
    error: BaseException | None = None,
    retry_unsafe: bool = False,
) -> RetryDecision:
    """Whether one failed attempt may be retried (ignoring the retry budget).

    Pass either the response's ``status_code`` or the transport ``error``.
    """
    idempotent = method.upper() in IDEMPOTENT_METHODS
    unsafe_ok = idempotent or retry_unsafe
    if error is not None:
        name = type(error).__name__
        if isinstance(error, _NOT_SENT):
            return RetryDecision(True, f"{name} (request not sent)")
        if isinstance(error, _MAYBE_PROCESSED):
            if unsafe_ok:
                return RetryDecision(True, name)
            return RetryDecision(
                False,
                f"{name} after the {method} was sent; not retried without retry_unsafe",
            )
        return RetryDecision(False, f"{name} is not retryable")
    if status_code is None:
        return RetryDecision(False, "nothing to decide")
    if status_code == 429:
        return RetryDecision(True, "429 Too Many Requests")
    if status_code == 408:
        return RetryDecision(True, "408 Request Timeout")
    if status_code >= 500:
        if unsafe_ok:
            return RetryDecision(True, f"status {status_code}")
        return RetryDecision(
            False,
            f"status {status_code} on {method} may have been processed; not retried",
        )
    return RetryDecision(False, f"status {status_code} is not retryable")


def parse_retry_after(
    headers: Mapping[str, str], *, cap: float = 60.0, now: float | None = None
) -> float | None:
    """Seconds to wait from ``retry-after-ms`` or ``Retry-After``, clamped to ``[0, cap]``.

    Returns ``None`` when absent or unparsable (see :func:`retry_after_seconds`).
    """
    seconds = retry_after_seconds(headers, now=now)
    return None if seconds is None else min(seconds, cap)


def retry_after_seconds(headers: Mapping[str, str], *, now: float | None = None) -> float | None:
    """Seconds the server asks to wait: ``retry-after-ms``, else ``Retry-After`` (delta-seconds or
    an HTTP-date), never negative; ``None`` when absent or unparsable.

    ``headers`` lookups must be case-insensitive (``httpx.Headers`` is).
    """
    seconds: float | None = None
    millis = headers.get("retry-after-ms")
    if millis is not None:
        seconds = _number(millis)
        if seconds is not None:
            seconds /= 1000.0
    if seconds is None:
        value = headers.get("retry-after")
        if value is None:
            return None
        seconds = _number(value)
        if seconds is None:
            try:
                when = email.utils.parsedate_to_datetime(value.strip())
            except (TypeError, ValueError, IndexError):
                return None
            if when.tzinfo is None:
                return None
            seconds = when.timestamp() - (time.time() if now is None else now)
    return max(seconds, 0.0)


def _number(text: str) -> float | None:
    try:
        value = float(text.strip())
    except ValueError:
        return None
    if math.isnan(value) or math.isinf(value) or value < 0:
        return None
    return value


@dataclass(frozen=True)
class RetryPolicy:
    """Retry budget and backoff.

    Backoff is exponential (``initial_delay`` doubling per retry, capped at ``max_delay``) with
    jitter: ``"equal"`` waits in ``[d/2, d]``, ``"full"`` in ``[0, d]``. A ``Retry-After`` from
    the server replaces the backoff; a server asking for more than ``max_retry_after`` seconds is
    not waited for (:meth:`delay` returns ``None``: the call fails with the answer, whose error
    carries the value as ``retry_after``).
    """

    max_retries: int = 2
    initial_delay: float = 0.5
    max_delay: float = 8.0
    max_retry_after: float = 60.0
    jitter: Literal["equal", "full"] = "equal"
    rand: Callable[[], float] = field(default=random.random, repr=False)

    def __post_init__(self) -> None:
        if self.max_retries < 0:
            raise ValueError("max_retries must be >= 0")

    def backoff(self, retries_taken: int) -> float:
        """Delay before retry number ``retries_taken + 1`` without a ``Retry-After``."""
        ceiling = min(self.initial_delay * (2.0 ** min(retries_taken, 32)), self.max_delay)
        if self.jitter == "full":
            return ceiling * self.rand()
        return ceiling / 2.0 + ceiling / 2.0 * self.rand()

    def delay(self, retries_taken: int, headers: Mapping[str, str] | None = None) -> float | None:
        """The server's ``Retry-After`` when it sent one, else :meth:`backoff`; ``None`` (do not
        retry) when the server asks to wait longer than ``max_retry_after``."""
        if headers is not None:
            retry_after = retry_after_seconds(headers)
            if retry_after is not None:
                return retry_after if retry_after <= self.max_retry_after else None
        return self.backoff(retries_taken)
