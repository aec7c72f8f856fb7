"""Retries, sleeping and connection hygiene through a real client over httpx.MockTransport."""

from __future__ import annotations

import logging
from typing import Any

import httpx
import pytest
from rt_support import Mock, envelope
from rtpkg._core import errors

EVENT = {"uuid": "u1"}
ITEM = {"category": "c", "date": "2024-01-01T00:00:00Z", "event": "e", "tlp": "amber"}
CREATED = {"createdEventsCount": 1}


def call(client: Any, method: str, **options: Any) -> Any:
    if method == "GET":
        return client.events.get(dataset_id="d", event_id="e", **options)
    if method == "DELETE":
        return client.events.delete(dataset_id="d", **options)
    if method == "PATCH":
        return client.events.edit(event_id="e", body=ITEM, **options)
    return client.events.bulk_create(data=[ITEM], dataset_id="d", **options)


def ok_body(method: str) -> object:
    return CREATED if method == "POST" else EVENT


@pytest.mark.parametrize(
    ("method", "status", "attempts"),
    [
        ("GET", 500, 3),
        ("GET", 502, 3),
        ("GET", 503, 3),
        ("GET", 408, 3),
        ("GET", 429, 3),
        ("GET", 404, 1),
        ("GET", 400, 1),
        ("DELETE", 503, 3),
        ("POST", 503, 1),
        ("POST", 500, 1),
        ("POST", 429, 3),
        ("POST", 408, 3),
        ("POST", 409, 1),
        ("PATCH", 502, 1),
        ("PATCH", 429, 3),
    ],
)
def test_retries_taken_per_status_and_method(method: str, status: int, attempts: int) -> None:
    mock = Mock(default=(status, {"success": False, "errors": [{"code": 1, "message": "x"}]}))
    client = mock.client()
    with pytest.raises(errors.APIStatusError) as info:
        call(client, method)
    assert info.value.status_code == status
    assert len(mock.requests) == attempts
    assert len(mock.sleeps) == attempts - 1


def test_retry_then_success_returns_result() -> None:
    mock = Mock((503, None), (500, None), EVENT)
    assert call(mock.client(), "GET").uuid == "u1"
    assert len(mock.requests) == 3


def test_processed_post_not_retried_on_5xx_unless_opted_in_per_call() -> None:
    mock = Mock((503, None), CREATED)
    with pytest.raises(errors.InternalServerError):
        call(mock.client(), "POST")
    assert len(mock.requests) == 1

    mock = Mock((503, None), CREATED)
    assert call(mock.client(), "POST", retry_unsafe=True).created_events_count == 1
    assert len(mock.requests) == 2


def test_processed_post_retried_when_client_opts_in() -> None:
    mock = Mock((502, None), CREATED)
    assert call(mock.client(retry_unsafe=True), "POST").created_events_count == 1
    assert len(mock.requests) == 2
    # the per-call flag can also turn it back off
    mock = Mock((502, None), CREATED)
    with pytest.raises(errors.InternalServerError):
        call(mock.client(retry_unsafe=True), "POST", retry_unsafe=False)
    assert len(mock.requests) == 1


def test_post_read_timeout_not_retried() -> None:
    mock = Mock(default=lambda r: httpx.ReadTimeout("timed out", request=r))
    with pytest.raises(errors.APITimeoutError):
        call(mock.client(), "POST")
    assert len(mock.requests) == 1


def test_post_read_timeout_retried_when_opted_in() -> None:
    mock = Mock(lambda r: httpx.ReadTimeout("timed out", request=r), CREATED)
    assert call(mock.client(), "POST", retry_unsafe=True).created_events_count == 1
    assert len(mock.requests) == 2


@pytest.mark.parametrize("method", ["POST", "PATCH", "GET"])
def test_connect_error_always_retried(method: str) -> None:
    mock = Mock(
        lambda r: httpx.ConnectError("refused", request=r),
        lambda r: httpx.ConnectTimeout("slow", request=r),
        ok_body(method),
    )
    call(mock.client(), method)
    assert len(mock.requests) == 3


def test_post_429_retried_and_retry_after_honoured() -> None:
    mock = Mock(
        (429, None, {"Retry-After": "7"}),
        (429, None, {"Retry-After": "60"}),
        CREATED,
    )
    call(mock.client(), "POST")
    assert mock.sleeps == [7.0, 60.0]


@pytest.mark.parametrize("status", [429, 503])
def test_retry_after_beyond_a_minute_is_not_slept_on(status: int) -> None:
    mock = Mock((status, None, {"Retry-After": "3600"}), CREATED)
    with pytest.raises(errors.APIStatusError) as info:
        call(mock.client(), "GET")
    assert mock.sleeps == [] and len(mock.requests) == 1
    assert info.value.retry_after == 3600.0 and "Retry-After: 3600 s" in str(info.value)
    if status == 429:
        assert isinstance(info.value, errors.RateLimitError)


def test_answers_that_cannot_be_read_raise_api_errors() -> None:
    def broken(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"Content-Encoding": "gzip"}, content=b"not gzip")

    mock = Mock(default=broken)
    for method in ("GET", "POST"):
        with pytest.raises(errors.APIConnectionError) as info:
            call(mock.client(max_retries=0), method)
        assert isinstance(info.value.__cause__, httpx.DecodingError)
        assert "Could not read the answer" in str(info.value)


