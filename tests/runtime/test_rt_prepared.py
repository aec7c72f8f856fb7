"""What the runtime prepares once instead of per call, and the shortcuts of the common case, each
checked against the general rule it replaces: path templates split once, identifiers used as they
are, URLs parsed once, headers merged once per HTTP-client header set and credentials, what the
credentials send built once per requirement (again after a token refresh), the first answer
finished without driving the retry loop, a page of ``list_all`` decoded once."""

from __future__ import annotations

import logging
import re
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from rt_support import BASE, GET_EVENT, SCHEMES, Event, Mock, envelope
from rtpkg._core import errors, params
from rtpkg._core import response as response_module
from rtpkg._core.auth import Applied, Credentials, Scheme
from rtpkg._core.flow import PENDING, first_result, request_flow, run_sync
from rtpkg._core.request import RequestFactory
from rtpkg._core.response import RawResponse
from rtpkg._core.retries import RetryPolicy

# --- path -------------------------------------------------------------------------------------

TEXT = st.text(
    alphabet=st.sampled_from(list("ab.-_~/%?#{} ") + ["ü", "✓", "Z", "9"]), min_size=0, max_size=12
)


def general_rule(name: str, value: str) -> str:
    """The rule written out in full, as ``encode_path_value`` applied it to every value before."""
    if not value.strip():
        raise errors.RequestValidationError(name)
    if value.strip(".") == "":
        return "%2E" * len(value)
    return quote(value, safe="")


@given(TEXT)
def test_identifiers_used_as_they_are_follow_the_general_rule(value: str) -> None:
    try:
        expected = general_rule("x", value)
    except errors.RequestValidationError:
        with pytest.raises(errors.RequestValidationError):
            params.encode_path_value("x", value)
    else:
        assert params.encode_path_value("x", value) == expected


def substituted(template: str, values: dict[str, object]) -> str:
    """Placeholders substituted with a regular expression on every call: the way it was done."""

    def one(match: re.Match[str]) -> str:
        return params.encode_path_value(match.group(1), values[match.group(1)])

    return re.sub(r"\{([^{}]+)\}", one, template)


@given(
    st.lists(
        st.sampled_from(["/a", "/{x}", "{y}", "/b-{x}.json", "/{z}/", "?", "}", "{"]), max_size=6
    ),
    st.dictionaries(
        st.sampled_from(["x", "y", "z"]), st.from_regex(r"[a-z0-9./ %]{1,5}", fullmatch=True)
    ),
)
def test_a_split_template_renders_what_substitution_renders(
    pieces: list[str], values: dict[str, object]
) -> None:
    template = "".join(pieces)
    names = re.findall(r"\{([^{}]+)\}", template)
    values = {n: values.get(n, "v") for n in names}
    if any(not str(v).strip() for v in values.values()):
        return
    assert params.render_path(template, values) == substituted(template, values)


def test_split_templates_are_kept_up_to_a_bound() -> None:
    for i in range(params._TEMPLATES_MAX + 5):
        assert params.render_path(f"/t{i}/{{x}}", {"x": "v"}) == f"/t{i}/v"
    assert len(params._TEMPLATES) <= params._TEMPLATES_MAX


# --- URLs and headers ------------------------------------------------------------------------


def test_urls_are_parsed_once_and_kept_up_to_a_bound() -> None:
    factory = RequestFactory(httpx.Headers())
    first = factory.url(BASE, "/x/1")
    assert factory.url(BASE, "/x/1") is first and str(first) == f"{BASE}/x/1"
    for i in range(300):
        factory.url(BASE, f"/y/{i}")
    assert len(factory._urls) <= 256


TOKEN_ONLY = Applied({"Authorization": "Bearer t"}, (), {})


def build(
    factory: RequestFactory,
    http: httpx.Client,
    credentials: Applied = TOKEN_ONLY,
    timeout: float | httpx.Timeout | None = 5.0,
) -> httpx.Request:
    return factory.build(
        http,
        "GET",
        factory.url(BASE, "/x"),
        params=None,
        content=None,
        content_type=None,
        accept=None,
        credentials=credentials,
        call=None,
        timeout=timeout,
    )


def test_headers_are_merged_again_when_the_http_clients_change() -> None:
    factory = RequestFactory(httpx.Headers({"X-Team": "blue"}))
    http = httpx.Client(headers={"X-A": "1"})
    assert build(factory, http).headers["X-A"] == "1"
    http.headers["X-A"] = "2"
    assert build(factory, http).headers["X-A"] == "2"
    http.headers = httpx.Headers({"X-B": "3"})
    request = build(factory, http)
    assert "X-A" not in request.headers and request.headers["X-B"] == "3"
    assert request.headers["Authorization"] == "Bearer t"
    assert request.headers["X-Team"] == "blue"


