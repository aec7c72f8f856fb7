"""Reading what the server said about one chunk, without I/O.

:func:`read_answer` turns an accepted chunk's answer into per-item outcomes; nothing is called
created unless the answer says so. :func:`classify_failure` turns the error a chunk's request
ended with into the outcome of all its items, and says whether every later chunk would fail
the same way (a fatal answer: stop sending).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import httpx

from .bulk_report import ErrorKind, FailedOutcome
from .errors import (
    APIConnectionError,
    APIEnvelopeError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    RateLimitError,
    shorten,
)
from .retries import _NOT_SENT

__all__ = [
    "Answer",
    "BulkResponseFields",
    "DEFAULT_FIELDS",
    "Failure",
    "classify_failure",
    "field_phrase",
    "read_answer",
]

REASON_CHARS = 1000
"""Longest per-item reason kept from an answer."""


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
    created_count: str = "createdEventsCount"
    error_count: str = "errorCount"


DEFAULT_FIELDS = BulkResponseFields()


@dataclass
class Answer:
    """Per-position outcomes of one accepted chunk (positions are chunk-local)."""

    created: list[int] = field(default_factory=list)
    locations: dict[int, tuple[str | None, str | None]] = field(default_factory=dict)
    rejected: dict[int, str] = field(default_factory=dict)
    unknown: dict[int, str] = field(default_factory=dict)


def _position(value: object, size: int) -> int | None:
    """A chunk-local index from the answer, or None when it is not an index into the chunk."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if isinstance(value, float):
        if not value.is_integer():
            return None
        value = int(value)
    return value if 0 <= value < size else None


def _count(value: object) -> int | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return int(value) if value >= 0 and float(value).is_integer() else None


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _listed_errors(body: dict[str, object], size: int, f: BulkResponseFields) -> dict[int, str]:
    rejected: dict[int, str] = {}
    errors = body.get(f.errors)
    for entry in errors if isinstance(errors, list) else ():
        if not isinstance(entry, dict):
            continue
        pos = _position(entry.get(f.error_index), size)
        if pos is None or pos in rejected:
            continue  # not an index into this chunk, or already reported
        message = entry.get(f.error_message)
        rejected[pos] = shorten(str(message), REASON_CHARS) if message else "rejected by the server"
    return rejected


def _listed_created(
    body: dict[str, object], size: int, f: BulkResponseFields
) -> dict[int, tuple[str | None, str | None]]:
    locations: dict[int, tuple[str | None, str | None]] = {}
    created = body.get(f.created_events)
    for entry in created if isinstance(created, list) else ():
        if not isinstance(entry, dict):
            continue
        pos = _position(entry.get(f.created_index), size)
        if pos is not None and pos not in locations:
            locations[pos] = (_text(entry.get(f.created_uuid)), _text(entry.get(f.created_shard)))
    return locations


def read_answer(body: object, size: int, fields: BulkResponseFields = DEFAULT_FIELDS) -> Answer:
    """What an accepted answer says about each of the ``size`` items of its chunk.

    Items the answer lists (``errors``, ``createdEvents``) take that outcome. The others are
    settled by the counts (``createdEventsCount``, ``errorCount``): created when the counts say
    every one of them was, rejected when they say none was, and ``unknown`` when the counts are
    missing or do not say which items failed (``errorCount: 50`` without an ``errors`` list).
    """
    answer = Answer()
    if not isinstance(body, dict):
        answer.unknown = {
            pos: "the answer is not an object: it says nothing of the items" for pos in range(size)
        }
        return answer
    rejected = _listed_errors(body, size, fields)
    locations = _listed_created(body, size, fields)
    answer.rejected = rejected
    answer.locations = {p: loc for p, loc in locations.items() if p not in rejected}
    rest = [pos for pos in range(size) if pos not in rejected and pos not in locations]
    created_count = _count(body.get(fields.created_count))
    error_count = _count(body.get(fields.error_count))
    # how many of the items not listed were created / rejected, according to the counts
    more_created = None if created_count is None else created_count - len(answer.locations)
    more_rejected = None if error_count is None else error_count - len(rejected)
    if more_created is None and more_rejected is not None:
        more_created = len(rest) - more_rejected
    if more_rejected is None and more_created is not None:
        more_rejected = len(rest) - more_created
    answer.created = sorted(answer.locations)
    if not rest:
        return answer
    if more_created == len(rest) and more_rejected == 0:
        answer.created = sorted([*answer.created, *rest])
    elif more_rejected == len(rest) and more_created == 0:
        reason = f"rejected by the server (its answer counts {error_count} errors, no reason)"
        answer.rejected = {**rejected, **{pos: reason for pos in rest}}
    else:
        reason = _unsaid(size, created_count, error_count, len(rejected) + len(locations))
        answer.unknown = {pos: reason for pos in rest}
    return answer


