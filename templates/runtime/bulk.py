"""Streaming bulk ingestion: any number of items through a batch endpoint, none lost, none twice.

Built like :mod:`.flow`: one sans-IO core and two thin drivers.

* :class:`BulkCore` does the bookkeeping without any I/O. It is fed input items one at a time,
  validates each (an invalid item is reported with its global input index and never sent), groups
  the valid ones into chunks, takes each chunk's outcome (the server's answer, or the error the
  request ended with) and builds the :class:`BulkReport`, remapping the server's chunk-local
  ``eventIndex`` to global input indices.
* :func:`drive_sync` / :func:`drive_async` read the input lazily and hand each chunk to a
  ``send`` callable; :func:`run_bulk` / :func:`run_bulk_async` are the drivers the generated
  ``bulk_create_all`` methods call: their ``send`` builds the request with the client and runs it
  through the client's own request flow, so retries follow the client's :class:`.RetryPolicy`.

Nothing here knows the operation: the endpoint, the name of the body field that carries the items,
the item type and the other body fields come from the generated method. The names of the fields
read from the answer have defaults (:class:`BulkResponseFields`).

Guarantees:

* Every input index read appears in the report exactly once, either as created or in ``errors``.
  The server only lists per-event ``uuid``/``shard`` when asked (``includeCreatedEvents``); without
  that, an index counts as created when its chunk was accepted and the server listed no error for
  it.
* Memory is bounded by ``chunk_size * (max_concurrency + 1)`` items (one chunk being read plus one
  per request in flight), whatever the size of the input; the report grows only with the errors
  and, when requested, the created-event locations.
* A chunk whose fate is unknown (a 5xx answer, a timeout or a broken connection after the request
  was sent) is not sent again unless the caller opts in with ``retry_unsafe=True``: its events
  are reported failed with ``maybe_created=True``, so no event is created twice. 429 answers and
  failures to connect are retried by the client's policy because the server processed nothing.
"""

from __future__ import annotations

import functools
from collections.abc import (
    AsyncIterable,
    AsyncIterator,
    Awaitable,
    Callable,
    Iterable,
    Iterator,
    Mapping,
)
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar, cast

from pydantic_core import ValidationError

from .endpoint import Endpoint
from .errors import (
    APIConnectionError,
    APIEnvelopeError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    PackageError,
    validation_problems,
)
from .flow import run_async, run_sync
from .request import render_path
from .response import RawResponse
from .retries import _NOT_SENT
from .types import RequestOptions

if TYPE_CHECKING:
    from pydantic import TypeAdapter

    from .client import AsyncAPIClient, SyncAPIClient

__all__ = [
    "BulkCore",
    "BulkError",
    "BulkInputError",
    "BulkProgress",
    "BulkReport",
    "BulkResponseFields",
    "Chunk",
    "ChunkOutcome",
    "CreatedEvent",
    "ErrorKind",
    "drive_async",
    "drive_sync",
    "item_validator",
    "run_bulk",
    "run_bulk_async",
]

I = TypeVar("I")

ErrorKind = Literal["validation", "server", "transport"]
"""``validation``: rejected before sending (never sent); ``server``: the server refused the event or
its chunk (per-event error in the answer, error status, unreadable answer); ``transport``: the
request failed on the network (connection error, timeout)."""

DEFAULT_MAX_CONCURRENCY = 4


# --- the report ---------------------------------------------------------------


@dataclass(frozen=True)
class CreatedEvent:
    """One created event: its global input index and where the server stored it.

    ``uuid``/``shard_id`` are ``None`` when the server's answer did not list that event.
    """

    index: int
    uuid: str | None
    shard_id: str | None


@dataclass(frozen=True)
class BulkError:
    """Why the input item at global index ``index`` was not created.

    ``chunk`` is the 1-based number of the chunk it was sent in (``None`` for ``validation``
    errors: never sent). ``status_code`` is the HTTP status of a failed chunk, when there was one.
    ``maybe_created`` is true when the chunk's fate is unknown (5xx, timeout or broken connection
    after sending): the event may exist on the server, check before sending it again.
    ``item`` is the input item exactly as it was given (kept so that failures can be re-sent).
    """

    index: int
    kind: ErrorKind
    message: str
    chunk: int | None = None
    status_code: int | None = None
    maybe_created: bool = False
    item: object = field(default=None, repr=False, compare=False)


@dataclass(frozen=True)
class BulkProgress:
    """A snapshot passed to ``on_progress`` after every chunk and once at the end."""

    consumed: int
    created: int
    failed: int
    chunks_sent: int
    chunks_failed: int
    done: bool = False


