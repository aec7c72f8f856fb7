"""Streaming bulk ingestion: any number of items through a batch endpoint, none lost, none twice.

Built like :mod:`.flow`: one sans-IO core and two thin drivers, in three modules re-exported here:

* :mod:`.bulk_report`: :class:`BulkReport` (every item read in exactly one outcome: created,
  rejected, invalid, unknown or not sent), :class:`BulkError`, and the exceptions that carry a
  partial report;
* :mod:`.bulk_core` (with :mod:`.bulk_answer`): :class:`BulkCore`, the bookkeeping without I/O,
  and :class:`BulkControl`, to stop a run from outside or journal its chunks;
* :mod:`.bulk_drive`: :func:`drive_sync` / :func:`drive_async`, which read the input lazily and
  hand each chunk to a ``send`` callable.

This module holds what the generated ``bulk_create_all`` methods call, :func:`run_bulk` /
:func:`run_bulk_async`: each item is validated and encoded to JSON on its own as it is read
(memory stays flat: a chunk holds the items as given and their JSON, nothing else), each
chunk's body is assembled from those bytes, and the request runs through the client's own
request flow, so retries follow the client's :class:`.RetryPolicy`.

Guarantees:

* Every input index read appears in the report exactly once; nothing is called created unless
  the server's answer says so.
* Memory is bounded by ``chunk_size * (max_concurrency + 1)`` items, whatever the input size.
* A chunk whose fate is unknown (a 5xx answer, a timeout or a broken connection after the request
  was sent) is not sent again unless the caller opts in with ``retry_unsafe=True``. 429 answers
  and failures to connect are retried by the client's policy (the server processed nothing).
* An answer that would fail every chunk (401, 403, 404, ...) stops the run after the requests in
  flight: :class:`BulkFatalError`, with the report.
"""

from __future__ import annotations

import functools
from collections.abc import AsyncIterable, Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, cast

import pydantic_core
from pydantic_core import SchemaSerializer, SchemaValidator, ValidationError

from .bulk_answer import DEFAULT_FIELDS, BulkResponseFields, field_phrase
from .bulk_core import (
    BulkControl,
    BulkCore,
    Chunk,
    ChunkOutcome,
    ChunkResult,
    describe_validation_error,
)
from .bulk_drive import DEFAULT_MAX_CONCURRENCY, drive_async, drive_sync
from .bulk_report import (
    BulkError,
    BulkFatalError,
    BulkInputError,
    BulkInterrupted,
    BulkProgress,
    BulkReport,
    CreatedEvent,
    ErrorKind,
    ItemOutcome,
    partial_report,
)
from .collector import gc_paused
from .endpoint import Endpoint, wire_type
from .errors import APIError, RequestValidationError, validation_problems
from .flow import run_async, run_sync
from .request import render_path
from .response import RawResponse
from .types import EncodedJSON, NotGiven, RequestOptions, is_model

if TYPE_CHECKING:
    from pydantic import TypeAdapter

    from .client import AsyncAPIClient, SyncAPIClient

__all__ = [
    "DEFAULT_MAX_CONCURRENCY",
    "BulkControl",
    "BulkCore",
    "BulkError",
    "BulkFatalError",
    "BulkInputError",
    "BulkInterrupted",
    "BulkProgress",
    "BulkReport",
    "BulkResponseFields",
    "Chunk",
    "ChunkOutcome",
    "ChunkResult",
    "CreatedEvent",
    "ErrorKind",
    "ItemOutcome",
    "describe_validation_error",
    "drive_async",
    "drive_sync",
    "item_encoder",
    "item_validator",
    "partial_report",
    "run_bulk",
    "run_bulk_async",
]


@functools.lru_cache(maxsize=64)
def _adapter(item_type: Any) -> TypeAdapter[Any]:
    from pydantic import TypeAdapter  # imported on first use: keeps the package import light

    return TypeAdapter(item_type)


def item_validator(item_type: Any) -> Callable[[object], Any]:
    """``validate(item)`` for ``item_type``: the validated value, or raises ValidationError."""
    return _adapter(item_type).validate_python


@functools.lru_cache(maxsize=64)
def item_encoder(item_type: Any) -> Callable[[object], bytes]:
    """``encode(item)``: validates one item as ``item_type`` and returns its JSON (wire names,
    unset fields left out), or raises ValidationError (worded by the model's own validation).

    Plain data is validated through the type's TypedDict mirror (:func:`.wire_type`), which
    builds no model instance, straight on pydantic-core; model instances, and data the mirror
    refuses, take the model.
    """
    model = _adapter(item_type)
    wire_of = wire_type(item_type)
    validate, dump = _core_calls(_adapter(wire_of)) if wire_of != item_type else (None, None)

    def encode(item: object) -> bytes:
        if validate is not None and dump is not None and not is_model(item):
            try:
                return dump(validate(item))
            except ValidationError:
                pass  # the model words the problem (or accepts what the mirror could not)
        with gc_paused():
            return model.dump_json(model.validate_python(item), by_alias=True, exclude_unset=True)

    return encode


