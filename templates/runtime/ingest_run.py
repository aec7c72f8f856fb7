"""One run of the ingest command: check the input, resume the journal, send, account, report.

The input is read once up front (nothing sent when a line cannot be read; every bad line is
listed), then once more to send it (records the journal settled are skipped), and once more at
the end to write the output files. Memory stays flat: records are read, validated and sent chunk
by chunk; what is kept per record is one byte of status (and two integers per record sent).

Signals while sending: the first SIGINT/SIGTERM stops reading and sending, lets the requests in
flight finish, writes the journal, the files and the summary, and exits 130; a second one
abandons the requests in flight (their records are ``unknown``).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
import tempfile
from array import array
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from .bulk import BulkControl, BulkFatalError, BulkInputError, BulkReport, Chunk, ChunkResult
from .ingest_cli import (
    EXIT_FAILED,
    EXIT_FATAL,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    IngestSpec,
    UsageError,
    quiet_broken_pipe,
)
from .ingest_input import (
    BadLine,
    InputError,
    check_input,
    detect_format,
    fingerprint,
    read_records,
    starts_with,
)
from .ingest_journal import CREATED, INVALID, PENDING, REJECTED, UNKNOWN, Journal, Ledger
from .ingest_output import Progress
from .ingest_report import Outcome, dry_run, finish

__all__ = ["Ingest"]

_STATUS = {"rejected": REJECTED, "invalid": INVALID, "unknown": UNKNOWN, "not_sent": PENDING}


class _Journaling(BulkControl):
    """Writes each chunk to the journal before it is sent, and its answer after."""

    def __init__(self, journal: Journal | None, fed: array[int]) -> None:
        super().__init__()
        self.journal = journal
        self.fed = fed

    def chunk_sending(self, chunk: Chunk[object]) -> None:
        if self.journal is not None:
            self.journal.sent(chunk.number, [self.fed[i] for i in chunk.indices])

    def chunk_done(self, result: ChunkResult) -> None:
        if self.journal is None:
            return
        fed = self.fed
        by: dict[str, list[tuple[int, str]]] = {"rejected": [], "unknown": []}
        for error in result.errors:
            if error.outcome in by:
                by[error.outcome].append((fed[error.index], error.message))
        created = [fed[i] for i in result.created()]
        self.journal.done(result.number, created, by["rejected"], by["unknown"])


class Ingest:
    """One run of ``ingest`` with parsed ``args``."""

    def __init__(
        self, spec: IngestSpec, args: argparse.Namespace, http_client: httpx.AsyncClient | None
    ) -> None:
        self.spec = spec
        self.args = args
        self.http_client = http_client
        self.signals = 0
        self.outcome = Outcome()
        self.outputs_checked = False  # the output paths are safe to write

    def run(self) -> int:
        self._check_usage()
        with self._input() as (path, display):
            head = _head(path)
            args = self.args
            fmt = args.format if args.format != "auto" else detect_format(args.file, head)
            check = check_input(path, fmt, self.spec.item_type)
            if check.bad_lines:
                raise InputError(f"{check.bad_count} line(s) cannot be read:\n{check.describe()}")
            outcome = self.outcome
            outcome.source, outcome.fmt, outcome.records = display, fmt, check.records
            if check.records == 0:  # a wrong file, most likely: said as input that cannot be used
                raise InputError("no records to ingest")
            if args.dry_run:
                return dry_run(self.spec, args, path, outcome)
            client = self._client()
            journal = self._journal(path, client, outcome)
            ledger = journal.ledger if journal is not None else Ledger(check.records)
            try:
                self._send(client, path, ledger, journal)
            finally:
                if journal is not None:
                    journal.close(self._status())
            return self._finish(path, ledger)

    def _finish(self, path: str, ledger: Ledger) -> int:
        code = self._code(ledger)
        try:
            finish(self.spec, self.args, path, ledger, self.outcome, code)
        except BrokenPipeError:
            quiet_broken_pipe()
        except KeyboardInterrupt:
            return EXIT_INTERRUPTED
        return code

    # --- before sending ---------------------------------------------------------------

    def _check_usage(self) -> None:
        args, spec = self.args, self.spec
        if args.errors_out is not None:
            raise UsageError(
                "--errors-out was split in two: --rejected-out FILE (rejected and "
                "invalid records) and --unknown-out FILE (fate unknown)"
            )
        if args.chunk_size > spec.max_chunk_size:
            raise UsageError(
                f"--chunk-size must be at most {spec.max_chunk_size}, got {args.chunk_size}"
            )
        if args.journal is None and args.file != "-":
            args.journal = args.file + ".ingest-journal"
        if args.restart and args.journal is None:
            raise UsageError("--restart needs a journal: pass --journal PATH")
        outputs = [
            ("--journal", args.journal),
            ("--rejected-out", args.rejected_out),
            ("--unknown-out", args.unknown_out),
            ("--report", args.report),
        ]
        named = [(flag, path) for flag, path in outputs if path is not None]
        if args.dry_run:
            named = [(flag, path) for flag, path in named if flag != "--journal"]
        seen: dict[object, str] = {}
        if args.file != "-":
            seen[_identity(args.file)] = "the input FILE"
        for flag, path in named:
            key = _identity(path)
            if key in seen:
                raise UsageError(f"{flag} {path} is the same file as {seen[key]}: refused")
            seen[key] = flag
        for flag, path in named:
            folder = os.path.dirname(os.path.abspath(path))
            if not os.access(folder, os.W_OK):
                raise UsageError(f"cannot write {flag} {path}: its folder is not writable")
        self.outputs_checked = True

    @contextmanager
    def _input(self) -> Iterator[tuple[str, str]]:
        """(path to read, name to show); standard input is first copied to a temporary file."""
        if self.args.file != "-":
            yield self.args.file, self.args.file
            return
        with tempfile.NamedTemporaryFile("wb", suffix=".stdin", delete=False) as spool:
            while block := sys.stdin.buffer.read(1 << 20):
                spool.write(block)
        try:
            yield spool.name, "<stdin>"
        finally:
            os.unlink(spool.name)

    def _client(self) -> Any:
        """The API client; missing settings are named by flag and environment variable."""
        spec, args, env = self.spec, self.args, os.environ
        if spec.needs_credentials():
            raise UsageError(f"no API credentials: set {spec.credential_hint()}")
        for flag in spec.flags:
            if flag.env and getattr(args, flag.dest) is None and not env.get(flag.env, "").strip():
                raise UsageError(f"{flag.option} is missing: pass it, or set {flag.env}")
        return spec.client_class(http_client=self.http_client)

    def _journal(self, path: str, client: Any, outcome: Outcome) -> Journal | None:
        args = self.args
        if args.journal is None:
            return None
        target: dict[str, object] = {"base_url": client.base_url}
        for flag in self.spec.flags:
            value = getattr(args, flag.dest)
            target[flag.dest] = value if value is not None else getattr(client, flag.dest, None)
        identity = {
            "input": {**fingerprint(path), "format": outcome.fmt, "records": outcome.records},
            "target": target,
        }
        try:
            journal = Journal.open(
                args.journal,
                identity,
                outcome.records,
                restart=args.restart,
                starts_with=lambda size, sha256: starts_with(path, size, sha256),
            )
        except OSError as exc:
            raise UsageError(f"cannot use --journal {args.journal}: {exc.strerror}") from None
        outcome.journal, outcome.run, outcome.grew = args.journal, journal.run, journal.grew
        outcome.earlier = journal.ledger.counts()
        return journal

    # --- sending ----------------------------------------------------------------------

    def _send(self, client: Any, path: str, ledger: Ledger, journal: Journal | None) -> None:
        outcome = self.outcome
        to_send = ledger.status.count(PENDING) + ledger.status.count(INVALID)
        outcome.to_send = to_send
        fed: array[int] = array("q")
        if to_send == 0:
            asyncio.run(client.close())
            return
        progress = Progress(
            sys.stderr, to_send, tty=_tty(sys.stderr), every=self.args.progress_every
        )
        control = _Journaling(journal, fed)
        try:
            report = asyncio.run(
                self._run(client, self._records(path, ledger, fed), control, progress)
            )
        except BulkFatalError as exc:
            report, outcome.fatal = exc.report, exc
        except BulkInputError as exc:
            report, outcome.input_error = exc.report, exc.__cause__ or exc
        finally:
            progress.close()
        outcome.report = report
        _settle(ledger, report, fed)

    def _records(self, path: str, ledger: Ledger, fed: array[int]) -> Iterator[object]:
        for entry in read_records(path, self.outcome.fmt, self.spec.item_type):
            if isinstance(entry, BadLine):  # the input changed since it was checked
                raise InputError(entry.message, entry.line)
            if ledger.to_send(entry.ordinal):
                fed.append(entry.ordinal)
                yield entry.value

    async def _run(
        self, client: Any, data: Iterator[object], control: BulkControl, progress: Progress
    ) -> BulkReport:
        loop = asyncio.get_running_loop()
        installed = []
        for signum in (signal.SIGINT, getattr(signal, "SIGTERM", None)):
            if signum is None:
                continue
            try:
                loop.add_signal_handler(signum, self._on_signal, signum, control)
                installed.append(signum)
            except (NotImplementedError, RuntimeError, ValueError):  # not the main thread
                pass
        args = self.args
        try:
            return await self.spec.send(
                client,
                _each(data),
                args,
                chunk_size=args.chunk_size,
                max_concurrency=args.concurrency,
                stop_on_error=args.stop_on_error,
                on_progress=progress.update,
                control=control,
            )
        finally:
            for signum in installed:
                loop.remove_signal_handler(signum)
            await client.close()

    def _on_signal(self, signum: int, control: BulkControl) -> None:
        self.signals += 1
        name = signal.Signals(signum).name
        if self.signals == 1:
            control.stop()
            sys.stderr.write(
                f"\n{self.spec.prog}: {name}: stopping: nothing more is sent; waiting for the "
                "requests in flight (again to abandon them)\n"
            )
        else:
            control.abort()
            sys.stderr.write(
                f"{self.spec.prog}: {name}: abandoning the requests in flight (their records "
                "are unknown)\n"
            )

    # --- after sending ------------------------------------------------------------------

    def _status(self) -> str:
        outcome = self.outcome
        if self.signals:
            return "interrupted"
        if outcome.fatal is not None:
            return "fatal"
        if outcome.input_error is not None:
            return "input changed"
        return "done"

    def _code(self, ledger: Ledger) -> int:
        outcome = self.outcome
        if self.signals:
            code = EXIT_INTERRUPTED
        elif outcome.fatal is not None:
            code = EXIT_FATAL
        elif outcome.input_error is not None:
            code = EXIT_USAGE
        else:
            code = EXIT_OK if ledger.status.count(CREATED) == outcome.records else EXIT_FAILED
        outcome.interrupted = bool(self.signals)
        return code


async def _each(data: Iterator[object]) -> AsyncIterator[object]:
    """The records as an async iterable: the event loop runs (signals, answers) between them."""
    for count, record in enumerate(data):
        if count % 64 == 63:
            await asyncio.sleep(0)
        yield record


def _settle(ledger: Ledger, report: BulkReport, fed: array[int]) -> None:
    """Record this run's outcomes (journal or not) in the ledger."""
    failed = set()
    for error in report.errors:
        if error.index < len(fed):
            status = _STATUS[error.outcome]
            ledger.settle(fed[error.index], status, None if status == PENDING else error.message)
            failed.add(error.index)
    for index in range(min(report.consumed, len(fed))):
        if index not in failed:
            ledger.settle(fed[index], CREATED)


def _identity(path: str) -> object:
    """What tells two paths of one file apart from two files (links and hard links included)."""
    try:
        stat = os.stat(path)
    except OSError:
        return os.path.normcase(os.path.realpath(path))
    return (stat.st_dev, stat.st_ino)


def _head(path: str) -> str:
    try:
        with open(path, encoding="utf-8-sig", errors="replace", newline="") as stream:
            return stream.read(4096)
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}") from None


def _tty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False
