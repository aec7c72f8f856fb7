"""Request building: path/query encoding, headers, body validation and serialization."""

from __future__ import annotations

import datetime as dt
import enum
import json
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
from rt_support import API_KEY, GET_EVENT, TOKEN, EventCreateItem, Mock
from rtpkg._core import errors
from rtpkg._core.endpoint import Endpoint
from rtpkg._core.request import encode_path_value, encode_query, render_path, serialize_body
from rtpkg._core.types import NOT_GIVEN

EVENT = {"uuid": "u1"}
CREATED = {"createdEventsCount": 2}
PREFIX = "/client/v4/accounts/acc123/cloudforce-one/events/dataset/"


def item(**overrides: Any) -> dict[str, Any]:
    value: dict[str, Any] = {
        "category": "malware",
        "date": "2024-05-01T12:00:00Z",
        "event": "seen",
        "tlp": "amber",
    }
    value.update(overrides)
    return value


# --- path ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "encoded"),
    [
        ("plain-id_1.2~x", "plain-id_1.2~x"),
        ("a/b", "a%2Fb"),
        ("..", "%2E%2E"),
        (".", "%2E"),
        ("...", "%2E%2E%2E"),
        ("../admin", "..%2Fadmin"),
        ("a?b=c#d", "a%3Fb%3Dc%23d"),
        ("50%", "50%25"),
        ("%2e%2e", "%252e%252e"),
        ("sp ace", "sp%20ace"),
        ("ümlaut✓", "%C3%BCmlaut%E2%9C%93"),
        (42, "42"),
    ],
)
def test_path_value_encoding(value: object, encoded: str) -> None:
    assert encode_path_value("event_id", value) == encoded


@pytest.mark.parametrize("value", ["a/b", "..", ".", "../../x", "a?b", "a#b", "ü/✓", "%2F"])
def test_path_value_never_changes_the_path(value: str) -> None:
    mock = Mock(EVENT)
    mock.client().events.get(dataset_id=value, event_id="e")
    (request,) = mock.requests
    raw_path = request.url.raw_path.decode()
    assert "?" not in raw_path and request.url.query == b""
    assert raw_path.startswith(PREFIX)
    dataset_segment, rest = raw_path[len(PREFIX) :].split("/", 1)
    assert rest == "events/e"
    assert dataset_segment == encode_path_value("dataset_id", value)
    assert request.url.path.count("/") == PREFIX.count("/") + 2 + value.count("/")


@pytest.mark.parametrize("value", ["", "   "])
def test_empty_path_param_raises_before_any_request(value: str) -> None:
    mock = Mock(EVENT)
    client = mock.client()
    with pytest.raises(ValueError, match="event_id") as info:
        client.events.get(dataset_id="d", event_id=value)
    assert isinstance(info.value, errors.RequestValidationError)
    with pytest.raises(ValueError, match="account_id"):
        client.events.get(dataset_id="d", event_id="e", account_id="")
    assert mock.requests == []


def test_render_path_missing_param() -> None:
    with pytest.raises(errors.RequestValidationError, match="`b`"):
        render_path("/a/{a}/{b}", {"a": "1", "b": NOT_GIVEN})


def test_account_id_from_client_or_per_call() -> None:
    mock = Mock(default=EVENT)
    client = mock.client(account_id="from-client")
    client.events.get(dataset_id="d", event_id="e")
    client.events.get(dataset_id="d", event_id="e", account_id="per-call")
    assert mock.paths[0].startswith("/client/v4/accounts/from-client/")
    assert mock.paths[1].startswith("/client/v4/accounts/per-call/")


def test_missing_account_id_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CLOUDFLARE_ACCOUNT_ID", raising=False)
    mock = Mock(default=EVENT)
    client = mock.client(account_id=None)
    with pytest.raises(errors.ConfigurationError, match="account_id") as info:
        client.events.get(dataset_id="d", event_id="e")
    assert "CLOUDFLARE_ACCOUNT_ID" in str(info.value)
    assert isinstance(info.value, ValueError)
    assert mock.requests == []
    client.events.get(dataset_id="d", event_id="e", account_id="given")
    assert len(mock.requests) == 1


# --- query --------------------------------------------------------------------------------


class Color(enum.Enum):
    RED = "red"