def _core_calls(
    adapter: TypeAdapter[Any],
) -> tuple[Callable[[object], Any], Callable[[Any], bytes]]:
    """(validate, dump to JSON) of ``adapter``, on pydantic-core itself once it is built (a
    third faster per item than through the adapter's wrappers)."""
    validator, serializer = adapter.validator, adapter.serializer
    if isinstance(validator, SchemaValidator) and isinstance(serializer, SchemaSerializer):
        return validator.validate_python, functools.partial(
            serializer.to_json, by_alias=True, exclude_unset=True
        )
    return adapter.validate_python, functools.partial(
        adapter.dump_json, by_alias=True, exclude_unset=True
    )


class BodyFrame:
    """The JSON of a chunk's body around its items: ``{<fixed fields>, "<items_field>": [`` and
    ``]}``. The fixed fields are validated once, before any input is read."""

    def __init__(
        self,
        endpoint: Endpoint[Any],
        body: Mapping[str, object],
        items_field: str,
        extra_body: Mapping[str, object] | None = None,
    ) -> None:
        fixed = {k: v for k, v in body.items() if not isinstance(v, NotGiven)}
        data = self._validated(endpoint, fixed, items_field)
        data.pop(items_field, None)
        data.update(extra_body or {})
        key = pydantic_core.to_json(items_field)
        self.head = (pydantic_core.to_json(data)[:-1] + b"," if data else b"{") + key + b":["
        self.tail = b"]}"

    @staticmethod
    def _validated(
        endpoint: Endpoint[Any], fixed: dict[str, object], items_field: str
    ) -> dict[str, Any]:
        adapter = endpoint.body_adapter
        if adapter is None:
            return cast("dict[str, Any]", pydantic_core.to_jsonable_python(fixed))
        try:
            value = adapter.validate_python({**fixed, items_field: []})
        except ValidationError as exc:  # an empty item list may be refused: that is not a problem
            problems = [
                problem
                for problem, error in zip(validation_problems(exc), exc.errors())
                if not error["loc"] or error["loc"][0] != items_field
            ]
            if problems:
                raise RequestValidationError(
                    f"Invalid request body for {endpoint.operation_id}: " + "; ".join(problems),
                    problems,
                ) from None
            return cast("dict[str, Any]", pydantic_core.to_jsonable_python(fixed))
        data = adapter.dump_python(value, mode="json", by_alias=True, exclude_unset=True)
        return cast("dict[str, Any]", data)

    def content(self, items: list[bytes]) -> bytes:
        return self.head + b",".join(items) + self.tail


def _check_sizes(chunk_size: int, max_chunk_size: int, max_concurrency: int = 1) -> None:
    if max_chunk_size < 1:
        raise ValueError(f"max_chunk_size must be >= 1, got {max_chunk_size}")
    if not 1 <= chunk_size <= max_chunk_size:
        raise ValueError(
            f"chunk_size must be between 1 and max_chunk_size ({max_chunk_size}), got "
            f"{chunk_size}; raise max_chunk_size if the server accepts bigger batches"
        )
    if max_concurrency < 1:
        raise ValueError(f"max_concurrency must be >= 1, got {max_concurrency}")


class _Run:
    """What one ``run_bulk`` call prepares before reading any input (problems raise here)."""

    def __init__(
        self,
        client: SyncAPIClient | AsyncAPIClient,
        endpoint: Endpoint[Any],
        *,
        items_field: str,
        item_type: Any,
        path: Mapping[str, object],
        body: Mapping[str, object],
        options: RequestOptions | None,
    ) -> None:
        opts: RequestOptions = dict(options) if options is not None else {}  # type: ignore[assignment]
        extra_body = opts.pop("extra_body", None)
        self.options = opts
        self.path = client._path_values(endpoint, path)
        render_path(endpoint.path, self.path)  # fail now, not at the first chunk
        self.frame = BodyFrame(endpoint, body, items_field, extra_body)
        self.encode = item_encoder(item_type)
        self.retry_unsafe = opts.get("retry_unsafe", client.retry_unsafe)
        self.max_retry_after = client._retry_policy.max_retry_after
        self.fixed_fields = tuple(field_phrase(name) for name in body)

    def core(self, chunk_size: int, stop_on_error: bool, **hooks: Any) -> BulkCore[bytes]:
        return BulkCore(
            self.encode,
            chunk_size=chunk_size,
            stop_on_error=stop_on_error,
            retry_unsafe=self.retry_unsafe,
            max_retry_after=self.max_retry_after,
            fixed_fields=self.fixed_fields,
            **hooks,
        )

    def content(self, chunk: Chunk[bytes]) -> EncodedJSON:
        content = self.frame.content(chunk.items)
        chunk.items.clear()  # the body holds them now
        return EncodedJSON(content)


