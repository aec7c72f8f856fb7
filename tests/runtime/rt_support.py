"""Shared fixtures for the runtime tests: tiny models, endpoints, resources and mock transports.

The resources below are written exactly the way generated code uses the runtime contract, so this
file also type-checks the contract (``mypy --strict`` runs on it too).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from functools import cached_property
from typing import Any

import httpx
from pydantic import BaseModel, ConfigDict, Field
from rtpkg._core.auth import Scheme
from rtpkg._core.client import (
    AsyncAPIClient,
    AsyncResource,
    SyncAPIClient,
    SyncResource,
    as_raw,
    as_raw_async,
)
from rtpkg._core.endpoint import Endpoint
from rtpkg._core.pagination import AsyncPageIterator, PageIterator, PaginationSpec
from rtpkg._core.response import RawResponse
from rtpkg._core.settings import ClientSettings
from rtpkg._core.types import NOT_GIVEN, NotGiven, RequestOptions
from typing_extensions import Unpack

BASE = "https://api.test/client/v4"
TOKEN = "tok-SECRET-0123456789abcdef"
API_KEY = "key-SECRET-fedcba9876543210"
ACCOUNT = "acc123"


class Model(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="allow")


class Event(Model):
    uuid: str
    dataset_id: str | None = Field(default=None, alias="datasetId")
    tlp: str | None = None
    date: dt.datetime | None = None


class EventCreateItem(Model):
    category: str
    date: dt.datetime
    event: str
    tlp: str
    account_id: int | None = Field(default=None, alias="accountId")


class BulkCreate(Model):
    data: list[EventCreateItem]
    dataset_id: str = Field(alias="datasetId")
    include_created_events: bool | None = Field(default=None, alias="includeCreatedEvents")


class BulkCreateResult(Model):
    created_events_count: int = Field(alias="createdEventsCount")


class TagPagination(Model):
    total_pages: int | None = Field(default=None, alias="totalPages")
    total_count: int | None = Field(default=None, alias="totalCount")


class Tag(Model):
    uuid: str
    value: str | None = None


class TagList(Model):
    tags: list[Tag]
    pagination: TagPagination | None = None


EVENTS = "/accounts/{account_id}/cloudforce-one/events"
GET_EVENT = Endpoint[Event](
    operation_id="get_EventRead",
    method="GET",
    path=EVENTS + "/dataset/{dataset_id}/events/{event_id}",
    response_type=Event,
)
BULK = Endpoint[BulkCreateResult](
    operation_id="post_EventCreateBulk",
    method="POST",
    path=EVENTS + "/create/bulk",
    response_type=BulkCreateResult,
    body_type=BulkCreate,
)
LIST = Endpoint[list[Event]](
    operation_id="get_EventList",
    method="GET",
    path=EVENTS,
    response_type=list[Event],
    json_query=frozenset({"search", "filters"}),
)
DELETE = Endpoint[None](
    operation_id="delete_Event",
    method="DELETE",
    path=EVENTS + "/{dataset_id}/delete",
    response_type=None,
)
EDIT = Endpoint[Event](
    operation_id="patch_EventUpdate",
    method="PATCH",
    path=EVENTS + "/{event_id}",
    response_type=Event,
    body_type=EventCreateItem,
)
TAGS = Endpoint[TagList](
    operation_id="get_TagList",
    method="GET",
    path=EVENTS + "/tags",
    response_type=TagList,
)
EVENTS_PAGES = PaginationSpec(page_param="page", size_param="pageSize")
TAGS_PAGES = PaginationSpec(
    items_path="tags",
    total_pages_path="pagination.totalPages",
    total_count_path="pagination.totalCount",
    default_page_size=2,
)

# Cloudflare's schemes, as the generated Cloudforce One client declares them.
SCHEMES = (
    Scheme("api_token", "api_token", "CLOUDFLARE_API_TOKEN", prefix="Bearer "),
    Scheme("api_email", "api_email", "CLOUDFLARE_EMAIL", name="X-Auth-Email"),
    Scheme("api_key", "api_key", "CLOUDFLARE_API_KEY", name="X-Auth-Key"),
)
SETTINGS = ClientSettings(
    dist_name="rtpkg",
    version="1.2.3",
    default_base_url=BASE,
    env_base_url="CLOUDFLARE_BASE_URL",
    schemes=SCHEMES,
    security=(("api_token",), ("api_email", "api_key")),
    credentials_required=True,
    path_defaults={"account_id": "account_id"},
    defaults_env={"account_id": "CLOUDFLARE_ACCOUNT_ID"},
)


class Events(SyncResource):
    def get(
        self,
        *,
        dataset_id: str,
        event_id: str,
        account_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> Event:
        return self._request(
            GET_EVENT,
            path={"account_id": account_id, "dataset_id": dataset_id, "event_id": event_id},
            options=options,
        )

    def bulk_create(
        self,
        *,
        data: Sequence[EventCreateItem | Mapping[str, Any]],
        dataset_id: str,
        include_created_events: bool | NotGiven = NOT_GIVEN,
        account_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> BulkCreateResult:
        return self._request(
            BULK,
            path={"account_id": account_id},
            body={
                "data": data,
                "datasetId": dataset_id,
                "includeCreatedEvents": include_created_events,
            },
            options=options,
        )

    def edit(
        self,
        *,
        event_id: str,
        body: EventCreateItem | Mapping[str, Any],
        account_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> Event:
        return self._request(
            EDIT,
            path={"account_id": account_id, "event_id": event_id},
            body=body,
            options=options,
        )

    def delete(
        self, *, dataset_id: str, account_id: str | None = None, **options: Unpack[RequestOptions]
    ) -> None:
        return self._request(
            DELETE, path={"account_id": account_id, "dataset_id": dataset_id}, options=options
        )

    def list(
        self,
        *,
        page: int | NotGiven = NOT_GIVEN,
        page_size: int | NotGiven = NOT_GIVEN,
        dataset_id: Sequence[str] | NotGiven = NOT_GIVEN,
        search: Sequence[Mapping[str, object]] | NotGiven = NOT_GIVEN,
        force_refresh: bool | NotGiven = NOT_GIVEN,
        since: dt.datetime | NotGiven = NOT_GIVEN,
        account_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> list[Event]:
        return self._request(
            LIST,
            path={"account_id": account_id},
            query={
                "page": page,
                "pageSize": page_size,
                "datasetId": dataset_id,
                "search": search,
                "forceRefresh": force_refresh,
                "since": since,
            },
            options=options,
        )

    def list_all(
        self,
        *,
        page_size: int | NotGiven = NOT_GIVEN,
        dataset_id: Sequence[str] | NotGiven = NOT_GIVEN,
        account_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> PageIterator[Event]:
        return self._paginate(
            LIST,
            EVENTS_PAGES,
            path={"account_id": account_id},
            query={"pageSize": page_size, "datasetId": dataset_id},
            options=options,
        )

    def tags_all(
        self, *, account_id: str | None = None, **options: Unpack[RequestOptions]
    ) -> PageIterator[Tag]:
        return self._paginate(TAGS, TAGS_PAGES, path={"account_id": account_id}, options=options)

    @cached_property
    def with_raw_response(self) -> EventsWithRawResponse:
        return EventsWithRawResponse(Events(self._client, raw=True))


class EventsWithRawResponse:
    def __init__(self, resource: Events) -> None:
        self.get = as_raw(resource.get)
        self.bulk_create = as_raw(resource.bulk_create)
        self.list = as_raw(resource.list)
        self.delete = as_raw(resource.delete)


class AsyncEvents(AsyncResource):
    async def get(
        self,
        *,
        dataset_id: str,
        event_id: str,
        account_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> Event:
        return await self._request(
            GET_EVENT,
            path={"account_id": account_id, "dataset_id": dataset_id, "event_id": event_id},
            options=options,
        )

    async def bulk_create(
        self,
        *,
        data: Sequence[EventCreateItem | Mapping[str, Any]],
        dataset_id: str,
        include_created_events: bool | NotGiven = NOT_GIVEN,
        account_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> BulkCreateResult:
        return await self._request(
            BULK,
            path={"account_id": account_id},
            body={
                "data": data,
                "datasetId": dataset_id,
                "includeCreatedEvents": include_created_events,
            },
            options=options,
        )

    def list_all(
        self,
        *,
        page_size: int | NotGiven = NOT_GIVEN,
        account_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> AsyncPageIterator[Event]:
        return self._paginate(
            LIST,
            EVENTS_PAGES,
            path={"account_id": account_id},
            query={"pageSize": page_size},
            options=options,
        )

    @cached_property
    def with_raw_response(self) -> AsyncEventsWithRawResponse:
        return AsyncEventsWithRawResponse(AsyncEvents(self._client, raw=True))


class AsyncEventsWithRawResponse:
    def __init__(self, resource: AsyncEvents) -> None:
        self.get = as_raw_async(resource.get)
        self.bulk_create = as_raw_async(resource.bulk_create)


class Client(SyncAPIClient):
    _settings = SETTINGS
    account_id: str | None

    @cached_property
    def events(self) -> Events:
        return Events(self)


class AsyncClient(AsyncAPIClient):
    _settings = SETTINGS
    account_id: str | None

    @cached_property
    def events(self) -> AsyncEvents:
        return AsyncEvents(self)


# --- mock transport ----------------------------------------------------------------------

Reply = httpx.Response | Exception
Handler = Callable[[httpx.Request], Reply]


class Tracker:
    """Counts response streams opened and closed (to catch connection leaks)."""

    def __init__(self) -> None:
        self.opened = 0
        self.closed = 0

    @property
    def open(self) -> int:
        return self.opened - self.closed


class TrackedStream(httpx.SyncByteStream, httpx.AsyncByteStream):
    def __init__(self, content: bytes, tracker: Tracker, fail: Exception | None = None) -> None:
        self._content = content
        self._tracker = tracker
        self._fail = fail
        self._closed = False
        tracker.opened += 1

    def __iter__(self) -> Iterator[bytes]:
        if self._fail is not None:
            raise self._fail
        yield self._content

    async def __aiter__(self) -> AsyncIterator[bytes]:
        if self._fail is not None:
            raise self._fail
        yield self._content

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._tracker.closed += 1

    async def aclose(self) -> None:
        self.close()


def envelope(result: object, result_info: object = None, **extra: object) -> dict[str, object]:
    body: dict[str, object] = {"success": True, "errors": [], "messages": [], "result": result}
    if result_info is not None:
        body["result_info"] = result_info
    body.update(extra)
    return body


class Mock:
    """A queue of replies (responses, bodies or exceptions) and the requests received."""

    def __init__(self, *replies: object, default: object = None) -> None:
        self.replies = list(replies)
        self.default = default
        self.requests: list[httpx.Request] = []
        self.tracker = Tracker()

    def reply(
        self, status: int = 200, body: object = None, headers: Mapping[str, str] | None = None
    ) -> httpx.Response:
        if isinstance(body, bytes):
            content = body
        elif body is None:
            content = b""
        else:
            content = json.dumps(body).encode()
        return httpx.Response(
            status, headers=dict(headers or {}), stream=TrackedStream(content, self.tracker)
        )

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        item = self.replies.pop(0) if self.replies else self.default
        if callable(item) and not isinstance(item, httpx.Response):
            item = item(request)
            if isinstance(item, httpx.Response):
                return item  # built by the test itself
        if isinstance(item, Exception):
            raise item
        if isinstance(item, httpx.Response):
            return httpx.Response(
                item.status_code,
                headers=item.headers,
                stream=TrackedStream(item.read(), self.tracker),
            )
        if isinstance(item, tuple):
            return self.reply(*item)
        return self.reply(200, item)

    async def handle_async(self, request: httpx.Request) -> httpx.Response:
        return self(request)

    def client(self, **kwargs: Any) -> Client:
        kwargs.setdefault("api_token", TOKEN)
        kwargs.setdefault("account_id", ACCOUNT)
        kwargs.setdefault("http_client", httpx.Client(transport=httpx.MockTransport(self)))
        client = Client(**kwargs)
        self.sleeps: list[float] = []
        client._sleep = self.sleeps.append
        return client

    def async_client(self, **kwargs: Any) -> AsyncClient:
        kwargs.setdefault("api_token", TOKEN)
        kwargs.setdefault("account_id", ACCOUNT)
        kwargs.setdefault(
            "http_client", httpx.AsyncClient(transport=httpx.MockTransport(self.handle_async))
        )
        client = AsyncClient(**kwargs)
        self.sleeps = []

        async def sleep(seconds: float) -> None:
            self.sleeps.append(seconds)

        client._sleep = sleep
        return client

    @property
    def paths(self) -> list[str]:
        return [r.url.raw_path.decode().split("?")[0] for r in self.requests]

    def body(self, index: int = -1) -> Any:
        return json.loads(self.requests[index].content)


def raw_of(value: object) -> RawResponse[Any]:
    assert isinstance(value, RawResponse)
    return value
