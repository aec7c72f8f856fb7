"""``events.list_all`` against a real HTTP server whose pages misbehave: every loop ends, and
nothing is dropped silently (an error names the page instead)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from live_server import ACCOUNT, TOKEN, LiveServer, envelope, serve

from bench._harness import event_record
from cloudforce_one_events import AsyncClient, Client, PaginationError


@pytest.fixture
def live() -> Iterator[LiveServer]:
    with serve() as server:
        yield server


def client(live: LiveServer) -> Client:
    return Client(api_token=TOKEN, account_id=ACCOUNT, base_url=live.url)


def records(first: int, count: int) -> list[dict[str, Any]]:
    return [event_record(i) for i in range(first, first + count)]


def numbers(events: list[Any]) -> list[int]:
    return [int(e.uuid.rsplit("-", 1)[1]) for e in events]


def pages_asked(live: LiveServer) -> list[str]:
    return [q.get("page", "-") for q in live.list_requests]


def test_pages_that_cycle_raise_instead_of_looping(live: LiveServer) -> None:
    live.pages = lambda q: (200, envelope(records(0 if int(q["page"]) % 2 else 100, 100)))
    seen: list[Any] = []
    with client(live) as c, pytest.raises(PaginationError) as info:
        seen.extend(c.events.list_all())
    assert numbers(seen) == list(range(100)) + list(range(100, 200))
    assert pages_asked(live) == ["1", "2", "3"]
    assert (info.value.page, info.value.repeats) == (3, 1)
    assert "page 3 of the listing repeats page 1" in str(info.value)


def test_a_page_repeated_once_is_an_error_not_the_end(live: LiveServer) -> None:
    contents = {1: 0, 2: 0, 3: 100}
    live.pages = lambda q: (200, envelope(records(contents.get(int(q["page"]), 900), 100)))
    with client(live) as c, pytest.raises(PaginationError, match="page 2 .* repeats page 1"):
        list(c.events.list_all())


def test_a_server_capping_the_page_size_is_read_to_the_end(live: LiveServer) -> None:
    """200 items, 100 asked per page, the server gives 50: every item is read."""

    def capped(q: dict[str, str]) -> tuple[int, Any]:
        start = (int(q["page"]) - 1) * 50
        return 200, envelope(records(start, max(0, min(50, 200 - start))))

    live.pages = capped
    with client(live) as c:
        assert numbers(list(c.events.list_all(page_size=100))) == list(range(200))
    assert pages_asked(live) == ["1", "2", "3", "4", "5"]


def test_a_short_first_page_that_is_all_costs_one_request_more(live: LiveServer) -> None:
    live.pages = lambda q: (200, envelope(records(0, 30) if q["page"] == "1" else []))
    with client(live) as c:
        assert numbers(list(c.events.list_all(page_size=100))) == list(range(30))
    assert pages_asked(live) == ["1", "2"]


def test_a_total_that_reports_more_items_is_followed(live: LiveServer) -> None:
    def counted(q: dict[str, str]) -> tuple[int, Any]:
        start = (int(q["page"]) - 1) * 40
        return 200, envelope(records(start, max(0, min(40, 130 - start))), total_count=130)

    live.pages = counted
    with client(live) as c:
        assert numbers(list(c.events.list_all(page_size=100))) == list(range(130))
    assert pages_asked(live) == ["1", "2", "3", "4"]


def test_a_total_that_says_it_is_the_last_page_stops_at_once(live: LiveServer) -> None:
    live.pages = lambda q: (200, envelope(records(0, 30), total_pages=1))
    with client(live) as c:
        assert len(list(c.events.list_all(page_size=100))) == 30
    assert pages_asked(live) == ["1"]


def test_the_cursor_is_used_when_the_api_returns_one(live: LiveServer) -> None:
    def by_cursor(q: dict[str, str]) -> tuple[int, Any]:
        at = int(q.get("cursor", "c0")[1:])
        more = {"cursor": f"c{at + 100}"} if at + 100 < 250 else {}
        return 200, envelope(records(at, min(100, 250 - at)), **more)

    live.pages = by_cursor
    with client(live) as c:
        assert numbers(list(c.events.list_all(page_size=100))) == list(range(250))
    assert [q.get("cursor") for q in live.list_requests] == [None, "c100", "c200"]
    assert pages_asked(live) == ["1", "-", "-"]  # the page number is not sent with a cursor
    assert all(q["pageSize"] == "100" for q in live.list_requests)


def test_a_cursor_that_comes_back_raises(live: LiveServer) -> None:
    live.pages = lambda q: (200, envelope(records(int(q.get("cursor", "0")), 10), cursor="10"))
    seen: list[Any] = []
    with client(live) as c, pytest.raises(PaginationError, match="cursor already used"):
        seen.extend(c.events.list_all(page_size=10))
    assert numbers(seen) == list(range(20)) and len(live.list_requests) == 2


def test_max_pages_guards_a_listing_that_never_ends(live: LiveServer) -> None:
    live.pages = lambda q: (200, envelope(records(int(q["page"]) * 10, 10)))
    seen: list[Any] = []
    with client(live) as c, pytest.raises(PaginationError, match="max_pages=5") as info:
        seen.extend(c.events.list_all(page_size=10, max_pages=5))
    assert len(seen) == 50 and len(live.list_requests) == 5 and info.value.page == 5


def test_the_page_size_is_clamped_to_the_documented_maximum(live: LiveServer) -> None:
    live.pages = lambda q: (200, envelope([]))
    with client(live) as c:
        assert list(c.events.list_all(page_size=1_000_000)) == []
    assert live.list_requests[0]["pageSize"] == "25000"


def test_async_paging_raises_on_cycles_too(live: LiveServer) -> None:
    live.pages = lambda q: (200, envelope(records(0 if int(q["page"]) % 2 else 10, 10)))

    async def main() -> list[Any]:
        seen: list[Any] = []
        async with AsyncClient(api_token=TOKEN, account_id=ACCOUNT, base_url=live.url) as c:
            with pytest.raises(PaginationError):
                async for event in c.events.list_all(page_size=10):
                    seen.append(event)
        return seen

    assert len(asyncio.run(main())) == 20 and len(live.list_requests) == 3
