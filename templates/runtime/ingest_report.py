"""The end of an ingest run: output files, the summary on standard output, ``--report`` JSON.

The summary covers the whole input across runs (from the journal) as well as this run, says
what to do about each kind of record not created, and ends with the exit status and its
meaning. Hints name flags and environment variables, never Python arguments.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from typing import Any

from pydantic_core import ValidationError

from .bulk import BulkFatalError, BulkReport, describe_validation_error, item_validator
from .ingest_cli import EXIT_FAILED, EXIT_OK, IngestSpec
from .ingest_input import BadLine, read_records
from .ingest_journal import INVALID, Ledger
from .ingest_output import write_failures, write_json

__all__ = ["Outcome", "dry_run", "finish"]

SHOWN = 10
MEANING = {
    0: "every record was created",
    1: "some records were not created",
    2: "the input changed while it was sent",
    3: "stopped by an answer (or an unreachable API) that would fail every request",
    130: "interrupted",
}


@dataclass
class Outcome:
    """What a run found and did, gathered for the summary."""

    source: str = ""
    fmt: str = ""
    records: int = 0
    journal: str | None = None
    run: int = 1
    earlier: dict[str, int] = field(default_factory=dict)
    to_send: int = 0
    report: BulkReport | None = None
    fatal: BulkFatalError | None = None
    input_error: BaseException | None = None
    interrupted: bool = False
    grew: int | None = None  # the records the input had when it last ran, if it grew since


def dry_run(spec: IngestSpec, args: argparse.Namespace, path: str, outcome: Outcome) -> int:
    """Validate every record, send nothing; the invalid ones go to ``--rejected-out``."""
    validate = item_validator(spec.item_type)
    ledger = Ledger(outcome.records)
    for entry in read_records(path, outcome.fmt, spec.item_type):
        if isinstance(entry, BadLine):
            continue
        try:
            validate(entry.value)
        except ValidationError as exc:
            ledger.settle(entry.ordinal, INVALID, describe_validation_error(exc))
    invalid = ledger.status.count(INVALID)
    shown, written = _failures(spec, args, path, ledger, outcome)
    out = sys.stdout
    out.write(
        f"{outcome.source}: {outcome.records} record(s) ({outcome.fmt}); dry run: "
        f"{outcome.records - invalid} valid, {invalid} invalid; nothing sent\n"
    )
    _show(shown, invalid, out)
    if args.rejected_out is not None:
        out.write(f"{written[0]} invalid record(s) written to {args.rejected_out}\n")
    out.flush()
    return EXIT_FAILED if invalid else EXIT_OK


def _failures(
    spec: IngestSpec, args: argparse.Namespace, path: str, ledger: Ledger, outcome: Outcome
) -> tuple[list[tuple[int, str, str]], tuple[int, int]]:
    return write_failures(
        path=path,
        fmt=outcome.fmt,
        model=spec.item_type,
        source=outcome.source,
        ledger=ledger,
        rejected_out=args.rejected_out,
        unknown_out=args.unknown_out,
        shown=SHOWN,
    )


def _show(shown: list[tuple[int, str, str]], failed: int, out: Any) -> None:
    for line, outcome, reason in shown:
        first = reason.splitlines()[0] if reason else ""
        out.write(f"  line {line}: {outcome}: {first}\n")
    if failed > len(shown):
        out.write(f"  ... and {failed - len(shown)} more\n")


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{n} {name.replace('_', ' ')}" for name, n in counts.items())


def finish(
    spec: IngestSpec,
    args: argparse.Namespace,
    path: str,
    ledger: Ledger,
    outcome: Outcome,
    code: int,
) -> None:
    """Write the output files, the summary and the JSON report of a run that sent."""
    shown, written = _failures(spec, args, path, ledger, outcome)
    total = ledger.counts()
    out = sys.stdout
    where = f"; journal {outcome.journal}, run {outcome.run}" if outcome.journal else "; no journal"
    out.write(f"{outcome.source}: {outcome.records} record(s) ({outcome.fmt}){where}\n")
    if outcome.grew is not None:
        out.write(
            f"the input grew since the last run ({outcome.grew} -> {outcome.records} records; "
            f"the first {outcome.grew} unchanged): the new records are sent\n"
        )
    report = outcome.report
    if report is not None:
        out.write(
            f"this run: {_counts(report.counts())}; {report.chunks_sent} chunk(s) sent "
            f"({report.chunks_retried} retried, {report.retries} retries in all), "
            f"{report.chunks_failed} failed\n"
        )
    elif outcome.journal:
        out.write("this run: nothing left to send (the journal settled every record)\n")
    out.write(f"in all: {_counts(total)}\n")
    _show(shown, total["rejected"] + total["invalid"] + total["unknown"], out)
    if args.rejected_out is not None:
        out.write(f"{written[0]} rejected or invalid record(s) written to {args.rejected_out}\n")
    if args.unknown_out is not None:
        out.write(f"{written[1]} record(s) of unknown fate written to {args.unknown_out}\n")
    for hint in _hints(spec, args, outcome, total):
        out.write(hint + "\n")
    out.write(f"exit status {code}: {MEANING[code]}\n")
    out.flush()
    if args.report is not None:
        write_json(args.report, _json(outcome, total, code, args))


def _hints(
    spec: IngestSpec, args: argparse.Namespace, outcome: Outcome, total: dict[str, int]
) -> list[str]:
    hints = []
    if outcome.fatal is not None:
        hints.append(f"stopped: {outcome.fatal.error}")
        hints.append(fatal_hint(spec, outcome.fatal))
    if outcome.input_error is not None:
        hints.append(f"the input changed while it was sent: {outcome.input_error}")
    again = "run the same command again" + (
        f" (the journal {outcome.journal} resumes it)" if outcome.journal else ""
    )
    if outcome.interrupted:
        hints.append(f"interrupted: {again} to send the rest")
    elif total["not_sent"]:
        hints.append(f"{total['not_sent']} record(s) not sent: {again} to send them")
    if total["rejected"] or total["invalid"]:
        where = args.rejected_out or "--rejected-out FILE"
        hints.append(f"rejected and invalid records: fix them in {where}, then ingest that file")
    if total["unknown"]:
        hints.append(
            f"{total['unknown']} record(s) may or may not have been created: check them "
            f"({args.unknown_out or '--unknown-out FILE'}) before sending them again"
        )
    return hints


def fatal_hint(spec: IngestSpec, fatal: BulkFatalError) -> str:
    """What to fix, in flags and environment variables."""
    status = fatal.status_code
    fixed = " and ".join(f.option for f in spec.flags if f.required) or "the flags"
    account = next((f"{f.option} or {f.env}" for f in spec.flags if f.env), "the path defaults")
    if status is None:
        where = spec.client_class._settings.env_base_url
        return (
            "fix: the API could not be reached: check the network"
            + (f" and {where}" if where else "")
            + ", then run the same command again"
        )
    if status == 401:
        return f"fix: the credentials were refused: set {spec.credential_hint()} to valid ones"
    if status == 403:
        return (
            f"fix: the credentials may not write there: check the token's permissions "
            f"and the account ({account})"
        )
    if status == 413:
        return "fix: the requests are too large: pass a smaller --chunk-size"
    if status == 429:
        wait = getattr(fatal.error, "retry_after", None)
        return (
            f"fix: the API asks to wait {wait:g} s: run the same command again later"
            if wait is not None
            else "fix: run the same command again later"
        )
    return (
        f"fix: check {fixed} and the account ({account}), then run again; a journal written for"
        " other values asks for --restart and says whether that would send anything twice"
    )


def _json(outcome: Outcome, total: dict[str, int], code: int, args: argparse.Namespace) -> Any:
    report = outcome.report
    this_run = None
    if report is not None:
        this_run = {
            **report.counts(),
            "read": report.consumed,
            "requests": report.chunks_sent,
            "retried": report.chunks_retried,
            "failed_requests": report.chunks_failed,
        }
    fatal = outcome.fatal
    return {
        "input": outcome.source,
        "format": outcome.fmt,
        "records": outcome.records,
        "journal": outcome.journal,
        "run": outcome.run,
        "grew_from": outcome.grew,
        "exit_status": code,
        "meaning": MEANING[code],
        "total": total,
        "this_run": this_run,
        "stopped_by": (
            None if fatal is None else {"status": fatal.status_code, "message": str(fatal.error)}
        ),
        "outputs": {"rejected": args.rejected_out, "unknown": args.unknown_out},
    }
