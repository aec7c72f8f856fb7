"""Retry policy as pure functions: Retry-After, the retry decision table, backoff."""

from __future__ import annotations

import email.utils

import httpx
import pytest
from rtpkg._core.retries import RetryPolicy, parse_retry_after, retry_decision

NOW = 1_700_000_000.0


def http_date(offset: float) -> str:
    return email.utils.formatdate(NOW + offset, usegmt=True)


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({}, None),
        ({"Retry-After": "3"}, 3.0),
        ({"Retry-After": " 1.5 "}, 1.5),
        ({"Retry-After": "0"}, 0.0),
        ({"Retry-After": "120"}, 60.0),  # capped
        ({"Retry-After": "-5"}, None),
        ({"Retry-After": "soon"}, None),
        ({"Retry-After": "nan"}, None),
        ({"Retry-After": "inf"}, None),
        ({"Retry-After": ""}, None),
        ({"Retry-After": http_date(10)}, 10.0),
        ({"Retry-After": http_date(-30)}, 0.0),  # in the past: retry now
        ({"Retry-After": http_date(3600)}, 60.0),  # capped
        ({"Retry-After": "Wed, 99 Foo 2024 99:99:99 GMT"}, None),
        ({"retry-after-ms": "250"}, 0.25),
        ({"retry-after-ms": "250", "Retry-After": "9"}, 0.25),
        ({"retry-after-ms": "junk", "Retry-After": "9"}, 9.0),
    ],
)
def test_parse_retry_after(headers: dict[str, str], expected: float | None) -> None:
    got = parse_retry_after(httpx.Headers(headers), cap=60.0, now=NOW)
    if expected is None:
        assert got is None
    else:
        assert got == pytest.approx(expected, abs=1.0)


IDEMPOTENT = ["GET", "DELETE", "PUT", "HEAD"]
UNSAFE = ["POST", "PATCH"]


@pytest.mark.parametrize(
    ("status", "idempotent_retry", "unsafe_retry"),
    [
        (400, False, False),
        (401, False, False),
        (403, False, False),
        (404, False, False),
        (409, False, False),
        (422, False, False),
        (408, True, True),
        (429, True, True),
        (500, True, False),
        (502, True, False),
        (503, True, False),
        (504, True, False),
    ],
)
def test_retry_decision_by_status_and_method(
    status: int, idempotent_retry: bool, unsafe_retry: bool
) -> None:
    for method in IDEMPOTENT:
        assert retry_decision(method, status_code=status).retry is idempotent_retry, method
    for method in UNSAFE:
        assert retry_decision(method, status_code=status).retry is unsafe_retry, method
        # opting in makes every retryable status retryable for POST/PATCH too
        opted = retry_decision(method, status_code=status, retry_unsafe=True)
        assert opted.retry is idempotent_retry, method


REQ = httpx.Request("POST", "https://api.test/x")


@pytest.mark.parametrize(
    ("error", "idempotent_retry", "unsafe_retry"),
    [
        (httpx.ConnectError("refused", request=REQ), True, True),
        (httpx.ConnectTimeout("slow connect", request=REQ), True, True),
        (httpx.PoolTimeout("pool", request=REQ), True, True),
        (httpx.ReadTimeout("slow read", request=REQ), True, False),
        (httpx.WriteTimeout("slow write", request=REQ), True, False),
        (httpx.ReadError("reset", request=REQ), True, False),
        (httpx.WriteError("broken pipe", request=REQ), True, False),
        (httpx.RemoteProtocolError("server hung up", request=REQ), True, False),
        (httpx.LocalProtocolError("bad header", request=REQ), False, False),
        (httpx.UnsupportedProtocol("ftp", request=REQ), False, False),
        (httpx.ProxyError("proxy", request=REQ), False, False),
    ],
)
def test_retry_decision_by_transport_error(
    error: Exception, idempotent_retry: bool, unsafe_retry: bool
) -> None:
    assert retry_decision("GET", error=error).retry is idempotent_retry
    assert retry_decision("POST", error=error).retry is unsafe_retry
    assert retry_decision("POST", error=error, retry_unsafe=True).retry is idempotent_retry


def test_decision_reason_explains_refusal() -> None:
    decision = retry_decision("POST", status_code=503)
    assert not decision
    assert "503" in decision.reason and "POST" in decision.reason


def test_backoff_grows_and_caps_with_equal_jitter() -> None:
    low = RetryPolicy(rand=lambda: 0.0)
    high = RetryPolicy(rand=lambda: 0.999999)
    ceilings = [0.5, 1.0, 2.0, 4.0, 8.0, 8.0, 8.0]
    for attempt, ceiling in enumerate(ceilings):
        assert low.backoff(attempt) == pytest.approx(ceiling / 2)
        assert high.backoff(attempt) == pytest.approx(ceiling, rel=1e-5)
    assert RetryPolicy().backoff(1000) <= 8.0


def test_backoff_jitter_bounds_with_real_random() -> None:
    equal = RetryPolicy()
    full = RetryPolicy(jitter="full")
    for attempt in range(6):
        ceiling = min(0.5 * 2**attempt, 8.0)
        for _ in range(50):
            assert ceiling / 2 <= equal.backoff(attempt) <= ceiling
            assert 0 <= full.backoff(attempt) <= ceiling


def test_delay_prefers_retry_after_over_backoff() -> None:
    policy = RetryPolicy(rand=lambda: 0.0)
    assert policy.delay(0, httpx.Headers({"Retry-After": "7"})) == 7.0
    assert policy.delay(0, httpx.Headers({"Retry-After": "60"})) == 60.0
    # a longer wait than the policy allows is not slept on: the caller gives up
    assert policy.delay(0, httpx.Headers({"Retry-After": "600"})) is None
    assert policy.delay(0, httpx.Headers({"retry-after-ms": "60001"})) is None
    assert policy.delay(2, httpx.Headers({"Retry-After": "garbage"})) == 1.0
    assert policy.delay(2) == 1.0


def test_negative_max_retries_rejected() -> None:
    with pytest.raises(ValueError):
        RetryPolicy(max_retries=-1)