def test_query_encoding_table() -> None:
    pairs = encode_query(
        {
            "dropped": NOT_GIVEN,
            "none": None,
            "flag": True,
            "off": False,
            "n": 3,
            "ids": ["a", "b", None],
            "tuple": ("x",),
            "empty": [],
            "color": Color.RED,
            "when": dt.datetime(2024, 5, 1, 12, 0, tzinfo=dt.timezone.utc),
            "day": dt.date(2024, 5, 1),
            "search": [{"field": "tlp", "op": "equals", "value": "red"}],
            "filters": EventCreateItem.model_validate(item(tlp="red")),
        },
        json_query=frozenset({"search", "filters"}),
    )
    assert pairs == [
        ("flag", "true"),
        ("off", "false"),
        ("n", "3"),
        ("ids", "a"),
        ("ids", "b"),
        ("tuple", "x"),
        ("color", "red"),
        ("when", "2024-05-01T12:00:00+00:00"),
        ("day", "2024-05-01"),
        ("search", '[{"field":"tlp","op":"equals","value":"red"}]'),
        (
            "filters",
            '{"category":"malware","date":"2024-05-01T12:00:00Z","event":"seen","tlp":"red"}',
        ),
    ]


def test_extra_query_merged_last() -> None:
    pairs = encode_query({"a": "1", "b": ["x", "y"]}, extra={"b": "z", "c": False, "d": None})
    assert pairs == [("a", "1"), ("b", "z"), ("c", "false")]


def test_query_sent_on_the_wire() -> None:
    mock = Mock([EVENT])
    mock.client().events.list(
        page=2,
        dataset_id=["d1", "d 2"],
        search=[{"field": "event", "value": "a&b"}],
        force_refresh=False,
        since=dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc),
        extra_query={"debug": True},
    )
    query = parse_qsl(urlsplit(str(mock.requests[0].url)).query)
    assert query == [
        ("page", "2"),
        ("datasetId", "d1"),
        ("datasetId", "d 2"),
        ("search", '[{"field":"event","value":"a&b"}]'),
        ("forceRefresh", "false"),
        ("since", "2024-01-02T03:04:05+00:00"),
        ("debug", "true"),
    ]


def test_no_query_string_when_nothing_given() -> None:
    mock = Mock([EVENT])
    mock.client().events.list()
    assert mock.requests[0].url.query == b""


# --- headers ------------------------------------------------------------------------------


def test_default_headers() -> None:
    mock = Mock(EVENT)
    mock.client(default_headers={"X-Team": "intel"}).events.get(dataset_id="d", event_id="e")
    headers = mock.requests[0].headers
    assert headers["Authorization"] == f"Bearer {TOKEN}"
    assert headers["Accept"] == "application/json"
    assert headers["User-Agent"] == f"rtpkg/1.2.3 python-httpx/{httpx.__version__}"
    assert headers["X-Team"] == "intel"
    assert "content-type" not in headers
    assert "x-auth-key" not in headers


def test_legacy_auth_headers() -> None:
    mock = Mock(EVENT)
    client = mock.client(api_token=None, api_email="me@example.com", api_key=API_KEY)
    client.events.get(dataset_id="d", event_id="e")
    headers = mock.requests[0].headers
    assert headers["X-Auth-Email"] == "me@example.com"
    assert headers["X-Auth-Key"] == API_KEY
    assert "authorization" not in headers


def test_extra_headers_win() -> None:
    mock = Mock(EVENT)
    client = mock.client(default_headers={"x-team": "a", "user-agent": "custom/1"})
    client.events.get(dataset_id="d", event_id="e", extra_headers={"X-Team": "b"})
    headers = mock.requests[0].headers
    assert headers.get_list("x-team") == ["b"]
    assert headers.get_list("user-agent") == ["custom/1"]


def test_timeout_per_call_and_default() -> None:
    mock = Mock(default=EVENT)
    client = mock.client(timeout=12.0)
    client.events.get(dataset_id="d", event_id="e")
    client.events.get(dataset_id="d", event_id="e", timeout=3.0)
    client.events.get(dataset_id="d", event_id="e", timeout=httpx.Timeout(1.0, read=9.0))
    client.events.get(dataset_id="d", event_id="e", timeout=None)
    timeouts = [r.extensions["timeout"] for r in mock.requests]
    assert timeouts[0]["read"] == 12.0
    assert timeouts[1]["read"] == 3.0
    assert timeouts[2]["read"] == 9.0 and timeouts[2]["connect"] == 1.0
    assert timeouts[3]["read"] is None


# --- body ---------------------------------------------------------------------------------


def test_body_validated_before_send_with_field_and_index() -> None:
    mock = Mock(CREATED)
    data = [item(), item(), item(), item()]
    del data[3]["tlp"]
    data[1]["date"] = "not a date"
    with pytest.raises(errors.RequestValidationError) as info:
        mock.client().events.bulk_create(data=data, dataset_id="ds")
    exc = info.value
    assert isinstance(exc, ValueError)
    assert "data[3].tlp: Field required" in exc.problems
    assert any(p.startswith("data[1].date: ") for p in exc.problems)
    assert "data[3].tlp: Field required" in str(exc)
    assert mock.requests == []