def test_a_connection_error_names_where_it_could_not_go_and_never_its_password() -> None:
    """A real refused connection on 127.0.0.1: the message has scheme, host and port (the first
    thing to check), not the user and password a base URL may carry."""
    import socket

    from rt_support import ACCOUNT, TOKEN, Client

    with socket.socket() as probe:  # a port nothing listens on once it is closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    base = f"http://user:hunter2@127.0.0.1:{port}/client/v4"
    client = Client(api_token=TOKEN, account_id=ACCOUNT, base_url=base, max_retries=0)
    with pytest.raises(errors.APIConnectionError) as info:
        call(client, "GET")
    text = str(info.value)
    assert f"Connection error: GET http://127.0.0.1:{port}/client/v4/" in text
    assert "hunter2" not in text and "user:" not in text


def test_error_messages_quote_a_few_kb_of_the_body_at_most() -> None:
    huge = {"success": False, "errors": [{"code": 1, "message": "x" * 500_000}]}
    mock = Mock((400, huge))
    with pytest.raises(errors.BadRequestError) as info:
        call(mock.client(), "POST")
    assert len(str(info.value)) < 4_000 and "more characters" in str(info.value)


def test_exhausted_connection_errors_raise_api_connection_error() -> None:
    mock = Mock(default=lambda r: httpx.ConnectError("refused", request=r))
    with pytest.raises(errors.APIConnectionError) as info:
        call(mock.client(), "GET")
    assert not isinstance(info.value, errors.APITimeoutError)
    assert isinstance(info.value.__cause__, httpx.ConnectError)
    assert info.value.request is not None
    assert len(mock.requests) == 3


def test_get_read_timeout_retried_then_raises_timeout_error() -> None:
    mock = Mock(default=lambda r: httpx.ReadTimeout("timed out", request=r))
    with pytest.raises(errors.APITimeoutError):
        call(mock.client(max_retries=1), "GET")
    assert len(mock.requests) == 2


def test_max_retries_zero_disables_retries() -> None:
    mock = Mock(default=(503, None))
    with pytest.raises(errors.InternalServerError):
        call(mock.client(max_retries=0), "GET")
    assert len(mock.requests) == 1
    assert mock.sleeps == []


def test_backoff_sleeps_grow() -> None:
    mock = Mock(default=(503, None))
    client = mock.client(max_retries=4)
    with pytest.raises(errors.InternalServerError):
        call(client, "GET")
    assert len(mock.sleeps) == 4
    for attempt, slept in enumerate(mock.sleeps):
        ceiling = min(0.5 * 2**attempt, 8.0)
        assert ceiling / 2 <= slept <= ceiling


def test_non_transport_exception_propagates_unchanged() -> None:
    mock = Mock(default=lambda r: RuntimeError("bug in a custom transport"))
    with pytest.raises(RuntimeError, match="bug in a custom transport"):
        call(mock.client(), "GET")
    assert len(mock.requests) == 1


def test_retry_logged_at_info(caplog: pytest.LogCaptureFixture) -> None:
    mock = Mock((503, None), EVENT)
    with caplog.at_level(logging.INFO, logger="rtpkg"):
        call(mock.client(), "GET")
    retries = [r for r in caplog.records if r.name == "rtpkg" and r.levelno == logging.INFO]
    assert len(retries) == 1
    text = retries[0].getMessage()
    assert "Retrying GET" in text and "503" in text and "retry 1 of 2" in text


def test_response_logged_at_debug(caplog: pytest.LogCaptureFixture) -> None:
    mock = Mock([EVENT])
    with caplog.at_level(logging.DEBUG, logger="rtpkg"):
        mock.client().events.list(page=2)
    (record,) = [r for r in caplog.records if r.name == "rtpkg"]
    text = record.getMessage()
    assert text.startswith("GET /client/v4/accounts/acc123/cloudforce-one/events -> 200 (")
    assert text.endswith(" ms)")
    assert "page" not in text  # no query string in logs


# --- no connection leaks -------------------------------------------------------------------


def leaky_scenarios() -> list[tuple[str, list[object], str]]:
    return [
        ("success", [EVENT], "GET"),
        ("retry then success", [(503, None), (429, None), EVENT], "GET"),
        ("status error", [(404, {"success": False, "errors": []})], "GET"),
        ("exhausted", [(503, None)] * 3, "GET"),
        ("bad json", [(200, b"<html>")], "GET"),
        ("success false", [envelope(None, success=False)], "GET"),
        ("post 5xx", [(500, None)], "POST"),
    ]


@pytest.mark.parametrize(("name", "replies", "method"), leaky_scenarios())
def test_every_response_is_closed(name: str, replies: list[object], method: str) -> None:
    mock = Mock(*replies)
    client = mock.client()
    try:
        call(client, method)
    except errors.APIError:
        pass
    assert mock.tracker.opened == len(replies), name
    assert mock.tracker.open == 0, name


def test_response_closed_when_reading_the_body_fails() -> None:
    from rt_support import TrackedStream

    mock = Mock()

    def broken(request: httpx.Request) -> httpx.Response:
        stream = TrackedStream(b"", mock.tracker, fail=httpx.ReadError("reset", request=request))
        return httpx.Response(200, stream=stream)

    mock.replies = [broken, broken, EVENT]
    call(mock.client(), "GET")
    assert mock.tracker.opened == 3
    assert mock.tracker.open == 0


def test_close_only_closes_owned_http_client() -> None:
    mock = Mock(EVENT)
    supplied = httpx.Client(transport=httpx.MockTransport(mock))
    with mock.client(http_client=supplied) as client:
        call(client, "GET")
    assert not supplied.is_closed
    supplied.close()

    from rt_support import TOKEN, Client

    with Client(api_token=TOKEN) as owned:
        inner = owned._http
    assert inner.is_closed