@dataclass
class BulkReport:
    """Outcome of a bulk ingestion.

    Invariant: every input index in ``range(consumed)`` is either created or listed exactly once
    in ``errors``, so ``created + failed == consumed``. ``errors`` and ``created_events`` are
    sorted by index. ``created_events`` is filled only when the server lists the created events
    (``include_created_events=True``); otherwise an index counts as created when its chunk was
    accepted and the server reported no error for it.

    ``chunks_sent`` counts chunks handed to the server (each once, whatever its retries);
    ``chunks_retried`` those that needed at least one retry (``retries`` in all);
    ``chunks_failed`` those that failed as a whole (none of their events created).
    ``stopped`` is true when ``stop_on_error`` (or a failing input) ended the run before the input
    was exhausted; ``consumed`` then says how many input items were read (the rest were not
    read, and do not appear in the report).
    """

    consumed: int = 0
    created: int = 0
    created_events: list[CreatedEvent] = field(default_factory=list)
    errors: list[BulkError] = field(default_factory=list)
    chunks_sent: int = 0
    chunks_retried: int = 0
    chunks_failed: int = 0
    retries: int = 0
    stopped: bool = False

    @property
    def failed(self) -> int:
        """How many input items were not created (``len(errors)``)."""
        return len(self.errors)

    @property
    def ok(self) -> bool:
        """True when every input item read was created."""
        return not self.errors

    def failed_indices(self) -> list[int]:
        return [error.index for error in self.errors]

    def failures_by_kind(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for error in self.errors:
            counts[error.kind] = counts.get(error.kind, 0) + 1
        return counts

    def progress(self, *, done: bool = False) -> BulkProgress:
        return BulkProgress(
            consumed=self.consumed,
            created=self.created,
            failed=len(self.errors),
            chunks_sent=self.chunks_sent,
            chunks_failed=self.chunks_failed,
            done=done,
        )

    def __repr__(self) -> str:
        return (
            f"BulkReport(consumed={self.consumed}, created={self.created}, "
            f"failed={self.failed}, chunks_sent={self.chunks_sent}, "
            f"chunks_retried={self.chunks_retried}, chunks_failed={self.chunks_failed}, "
            f"stopped={self.stopped})"
        )


class BulkInputError(PackageError):
    """Reading the input raised; ``report`` covers what was read before (and ``__cause__`` is the
    original exception). Items read before the failure were still sent."""

    def __init__(self, message: str, *, report: BulkReport) -> None:
        super().__init__(message)
        self.message = message
        self.report = report


@dataclass(frozen=True)
class BulkResponseFields:
    """Wire names read from a bulk answer (defaults: a ``BulkCreateResult`` of the v4 envelope style)."""

    errors: str = "errors"
    error_index: str = "eventIndex"
    error_message: str = "error"
    created_events: str = "createdEvents"
    created_index: str = "eventIndex"
    created_uuid: str = "uuid"
    created_shard: str = "shardId"


DEFAULT_FIELDS = BulkResponseFields()


# --- the sans-IO core -----------------------------------------------------------


@dataclass(frozen=True)
class Chunk(Generic[I]):
    """Valid items to send together. ``indices[i]`` is the global input index of ``items[i]``."""

    number: int
    indices: list[int]
    items: list[I]
    inputs: list[object]

    def __len__(self) -> int:
        return len(self.items)


@dataclass(frozen=True)
class ChunkOutcome:
    """What became of one chunk: the decoded answer (``body``) or the ``error`` it ended with."""

    body: object = None
    error: Exception | None = None
    retries: int = 0


@functools.lru_cache(maxsize=64)
def _adapter(item_type: Any) -> TypeAdapter[Any]:
    from pydantic import TypeAdapter  # imported on first use: keeps the package import light

    return TypeAdapter(item_type)


def item_validator(item_type: Any) -> Callable[[object], Any]:
    """``validate(item)`` for ``item_type``: the validated value, or raises ValidationError."""
    return _adapter(item_type).validate_python


def describe_validation_error(exc: ValidationError) -> str:
    """``"tlp: Field required; date: Input should be a valid datetime"`` (no input values)."""
    return "; ".join(validation_problems(exc))


def _position(value: object, size: int) -> int | None:
    """A chunk-local index from the answer, or None when it is not an index into the chunk."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if isinstance(value, float):
        if not value.is_integer():
            return None
        value = int(value)
    return value if 0 <= value < size else None


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


class BulkCore(Generic[I]):
    """Bookkeeping of one ingestion, without I/O.

    Call :meth:`feed` with each input item (it returns a full :class:`Chunk` to send, or
    ``None``), :meth:`flush` at the end of the input, :meth:`complete` with each chunk's outcome,
    then :meth:`finish` for the report. Stop reading as soon as :attr:`stopping` is true.
    """

    def __init__(
        self,
        validate: Callable[[object], I],
        *,
        chunk_size: int,
        stop_on_error: bool = False,
        retry_unsafe: bool = False,
        on_progress: Callable[[BulkProgress], object] | None = None,
        on_error: Callable[[BulkError], object] | None = None,
        fields: BulkResponseFields = DEFAULT_FIELDS,
    ) -> None:
        if chunk_size < 1:
            raise ValueError(f"chunk_size must be >= 1, got {chunk_size}")
        self.report = BulkReport()
        self.chunk_size = chunk_size
        self.stopping = False
        self._validate = validate
        self._stop_on_error = stop_on_error
        self._retry_unsafe = retry_unsafe
        self._on_progress = on_progress
        self._on_error = on_error
        self._fields = fields
        self._chunks = 0
        self._indices: list[int] = []
        self._items: list[I] = []
        self._inputs: list[object] = []

    # reading

    def feed(self, item: object) -> Chunk[I] | None:
        """Take the next input item; returns a chunk when one is full (or when stopping)."""
        if self.stopping:
            raise RuntimeError("BulkCore.feed() after the ingestion stopped")
        report = self.report
        index = report.consumed
        report.consumed = index + 1
        try:
            value = self._validate(item)
        except ValidationError as exc:
            self._error(BulkError(index, "validation", describe_validation_error(exc), item=item))
            if self._stop_on_error:
                self.stop()
                return self.flush()
            return None
        self._indices.append(index)
        self._items.append(value)
        self._inputs.append(item)
        if len(self._items) >= self.chunk_size:
            return self.flush()
        return None

    def flush(self) -> Chunk[I] | None:
        """The pending items as a chunk (``None`` when there are none)."""
        if not self._items:
            return None
        self._chunks += 1
        chunk = Chunk(self._chunks, self._indices, self._items, self._inputs)
        self._indices, self._items, self._inputs = [], [], []
        return chunk

    def stop(self) -> None:
        """Read no more input (the pending items still go out with the next :meth:`flush`)."""
        self.stopping = True
        self.report.stopped = True

    # outcomes

    def complete(self, chunk: Chunk[I], outcome: ChunkOutcome) -> None:
        """Record what became of ``chunk``."""
        report = self.report
        report.chunks_sent += 1
        if outcome.retries:
            report.chunks_retried += 1
            report.retries += outcome.retries
        if outcome.error is not None:
            self._chunk_failed(chunk, outcome.error)
        else:
            self._chunk_accepted(chunk, outcome.body)
        if self._on_progress is not None:
            self._on_progress(report.progress())

    def _chunk_accepted(self, chunk: Chunk[I], body: object) -> None:
        f = self._fields
        size = len(chunk)
        rejected: dict[int, str] = {}
        locations: dict[int, tuple[str | None, str | None]] = {}
        if isinstance(body, dict):
            errors = body.get(f.errors)
            if isinstance(errors, list):
                for entry in errors:
                    if not isinstance(entry, dict):
                        continue
                    pos = _position(entry.get(f.error_index), size)
                    if pos is None or pos in rejected:
                        continue  # not an index into this chunk, or already reported
                    message = entry.get(f.error_message)
                    rejected[pos] = str(message) if message else "rejected by the server"
            created = body.get(f.created_events)
            if isinstance(created, list):
                for entry in created:
                    if not isinstance(entry, dict):
                        continue
                    pos = _position(entry.get(f.created_index), size)
                    if pos is not None and pos not in locations:
                        locations[pos] = (
                            _text(entry.get(f.created_uuid)),
                            _text(entry.get(f.created_shard)),
                        )
        report = self.report
        report.created += size - len(rejected)
        for pos, index in enumerate(chunk.indices):
            message = rejected.get(pos)
            if message is not None:
                self._error(
                    BulkError(index, "server", message, chunk.number, item=chunk.inputs[pos])
                )
            elif locations:
                uuid, shard = locations.get(pos, (None, None))
                report.created_events.append(CreatedEvent(index, uuid, shard))
        if rejected and self._stop_on_error:
            self.stop()

    def _chunk_failed(self, chunk: Chunk[I], error: Exception) -> None:
        kind: ErrorKind = "server"
        status: int | None = None
        maybe_created = False
        if isinstance(error, APIConnectionError):
            kind = "transport"
            maybe_created = not isinstance(error.__cause__, _NOT_SENT)
        elif isinstance(error, APIStatusError):
            status = error.status_code
            maybe_created = status >= 500 and not isinstance(error, APIEnvelopeError)
        elif isinstance(error, APIResponseValidationError):
            status = error.status_code
            maybe_created = 200 <= status < 300
        message = str(error) or type(error).__name__
        if maybe_created:
            if self._retry_unsafe:
                message += "; the chunk may have been processed"
            else:
                message += (
                    "; the chunk may have been processed, so it was not sent again "
                    "(retry_unsafe=True resends)"
                )
        self.report.chunks_failed += 1
        for pos, index in enumerate(chunk.indices):
            self._error(
                BulkError(
                    index,
                    kind,
                    message,
                    chunk.number,
                    status_code=status,
                    maybe_created=maybe_created,
                    item=chunk.inputs[pos],
                )
            )
        if self._stop_on_error:
            self.stop()

    def _error(self, error: BulkError) -> None:
        self.report.errors.append(error)
        if self._on_error is not None:
            self._on_error(error)

    def finish(self) -> BulkReport:
        """The final report (lists sorted by input index)."""
        report = self.report
        report.errors.sort(key=lambda e: e.index)
        report.created_events.sort(key=lambda e: e.index)
        if self._on_progress is not None:
            self._on_progress(report.progress(done=True))
        return report


# --- drivers ----------------------------------------------------------------------


def _check_input(data: object) -> None:
    if isinstance(data, (str, bytes, bytearray, Mapping)):
        raise TypeError(
            f"data must be an iterable of items (a list, a generator, ...), "
            f"not a single {type(data).__name__}"
        )


def _input_error(exc: Exception, report: BulkReport) -> BulkInputError:
    return BulkInputError(
        f"reading the input failed after {report.consumed} item(s) "
        f"({report.created} created, {report.failed} failed): {type(exc).__name__}: {exc}",
        report=report,
    )


def drive_sync(
    core: BulkCore[I],
    data: Iterable[object],
    send: Callable[[Chunk[I]], ChunkOutcome],
) -> BulkReport:
    """Read ``data`` lazily, one chunk at a time, and send each chunk before reading on."""
    _check_input(data)
    iterator = iter(data)
    failure: Exception | None = None
    while not core.stopping:
        try:
            item = next(iterator)
        except StopIteration:
            break
        except Exception as exc:  # the input broke: send what was read, then report
            failure = exc
            core.stop()
            break
        chunk = core.feed(item)
        if chunk is not None:
            core.complete(chunk, send(chunk))
    chunk = core.flush()
    if chunk is not None:
        core.complete(chunk, send(chunk))
    report = core.finish()
    if failure is not None:
        raise _input_error(failure, report) from failure
    return report


async def drive_async(
    core: BulkCore[I],
    data: Iterable[object] | AsyncIterable[object],
    send: Callable[[Chunk[I]], Awaitable[ChunkOutcome]],
    *,
    max_concurrency: int = DEFAULT_MAX_CONCURRENCY,
) -> BulkReport:
    """Like :func:`drive_sync` with up to ``max_concurrency`` chunks in flight.

    ``max_concurrency`` workers take turns reading the next chunk (one reader at a time), then
    send it; a worker reads again only after its chunk is done, which bounds memory.
    """
    import asyncio

    _check_input(data)
    if max_concurrency < 1:
        raise ValueError(f"max_concurrency must be >= 1, got {max_concurrency}")
    lock = asyncio.Lock()
    aiterator: AsyncIterator[object] | None = None
    iterator: Iterator[object] | None = None
    if isinstance(data, AsyncIterable):
        aiterator = data.__aiter__()
    else:
        iterator = iter(data)
    exhausted = False
    failure: Exception | None = None

    async def next_chunk() -> Chunk[I] | None:
        nonlocal exhausted, failure
        async with lock:
            while not exhausted and not core.stopping:
                try:
                    if aiterator is not None:
                        item = await aiterator.__anext__()
                    else:
                        assert iterator is not None
                        item = next(iterator)
                except (StopIteration, StopAsyncIteration):
                    exhausted = True
                    break
                except Exception as exc:  # the input broke: send what was read, then report
                    failure = exc
                    core.stop()
                    break
                chunk = core.feed(item)
                if chunk is not None:
                    return chunk
            return core.flush()

    async def worker() -> None:
        while True:
            chunk = await next_chunk()
            if chunk is None:
                return
            core.complete(chunk, await send(chunk))

    tasks = [asyncio.ensure_future(worker()) for _ in range(max_concurrency)]
    try:
        await asyncio.gather(*tasks)
    except BaseException:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise
    report = core.finish()
    if failure is not None:
        raise _input_error(failure, report) from failure
    return report


# --- sending through a client ------------------------------------------------------


def _check_sizes(chunk_size: int, max_chunk_size: int) -> None:
    if max_chunk_size < 1:
        raise ValueError(f"max_chunk_size must be >= 1, got {max_chunk_size}")
    if not 1 <= chunk_size <= max_chunk_size:
        raise ValueError(
            f"chunk_size must be between 1 and max_chunk_size ({max_chunk_size}), got "
            f"{chunk_size}; raise max_chunk_size if the server accepts bigger batches"
        )


def _make_core(
    item_type: Any,
    options: RequestOptions,
    retry_unsafe_default: bool,
    *,
    chunk_size: int,
    stop_on_error: bool,
    on_progress: Callable[[BulkProgress], object] | None,
    on_error: Callable[[BulkError], object] | None,
    fields: BulkResponseFields,
) -> BulkCore[Any]:
    return BulkCore(
        item_validator(item_type),
        chunk_size=chunk_size,
        stop_on_error=stop_on_error,
        retry_unsafe=options.get("retry_unsafe", retry_unsafe_default),
        on_progress=on_progress,
        on_error=on_error,
        fields=fields,
    )


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
    options: RequestOptions | None = None,
    fields: BulkResponseFields = DEFAULT_FIELDS,
) -> BulkReport:
    """Send ``data`` through ``endpoint`` in chunks of ``chunk_size`` with ``client``.

    Each request's body is ``body`` plus ``{items_field: <chunk>}``. Configuration problems (a
    missing account id, a bad size) raise before any input is read.
    """
    _check_sizes(chunk_size, max_chunk_size)
    opts: RequestOptions = options if options is not None else {}
    path_values = client._path_values(endpoint, path)
    render_path(endpoint.path, path_values)  # fail now, not at the first chunk
    core = _make_core(
        item_type,
        opts,
        client.retry_unsafe,
        chunk_size=chunk_size,
        stop_on_error=stop_on_error,
        on_progress=on_progress,
        on_error=on_error,
        fields=fields,
    )

    def send(chunk: Chunk[Any]) -> ChunkOutcome:
        request = client._build_request(
            client._http,
            endpoint,
            path_values,
            query,
            {**body, items_field: chunk.items},
            opts,
            headers,
        )
        retries = 0

        def sleep(seconds: float) -> None:
            nonlocal retries
            retries += 1
            client._sleep(seconds)

        try:
            result = run_sync(client._flow(endpoint, request, opts, True), client._http.send, sleep)
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
    options: RequestOptions | None = None,
    fields: BulkResponseFields = DEFAULT_FIELDS,
) -> BulkReport:
    """Async :func:`run_bulk` with up to ``max_concurrency`` requests in flight."""
    _check_sizes(chunk_size, max_chunk_size)
    if max_concurrency < 1:
        raise ValueError(f"max_concurrency must be >= 1, got {max_concurrency}")
    opts: RequestOptions = options if options is not None else {}
    path_values = client._path_values(endpoint, path)
    render_path(endpoint.path, path_values)  # fail now, not at the first chunk
    core = _make_core(
        item_type,
        opts,
        client.retry_unsafe,
        chunk_size=chunk_size,
        stop_on_error=stop_on_error,
        on_progress=on_progress,
        on_error=on_error,
        fields=fields,
    )

    async def send(chunk: Chunk[Any]) -> ChunkOutcome:
        request = client._build_request(
            client._http,
            endpoint,
            path_values,
            query,
            {**body, items_field: chunk.items},
            opts,
            headers,
        )
        retries = 0

        async def sleep(seconds: float) -> None:
            nonlocal retries
            retries += 1
            await client._sleep(seconds)

        try:
            result = await run_async(
                client._flow(endpoint, request, opts, True), client._http.send, sleep
            )
            return ChunkOutcome(body=_result_body(result), retries=retries)
        except APIError as exc:
            return ChunkOutcome(error=exc, retries=retries)

    return await drive_async(core, data, send, max_concurrency=max_concurrency)