def test_headers_merged_for_one_credential_are_not_sent_with_another() -> None:
    factory = RequestFactory(httpx.Headers())
    http = httpx.Client()
    legacy = Applied({"X-Auth-Email": "me@x.test", "X-Auth-Key": "k"}, (), {})
    assert build(factory, http).headers["Authorization"] == "Bearer t"
    request = build(factory, http, legacy)
    assert "Authorization" not in request.headers and request.headers["X-Auth-Key"] == "k"
    assert "'k'" not in repr(request.headers)  # the key header is hidden like Authorization
    assert build(factory, http).headers["Authorization"] == "Bearer t"


def test_the_timeout_is_built_again_when_its_value_changes() -> None:
    factory = RequestFactory(httpx.Headers())
    http = httpx.Client()
    assert build(factory, http, timeout=5.0).extensions["timeout"]["read"] == 5.0
    assert build(factory, http, timeout=httpx.Timeout(1.0, connect=2.0)).extensions["timeout"] == {
        "connect": 2.0,
        "read": 1.0,
        "write": 1.0,
        "pool": 1.0,
    }
    assert build(factory, http, timeout=None).extensions["timeout"]["read"] is None
    first = build(factory, http, timeout=5.0)
    first.extensions["timeout"]["read"] = 99.0  # a transport may change what it was handed
    assert build(factory, http, timeout=5.0).extensions["timeout"]["read"] == 5.0


def test_what_credentials_send_is_built_once_per_requirement_until_a_refresh() -> None:
    tokens = iter(["first", "second"])
    schemes = (*SCHEMES[1:], Scheme("oauth", "oauth", "X_OAUTH", prefix="Bearer ", provider=True))
    credentials = Credentials(schemes, {"oauth": lambda: next(tokens)})
    applied = credentials.apply((("oauth",),), "op")
    assert credentials.apply((("oauth",),), "op") is applied
    assert applied.headers == {"Authorization": "Bearer first"}
    credentials.refresh()
    again = credentials.apply((("oauth",),), "op")
    assert again is not applied and again.headers == {"Authorization": "Bearer second"}
    assert credentials.apply((), "op").headers == {}  # no requirement: nothing sent


class Recording(httpx.Client):
    """An HTTP client whose ``build_request`` does more than httpx's."""

    built = 0

    def build_request(self, *args: Any, **kwargs: Any) -> httpx.Request:
        type(self).built += 1
        request = super().build_request(*args, **kwargs)
        request.headers["X-Built-By"] = "subclass"
        return request


def test_an_http_client_that_overrides_build_request_builds_every_request() -> None:
    mock = Mock({"uuid": "u1"}, {"uuid": "u2"})
    http = Recording(transport=httpx.MockTransport(mock))
    client = mock.client(http_client=http)
    client.events.get(dataset_id="d", event_id="e1")
    client.events.get(dataset_id="d", event_id="e2", timeout=3.0)
    assert Recording.built == 2
    assert [r.headers["X-Built-By"] for r in mock.requests] == ["subclass", "subclass"]
    assert mock.requests[1].extensions["timeout"]["read"] == 3.0


def test_a_relative_base_url_is_joined_to_the_http_clients_own() -> None:
    mock = Mock({"uuid": "u1"})
    http = httpx.Client(transport=httpx.MockTransport(mock), base_url="https://proxy.test/api")
    client = mock.client(http_client=http, base_url="/v4")
    client.events.get(dataset_id="d", event_id="e1")
    assert str(mock.requests[0].url) == (
        "https://proxy.test/api/v4/accounts/acc123/cloudforce-one/events/dataset/d/events/e1"
    )


# --- the first answer -------------------------------------------------------------------------

POLICY = RetryPolicy(max_retries=2, rand=lambda: 1.0)


def test_first_result_finishes_a_success_and_leaves_the_rest_to_the_flow() -> None:
    request = httpx.Request("GET", "https://api.test/x")
    ok = httpx.Response(200, json={"uuid": "u1"}, request=request)
    result = first_result(ok, GET_EVENT, raw=False)
    assert isinstance(result, Event) and result.uuid == "u1"
    assert isinstance(first_result(ok, GET_EVENT, raw=True), RawResponse)
    assert first_result(httpx.Response(503, request=request), GET_EVENT, raw=False) is PENDING
    assert first_result(httpx.ConnectError("x", request=request), GET_EVENT, raw=False) is PENDING


def test_the_flow_goes_on_from_an_answer_already_received() -> None:
    request = httpx.Request("GET", "https://api.test/x")
    sent: list[httpx.Request] = []
    slept: list[float] = []

    def send(r: httpx.Request) -> httpx.Response:
        sent.append(r)
        return httpx.Response(200, json={"uuid": "u2"}, request=r)

    flow = request_flow(request, GET_EVENT, policy=POLICY)
    first = httpx.Response(503, request=request)
    result = run_sync(flow, send, slept.append, first=first)
    assert isinstance(result, Event) and result.uuid == "u2"
    assert slept == [0.5] and sent == [request]  # the first Send was answered by `first`


