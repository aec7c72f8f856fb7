"""What the ingest command writes: progress, the output files, the JSON report.

Output files are JSON Lines that ``ingest`` reads back: each record as it was read, with an
``"_ingest"`` key giving its ``source`` file, ``line``, ``outcome`` and ``reason`` (dropped when
the file is ingested). Every file is written whole to a temporary file beside it, then renamed
over the target: an interrupted write never leaves half a file.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TextIO

from .bulk_report import BulkProgress
from .ingest_input import META_KEY, BadLine, read_records
from .ingest_journal import INVALID, REJECTED, UNKNOWN, Ledger

__all__ = ["Progress", "atomic_text", "write_failures", "write_json"]


class Progress:
    """A bar with rate and ETA on a terminal; otherwise a line every ``every`` seconds (never
    when ``every`` is 0)."""

    WIDTH = 28

    def __init__(
        self,
        stream: TextIO,
        total: int,
        *,
        tty: bool,
        every: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.stream = stream
        self.total = total
        self.tty = tty
        self.every = 0.1 if tty else every
        self.clock = clock
        self.started = clock()
        self._last = self.started
        self._drawn = False

    def update(self, progress: BulkProgress) -> None:
        if self.every <= 0:
            return
        now = self.clock()
        if not progress.done and now - self._last < self.every:
            return
        if progress.done and not self.tty:
            return  # the summary follows
        self._last = now
        done = progress.created + progress.failed
        fraction = min(done / self.total, 1.0) if self.total else 1.0
        elapsed = max(now - self.started, 1e-9)
        rate = done / elapsed
        eta = (self.total - done) / rate if rate > 0 and done < self.total else 0.0
        created, failed = progress.created, progress.failed
        if self.tty:
            counts = f"created {created}  failed {failed}"
            filled = int(self.WIDTH * fraction)
            bar = "#" * filled + "." * (self.WIDTH - filled)
            self.stream.write(
                f"\r[{bar}] {fraction * 100:5.1f}% {done}/{self.total}  {counts}  "
                f"{rate:,.0f}/s  ETA {_clock(eta)} "
            )
            self._drawn = True
        else:
            self.stream.write(
                f"ingest: {done}/{self.total} ({fraction * 100:.1f}%): created {created}, "
                f"failed {failed}; "
                f"{rate:,.0f}/s, ETA {_clock(eta)}\n"
            )
        self.stream.flush()

    def close(self) -> None:
        if self._drawn:
            self.stream.write("\n")
            self.stream.flush()
            self._drawn = False


def _clock(seconds: float) -> str:
    seconds = int(seconds + 0.5)
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


@contextmanager
def atomic_text(path: str) -> Iterator[TextIO]:
    """A text file written beside ``path`` and renamed over it when the block succeeds."""
    folder = os.path.dirname(os.path.abspath(path))
    fd, temporary = tempfile.mkstemp(prefix=".ingest-", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as stream:
            yield stream
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def write_json(path: str, value: Any) -> None:
    with atomic_text(path) as stream:
        json.dump(value, stream, indent=2, ensure_ascii=False)
        stream.write("\n")


_OUTCOMES = {REJECTED: "rejected", INVALID: "invalid", UNKNOWN: "unknown"}


def write_failures(
    *,
    path: str,
    fmt: str,
    model: Any,
    source: str,
    ledger: Ledger,
    rejected_out: str | None,
    unknown_out: str | None,
    shown: int = 0,
) -> tuple[list[tuple[int, str, str]], tuple[int, int]]:
    """Write the rejected and invalid records to ``rejected_out``, the unknown ones to
    ``unknown_out``, in one more pass over the input (none when every record was created).

    Returns the first ``shown`` failures as (line, outcome, reason), and how many records went
    to each file.
    """
    first: list[tuple[int, str, str]] = []
    written = {REJECTED: 0, UNKNOWN: 0}
    status = ledger.status
    failures = status.count(REJECTED) + status.count(INVALID) + status.count(UNKNOWN)
    with _maybe(rejected_out) as rejected, _maybe(unknown_out) as unknown:
        targets = {REJECTED: rejected, INVALID: rejected, UNKNOWN: unknown}
        for entry in read_records(path, fmt, model) if failures else ():
            if isinstance(entry, BadLine) or status[entry.ordinal] not in targets:
                continue
            code = status[entry.ordinal]
            reason = ledger.reasons.get(entry.ordinal, "")
            if len(first) < shown:
                first.append((entry.line, _OUTCOMES[code], reason))
            out = targets[code]
            if out is not None:
                meta = {
                    "source": source,
                    "line": entry.line,
                    "outcome": _OUTCOMES[code],
                    "reason": reason,
                }
                out.write(_line(entry.value, meta))
                written[UNKNOWN if code == UNKNOWN else REJECTED] += 1
            if len(first) >= shown and rejected is None and unknown is None:
                break
    return first, (written[REJECTED], written[UNKNOWN])


def _line(value: object, meta: dict[str, object]) -> str:
    record = (
        {**value, META_KEY: meta}
        if isinstance(value, dict)
        else {META_KEY: {**meta, "record": value}}
    )
    return json.dumps(record, ensure_ascii=False, default=str) + "\n"


@contextmanager
def _maybe(path: str | None) -> Iterator[TextIO | None]:
    if path is None:
        yield None
        return
    with atomic_text(path) as stream:
        yield stream
