"""The exact bytes a few calls of the generated client put on the wire: method, URL, every header
in order, body, and the timeout handed to the transport.

Pinned before the per-call speed work of issue 18 (prebuilt headers, cached URLs, the body path
straight to pydantic-core bytes, requests built without ``httpx.Client.build_request``) so that
none of it can change a request. Sync and async must send the same bytes; a user's own
``httpx.Client`` keeps its headers, cookies and query parameters, merged as httpx merges them;
credentials come from the security schemes (after the default headers), and a ``with_options``
copy sends its own.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import httpx
import pytest

from cloudforce_one_events import AsyncClient, Client, __version__
from cloudforce_one_events.models import EventCreateItem

ACCOUNT = "0123456789abcdef0123456789abcdef"
TOKEN = "pin-token-0123456789"
DATASET = "182bd5e5-6e1a-4fe4-a799-aa6d9a6ab26e"
BASE = "https://api.test/client/v4"
BULK_URL = f"{BASE}/accounts/{ACCOUNT}/cloudforce-one/events/create/bulk"
DEFAULT_TIMEOUT = {"connect": 60.0, "read": 60.0, "write": 60.0, "pool": 60.0}

USER_AGENT = f"cloudforce-one-events/{__version__} python-httpx/{httpx.__version__}".encode()
ACCEPT_ENCODING = httpx.Client().headers["accept-encoding"].encode()  # depends on brotli/zstd

Wire = tuple[str, str, list[tuple[bytes, bytes]], bytes, dict[str, Any]]

BULK_ANSWER = {
    "success": True,
    "errors": [],
    "messages": [],
    "result": {
        "createdEventsCount": 1,
        "createdTagsCount": 0,
        "errorCount": 0,
        "queuedIndicatorsCount": 1,
    },
}
EVENT = {
    "attacker": "A",
    "attackerCountry": "US",
    "attackerCountryAlpha3": "USA",
    "category": "C",
    "datasetId": DATASET,
    "date": "2022-04-01T00:00:00Z",
    "event": "E",
    "hasChildren": False,
    "indicator": "i",
    "indicatorType": "domain",
    "indicatorTypeId": 5,
    "killChain": 3,
    "mitreAttack": [],
    "mitreCapec": [],
    "numReferenced": 0,
    "numReferences": 0,
    "rawId": "r",
    "referenced": [],
    "referencedIds": [],
    "references": [],
    "referencesIds": [],
    "tags": [],
    "targetCountry": "DE",
    "targetCountryAlpha3": "DEU",
    "targetIndustry": "F",
    "tlp": "amber",
    "uuid": "u",
}


def _answer(request: httpx.Request) -> httpx.Response:
    path = request.url.path
    if path.endswith("/create/bulk"):
        return httpx.Response(202, json=BULK_ANSWER)
    if path.endswith("/events"):
        return httpx.Response(200, json={"success": True, "result": [EVENT]})
    if "/events/dataset/" in path and "/events/" not in path.split("/events/dataset/", 1)[1]:
        result = {"isAnalytics": False, "isPublic": False, "name": "n", "uuid": "d"}
        return httpx.Response(200, json={"success": True, "result": result})
    return httpx.Response(200, json={"success": True, "result": EVENT})


class Recorder:
    """A MockTransport that keeps what each request carried."""

    def __init__(self) -> None:
        self.seen: list[Wire] = []

    def _record(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(
            (
                request.method,
                str(request.url),
                list(request.headers.raw),
                request.read(),
                dict(request.extensions["timeout"]),
            )
        )
        return _answer(request)

    def sync(self) -> httpx.MockTransport:
        return httpx.MockTransport(self._record)

    def asynchronous(self) -> httpx.MockTransport:
        async def handler(request: httpx.Request) -> httpx.Response:
            await request.aread()
            return self._record(request)

        return httpx.MockTransport(handler)


def headers(*extra: tuple[bytes, bytes], host: bytes = b"api.test") -> list[tuple[bytes, bytes]]:
    """``Host``, httpx's own defaults (``Accept`` and ``User-Agent``, which ours replace, move
    after the others), then ours."""
    return [
        (b"Host", host),
        (b"Accept-Encoding", ACCEPT_ENCODING),
        (b"Connection", b"keep-alive"),
        (b"Accept", b"application/json"),
        (b"User-Agent", USER_AGENT),
        *extra,
    ]


AUTH = (b"Authorization", f"Bearer {TOKEN}".encode())
JSON = (b"Content-Type", b"application/json")

ONE_EVENT_BODY = (
    b'{"data":[{"category":"Domain Resolution","date":"2022-04-01T00:00:00Z",'
    b'"event":"An attacker registered domain0.com","indicator":"domain0.com",'
    b'"raw":{"data":{"foo":"bar","n":0}},"tlp":"amber"}],'
    b'"datasetId":"182bd5e5-6e1a-4fe4-a799-aa6d9a6ab26e"}'
)


def small_event(i: int) -> dict[str, Any]:
    return {
        "category": "Domain Resolution",
        "date": "2022-04-01T00:00:00Z",
        "event": f"An attacker registered domain{i}.com",
        "indicator": f"domain{i}.com",
        "tlp": "amber",
        "raw": {"data": {"foo": "bar", "n": i}},
    }


# --- the calls: (name, call, expected) ---------------------------------------------------------


def _bulk_one(events: Any) -> Any:
    return events.bulk_create(data=[small_event(0)], dataset_id=DATASET)


def _bulk_snake_datetime(events: Any) -> Any:
    item = {
        "category": "c",
        "date": dt.datetime(2024, 5, 1, 12, 30, tzinfo=dt.timezone.utc),
        "event": "e",
        "raw": {"data": None, "source": "s"},
        "tlp": "red",
        "attacker_country": "FR",
        "target_industry": "Energy",
        "tags": ["a", "b"],
        "account_id": 7,
    }
    model = EventCreateItem(
        category="m", date="2024-05-02T00:00:00+02:00", event="e", raw={"data": {}}, tlp="white"
    )
    return events.bulk_create(data=[item, model], dataset_id=DATASET, include_created_events=True)


def _list_query(events: Any) -> Any:
    return events.list(
        dataset_id=[DATASET, "all"],
        page=2,
        page_size=50,
        order="desc",
        search=[{"field": "tlp", "op": "equals", "value": "amber"}],
        force_refresh=True,
    )


def _get_encoded(events: Any) -> Any:
    return events.get(dataset_id="a/b c?d", event_id="..", account_id="acc#1")


CASES: list[tuple[str, Any, Wire]] = [
    (
        "bulk_create, one event",
        _bulk_one,
        (
            "POST",
            BULK_URL,
            headers(AUTH, JSON, (b"Content-Length", b"244")),
            ONE_EVENT_BODY,
            DEFAULT_TIMEOUT,
        ),
    ),
    (
        "bulk_create, snake_case keys, a datetime, a model, a flag",
        _bulk_snake_datetime,
        (
            "POST",
            BULK_URL,
            headers(AUTH, JSON, (b"Content-Length", b"371")),
            b'{"data":[{"accountId":7.0,"attackerCountry":"FR","category":"c",'
            b'"date":"2024-05-01T12:30:00Z","event":"e","raw":{"data":null,"source":"s"},'
            b'"tags":["a","b"],"targetIndustry":"Energy","tlp":"red"},'
            b'{"category":"m","date":"2024-05-02T00:00:00+02:00","event":"e","raw":{"data":{}},'
            b'"tlp":"white"}],"datasetId":"182bd5e5-6e1a-4fe4-a799-aa6d9a6ab26e",'
            b'"includeCreatedEvents":true}',
            DEFAULT_TIMEOUT,
        ),
    ),
    (
        "list with a query",
        _list_query,
        (
            "GET",
            f"{BASE}/accounts/{ACCOUNT}/cloudforce-one/events?datasetId={DATASET}&datasetId=all"
            "&forceRefresh=true&order=desc&page=2&pageSize=50"
            "&search=%5B%7B%22field%22%3A%22tlp%22%2C%22op%22%3A%22equals%22%2C%22value%22%3A%22amber%22%7D%5D",
            headers(AUTH),
            b"",
            DEFAULT_TIMEOUT,
        ),
    ),
    (
        "get with path values to encode",
        _get_encoded,
        (
            "GET",
            f"{BASE}/accounts/acc%231/cloudforce-one/events/dataset/a%2Fb%20c%3Fd/events/%2E%2E",
            headers(AUTH),
            b"",
            DEFAULT_TIMEOUT,
        ),
    ),
]


def _sync_client(transport: httpx.BaseTransport, **kwargs: Any) -> Client:
    return Client(
        api_token=TOKEN,
        account_id=ACCOUNT,
        base_url=BASE,
        http_client=httpx.Client(transport=transport),
        **kwargs,
    )


@pytest.mark.parametrize(("name", "call", "expected"), CASES, ids=[c[0] for c in CASES])
def test_sync_requests_are_these_bytes(name: str, call: Any, expected: Wire) -> None:
    recorder = Recorder()
    call(_sync_client(recorder.sync()).events)
    assert recorder.seen == [expected]


@pytest.mark.parametrize(("name", "call", "expected"), CASES, ids=[c[0] for c in CASES])
def test_async_requests_are_the_same_bytes(name: str, call: Any, expected: Wire) -> None:
    recorder = Recorder()

    async def go() -> None:
        http = httpx.AsyncClient(transport=recorder.asynchronous())
        client = AsyncClient(api_token=TOKEN, account_id=ACCOUNT, base_url=BASE, http_client=http)
        await call(client.events)
        await http.aclose()

    asyncio.run(go())
    assert recorder.seen == [expected]


def test_repeated_calls_send_the_same_bytes_each_time() -> None:
    """Whatever a client caches between calls (URLs, headers) changes nothing on the wire."""
    recorder = Recorder()
    events = _sync_client(recorder.sync()).events
    for _ in range(3):
        _bulk_one(events)
        _get_encoded(events)
    assert recorder.seen == [CASES[0][2], CASES[3][2]] * 3


def test_legacy_credentials_options_and_a_changed_client() -> None:
    """Legacy auth, per-call options (headers, query, body, timeout) and a client whose timeout and
    base URL were changed after it was created."""
    recorder = Recorder()
    client = Client(
        api_email="me@example.com",
        api_key="pin-key-0123456789",
        account_id=ACCOUNT,
        base_url=BASE,
        http_client=httpx.Client(transport=recorder.sync()),
        default_headers={"X-Team": "blue"},
        timeout=5.0,
    )
    client.datasets.create(
        is_public=False,
        name="n",
        extra_headers={"X-Trace": "t1", "accept": "application/vnd.x+json"},
        extra_query={"debug": "1"},
        extra_body={"note": "hi"},
        timeout=httpx.Timeout(1.0, connect=2.0),
    )
    client.timeout = 9.0
    client.base_url = "https://other.test/v4"
    client.datasets.get(dataset_id="d")
    legacy = [  # the client's default headers, then the credentials the call's security names
        (b"X-Team", b"blue"),
        (b"X-Auth-Email", b"me@example.com"),
        (b"X-Auth-Key", b"pin-key-0123456789"),
    ]
    create_headers = [  # an overridden header moves to the end, spelled as the caller spelled it
        *[h for h in headers(*legacy) if h[0] != b"Accept"],
        JSON,
        (b"X-Trace", b"t1"),
        (b"accept", b"application/vnd.x+json"),
        (b"Content-Length", b"41"),
    ]
    assert recorder.seen == [
        (
            "POST",
            f"{BASE}/accounts/{ACCOUNT}/cloudforce-one/events/dataset/create?debug=1",
            create_headers,
            b'{"isPublic":false,"name":"n","note":"hi"}',
            {"connect": 2.0, "read": 1.0, "write": 1.0, "pool": 1.0},
        ),
        (
            "GET",
            f"https://other.test/v4/accounts/{ACCOUNT}/cloudforce-one/events/dataset/d",
            headers(*legacy, host=b"other.test"),
            b"",
            {"connect": 9.0, "read": 9.0, "write": 9.0, "pool": 9.0},
        ),
    ]


def test_a_users_http_client_keeps_its_headers_cookies_and_query() -> None:
    """Headers, cookies and query parameters set on the user's ``httpx.Client`` (also changed
    between calls, and cookies the server sets) reach every request, merged as httpx merges; its
    timeout and base URL do not apply (the client's own are used)."""
    recorder = Recorder()

    def answer(request: httpx.Request) -> httpx.Response:
        response = recorder._record(request)
        response.headers["set-cookie"] = "__cflb=abc; Path=/; Domain=api.test"
        return response

    http = httpx.Client(
        transport=httpx.MockTransport(answer),
        headers={"X-Client": "mine", "User-Agent": "theirs/1"},
        cookies={"session": "s1"},
        params={"via": "proxy"},
        base_url="https://ignored.test/base",
        timeout=3.0,
    )
    client = Client(api_token=TOKEN, account_id=ACCOUNT, base_url=BASE, http_client=http)
    client.datasets.get(dataset_id="d")
    http.headers["X-Client"] = "changed"
    client.datasets.get(dataset_id="d")
    url = f"{BASE}/accounts/{ACCOUNT}/cloudforce-one/events/dataset/d?via=proxy"
    first = [  # the client's own User-Agent is replaced by ours
        (b"Host", b"api.test"),
        (b"Accept-Encoding", ACCEPT_ENCODING),
        (b"Connection", b"keep-alive"),
        (b"X-Client", b"mine"),
        (b"Accept", b"application/json"),
        (b"User-Agent", USER_AGENT),
        AUTH,
        (b"Cookie", b"session=s1"),
    ]
    second = [
        *first[:3],
        (b"X-Client", b"changed"),
        *first[4:7],
        (b"Cookie", b"session=s1; __cflb=abc"),
    ]
    assert recorder.seen == [
        ("GET", url, first, b"", DEFAULT_TIMEOUT),
        ("GET", url, second, b"", DEFAULT_TIMEOUT),
    ]


def test_a_copy_with_other_options_sends_its_own_credentials_headers_and_timeout() -> None:
    """``with_options`` changes what the copy sends (credentials, default headers, timeout, base
    URL) and leaves the original's requests as they were, both sharing one connection pool."""
    recorder = Recorder()
    client = _sync_client(recorder.sync(), default_headers={"X-Team": "blue"})
    copy = client.with_options(
        api_token="other-token-42",
        default_headers={"X-Team": "red", "X-Extra": "1"},
        timeout=7.0,
        base_url="https://copy.test/v4/",
    )
    copy.datasets.get(dataset_id="d")
    client.datasets.get(dataset_id="d")
    path = f"/accounts/{ACCOUNT}/cloudforce-one/events/dataset/d"
    assert recorder.seen == [
        (
            "GET",
            f"https://copy.test/v4{path}",
            headers(
                (b"X-Team", b"red"),
                (b"X-Extra", b"1"),
                (b"Authorization", b"Bearer other-token-42"),
                host=b"copy.test",
            ),
            b"",
            {"connect": 7.0, "read": 7.0, "write": 7.0, "pool": 7.0},
        ),
        ("GET", f"{BASE}{path}", headers((b"X-Team", b"blue"), AUTH), b"", DEFAULT_TIMEOUT),
    ]
