"""The bookkeeping of one bulk ingestion, without I/O: :class:`BulkCore`.

It is fed input items one at a time, validates each (an invalid item is reported with its global
input index and never sent), groups the valid ones into chunks, takes each chunk's outcome (the
server's answer, or the error the request ended with) and builds the :class:`.BulkReport`,
remapping the server's chunk-local ``eventIndex`` to global input indices. It knows every chunk
from the moment it is formed until it is settled, so whatever ends the run (the input, a fatal
answer, a stop asked through :class:`BulkControl`, an interrupt), :meth:`BulkCore.finish`
accounts for every item read: chunks in flight become ``unknown``, chunks formed but not sent
and items read but not yet in a chunk ``not_sent``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from pydantic_core import ValidationError

from .bulk_answer import DEFAULT_FIELDS, BulkResponseFields, classify_failure, read_answer
from .bulk_report import (
    BulkError,
    BulkProgress,
    BulkReport,
    CreatedEvent,
    ErrorKind,
    FailedOutcome,
)
from .errors import APIError, validation_problems

__all__ = [
    "BulkControl",
    "BulkCore",
    "Chunk",
    "ChunkOutcome",
    "ChunkResult",
    "describe_validation_error",
]

I = TypeVar("I")  # noqa: E741  (the item type, named as in bulk_drive)


@dataclass(frozen=True)
class Chunk(Generic[I]):
    """Valid items to send together. ``indices[i]`` is the global input index of ``items[i]``
    (the validated item, encoded as the request carries it), ``inputs[i]`` the item as given."""

    number: int
    indices: list[int]
    items: list[I]
    inputs: list[object]

    def __len__(self) -> int:
        return len(self.indices)


@dataclass(frozen=True)
class ChunkOutcome:
    """What became of one chunk: the decoded answer (``body``) or the ``error`` it ended with."""

    body: object = None
    error: Exception | None = None
    retries: int = 0


@dataclass(frozen=True)
class ChunkResult:
    """A settled chunk, as :meth:`BulkControl.chunk_done` sees it: its global ``indices`` and
    the errors of those that were not created (the others were)."""

    number: int
    indices: list[int]
    errors: list[BulkError]

    def created(self) -> list[int]:
        failed = {error.index for error in self.errors}
        return [index for index in self.indices if index not in failed]


class BulkControl:
    """Steers a running ingestion from outside and watches its chunks (``control=`` argument).

    * :meth:`stop`: read no more input and send no new chunk; requests in flight finish; the
      helper then returns its report (``stop_reason="stopped"``).
    * :meth:`abort`: :meth:`stop`, and abandon the requests in flight (async helper): their
      items are ``unknown``. The sync helper cannot interrupt a request: it stops after it.
    * :meth:`chunk_sending` is called just before a chunk's request is sent and
      :meth:`chunk_done` once it is settled: override them to keep a journal.
    * :attr:`report` is the live report from the start of the run, whatever ends it.

    ``stop`` and ``abort`` may be called from a signal handler (``loop.add_signal_handler``) or
    another thread.
    """

    def __init__(self) -> None:
        self.stopped = False
        self.aborted = False
        self.report: BulkReport | None = None
        self._wakers: list[Callable[[], object]] = []

    def stop(self) -> None:
        self.stopped = True

    def abort(self) -> None:
        self.stopped = True
        self.aborted = True
        for wake in list(self._wakers):
            wake()

    def chunk_sending(self, chunk: Chunk[object]) -> None:
        """Called just before ``chunk`` is sent (its request may be retried afterwards)."""

    def chunk_done(self, result: ChunkResult) -> None:
        """Called once a chunk that was sent is settled (not for chunks abandoned in flight)."""

    def _on_abort(self, wake: Callable[[], object]) -> Callable[[], None]:
        self._wakers.append(wake)
        return lambda: self._wakers.remove(wake)


def describe_validation_error(exc: ValidationError) -> str:
    """``"tlp: Field required; date: Input should be a valid datetime"`` (no input values)."""
    return "; ".join(validation_problems(exc))


class BulkCore(Generic[I]):
    """Bookkeeping of one ingestion, without I/O.

    Call :meth:`feed` with each input item (it returns a full :class:`Chunk`, or ``None``),
    :meth:`flush` at the end of the input; for each chunk, :meth:`sending` just before its
    request goes out (or :meth:`unsent` when :attr:`may_send` turned false) and :meth:`complete`
    with its outcome; then :meth:`finish` for the report. Stop reading when :attr:`stopping`.
    ``validate(item)`` returns what the chunk carries for the item, or raises ValidationError.
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
        control: BulkControl | None = None,
        max_retry_after: float = 60.0,
        fixed_fields: tuple[str, ...] = (),
    ) -> None:
        if chunk_size < 1:
            raise ValueError(f"chunk_size must be >= 1, got {chunk_size}")
        self.report = BulkReport()
        self.chunk_size = chunk_size
        self.fatal: APIError | None = None
        self.control = control
        if control is not None:
            control.report = self.report
        self._validate = validate
        self._stop_on_error = stop_on_error
        self._retry_unsafe = retry_unsafe
        self._on_progress = on_progress
        self._on_error = on_error
        self._fields = fields
        self._max_retry_after = max_retry_after
        self._fixed_fields = fixed_fields
        self._stop_reason: str | None = None
        self._chunks = 0
        self._formed: dict[int, Chunk[I]] = {}  # formed, not sent yet
        self._in_flight: dict[int, Chunk[I]] = {}  # sent, not settled
        self._indices: list[int] = []
        self._items: list[I] = []
        self._inputs: list[object] = []

    # state

    @property
    def stopping(self) -> bool:
        """Read no more input."""
        return self._stop_reason is not None or (self.control is not None and self.control.stopped)

    @property
    def may_send(self) -> bool:
        """Chunks already formed may still be sent (false after a fatal answer or a stop)."""
        if self.control is not None and self.control.stopped:
            return False
        return self._stop_reason in (None, "stop_on_error", "input")

    def stop(self, reason: str = "stop_on_error") -> None:
        """Read no more input. With ``stop_on_error`` or ``input``, what was read is still sent."""
        if self._stop_reason is None or reason in ("fatal", "interrupted"):
            self._stop_reason = reason

    # reading

    def feed(self, item: object) -> Chunk[I] | None:
        """Take the next input item; returns a chunk when one is full (or when stopping).

        An item read while the run was being stopped (by a signal handler, say, while the
        driver awaited it) is still accounted for: it waits with the pending items, which
        :meth:`finish` reports ``not_sent`` when no chunk may be sent any more.
        """
        report = self.report
        index = report.consumed
        report.consumed = index + 1
        try:
            value = self._validate(item)
        except ValidationError as exc:
            message = describe_validation_error(exc)
            self._error(BulkError(index, "invalid", "validation", message, item=item))
            if self._stop_on_error:
                self.stop()
                return self.flush()
            return None
        self._indices.append(index)
        self._items.append(value)
        self._inputs.append(item)
        if len(self._indices) >= self.chunk_size:
            return self.flush()
        return None

    def flush(self) -> Chunk[I] | None:
        """The pending items as a chunk (``None`` when there are none, or when no chunk may be
        sent any more: they are then reported ``not_sent`` by :meth:`finish`)."""
        if not self._indices or not self.may_send:
            return None
        self._chunks += 1
        chunk = Chunk(self._chunks, self._indices, self._items, self._inputs)
        self._formed[chunk.number] = chunk
        self._indices, self._items, self._inputs = [], [], []
        return chunk

    # sending and outcomes

    def sending(self, chunk: Chunk[I]) -> None:
        """``chunk``'s request is about to be sent."""
        self._formed.pop(chunk.number, None)
        self._in_flight[chunk.number] = chunk
        self.report.chunks_sent += 1  # handed to the server, even if abandoned in flight later
        if self.control is not None:
            self.control.chunk_sending(chunk)  # type: ignore[arg-type]

    def unsent(self, chunk: Chunk[I]) -> None:
        """``chunk`` will not be sent (the run stopped after it was formed)."""
        if self._formed.pop(chunk.number, None) is not None:
            self._settle_unsent(chunk, *self._unsent_reason())

    def complete(self, chunk: Chunk[I], outcome: ChunkOutcome) -> None:
        """Record what became of ``chunk``."""
        if self._in_flight.pop(chunk.number, None) is None:
            return  # already settled (abandoned)
        report = self.report
        if outcome.retries:
            report.chunks_retried += 1
            report.retries += outcome.retries
        if outcome.error is not None:
            errors = self._chunk_failed(chunk, outcome.error)
        else:
            errors = self._chunk_accepted(chunk, outcome.body)
        if self.control is not None:
            self.control.chunk_done(ChunkResult(chunk.number, chunk.indices, errors))
        if self._on_progress is not None:
            self._on_progress(report.progress())

    def _chunk_accepted(self, chunk: Chunk[I], body: object) -> list[BulkError]:
        answer = read_answer(body, len(chunk), self._fields)
        report = self.report
        report.created += len(answer.created)
        if answer.locations:
            report.created_events.extend(
                CreatedEvent(chunk.indices[pos], *answer.locations.get(pos, (None, None)))
                for pos in answer.created
            )
        errors: list[BulkError] = []
        settled: tuple[tuple[FailedOutcome, dict[int, str]], ...] = (
            ("rejected", answer.rejected),
            ("unknown", answer.unknown),
        )
        for outcome, reasons in settled:
            for pos, reason in sorted(reasons.items()):
                index, item = chunk.indices[pos], chunk.inputs[pos]
                errors.append(BulkError(index, outcome, "server", reason, chunk.number, item=item))
        for error in errors:
            self._error(error)
        if errors and self._stop_on_error:
            self.stop()
        return errors

    def _chunk_failed(self, chunk: Chunk[I], error: Exception) -> list[BulkError]:
        if not isinstance(error, APIError):
            raise TypeError(f"a chunk can only fail with an APIError, got {error!r}")
        failure = classify_failure(
            error,
            max_retry_after=self._max_retry_after,
            retry_unsafe=self._retry_unsafe,
            fixed_fields=self._fixed_fields,
        )
        self.report.chunks_failed += 1
        errors = [
            BulkError(
                index,
                failure.outcome,
                failure.kind,
                failure.message,
                chunk.number,
                failure.status_code,
                item,
            )
            for index, item in zip(chunk.indices, chunk.inputs)
        ]
        for bulk_error in errors:
            self._error(bulk_error)
        if failure.fatal:
            if self.fatal is None:
                self.fatal = error
            self.stop("fatal")
        elif self._stop_on_error:
            self.stop()
        return errors

    def _unsent_reason(self, interrupted: bool = False) -> tuple[ErrorKind, str]:
        if interrupted or self._stop_reason == "interrupted":
            return "interrupted", "not sent: the ingestion was interrupted"
        if self.fatal is not None:
            return "stopped", f"not sent: the ingestion stopped at the answer {self.fatal}"
        return "stopped", "not sent: the ingestion was stopped"

    def _settle_unsent(self, chunk: Chunk[I], kind: ErrorKind, message: str) -> None:
        self._settle(chunk.indices, chunk.inputs, "not_sent", kind, message, chunk.number)

    def _settle(
        self,
        indices: list[int],
        inputs: list[object],
        outcome: FailedOutcome,
        kind: ErrorKind,
        message: str,
        chunk: int | None,
    ) -> None:
        for index, item in zip(indices, inputs):
            self._error(BulkError(index, outcome, kind, message, chunk, item=item))

    def _error(self, error: BulkError) -> None:
        self.report.errors.append(error)
        if self._on_error is not None:
            self._on_error(error)

    def finish(self, *, interrupted: bool = False) -> BulkReport:
        """The final report (lists sorted by input index). Every item read is settled: chunks
        still in flight are ``unknown``; chunks formed but not sent and pending items
        ``not_sent``."""
        if interrupted:
            self.stop("interrupted")
        elif self.control is not None and self.control.stopped:
            self.stop("stopped")
        for chunk in list(self._in_flight.values()):
            self._in_flight.pop(chunk.number)
            message = "interrupted while the chunk was in flight: it may have been processed"
            self._settle(
                chunk.indices, chunk.inputs, "unknown", "interrupted", message, chunk.number
            )
        kind, message = self._unsent_reason(interrupted)
        for chunk in list(self._formed.values()):
            self._formed.pop(chunk.number)
            self._settle_unsent(chunk, kind, message)
        self._settle(self._indices, self._inputs, "not_sent", kind, message, None)
        self._indices, self._items, self._inputs = [], [], []
        report = self.report
        if self._stop_reason is not None:
            report.stopped = True
            report.stop_reason = self._stop_reason
        report.errors.sort(key=lambda e: e.index)
        report.created_events.sort(key=lambda e: e.index)
        if self._on_progress is not None:
            self._on_progress(report.progress(done=True))
        return report
