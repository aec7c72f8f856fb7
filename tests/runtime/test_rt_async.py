"""The async client: same behaviour as the sync one, driven by asyncio (no plugin needed)."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

import httpx
import pytest
from rt_support import TOKEN, AsyncClient, Event, Mock, envelope
from rtpkg._core import errors
from rtpkg._core.pagination import AsyncPageIterator
from rtpkg._core.response import RawResponse

T = TypeVar("T")
ITEM = {"category": "c", "date": "2024-01-01T00:00:00Z", "event": "e", "tlp": "amber"}


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


def test_async_get_with_envelope() -> None:
    mock = Mock(envelope({"uuid": "u1"}))

    async def main() -> Event:
        async with mock.async_client() as client:
            return await client.events.get(dataset_id="a/b", event_id="..")

    assert run(main()).uuid == "u1"
    assert mock.paths[0].endswith("/dataset/a%2Fb/events/%2E%2E")


def test_async_retries_and_sleeps() -> None:
    mock = Mock((503, None, {"Retry-After": "2"}), (429, None), {"uuid": "u1"})

    async def main() -> None:
        client = mock.async_client()
        await client.events.get(dataset_id="d", event_id="e")
        await client.aclose()

    run(main())
    assert len(mock.requests) == 3
    assert mock.sleeps[0] == 2.0 and 0.5 <= mock.sleeps[1] <= 1.0
    assert mock.tracker.open == 0


def test_async_post_5xx_not_retried_unless_opted_in() -> None:
    async def attempt(**options: Any) -> int:
        mock = Mock((500, None), {"createdEventsCount": 1})
        client = mock.async_client()
        try:
            await client.events.bulk_create(data=[ITEM], dataset_id="d", **options)
        except errors.InternalServerError:
            pass
        return len(mock.requests)

    assert run(attempt()) == 1
    assert run(attempt(retry_unsafe=True)) == 2


def test_async_post_read_timeout_not_retried_connect_error_is() -> None:
    mock = Mock(
        lambda r: httpx.ConnectError("refused", request=r),
        lambda r: httpx.ReadTimeout("slow", request=r),
        default={"createdEventsCount": 1},
    )

    async def main() -> None:
        await mock.async_client().events.bulk_create(data=[ITEM], dataset_id="d")

    with pytest.raises(errors.APITimeoutError):
        run(main())
    assert len(mock.requests) == 2


def test_async_error_mapping_and_request_id() -> None:
    body = {"success": False, "errors": [{"code": 10000, "message": "Authentication error"}]}
    mock = Mock((403, body, {"cf-ray": "ray-x"}))

    async def main() -> None:
        await mock.async_client().events.get(dataset_id="d", event_id="e")

    with pytest.raises(errors.PermissionDeniedError) as info:
        run(main())
    assert info.value.request_id == "ray-x"
    assert info.value.errors[0].code == 10000
    assert TOKEN not in str(info.value)


def test_async_body_validated_before_send() -> None:
    mock = Mock({"createdEventsCount": 1})
    data = [ITEM, ITEM, ITEM, {k: v for k, v in ITEM.items() if k != "tlp"}]

    async def main() -> None:
        await mock.async_client().events.bulk_create(data=data, dataset_id="d")

    with pytest.raises(errors.RequestValidationError, match=r"data\[3\]\.tlp: Field required"):
        run(main())
    assert mock.requests == []


def test_async_with_raw_response() -> None:
    mock = Mock((200, envelope({"uuid": "u5"}, {"cursor": "c1"}), {"cf-ray": "r5"}))

    async def main() -> RawResponse[Event]:
        return await mock.async_client().events.with_raw_response.get(dataset_id="d", event_id="e")

    raw = run(main())
    assert isinstance(raw, RawResponse)
    assert raw.request_id == "r5" and raw.result_info == {"cursor": "c1"}
    assert raw.parse().uuid == "u5"


def test_async_pagination_stops() -> None:
    mock = Mock([{"uuid": "a"}, {"uuid": "b"}], [{"uuid": "c"}], default=[{"uuid": "zzz"}])
    repeat = Mock(default=[{"uuid": "a"}, {"uuid": "b"}])

    async def collect(m: Mock) -> list[str]:
        iterator = m.async_client().events.list_all(page_size=2)
        assert isinstance(iterator, AsyncPageIterator)
        return [event.uuid async for event in iterator]

    assert run(collect(mock)) == ["a", "b", "c"]
    assert len(mock.requests) == 2
    with pytest.raises(errors.PaginationError, match="page 2 of the listing repeats page 1"):
        run(collect(repeat))
    assert len(repeat.requests) == 2


def test_async_pages() -> None:
    mock = Mock([{"uuid": "a"}], [])

    async def main() -> list[list[str]]:
        iterator = mock.async_client().events.list_all(page_size=1)
        return [[e.uuid for e in page] async for page in iterator.pages()]

    assert run(main()) == [["a"]]


def test_async_close_only_owned_client() -> None:
    async def main() -> tuple[bool, bool]:
        supplied = httpx.AsyncClient()
        async with AsyncClient(api_token=TOKEN, http_client=supplied):
            pass
        owned = AsyncClient(api_token=TOKEN)
        await owned.close()
        result = (supplied.is_closed, owned._http.is_closed)
        await supplied.aclose()
        return result

    assert run(main()) == (False, True)


def test_async_cancellation_propagates_and_closes_nothing_open() -> None:
    mock = Mock((503, None), {"uuid": "u"})

    async def main() -> None:
        client = mock.async_client()

        async def never(seconds: float) -> None:
            raise asyncio.CancelledError

        client._sleep = never
        await client.events.get(dataset_id="d", event_id="e")

    with pytest.raises(asyncio.CancelledError):
        run(main())
    assert len(mock.requests) == 1 and mock.tracker.open == 0