def _result_body(result: object) -> object:
    # the flow ran with raw=True: the decoded ``result`` (or bare body); raises APIError subclasses
    return cast("RawResponse[Any]", result).result_json()


def run_bulk(
    client: SyncAPIClient,
    endpoint: Endpoint[Any],
    data: Iterable[object],
    *,
    items_field: str,
    item_type: Any,
    path: Mapping[str, object],
    body: Mapping[str, object],
    query: Mapping[str, object] | None = None,
    headers: Mapping[str, object] | None = None,
    chunk_size: int,
    max_chunk_size: int,
    stop_on_error: bool = False,
    on_progress: Callable[[BulkProgress], object] | None = None,
    on_error: Callable[[BulkError], object] | None = None,
    control: BulkControl | None = None,
    options: RequestOptions | None = None,
    fields: BulkResponseFields = DEFAULT_FIELDS,
) -> BulkReport:
    """Send ``data`` through ``endpoint`` in chunks of ``chunk_size`` with ``client``.

    Each request's body is ``body`` plus ``{items_field: <chunk>}``. Configuration problems (a
    missing account id, a bad size, an invalid fixed field) raise before any input is read.
    """
    _check_sizes(chunk_size, max_chunk_size)
    run = _Run(
        client,
        endpoint,
        items_field=items_field,
        item_type=item_type,
        path=path,
        body=body,
        options=options,
    )
    hooks = {"on_progress": on_progress, "on_error": on_error, "fields": fields}
    core = run.core(chunk_size, stop_on_error, control=control, **hooks)

    def send(chunk: Chunk[bytes]) -> ChunkOutcome:
        request = client._build_request(
            client._http, endpoint, run.path, query, run.content(chunk), run.options, headers
        )
        retries = 0

        def sleep(seconds: float) -> None:
            nonlocal retries
            retries += 1
            client._sleep(seconds)

        flow = client._flow(endpoint, request, run.options, True)
        try:
            result = run_sync(flow, client._http.send, sleep)
            return ChunkOutcome(body=_result_body(result), retries=retries)
        except APIError as exc:
            return ChunkOutcome(error=exc, retries=retries)

    return drive_sync(core, data, send)


async def run_bulk_async(
    client: AsyncAPIClient,
    endpoint: Endpoint[Any],
    data: Iterable[object] | AsyncIterable[object],
    *,
    items_field: str,
    item_type: Any,
    path: Mapping[str, object],
    body: Mapping[str, object],
    query: Mapping[str, object] | None = None,
    headers: Mapping[str, object] | None = None,
    chunk_size: int,
    max_chunk_size: int,
    max_concurrency: int = DEFAULT_MAX_CONCURRENCY,
    stop_on_error: bool = False,
    on_progress: Callable[[BulkProgress], object] | None = None,
    on_error: Callable[[BulkError], object] | None = None,
    control: BulkControl | None = None,
    options: RequestOptions | None = None,
    fields: BulkResponseFields = DEFAULT_FIELDS,
) -> BulkReport:
    """Async :func:`run_bulk` with up to ``max_concurrency`` requests in flight."""
    _check_sizes(chunk_size, max_chunk_size, max_concurrency)
    run = _Run(
        client,
        endpoint,
        items_field=items_field,
        item_type=item_type,
        path=path,
        body=body,
        options=options,
    )
    hooks = {"on_progress": on_progress, "on_error": on_error, "fields": fields}
    core = run.core(chunk_size, stop_on_error, control=control, **hooks)

    async def send(chunk: Chunk[bytes]) -> ChunkOutcome:
        request = client._build_request(
            client._http, endpoint, run.path, query, run.content(chunk), run.options, headers
        )
        retries = 0

        async def sleep(seconds: float) -> None:
            nonlocal retries
            retries += 1
            await client._sleep(seconds)

        flow = client._flow(endpoint, request, run.options, True)
        try:
            result = await run_async(flow, client._http.send, sleep)
            return ChunkOutcome(body=_result_body(result), retries=retries)
        except APIError as exc:
            return ChunkOutcome(error=exc, retries=retries)

    return await drive_async(core, data, send, max_concurrency=max_concurrency)
