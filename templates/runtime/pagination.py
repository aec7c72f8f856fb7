"""Auto-paging over page/pageSize list operations (``list_all``), sync and async.

The bookkeeping and stop rules live in :class:`Pager` (no I/O); :class:`PageIterator` and
:class:`AsyncPageIterator` only fetch. Every loop ends:

* an empty page is the end; so is the page the reported total (pages or items) says is the last;
* a short page is the end unless something says otherwise: a total that reports more items, or a
  first page shorter than asked with no total (the server may cap the page size below the one
  asked: the next page is fetched before concluding, and pages of the capped size go on);
* a page whose items repeat any earlier page (the same count, first, last and sampled items)
  raises :class:`PaginationError` naming both (an API that ignores ``page``, or pages that
  cycle), except the page fetched only to check a short first page, which then simply ends the
  listing;
* when an answer carries a cursor (``result_info.cursor``) and the operation takes one, the next
  page is asked by cursor; a cursor seen before raises :class:`PaginationError`;
* after ``max_pages`` pages with more to come, :class:`PaginationError` (never a silent stop).

The page size asked is clamped to the documented maximum (``max_page_size``).
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import pydantic_core

from .errors import APIResponseValidationError, PaginationError
from .response import RawResponse
from .types import is_model

__all__ = [
    "DEFAULT_MAX_PAGES",
    "PaginationSpec",
    "PageIterator",
    "AsyncPageIterator",
    "Pager",
    "should_stop",
]

T = TypeVar("T")

DEFAULT_MAX_PAGES = 10_000
"""Pages ``list_all`` fetches at most before raising :class:`PaginationError` (``max_pages``)."""


@dataclass(frozen=True)
class PaginationSpec:
    """How one list operation pages. Paths are dotted wire names inside the (unwrapped) result.

    ``items_path=None`` means the result itself is the list of items. Totals are also looked up
    in the envelope's ``result_info`` (``total_pages`` / ``total_count``). ``max_page_size`` is
    the documented maximum of the size parameter; ``cursor_param`` the query parameter that
    takes the cursor of the previous page (read at ``cursor_path`` in the result, else
    ``result_info.cursor`` or ``result_info.cursors.after``).
    """

    page_param: str = "page"
    size_param: str = "pageSize"
    items_path: str | None = None
    total_pages_path: str | None = None
    total_count_path: str | None = None
    default_page_size: int | None = None
    first_page: int = 1
    max_page_size: int | None = None
    cursor_param: str | None = None
    cursor_path: str | None = None


def should_stop(
    *,
    page: int,
    item_count: int,
    page_size: int | None,
    items_seen: int,
    total_pages: int | None = None,
    total_count: int | None = None,
    repeated: bool = False,
    first_page: bool = False,
) -> bool:
    """Whether the page just read (number ``page``, ``item_count`` items) is the last one.

    ``first_page``: it is the first page read, so a short page may be a server's cap on the
    page size rather than the end (when no total says otherwise).
    """
    if item_count == 0 or repeated:
        return True
    if total_pages is not None:
        return page >= total_pages
    if total_count is not None:
        return items_seen >= total_count
    if page_size is None or item_count >= page_size:
        return False
    return not first_page


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


def _total(result: object, path: str | None) -> int | None:
    return None if path is None else _as_int(_lookup(result, path))


_SAMPLED = 8
"""Items of a page written out for its fingerprint (the first, the last and some between)."""


def _fingerprint(items: Sequence[Any]) -> bytes:
    """What tells a page from the others: how many items it has and the first, last and evenly
    spaced items between them, as pydantic writes them. Writing out every item of a page costs
    about a third of its validation; the ends and a sample cost almost nothing. Pages of one
    listing hold different items, so two of them sharing count, ends and sample are the same
    page served again."""
    count = len(items)
    step = max(1, (count - 1) // (_SAMPLED - 1))
    sample = [items[i] for i in range(0, count, step)][: _SAMPLED - 1] + [items[-1]]
    return hashlib.blake2b(b"%d:" % count + pydantic_core.to_json(sample), digest_size=16).digest()


_UNPARSED: Any = object()


def _parsed_or_none(response: RawResponse[Any]) -> Any:
    """The page's parsed result, or ``_UNPARSED`` when it does not validate (the caller then looks
    at the raw result, which may simply hold no items)."""
    try:
        return response.parse()
    except APIResponseValidationError:
        return _UNPARSED


class Pager:
    """Page bookkeeping shared by the sync and async iterators (no I/O)."""

    def __init__(
        self,
        spec: PaginationSpec,
        query: Mapping[str, object] | None,
        max_pages: int = DEFAULT_MAX_PAGES,
    ) -> None:
        if max_pages < 1:
            raise ValueError(f"max_pages must be >= 1, got {max_pages}")
        self.spec = spec
        self.max_pages = max_pages
        self._query = dict(query or {})
        start = _as_int(self._query.get(spec.page_param))
        self.page = start if start is not None else spec.first_page
        self.page_size = self._size(_as_int(self._query.get(spec.size_param)))
        if self.page_size is not None:
            self._query[spec.size_param] = self.page_size
        self.items_seen = 0
        self.pages_read = 0
        self.done = False
        self.result_info: dict[str, Any] | None = None
        self._full = self.page_size  # how many items a full page holds (a server may cap it)
        self._checking_short_page = False
        self._seen: dict[bytes, int] = {}  # items digest -> the page (count) that had them
        self._cursor: str | None = None
        self._cursors: set[str] = set()
        self._problem: PaginationError | None = None

    def _size(self, asked: int | None) -> int | None:
        spec = self.spec
        size = asked if asked is not None else spec.default_page_size
        if size is not None and spec.max_page_size is not None:
            size = min(size, spec.max_page_size)
        return size

    def query(self) -> dict[str, object]:
        """Query parameters of the next page; raises when ``max_pages`` pages were read or the
        last page returned a cursor already used."""
        if self._problem is not None:
            raise self._problem
        if self.pages_read >= self.max_pages:
            raise PaginationError(
                f"stopped after max_pages={self.max_pages} pages ({self.items_seen} items) while "
                "more remain: pass a larger max_pages (or page size) to read them all",
                page=self.pages_read,
            )
        if self._cursor is not None and self.spec.cursor_param is not None:
            query = {k: v for k, v in self._query.items() if k != self.spec.page_param}
            query[self.spec.cursor_param] = self._cursor
            return query
        return {**self._query, self.spec.page_param: self.page}

    def accept(self, response: RawResponse[Any]) -> list[Any]:
        """Read one page: returns its items (parsed) and decides whether another page follows.

        The page is decoded once: its bytes are validated into the response type, the envelope's
        ``result_info`` read in the same pass; totals and cursors are looked up in the parsed
        result, and the page told from earlier ones by :func:`_fingerprint`.
        """
        spec = self.spec
        self.pages_read += 1
        result = _parsed_or_none(response)
        if result is _UNPARSED:  # does not validate: an end of listing without items, or an error
            raw_items = _lookup(response.result_json(), spec.items_path)
            if not isinstance(raw_items, (list, tuple)) or not raw_items:
                self.result_info = response.result_info
                self.done = True
                return []
            result = response.parse()  # raises, naming the problems
        parsed = _lookup(result, spec.items_path)
        self.result_info = response.result_info
        if not isinstance(parsed, (list, tuple)) or not parsed:
            self.done = True
            return []
        if self._repeats(_fingerprint(parsed), response):
            self.done = True  # the page fetched to check a short first page: that was the end
            return []
        items = list(parsed)
        self.items_seen += len(items)
        self.done = self._last(result, len(items), response)
        self.page += 1
        return items

    def _repeats(self, digest: bytes, response: RawResponse[Any]) -> bool:
        earlier = self._seen.get(digest)
        checking, self._checking_short_page = self._checking_short_page, False
        if earlier is None:
            self._seen[digest] = self.pages_read
            return False
        if checking and earlier == self.pages_read - 1:
            return True
        raise PaginationError(
            f"page {self.pages_read} of the listing repeats page {earlier} (the same items): "
            "the API ignores the page asked or its pages cycle; items yielded so far are "
            "correct, the rest cannot be read this way",
            page=self.pages_read,
            repeats=earlier,
            request=response.http_response.request,
        )

    def _last(self, raw_result: object, count: int, response: RawResponse[Any]) -> bool:
        """Whether the page just read (``count`` items) is the last one."""
        spec = self.spec
        info = self.result_info or {}
        total_pages = _total(raw_result, spec.total_pages_path)
        if total_pages is None:
            total_pages = _as_int(info.get("total_pages"))
        total_count = _total(raw_result, spec.total_count_path)
        if total_count is None:
            total_count = _as_int(info.get("total_count"))
        if spec.cursor_param is not None:
            cursor = self._next_cursor(raw_result, info, response)
            if cursor is not None:
                return total_count is not None and self.items_seen >= total_count
            if self._cursor is not None:
                return True  # paging by cursor, and no cursor came back
        first = self.pages_read == 1
        last = should_stop(
            page=self.page,
            item_count=count,
            page_size=self._full,
            items_seen=self.items_seen,
            total_pages=total_pages,
            total_count=total_count,
            first_page=first,
        )
        if not last and first and self._full is not None and count < self._full:
            self._full = count  # perhaps capped by the server: look at the next page
            self._checking_short_page = total_pages is None and total_count is None
        return last

    def _next_cursor(
        self, raw_result: object, info: Mapping[str, Any], response: RawResponse[Any]
    ) -> str | None:
        spec = self.spec
        if spec.cursor_path is not None:
            cursor = _lookup(raw_result, spec.cursor_path)
        else:
            cursor = info.get("cursor") or _lookup(info.get("cursors"), "after")
        if not isinstance(cursor, str) or not cursor:
            return None
        if cursor in self._cursors:  # this page is fine; the next one cannot be asked
            self._problem = PaginationError(
                f"page {self.pages_read} of the listing returned a cursor already used: "
                "the pages cycle; items yielded so far are correct",
                page=self.pages_read,
                request=response.http_response.request,
            )
        self._cursors.add(cursor)
        self._cursor = cursor
        return cursor


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
        *,
        max_pages: int = DEFAULT_MAX_PAGES,
    ) -> None:
        self._fetch = fetch
        self._spec = spec
        self._query = dict(query or {})
        self._max_pages = max_pages
        self._items: Iterator[T] | None = None
        self.result_info: dict[str, Any] | None = None

    def pages(self) -> Iterator[list[T]]:
        """A fresh iteration over pages, from the first one."""
        pager = Pager(self._spec, self._query, self._max_pages)
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
        *,
        max_pages: int = DEFAULT_MAX_PAGES,
    ) -> None:
        self._fetch = fetch
        self._spec = spec
        self._query = dict(query or {})
        self._max_pages = max_pages
        self._items: AsyncIterator[T] | None = None
        self.result_info: dict[str, Any] | None = None

    async def pages(self) -> AsyncIterator[list[T]]:
        """A fresh iteration over pages, from the first one."""
        pager = Pager(self._spec, self._query, self._max_pages)
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