def test_every_answer_is_logged_with_its_time_at_debug(caplog: pytest.LogCaptureFixture) -> None:
    mock = Mock((503, {}), {"uuid": "u1"}, {"uuid": "u2"})
    client = mock.client()
    with caplog.at_level(logging.DEBUG, logger="rtpkg"):
        client.events.get(dataset_id="d", event_id="e1")
    lines = [r.getMessage() for r in caplog.records if r.levelno == logging.DEBUG]
    assert len(lines) == 2 and " -> 503 (" in lines[0] and " -> 200 (" in lines[1]
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="rtpkg"):
        client.events.get(dataset_id="d", event_id="e2")
    assert not [r for r in caplog.records if r.levelno == logging.DEBUG]


def test_an_exception_on_the_first_attempt_is_retried_like_any_other() -> None:
    request_error = httpx.ConnectError("refused")
    mock = Mock(request_error, {"uuid": "u1"})
    assert mock.client().events.get(dataset_id="d", event_id="e1").uuid == "u1"
    assert len(mock.requests) == 2 and len(mock.sleeps) == 1


def test_an_error_that_is_not_a_transport_error_propagates_as_it_is() -> None:
    class Broken(Exception):
        pass

    def transport(request: httpx.Request) -> httpx.Response:
        raise Broken("bug in a transport")

    client = Mock().client(http_client=httpx.Client(transport=httpx.MockTransport(transport)))
    with pytest.raises(Broken, match="bug in a transport"):
        client.events.get(dataset_id="d", event_id="e1")


# --- paging -------------------------------------------------------------------------------------


def test_each_page_is_decoded_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The page's bytes are validated into models with ``result_info`` in the same pass: no
    decoding to Python objects first (which ``from_json`` would do)."""
    mock = Mock(
        envelope([{"uuid": "a"}, {"uuid": "b"}], {"page": 1, "total_count": 3}),
        envelope([{"uuid": "c"}], {"page": 2, "total_count": 3}),
        default=envelope([{"uuid": "z"}], {}),
    )

    def refuse(*args: object, **kwargs: object) -> object:
        raise AssertionError("a page was decoded to Python objects")

    monkeypatch.setattr(response_module.pydantic_core, "from_json", refuse)
    iterator = mock.client().events.list_all(page_size=2)
    assert [e.uuid for e in iterator] == ["a", "b", "c"]
    assert iterator.result_info == {"page": 2, "total_count": 3}
    assert len(mock.requests) == 2


def test_a_page_repeating_an_earlier_one_is_still_found_from_the_parsed_items() -> None:
    page = envelope([{"uuid": "a"}, {"uuid": "b"}])
    mock = Mock(page, page, default=envelope([{"uuid": "z"}, {"uuid": "y"}]))
    seen: list[str] = []
    with pytest.raises(errors.PaginationError, match="page 2 of the listing repeats page 1"):
        for event in mock.client().events.list_all(page_size=2):
            seen.append(event.uuid)
    assert seen == ["a", "b"] and len(mock.requests) == 2


def test_a_page_without_items_that_does_not_validate_still_ends_the_listing() -> None:
    """``"result": null`` is no list of events, but it holds no items: the end, not an error."""
    mock = Mock(envelope([{"uuid": "a"}, {"uuid": "b"}]), envelope(None))
    assert [e.uuid for e in mock.client().events.list_all(page_size=2)] == ["a", "b"]
    assert len(mock.requests) == 2


def test_a_page_whose_items_do_not_validate_raises_naming_the_problem() -> None:
    mock = Mock(envelope([{"uuid": "a"}, {"nope": 1}]))
    with pytest.raises(errors.APIResponseValidationError, match="uuid"):
        list(mock.client().events.list_all(page_size=2))


def test_a_page_is_told_from_others_by_its_count_ends_and_sample() -> None:
    from rtpkg._core.pagination import _SAMPLED, _fingerprint

    page = [Event(uuid=f"e{i}") for i in range(100)]
    same = [Event(uuid=f"e{i}") for i in range(100)]
    assert _fingerprint(page) == _fingerprint(same)
    assert _fingerprint(page) != _fingerprint(page[:-1])  # count
    assert _fingerprint(page) != _fingerprint([Event(uuid="x"), *page[1:]])  # first
    assert _fingerprint(page) != _fingerprint([*page[:-1], Event(uuid="x")])  # last
    step = (len(page) - 1) // (_SAMPLED - 1)
    changed = [*page[:step], Event(uuid="x"), *page[step + 1 :]]
    assert _fingerprint(page) != _fingerprint(changed)  # a sampled item
    assert _fingerprint([Event(uuid="a")]) != _fingerprint([Event(uuid="b")])
