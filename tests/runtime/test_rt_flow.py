"""The sans-IO request loop on its own: the actions it yields for given outcomes."""

from __future__ import annotations

import httpx
import pytest
from rt_support import BULK, GET_EVENT, Event
from rtpkg._core import errors
from rtpkg._core.flow import Send, Sleep, request_flow
from rtpkg._core.response import RawResponse
from rtpkg._core.retries import RetryPolicy

POLICY = RetryPolicy(max_retries=2, rand=lambda: 1.0)


def response(request: httpx.Request, status: int, content: bytes = b"") -> httpx.Response:
    return httpx.Response(status, content=content, request=request)


def test_flow_yields_send_sleep_send_then_returns() -> None:
    request = httpx.Request("GET", "https://api.test/x")
    flow = request_flow(request, GET_EVENT, policy=POLICY)
    assert next(flow) == Send(request)
    assert flow.send(response(request, 503)) == Sleep(0.5)
    assert flow.send(None) == Send(request)
    assert flow.send(httpx.ConnectError("refused", request=request)) == Sleep(1.0)
    assert flow.send(None) == Send(request)
    with pytest.raises(StopIteration) as stop:
        flow.send(response(request, 200, b'{"uuid": "u1"}'))
    assert isinstance(stop.value.value, Event) and stop.value.value.uuid == "u1"


def test_flow_raw_returns_raw_response() -> None:
    request = httpx.Request("GET", "https://api.test/x")
    flow = request_flow(request, GET_EVENT, policy=POLICY, raw=True)
    next(flow)
    with pytest.raises(StopIteration) as stop:
        flow.send(response(request, 200, b"{}"))
    assert isinstance(stop.value.value, RawResponse)


def test_flow_budget_exhausted_raises_mapped_error() -> None:
    request = httpx.Request("POST", "https://api.test/x")
    flow = request_flow(request, BULK, policy=POLICY)
    next(flow)
    assert flow.send(response(request, 429)) == Sleep(0.5)
    next(flow)
    assert flow.send(response(request, 429)) == Sleep(1.0)
    next(flow)
    with pytest.raises(errors.RateLimitError):
        flow.send(response(request, 429))


def test_flow_rejects_unexpected_outcome() -> None:
    request = httpx.Request("GET", "https://api.test/x")
    flow = request_flow(request, GET_EVENT, policy=POLICY)
    next(flow)
    with pytest.raises(TypeError):
        flow.send(None)
