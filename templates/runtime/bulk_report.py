"""What a bulk ingestion did with every input item: :class:`BulkReport`, and what it raises.

Every input item read ends in exactly one outcome (:data:`ItemOutcome`):

* ``created``: the server's answer says it was stored;
* ``rejected``: the server refused it (a per-item error in the answer, or an answer refusing its
  whole chunk for what the chunk held, such as a 400), with the server's reason;
* ``invalid``: it failed validation, so it was never sent;
* ``unknown``: its chunk may or may not have been processed (a 5xx answer, a timeout or a broken
  connection after sending, an answer that cannot be read or does not say which items failed,
  an ingestion interrupted while the chunk was in flight): check before sending it again;
* ``not_sent``: the server did not process it (never sent, or its chunk was turned away for a
  reason that is not the items': 401, 403, 404, 413, 429): safe to send again.

Invariant: ``created + rejected + invalid + unknown + not_sent == consumed``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from .errors import APIError, PackageError

__all__ = [
    "FAILED_OUTCOMES",
    "BulkError",
    "BulkFatalError",
    "BulkInputError",
    "BulkInterrupted",
    "BulkProgress",
    "BulkReport",
    "CreatedEvent",
    "ErrorKind",
    "FailedOutcome",
    "ItemOutcome",
    "partial_report",
]

ItemOutcome = Literal["created", "rejected", "invalid", "unknown", "not_sent"]
FailedOutcome = Literal["rejected", "invalid", "unknown", "not_sent"]
FAILED_OUTCOMES: tuple[FailedOutcome, ...] = ("rejected", "invalid", "unknown", "not_sent")

ErrorKind = Literal["validation", "server", "transport", "stopped", "interrupted"]
"""What caused an outcome other than ``created``: ``validation`` (never sent); ``server`` (the
answer); ``transport`` (the network: connection error, timeout); ``stopped`` (the ingestion
stopped before sending it); ``interrupted`` (interrupted while its chunk was in flight, or
before it was sent)."""


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

    ``outcome``: ``rejected``, ``invalid``, ``unknown`` or ``not_sent`` (see the module doc);
    ``message`` the reason. ``chunk`` is the 1-based number of the chunk it was read into
    (``None`` when it never was: invalid, or read after the ingestion stopped).
    ``status_code`` is the HTTP status of the answer, when there was one. ``item`` is the input
    item exactly as it was given (kept so that failures can be fixed and sent again).
    """

    index: int
    outcome: FailedOutcome
    kind: ErrorKind
    message: str
    chunk: int | None = None
    status_code: int | None = None
    item: object = field(default=None, repr=False, compare=False)

    @property
    def maybe_created(self) -> bool:
        """The item may exist on the server (outcome ``unknown``): check before resending."""
        return self.outcome == "unknown"


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
    """Outcome of a bulk ingestion: every input index read, in exactly one outcome.

    ``created`` counts the created items; ``errors`` lists every other item once (sorted by
    index), with its outcome and reason: ``rejected``, ``invalid``, ``unknown`` and ``not_sent``
    give their counts, :meth:`of` their errors, :meth:`indices` their indexes (``created`` too).
    ``created_events`` is filled only when the server lists the created events
    (``include_created_events=True``).

    ``chunks_sent`` counts chunks handed to the server (each once, whatever its retries);
    ``chunks_retried`` those that needed at least one retry (``retries`` in all);
    ``chunks_failed`` those that failed as a whole. ``stopped`` is true when the run ended before
    the input was exhausted (``stop_reason``: ``stop_on_error``, ``fatal``, ``stopped``,
    ``interrupted`` or ``input``); ``consumed`` then says how many items were read (the rest were
    not read and do not appear in the report).
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
    stop_reason: str | None = None

    @property
    def failed(self) -> int:
        """How many input items were not created (``len(errors)``)."""
        return len(self.errors)

    @property
    def ok(self) -> bool:
        """True when every input item read was created."""
        return not self.errors

    @property
    def rejected(self) -> int:
        return self.count("rejected")

    @property
    def invalid(self) -> int:
        return self.count("invalid")

    @property
    def unknown(self) -> int:
        return self.count("unknown")

    @property
    def not_sent(self) -> int:
        return self.count("not_sent")

    def count(self, outcome: ItemOutcome) -> int:
        """How many items ended in ``outcome``."""
        if outcome == "created":
            return self.created
        return sum(1 for error in self.errors if error.outcome == outcome)

    def counts(self) -> dict[str, int]:
        """Every outcome with its count (``created`` first), zeros included."""
        counts: dict[str, int] = {"created": self.created}
        counts.update((outcome, 0) for outcome in FAILED_OUTCOMES)
        for error in self.errors:
            counts[error.outcome] += 1
        return counts

    def of(self, outcome: FailedOutcome) -> list[BulkError]:
        """The errors of the items that ended in ``outcome`` (their indexes and reasons)."""
        return [error for error in self.errors if error.outcome == outcome]

    def indices(self, outcome: ItemOutcome) -> list[int]:
        """The input indexes of the items that ended in ``outcome``, ascending."""
        if outcome != "created":
            return sorted(error.index for error in self.errors if error.outcome == outcome)
        failed = {error.index for error in self.errors}
        return [index for index in range(self.consumed) if index not in failed]

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
        outcomes = ", ".join(f"{name}={count}" for name, count in self.counts().items())
        return (
            f"BulkReport(consumed={self.consumed}, {outcomes}, chunks_sent={self.chunks_sent}, "
            f"chunks_retried={self.chunks_retried}, chunks_failed={self.chunks_failed}, "
            f"stopped={self.stopped})"
        )

    def summary(self) -> str:
        """``"120 read: 100 created, 5 rejected, 10 invalid, 5 unknown, 0 not sent"``."""
        parts = [f"{count} {name.replace('_', ' ')}" for name, count in self.counts().items()]
        return f"{self.consumed} read: " + ", ".join(parts)


class BulkInputError(PackageError):
    """Reading the input raised; ``report`` covers what was read before (and ``__cause__`` is the
    original exception). Items read before the failure were still sent."""

    def __init__(self, message: str, *, report: BulkReport) -> None:
        super().__init__(message)
        self.message = message
        self.report = report


class BulkFatalError(APIError):
    """An answer that would fail every chunk stopped the ingestion after the requests in flight.

    Such answers: 401 (credentials refused), 403 (no permission), 404 (the account or a fixed
    field such as the dataset does not exist), 413 (chunks too large), a 4xx naming the dataset,
    429 with a ``Retry-After`` longer than the retry policy waits; or no connection to the API
    even after the retries (``status_code`` None). ``error`` is that answer's
    error (also ``__cause__``), ``status_code`` its status; ``report`` covers every item read
    (those not sent are ``not_sent``: send them again once the cause is fixed).
    """

    def __init__(self, message: str, *, report: BulkReport, error: APIError) -> None:
        super().__init__(message, request=error.request)
        self.report = report
        self.error = error
        self.status_code: int | None = getattr(error, "status_code", None)


class BulkInterrupted(KeyboardInterrupt):
    """A ``KeyboardInterrupt`` that ended a bulk ingestion, with its partial ``report``: chunks in
    flight are ``unknown``, items read but not sent ``not_sent``."""

    def __init__(self, report: BulkReport) -> None:
        super().__init__(f"bulk ingestion interrupted: {report.summary()}")
        self.report = report


def partial_report(exc: BaseException) -> BulkReport | None:
    """The report attached to ``exc`` or to an exception it was raised from or during.

    A bulk ingestion attaches its report to what ends it: :class:`BulkInputError`,
    :class:`BulkFatalError`, :class:`BulkInterrupted`, and the ``asyncio.CancelledError`` of a
    cancelled ingestion (under ``asyncio.run``, Ctrl-C raises a ``KeyboardInterrupt`` whose
    ``__context__`` is that error).
    """
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        report = getattr(current, "report", None)
        if isinstance(report, BulkReport):
            return report
        current = current.__cause__ or current.__context__
    return None
