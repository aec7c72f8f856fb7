"""Base classes of the generated resources (one per API group, sync and async) and the helpers
that type their raw-response views."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from typing_extensions import ParamSpec

from .endpoint import Endpoint
from .options import check_options
from .pagination import DEFAULT_MAX_PAGES, AsyncPageIterator, PageIterator, PaginationSpec
from .params import render_path
from .response import RawResponse
from .types import NOT_GIVEN, RequestOptions

if TYPE_CHECKING:
    from .client import AsyncAPIClient, SyncAPIClient

__all__ = ["SyncResource", "AsyncResource", "as_raw", "as_raw_async"]

T = TypeVar("T")
P = ParamSpec("P")


class SyncResource:
    """Base of generated resource classes; ``raw=True`` makes calls return RawResponse."""

    def __init__(self, client: SyncAPIClient, *, raw: bool = False) -> None:
        self._client = client
        self._raw = raw

    def _request(
        self,
        endpoint: Endpoint[T],
        *,
        path: Mapping[str, object],
        query: Mapping[str, object] | None = None,
        body: object = NOT_GIVEN,
        headers: Mapping[str, object] | None = None,
        options: RequestOptions,
        cookies: Mapping[str, object] | None = None,
    ) -> T:
        return self._client._request(
            endpoint,
            path=path,
            query=query,
            body=body,
            headers=headers,
            options=options,
            raw=self._raw,
            cookies=cookies,
        )

    def _paginate(
        self,
        endpoint: Endpoint[Any],
        spec: PaginationSpec,
        *,
        path: Mapping[str, object],
        query: Mapping[str, object] | None = None,
        headers: Mapping[str, object] | None = None,
        options: RequestOptions,
        cookies: Mapping[str, object] | None = None,
        max_pages: int = DEFAULT_MAX_PAGES,
    ) -> PageIterator[Any]:
        client = self._client
        check_options(endpoint, options)
        path = client._path_values(endpoint, path)
        render_path(endpoint.path, path)  # fail now, not at the first iteration

        def fetch(page_query: Mapping[str, object]) -> RawResponse[Any]:
            return cast(
                "RawResponse[Any]",
                client._request(
                    endpoint,
                    path=path,
                    query=page_query,
                    headers=headers,
                    options=options,
                    raw=True,
                    cookies=cookies,
                ),
            )

        return PageIterator(fetch, spec, query, max_pages=max_pages)


class AsyncResource:
    """Base of generated async resource classes; ``raw=True`` makes calls return RawResponse."""

    def __init__(self, client: AsyncAPIClient, *, raw: bool = False) -> None:
        self._client = client
        self._raw = raw

    async def _request(
        self,
        endpoint: Endpoint[T],
        *,
        path: Mapping[str, object],
        query: Mapping[str, object] | None = None,
        body: object = NOT_GIVEN,
        headers: Mapping[str, object] | None = None,
        options: RequestOptions,
        cookies: Mapping[str, object] | None = None,
    ) -> T:
        return await self._client._request(
            endpoint,
            path=path,
            query=query,
            body=body,
            headers=headers,
            options=options,
            raw=self._raw,
            cookies=cookies,
        )

    def _paginate(
        self,
        endpoint: Endpoint[Any],
        spec: PaginationSpec,
        *,
        path: Mapping[str, object],
        query: Mapping[str, object] | None = None,
        headers: Mapping[str, object] | None = None,
        options: RequestOptions,
        cookies: Mapping[str, object] | None = None,
        max_pages: int = DEFAULT_MAX_PAGES,
    ) -> AsyncPageIterator[Any]:
        client = self._client
        check_options(endpoint, options)
        path = client._path_values(endpoint, path)
        render_path(endpoint.path, path)  # fail now, not at the first iteration

        async def fetch(page_query: Mapping[str, object]) -> RawResponse[Any]:
            result = await client._request(
                endpoint,
                path=path,
                query=page_query,
                headers=headers,
                options=options,
                raw=True,
                cookies=cookies,
            )
            return cast("RawResponse[Any]", result)

        return AsyncPageIterator(fetch, spec, query, max_pages=max_pages)


def as_raw(func: Callable[P, T]) -> Callable[P, RawResponse[T]]:
    """Types a method of a ``raw=True`` resource as returning ``RawResponse[T]`` (no-op at run time)."""
    return cast("Callable[P, RawResponse[T]]", func)


def as_raw_async(
    func: Callable[P, Awaitable[T]],
) -> Callable[P, Awaitable[RawResponse[T]]]:
    """Async counterpart of :func:`as_raw`."""
    return cast("Callable[P, Awaitable[RawResponse[T]]]", func)
