"""Envelope handling, error mapping, malformed bodies and raw responses."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from rt_support import BASE, DELETE, Event, Mock, envelope, raw_of
from rtpkg._core import errors
from rtpkg._core.endpoint import Endpoint
from rtpkg._core.response import RawResponse, error_details, is_envelope, make_status_error


def get(mock: Mock, **kwargs: Any) -> Event:
    return mock.client(**kwargs).events.get(dataset_id="d", event_id="e")


def test_bare_body_parsed() -> None:
    event = get(Mock({"uuid": "u1", "datasetId": "ds", "newField": 1}))
    assert event.uuid == "u1" and event.dataset_id == "ds"
    assert event.model_extra == {"newField": 1}  # unknown fields kept


def test_envelope_unwrapped() -> None:
    assert get(Mock(envelope({"uuid": "u2"}))).uuid == "u2"


def test_envelope_detection() -> None:
    assert is_envelope({"success": True, "result": None})
    assert is_envelope({"success": False, "errors": []})
    assert is_envelope({"success": True, "messages": []})
    assert not is_envelope({"success": True})  # a model that merely has a `success` field
    assert not is_envelope({"result": 1, "errors": []})
    assert not is_envelope([{"success": True, "result": 1}])


def test_declared_envelope_not_unwrapped() -> None:
    class Wrapped(Event):
        success: bool
        result: dict[str, Any] | None = None

    endpoint = Endpoint[Wrapped](
        operation_id="op", method="GET", path="/x", response_type=Wrapped, unwrap_envelope=False
    )
    mock = Mock(envelope({"k": 1}, uuid="u3"))
    value = mock.client().events._request(endpoint, path={}, options={})
    assert isinstance(value, Wrapped)
    assert value.success is True and value.result == {"k": 1} and value.uuid == "u3"


def test_list_response_in_envelope() -> None:
    mock = Mock(envelope([{"uuid": "a"}, {"uuid": "b"}], {"page": 1, "count": 2}))
    assert [e.uuid for e in mock.client().events.list()] == ["a", "b"]


def test_success_false_on_2xx_raises() -> None:
    body = envelope(None, success=False, errors=[{"code": 1001, "message": "nope"}])
    with pytest.raises(errors.APIEnvelopeError) as info:
        get(Mock(body))
    exc = info.value
    assert isinstance(exc, errors.APIStatusError)
    assert exc.status_code == 200
    assert exc.errors == [errors.ErrorDetail("nope", 1001)]
    assert "success=false" in str(exc) and "nope" in str(exc)


def test_success_false_raises_even_without_response_body_type() -> None:
    mock = Mock(envelope(None, success=False, errors=[{"code": 9, "message": "denied"}]))
    with pytest.raises(errors.APIEnvelopeError):
        mock.client().events.delete(dataset_id="d")


def test_no_body_endpoint_returns_none() -> None:
    for reply in [(204, None), (200, b"not json"), (200, {"uuid": "ignored"})]:
        mock = Mock(reply)
        result: object = mock.client().events._request(
            DELETE, path={"account_id": "a", "dataset_id": "d"}, options={}
        )
        assert result is None and len(mock.requests) == 1


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, errors.BadRequestError),
        (401, errors.AuthenticationError),
        (403, errors.PermissionDeniedError),
        (404, errors.NotFoundError),
        (409, errors.ConflictError),
        (422, errors.UnprocessableEntityError),
        (429, errors.RateLimitError),
        (500, errors.InternalServerError),
        (503, errors.InternalServerError),
        (418, errors.APIStatusError),
        (302, errors.APIStatusError),
    ],
)
def test_error_mapping(status: int, cls: type[errors.APIStatusError]) -> None:
    body = {
        "success": False,
        "errors": [{"code": 10000, "message": "first"}, {"message": "second"}],
        "messages": [],
        "result": None,
    }
    mock = Mock(default=(status, body, {"cf-ray": "8a1b2c3d4e-SJC"}))
    with pytest.raises(errors.APIStatusError) as info:
        get(mock, max_retries=0)
    exc = info.value
    assert type(exc) is cls
    assert isinstance(exc, errors.APIError)
    assert exc.status_code == status
    assert exc.errors == [errors.ErrorDetail("first", 10000), errors.ErrorDetail("second", None)]
    assert exc.request_id == "8a1b2c3d4e-SJC"
    assert exc.response.status_code == status
    assert exc.request is not None and exc.request.method == "GET"
    text = str(exc)
    assert text.startswith(f"{status} ")
    assert "first (code 10000); second" in text
    assert text.endswith("(cf-ray 8a1b2c3d4e-SJC)")


def test_not_found_message() -> None:
    body = {"success": False, "errors": [{"code": 7003, "message": "No route"}]}
    with pytest.raises(errors.NotFoundError) as info:
        get(Mock((404, body)))
    assert str(info.value) == "404 Not Found: No route (code 7003)"
    assert info.value.request_id is None


@pytest.mark.parametrize(
    ("body", "expected_messages"),
    [
        (b"", []),
        (b"<html>bad gateway</html>", []),
        (b'{"error": "plain"}', ["plain"]),
        (b'{"message": "msg"}', ["msg"]),
        (b'{"errors": ["just text", 5, {"code": "E1"}]}', ["just text", ""]),
        (b"[1, 2]", []),
        (b'"text"', []),
        # the shapes other APIs answer with (the generator builds clients for any API)
        (b'{"error": {"message": "No such model", "code": "model_not_found"}}', ["No such model"]),
        (b'{"type": "about:blank", "title": "Not Found", "detail": "no pet 7"}', ["no pet 7"]),
        (b'{"error": "invalid_grant", "error_description": "expired"}', ["expired"]),
        (b'{"errors": [{"title": "Invalid", "detail": "name is required"}]}', ["name is required"]),
    ],
)
def test_error_body_tolerated(body: bytes, expected_messages: list[str]) -> None:
    request = httpx.Request("GET", BASE + "/x")
    response = httpx.Response(400, content=body, request=request)
    exc = make_status_error(response)
    assert isinstance(exc, errors.BadRequestError)
    assert [d.message for d in exc.errors] == expected_messages
    if body.startswith(b"<html>"):
        assert "bad gateway" in str(exc)  # non-JSON error body: a snippet


def test_an_error_body_of_an_unknown_shape_is_quoted_in_the_message() -> None:
    """Whatever JSON the server explains itself with reaches the message, shortened."""
    request = httpx.Request("GET", BASE + "/x")
    body = b'{"fault": {"faultstring": "Quota exceeded for key"}}'
    exc = make_status_error(httpx.Response(404, content=body, request=request))
    assert exc.errors == [] and exc.body == {"fault": {"faultstring": "Quota exceeded for key"}}
    assert str(exc) == '404 Not Found: {"fault": {"faultstring": "Quota exceeded for key"}}'


def test_error_details_codes() -> None:
    details = error_details(
        {"errors": [{"code": 1, "message": "a"}, {"code": [1], "message": "b"}]}
    )
    assert details == [errors.ErrorDetail("a", 1), errors.ErrorDetail("b", None)]


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"", "empty body"),
        (b"   ", "empty body"),
        (b"<html><body>Gateway error</body></html>", "not valid JSON"),
        (b'{"uuid": "u1"', "not valid JSON"),
    ],
)
def test_malformed_body_raises_response_validation_error(content: bytes, problem: str) -> None:
    mock = Mock((200, content, {"cf-ray": "ray-1"}))
    with pytest.raises(errors.APIResponseValidationError) as info:
        get(mock)
    exc = info.value
    assert isinstance(exc, errors.APIError)
    assert exc.status_code == 200 and exc.request_id == "ray-1"
    text = str(exc)
    assert text.startswith("200 OK: ") and problem in text
    assert content.decode().strip()[:20] in text  # a snippet of the body


def test_snippet_is_truncated() -> None:
    mock = Mock((200, b"x" * 5000))
    with pytest.raises(errors.APIResponseValidationError) as info:
        get(mock)
    assert "x" * 200 + "..." in str(info.value)
    assert "x" * 201 not in str(info.value)


def test_body_of_wrong_shape_raises_response_validation_error() -> None:
    with pytest.raises(errors.APIResponseValidationError) as info:
        get(Mock({"no_uuid": True}))
    assert "uuid" in str(info.value) and "Field required" in str(info.value)
    with pytest.raises(errors.APIResponseValidationError):
        get(Mock(envelope([1, 2])))


def test_with_raw_response_parse() -> None:
    mock = Mock(
        (
            200,
            envelope({"uuid": "u9"}, {"cursor": "next-1"}),
            {"cf-ray": "ray-9", "x-custom": "1"},
        )
    )
    raw = mock.client().events.with_raw_response.get(dataset_id="d", event_id="e")
    assert isinstance(raw, RawResponse)
    assert raw.status_code == 200
    assert raw.headers["x-custom"] == "1"
    assert raw.request_id == "ray-9"
    assert raw.result_info == {"cursor": "next-1"}
    assert raw.json()["result"] == {"uuid": "u9"}
    assert raw.content.startswith(b"{")
    assert isinstance(raw.http_response, httpx.Response)
    event = raw.parse()
    assert isinstance(event, Event) and event.uuid == "u9"
    assert raw.parse() is event  # cached
    assert "RawResponse [200] GET" in repr(raw)


def test_raw_response_defers_body_errors_to_parse() -> None:
    mock = Mock((200, b"garbage"), envelope(None, success=False))
    raw_events = mock.client().events.with_raw_response
    raw = raw_events.get(dataset_id="d", event_id="e")
    assert raw.result_info is None
    with pytest.raises(errors.APIResponseValidationError):
        raw.parse()
    raw = raw_events.get(dataset_id="d", event_id="e")
    with pytest.raises(errors.APIEnvelopeError):
        raw.parse()


def test_raw_response_still_raises_status_errors() -> None:
    with pytest.raises(errors.NotFoundError):
        Mock((404, None)).client().events.with_raw_response.get(dataset_id="d", event_id="e")


def test_raw_response_for_list_and_none() -> None:
    mock = Mock(envelope([{"uuid": "a"}], {"total_count": 1}), (204, None))
    raw_events = mock.client().events.with_raw_response
    raw_list = raw_events.list()
    assert [e.uuid for e in raw_list.parse()] == ["a"]
    assert raw_list.result_info == {"total_count": 1}
    assert raw_of(raw_events.delete(dataset_id="d")).parse() is None


def test_undeclared_2xx_is_success() -> None:
    assert get(Mock((201, {"uuid": "u1"}))).uuid == "u1"


def test_response_validation_problems_listed_compactly() -> None:
    mock = Mock([{"nothing": i} for i in range(10)])
    with pytest.raises(errors.APIResponseValidationError) as info:
        mock.client().events.list()
    exc = info.value
    assert exc.problems[0] == "[0].uuid: Field required" and len(exc.problems) == 10
    assert "(10 problems)" in str(exc)
    assert exc.__cause__ is None and exc.__suppress_context__