def _unsaid(size: int, created: int | None, errors: int | None, listed: int) -> str:
    if created is None and errors is None:
        return "the answer does not say whether this item was created (no counts)"
    return (
        f"the answer does not say which items failed ({created} created, {errors} errors "
        f"for {size} items, {listed} listed)"
    )


@dataclass(frozen=True)
class Failure:
    """The outcome of every item of a chunk whose request failed as a whole."""

    outcome: FailedOutcome
    kind: ErrorKind
    message: str
    status_code: int | None = None
    fatal: bool = False


_FATAL_STATUSES = frozenset({401, 403, 404, 413})
_UNREACHABLE = (httpx.ConnectError, httpx.ConnectTimeout)


def field_phrase(wire_name: str) -> str:
    """How a message names a body field: ``datasetId`` -> ``"dataset"``, ``dataset_id`` too."""
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", wire_name).replace("_", " ").lower().split()
    if len(words) > 1 and words[-1] in ("id", "ids", "uuid"):
        words.pop()
    return " ".join(words)


def classify_failure(
    error: APIError,
    *,
    max_retry_after: float = 60.0,
    retry_unsafe: bool = False,
    fixed_fields: tuple[str, ...] = (),
) -> Failure:
    """The outcome of the items of a chunk whose request ended with ``error``.

    ``fixed_fields``: phrases naming the body fields every chunk carries (see
    :func:`field_phrase`): a 4xx refusal that names one would refuse every chunk.
    """
    message = str(error) or type(error).__name__
    maybe = message + (
        "; the chunk may have been processed"
        if retry_unsafe
        else "; the chunk may have been processed, so it was not sent again"
    )
    if isinstance(error, APIConnectionError):
        if isinstance(error.__cause__, _UNREACHABLE):
            # no connection even after the retries: every other chunk would fail the same way
            return Failure("not_sent", "transport", message, fatal=True)
        if isinstance(error.__cause__, _NOT_SENT):
            return Failure("not_sent", "transport", message)
        return Failure("unknown", "transport", maybe)
    if isinstance(error, APIStatusError):
        status = error.status_code
        if isinstance(error, RateLimitError) or status == 408:
            waits = error.retry_after is not None and error.retry_after > max_retry_after
            return Failure("not_sent", "server", message, status, fatal=waits)
        if status in _FATAL_STATUSES:
            return Failure("not_sent", "server", message, status, fatal=True)
        if isinstance(error, APIEnvelopeError) or 400 <= status < 500:
            text = error.message.lower()
            if any(phrase and phrase in text for phrase in fixed_fields):
                return Failure("not_sent", "server", message, status, fatal=True)
            return Failure("rejected", "server", message, status)
        return Failure("unknown", "server", maybe, status)
    if isinstance(error, APIResponseValidationError) and not 200 <= error.status_code < 300:
        return Failure("rejected", "server", message, error.status_code)
    status_code = getattr(error, "status_code", None)
    return Failure(
        "unknown", "server", maybe, status_code if isinstance(status_code, int) else None
    )
