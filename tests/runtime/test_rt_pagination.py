"""Pagination: the pure stop rules and list_all over a mock API (sync)."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from rt_support import Mock, envelope
from rtpkg._core import errors
from rtpkg._core.pagination import PageIterator, should_stop


@pytest.mark.parametrize(
    ("kwargs", "stop"),
    [
        ({"page": 1, "item_count": 0, "page_size": 10, "items_seen": 0}, True),
        ({"page": 1, "item_count": 10, "page_size": 10, "items_seen": 10}, False),
        ({"page": 1, "item_count": 9, "page_size": 10, "items_seen": 9}, True),
        ({"page": 1, "item_count": 9, "page_size": None, "items_seen": 9}, False),
        ({"page": 3, "item_count": 10, "page_size": 10, "items_seen": 30, "total_pages": 3}, True),
        ({"page": 2, "item_count": 10, "page_size": 10, "items_seen": 20, "total_pages": 3}, False),
        # the server capped the page size but reports more pages: keep going
        ({"page": 1, "item_count": 5, "page_size": 10, "items_seen": 5, "total_pages": 4}, False),
        ({"page": 2, "item_count": 10, "page_size": 10, "items_seen": 20, "total_count": 20}, True),
        ({"page": 2, "item_count": 5, "page_size": 10, "items_seen": 10, "total_count": 40}, False),
        ({"page": 2, "item_count": 10, "page_size": 10, "items_seen": 20, "repeated": True}, True),
        # a short first page without a total may be the server's cap: look at the next page
        ({"page": 1, "item_count": 9, "page_size": 10, "items_seen": 9, "first_page": True}, False),
        (
            {
                "page": 1,
                "item_count": 9,
                "page_size": 10,
                "items_seen": 9,
                "first_page": True,
                "total_count": 9,
            },
            True,
        ),
    ],
)
def test_should_stop_table(kwargs: dict[str, Any], stop: bool) -> None:
    assert should_stop(**kwargs) is stop


def events(*uuids: str) -> list[dict[str, str]]:
    return [{"uuid": u} for u in uuids]


def pages_requested(mock: Mock) -> list[str]:
    return [parse_qs(urlsplit(str(r.url)).query)["page"][0] for r in mock.requests]


def test_short_page_stops() -> None:
    mock = Mock(events("a", "b"), events("c", "d"), events("e"), default=events("zzz"))
    iterator = mock.client().events.list_all(page_size=2, dataset_id=["ds"])
    assert isinstance(iterator, PageIterator)
    assert mock.requests == []  # lazy
    assert [e.uuid for e in iterator] == ["a", "b", "c", "d", "e"]
    assert pages_requested(mock) == ["1", "2", "3"]
    query = parse_qs(urlsplit(str(mock.requests[0].url)).query)
    assert query == {"pageSize": ["2"], "datasetId": ["ds"], "page": ["1"]}


def test_empty_page_stops() -> None:
    mock = Mock(events("a", "b"), [], default=events("zzz"))
    assert [e.uuid for e in mock.client().events.list_all(page_size=2)] == ["a", "b"]
    assert len(mock.requests) == 2


def test_api_ignoring_page_does_not_loop() -> None:
    mock = Mock(default=events("a", "b"))
    seen: list[str] = []
    with pytest.raises(errors.PaginationError) as info:
        seen.extend(e.uuid for e in mock.client().events.list_all(page_size=2))
    assert seen == ["a", "b"]
    assert len(mock.requests) == 2
    assert (info.value.page, info.value.repeats) == (2, 1)
    assert isinstance(info.value, errors.APIError)


def test_a_short_first_page_repeated_is_the_end() -> None:
    """An API that ignores the page parameter and holds fewer items than a page (a mock server,
    a small dataset): the page fetched to check the short first page repeats it."""
    mock = Mock(default=events("a", "b"))
    assert [e.uuid for e in mock.client().events.list_all(page_size=10)] == ["a", "b"]
    assert len(mock.requests) == 2


def test_unknown_page_size_uses_other_rules() -> None:
    mock = Mock(events("a", "b", "c"), events("d"), [], default=events("zzz"))
    assert [e.uuid for e in mock.client().events.list_all()] == ["a", "b", "c", "d"]
    assert len(mock.requests) == 3
    assert "pageSize" not in str(mock.requests[0].url)


def test_total_pages_from_result_info() -> None:
    mock = Mock(
        envelope(events("a"), {"page": 1, "total_pages": 2}),
        envelope(events("b"), {"page": 2, "total_pages": 2}),
        default=envelope(events("zzz"), {}),
    )
    iterator = mock.client().events.list_all(page_size=1)
    assert [e.uuid for e in iterator] == ["a", "b"]
    assert len(mock.requests) == 2
    assert iterator.result_info == {"page": 2, "total_pages": 2}


def test_total_count_from_result_info() -> None:
    mock = Mock(
        envelope(events("a", "b"), {"total_count": 3}),
        envelope(events("c", "d"), {"total_count": 3}),
        default=envelope(events("zzz"), {}),
    )
    assert [e.uuid for e in mock.client().events.list_all(page_size=2)] == ["a", "b", "c", "d"]
    assert len(mock.requests) == 2


def tags(page: int, *uuids: str, total_pages: int = 3) -> dict[str, Any]:
    return {
        "tags": [{"uuid": u, "value": u.upper()} for u in uuids],
        "pagination": {"page": page, "totalPages": total_pages},
    }


def test_items_path_and_total_pages_path_with_default_page_size() -> None:
    mock = Mock(tags(1, "a", "b"), tags(2, "c"), tags(3, "d", "e"), default=tags(4, "z"))
    iterator = mock.client().events.tags_all()
    assert [(t.uuid, t.value) for t in iterator] == [
        ("a", "A"),
        ("b", "B"),
        ("c", "C"),
        ("d", "D"),
        ("e", "E"),
    ]
    assert pages_requested(mock) == ["1", "2", "3"]
    assert parse_qs(urlsplit(str(mock.requests[0].url)).query)["pageSize"] == ["2"]


def test_pages_iteration() -> None:
    mock = Mock(events("a", "b"), events("c"), events("a", "b"), events("c"))
    iterator = mock.client().events.list_all(page_size=2)
    assert [[e.uuid for e in page] for page in iterator.pages()] == [["a", "b"], ["c"]]
    assert [[e.uuid for e in page] for page in iterator.pages()] == [["a", "b"], ["c"]]


def test_path_errors_raised_at_call_time() -> None:
    mock = Mock(events("a"))
    with pytest.raises(ValueError, match="account_id"):
        mock.client().events.list_all(account_id="")


def test_errors_during_paging_propagate() -> None:
    mock = Mock(events("a", "b"), (404, {"success": False, "errors": []}))
    iterator = mock.client().events.list_all(page_size=2)
    assert next(iterator).uuid == "a"
    assert next(iterator).uuid == "b"
    with pytest.raises(errors.NotFoundError):
        next(iterator)


def test_paging_options_forwarded() -> None:
    mock = Mock(events("a"), [])
    list(mock.client().events.list_all(page_size=5, extra_headers={"X-Trace": "1"}))
    assert mock.requests[0].headers["X-Trace"] == "1"
    assert isinstance(mock.requests[0], httpx.Request)