def test_body_missing_top_level_field_uses_wire_name() -> None:
    mock = Mock(CREATED)
    with pytest.raises(errors.RequestValidationError) as info:
        mock.client().events.edit(event_id="e", body={"category": "c"})
    assert "date: Field required" in info.value.problems
    assert mock.requests == []


def test_body_serialized_by_alias_without_unset_fields() -> None:
    mock = Mock(CREATED)
    model_item = EventCreateItem(
        category="c", date=dt.datetime(2024, 1, 2, tzinfo=dt.timezone.utc), event="e", tlp="red"
    )
    snake_item = {**item(), "account_id": 7}
    wire_item = {**item(), "accountId": 8}
    mock.client().events.bulk_create(data=[model_item, snake_item, wire_item], dataset_id="ds")
    request = mock.requests[0]
    assert request.headers["Content-Type"] == "application/json"
    body = json.loads(request.content)
    assert body == {
        "data": [
            {"category": "c", "date": "2024-01-02T00:00:00Z", "event": "e", "tlp": "red"},
            {**item(), "accountId": 7},
            {**item(), "accountId": 8},
        ],
        "datasetId": "ds",
    }  # includeCreatedEvents not given: not sent, no nulls invented
    assert b" " not in request.content  # compact


def test_body_given_flag_sent() -> None:
    mock = Mock(CREATED)
    mock.client().events.bulk_create(data=[item()], dataset_id="ds", include_created_events=False)
    assert mock.body()["includeCreatedEvents"] is False


def test_naive_and_aware_datetimes_iso() -> None:
    mock = Mock(CREATED)
    data = [
        item(date=dt.datetime(2024, 1, 2, 3, 4, 5)),
        item(date=dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.timezone(dt.timedelta(hours=2)))),
    ]
    mock.client().events.bulk_create(data=data, dataset_id="ds")
    dates = [d["date"] for d in mock.body()["data"]]
    assert dates == ["2024-01-02T03:04:05", "2024-01-02T03:04:05+02:00"]


def test_extra_body_merged_into_top_level() -> None:
    mock = Mock(CREATED)
    mock.client().events.bulk_create(
        data=[item()], dataset_id="ds", extra_body={"datasetId": "override", "beta": [1]}
    )
    body = mock.body()
    assert body["datasetId"] == "override" and body["beta"] == [1]
    assert body["data"][0]["tlp"] == "amber"


def test_non_mapping_bodies() -> None:
    array = Endpoint[None](
        operation_id="arr",
        method="POST",
        path="/x",
        response_type=None,
        body_type=list[EventCreateItem],
    )
    assert json.loads(serialize_body(array, [item()]) or b"") == [item()]
    with pytest.raises(errors.RequestValidationError) as info:
        serialize_body(array, [item(), {"tlp": "x"}])
    assert "[1].category: Field required" in info.value.problems
    with pytest.raises(errors.RequestValidationError, match="extra_body"):
        serialize_body(array, [item()], {"x": 1})


def test_no_body() -> None:
    untyped = Endpoint[None](operation_id="u", method="POST", path="/x", response_type=None)
    assert serialize_body(untyped, NOT_GIVEN) is None
    assert serialize_body(untyped, NOT_GIVEN, {"a": 1}) == b'{"a":1}'
    assert serialize_body(untyped, {"a": NOT_GIVEN, "b": 2}) == b'{"b":2}'


def test_validation_message_does_not_echo_values() -> None:
    mock = Mock(CREATED)
    secret_value = "do-not-echo-this"
    with pytest.raises(errors.RequestValidationError) as info:
        mock.client().events.bulk_create(data=[{"tlp": secret_value}], dataset_id="ds")
    assert secret_value not in str(info.value)
    assert info.value.__cause__ is None


def test_header_params() -> None:
    from rtpkg._core.request import encode_headers

    assert encode_headers(
        {"X-A": "1", "X-B": NOT_GIVEN, "X-C": None, "X-D": True, "X-E": ["a", "b"]}
    ) == {"X-A": "1", "X-D": "true", "X-E": "a,b"}
    mock = Mock(EVENT)
    mock.client().events._request(
        GET_EVENT,
        path={"account_id": None, "dataset_id": "d", "event_id": "e"},
        headers={"X-Param": 5, "X-Skip": NOT_GIVEN},
        options={"extra_headers": {"X-Extra": "1"}},
    )
    headers = mock.requests[0].headers
    assert headers["X-Param"] == "5" and headers["X-Extra"] == "1" and "X-Skip" not in headers


def test_long_validation_message_is_capped() -> None:
    mock = Mock(CREATED)
    with pytest.raises(errors.RequestValidationError) as info:
        mock.client().events.bulk_create(data=[{"tlp": "x"}] * 30, dataset_id="ds")
    assert len(info.value.problems) == 90
    assert "... and 70 more" in str(info.value)
    assert str(info.value).count("\n") == 21
