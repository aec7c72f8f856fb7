"""Auto-paging over page/pageSize list operations (``list_all``), sync and async.

The bookkeeping and stop rules live in :class:`Pager` (no I/O); :class:`PageIterator` and
:class:`AsyncPageIterator` only fetch. Stop rules (:func:`should_stop`): an empty page; a page
whose items repeat the previous page exactly (an API that ignores ``page``); the reported total
(pages or items) when the API reports one, else a page shorter than the page size.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import pydantic_core

from .response import RawResponse
from .types import is_model

__all__ = [
    "PaginationSpec",
    "PageIterator",
    "AsyncPageIterator",
    "Pager",
    "should_stop",
]

T = TypeVar("T")


@dataclass(frozen=True)
class PaginationSpec:
    """How one list operation pages. Paths are dotted wire names inside the (unwrapped) result.

    ``items_path=None`` means the result itself is the list of items. Totals are also looked up
    in the envelope's ``result_info`` (``total_pages`` / ``total_count``).
    """

    page_param: str = "page"
    size_param: str = "pageSize"
    items_path: str | None = None
    total_pages_path: str | None = None
    total_count_path: str | None = None
    default_page_size: int | None = None
    first_page: int = 1


def should_stop(
    *,
    page: int,
    item_count: int,
    page_size: int | None,
    items_seen: int,
    total_pages: int | None = None,
    total_count: int | None = None,
    repeated: bool = False,
) -> bool:
    """Whether the page just read (number ``page``, ``item_count`` items) is the last one."""
    if item_count == 0 or repeated:
        return True
    if total_pages is not None:
        return page >= total_pages
    if total_count is not None:
        return items_seen >= total_count
    return page_size is not None and item_count < page_size


def _lookup(value: object, path: str | None) -> object:
    """Follow a dotted path of wire names through dicts and pydantic models (by alias or name)."""
    if path is None:
        return value
    for key in path.split("."):
        if isinstance(value, Mapping):
            value = value.get(key)
        elif is_model(value):
            value = _model_field(value, key)
        else:
            value = getattr(value, key, None)
        if value is None:
            return None
    return value


def _model_field(model: Any, key: str) -> object:
    for name, info in type(model).model_fields.items():
        if key in (name, info.alias, info.validation_alias):
            return getattr(model, name)
    extra = model.model_extra or {}
    return extra.get(key, getattr(model, key, None))


def _as_int(value: object) -> int | None:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    try:
        return int(value)
    except ValueError:
        return None


class Pager:
    """Page bookkeeping shared by the sync and async iterators (no I/O)."""

    def __init__(self, spec: PaginationSpec, query: Mapping[str, object] | None) -> None:
        self.spec = spec
        self._query = dict(query or {})
        start = _as_int(self._query.get(spec.page_param))
        self.page = start if start is not None else spec.first_page
        self.page_size = _as_int(self._query.get(spec.size_param))
        if self.page_size is None and spec.default_page_size is not None:
            self.page_size = spec.default_page_size
            self._query[spec.size_param] = spec.default_page_size
        self.items_seen = 0
        self.done = False
        self.result_info: dict[str, Any] | None = None
        self._previous: bytes | None = None

    def query(self) -> dict[str, object]:
        """Query parameters of the next page."""
        return {**self._query, self.spec.page_param: self.page}

    def accept(self, response: RawResponse[Any]) -> list[Any]:
        """Read one page: returns its items (parsed) and decides whether another page follows."""
        spec = self.spec
        raw_result = response.result_json()
        raw_items = _lookup(raw_result, spec.items_path)
        fingerprint = pydantic_core.to_json(raw_items)
        repeated = fingerprint == self._previous
        self._previous = fingerprint
        self.result_info = response.result_info
        items: list[Any] = []
        if not repeated:
            parsed = _lookup(response.parse(), spec.items_path)
            if isinstance(parsed, (list, tuple)):
                items = list(parsed)
        self.items_seen += len(items)
        info = self.result_info or {}
        total_pages = (
            _as_int(_lookup(raw_result, spec.total_pages_path)) if spec.total_pages_path else None
        )
        if total_pages is None:
            total_pages = _as_int(info.get("total_pages"))
        total_count = (
            _as_int(_lookup(raw_result, spec.total_count_path)) if spec.total_count_path else None
        )
        if total_count is None:
            total_count = _as_int(info.get("total_count"))
        self.done = should_stop(
            page=self.page,
            item_count=len(items),
            page_size=self.page_size,
            items_seen=self.items_seen,
            total_pages=total_pages,
            total_count=total_count,
            repeated=repeated,
        )
        self.page += 1
        return items


class PageIterator(Generic[T]):
    """Iterates over the items of every page, fetching pages lazily.

    ``pages()`` iterates over whole pages (lists) instead. ``result_info`` holds the last page's
    envelope ``result_info`` (or ``None``).
    """

    def __init__(
        self,
        fetch: Callable[[Mapping[str, object]], RawResponse[Any]],
        spec: PaginationSpec,
        query: Mapping[str, object] | None = None,
    ) -> None:
        self._fetch = fetch
        self._spec = spec
        self._query = dict(query or {})
        self._items: Iterator[T] | None = None
        self.result_info: dict[str, Any] | None = None

    def pages(self) -> Iterator[list[T]]:
        """A fresh iteration over pages, from the first one."""
        pager = Pager(self._spec, self._query)
        while not pager.done:
            items = pager.accept(self._fetch(pager.query()))
            self.result_info = pager.result_info
            if items:
                yield items

    def __iter__(self) -> PageIterator[T]:
        return self

    def __next__(self) -> T:
        if self._items is None:
            self._items = (item for page in self.pages() for item in page)
        return next(self._items)


class AsyncPageIterator(Generic[T]):
    """``async for`` over the items of every page, fetching pages lazily (see PageIterator)."""

    def __init__(
        self,
        fetch: Callable[[Mapping[str, object]], Awaitable[RawResponse[Any]]],
        spec: PaginationSpec,
        query: Mapping[str, object] | None = None,
    ) -> None:
        self._fetch = fetch
        self._spec = spec
        self._query = dict(query or {})
        self._items: AsyncIterator[T] | None = None
        self.result_info: dict[str, Any] | None = None

    async def pages(self) -> AsyncIterator[list[T]]:
        """A fresh iteration over pages, from the first one."""
        pager = Pager(self._spec, self._query)
        while not pager.done:
            items = pager.accept(await self._fetch(pager.query()))
            self.result_info = pager.result_info
            if items:
                yield items

    async def _iterate(self) -> AsyncIterator[T]:
        async for page in self.pages():
            for item in page:
                yield item

    def __aiter__(self) -> AsyncPageIterator[T]:
        return self

    async def __anext__(self) -> T:
        if self._items is None:
            self._items = self._iterate()
        return await self._items.__anext__()
