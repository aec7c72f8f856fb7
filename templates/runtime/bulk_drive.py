"""The two drivers of a :class:`.BulkCore`: they read the input lazily and send each chunk.

:func:`drive_sync` sends each chunk before reading on; :func:`drive_async` keeps up to
``max_concurrency`` chunks in flight. Neither knows the operation: ``send`` turns a chunk into a
:class:`.ChunkOutcome` (an answer, or the :class:`.APIError` the request ended with).

Whatever ends a run, the items read are accounted for (see :meth:`.BulkCore.finish`) and the
report travels with the exception: :class:`.BulkInputError` (the input raised),
:class:`.BulkFatalError` (an answer that would fail every chunk), :class:`.BulkInterrupted` (a
``KeyboardInterrupt``), or a cancelled ingestion's ``asyncio.CancelledError`` (as ``.report``).
"""

from __future__ import annotations

from collections.abc import (
    AsyncIterable,
    AsyncIterator,
    Awaitable,
    Callable,
    Iterable,
    Iterator,
    Mapping,
)
from typing import TYPE_CHECKING, Any, TypeVar

from .bulk_core import BulkCore, Chunk, ChunkOutcome
from .bulk_report import BulkFatalError, BulkInputError, BulkInterrupted, BulkReport

if TYPE_CHECKING:
    import asyncio

__all__ = ["DEFAULT_MAX_CONCURRENCY", "drive_async", "drive_sync"]

I = TypeVar("I")  # noqa: E741  (the item type of a chunk)

DEFAULT_MAX_CONCURRENCY = 4

_END = object()


def check_input(data: object) -> None:
    if isinstance(data, (str, bytes, bytearray, Mapping)):
        raise TypeError(
            f"data must be an iterable of items (a list, a generator, ...), "
            f"not a single {type(data).__name__}"
        )


def _input_error(exc: Exception, report: BulkReport) -> BulkInputError:
    return BulkInputError(
        f"reading the input failed after {report.consumed} item(s) "
        f"({report.summary()}): {type(exc).__name__}: {exc}",
        report=report,
    )


def _end(core: BulkCore[Any], failure: Exception | None) -> BulkReport:
    """The report, or the exception that carries it."""
    report = core.finish()
    if failure is not None:
        raise _input_error(failure, report) from failure
    if core.fatal is not None:
        raise BulkFatalError(
            f"bulk ingestion stopped: every chunk would fail like this one: {core.fatal}; "
            f"nothing more was sent ({report.summary()})",
            report=report,
            error=core.fatal,
        ) from core.fatal
    return report


def _send_sync(
    core: BulkCore[I], chunk: Chunk[I], send: Callable[[Chunk[I]], ChunkOutcome]
) -> None:
    if not core.may_send:
        core.unsent(chunk)
        return
    core.sending(chunk)
    core.complete(chunk, send(chunk))


def drive_sync(
    core: BulkCore[I],
    data: Iterable[object],
    send: Callable[[Chunk[I]], ChunkOutcome],
) -> BulkReport:
    """Read ``data`` lazily, one chunk at a time, and send each chunk before reading on."""
    check_input(data)
    iterator = iter(data)
    failure: Exception | None = None
    try:
        while not core.stopping:
            try:
                item = next(iterator)
            except StopIteration:
                break
            except Exception as exc:  # the input broke: send what was read, then report
                failure = exc
                core.stop("input")
                break
            chunk = core.feed(item)
            if chunk is not None:
                _send_sync(core, chunk, send)
        chunk = core.flush()
        if chunk is not None:
            _send_sync(core, chunk, send)
    except KeyboardInterrupt as exc:
        raise BulkInterrupted(core.finish(interrupted=True)) from exc
    return _end(core, failure)


class _Reader:
    """Reads the next chunk for the async workers, one reader at a time."""

    def __init__(self, core: BulkCore[Any], data: Iterable[object] | AsyncIterable[object]) -> None:
        import asyncio

        self.core = core
        self.lock = asyncio.Lock()
        self.failure: Exception | None = None
        self.exhausted = False
        self._aiterator: AsyncIterator[object] | None = None
        self._iterator: Iterator[object] | None = None
        if isinstance(data, AsyncIterable):
            self._aiterator = data.__aiter__()
        else:
            self._iterator = iter(data)

    async def _next_item(self) -> object:
        """The next item, or ``_END`` (a StopIteration cannot cross a coroutine)."""
        if self._aiterator is not None:
            try:
                return await self._aiterator.__anext__()
            except StopAsyncIteration:
                return _END
        assert self._iterator is not None
        return next(self._iterator, _END)

    async def next_chunk(self) -> Chunk[Any] | None:
        core = self.core
        async with self.lock:
            while not self.exhausted and not core.stopping:
                try:
                    item = await self._next_item()
                except Exception as exc:  # the input broke: send what was read, then report
                    self.failure = exc
                    core.stop("input")
                    break
                if item is _END:
                    self.exhausted = True
                    break
                chunk = core.feed(item)
                if chunk is not None:
                    return chunk
            return core.flush()


async def _send_async(
    core: BulkCore[I],
    chunk: Chunk[I],
    send: Callable[[Chunk[I]], Awaitable[ChunkOutcome]],
    aborted: asyncio.Event,
) -> None:
    """Send ``chunk`` unless the run stopped; an abort abandons it in flight (``unknown``)."""
    import asyncio

    if not core.may_send:
        core.unsent(chunk)
        return
    core.sending(chunk)
    request = asyncio.ensure_future(send(chunk))
    abort = asyncio.ensure_future(aborted.wait())
    try:
        await asyncio.wait({request, abort}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        abort.cancel()
        if not request.done():  # aborted (or cancelled): abandon the request
            request.cancel()
            await asyncio.gather(request, return_exceptions=True)
    if not request.cancelled():
        core.complete(chunk, request.result())


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

    check_input(data)
    if max_concurrency < 1:
        raise ValueError(f"max_concurrency must be >= 1, got {max_concurrency}")
    reader = _Reader(core, data)
    aborted = asyncio.Event()
    loop = asyncio.get_running_loop()
    forget = None
    if core.control is not None:
        forget = core.control._on_abort(lambda: loop.call_soon_threadsafe(aborted.set))
        if core.control.aborted:
            aborted.set()

    async def worker() -> None:
        while True:
            chunk = await reader.next_chunk()
            if chunk is None:
                return
            await _send_async(core, chunk, send, aborted)

    tasks = [asyncio.ensure_future(worker()) for _ in range(max_concurrency)]
    try:
        await asyncio.gather(*tasks)
    except BaseException as exc:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        report = core.finish(interrupted=True)
        if isinstance(exc, KeyboardInterrupt):
            raise BulkInterrupted(report) from exc
        if isinstance(exc, asyncio.CancelledError):
            setattr(exc, "report", report)  # noqa: B010 -- see partial_report
        raise
    finally:
        if forget is not None:
            forget()
    return _end(core, reader.failure)
