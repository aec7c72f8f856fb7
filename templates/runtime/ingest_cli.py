"""The ``ingest`` command of a generated client: its flags and its exit statuses.

The generated ``_ingest_cli`` module describes what varies per package in an
:class:`IngestSpec` (program name, item type, the bulk method and its fixed arguments as
:class:`Flag` s) and calls :func:`main`. :mod:`.ingest_run` does the work.

Exit status: 0 every record created; 1 some not created (or, with ``--dry-run``, invalid); 2 bad
usage, unreadable or empty input (nothing sent); 3 stopped by an answer that would fail every
request (401, 403, a dataset that does not exist, an unreachable API...); 130 interrupted (SIGINT
or SIGTERM).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

import httpx

from .auth import Credentials
from .bulk_report import BulkReport
from .errors import PackageError
from .ingest_csv import csv_conventions
from .ingest_input import FORMATS, InputError

__all__ = [
    "EXIT_FAILED",
    "EXIT_FATAL",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_USAGE",
    "Flag",
    "IngestSpec",
    "UsageError",
    "build_parser",
    "main",
]

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_FATAL = 3
EXIT_INTERRUPTED = 130
DEFAULT_CONCURRENCY = 4
DEFAULT_PROGRESS_EVERY = 10.0


class UsageError(Exception):
    """Bad usage (exit status 2)."""


@dataclass(frozen=True)
class Flag:
    """A fixed argument of the bulk method, as a flag: ``--dataset-id DATASET_ID``.

    ``env``: the environment variable the client falls back to when the flag is not given.
    """

    dest: str
    option: str
    metavar: str
    help: str
    required: bool = False
    env: str | None = None


@dataclass(frozen=True)
class IngestSpec:
    """What the ingest command of one package needs to know."""

    prog: str
    distribution: str
    method: str  # "events.bulk_create_all", for the help text
    client_class: Any  # the package's AsyncClient
    item_type: Any
    default_chunk_size: int
    max_chunk_size: int
    flags: tuple[Flag, ...]
    send: Callable[..., Awaitable[BulkReport]]  # (client, data, args, **helper options)

    def credential_hint(self) -> str:
        """The environment variables of the document's security requirement, first alternative
        first: ``A_TOKEN (or AN_EMAIL and A_KEY)``; empty when the API needs none."""
        settings = self.client_class._settings
        env = {scheme.key: scheme.env for scheme in settings.schemes}
        options = [" and ".join(env[key] for key in req) for req in settings.security if req]
        if len(options) > 1:
            return f"{options[0]} (or {' or '.join(options[1:])})"
        return options[0] if options else ""

    def needs_credentials(self) -> bool:
        """Whether no credential of the environment satisfies the document's requirement."""
        settings = self.client_class._settings
        return Credentials(settings.schemes, {}).choose(settings.security) is None

    def environment(self) -> tuple[str, ...]:
        """Every environment variable the client reads: credentials, path defaults, base URL."""
        settings = self.client_class._settings
        schemes = tuple(scheme.env for scheme in settings.schemes)
        return (*schemes, *settings.defaults_env.values(), settings.env_base_url)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a number >= 1, got {value}")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected seconds, got {text!r}") from None
    if not value >= 0:
        raise argparse.ArgumentTypeError(f"expected seconds >= 0, got {text}")
    return value


def _epilog(spec: IngestSpec) -> str:
    columns = "\n".join(f"  {name:<24} {how}" for name, how in csv_conventions(spec.item_type))
    return (
        "CSV columns (wire or snake_case names; an empty cell leaves the field unset):\n"
        f"{columns}\n\n"
        "Exit status: 0 all created (or all valid with --dry-run); 1 some not created; 2 bad "
        "usage, unreadable or empty input (nothing sent); 3 stopped by an answer that would fail every "
        "request (credentials, permissions, a dataset that does not exist, an unreachable API); "
        "130 interrupted.\n"
        f"Credentials and settings from the environment: {', '.join(spec.environment())}."
    )


def build_parser(spec: IngestSpec) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=spec.prog, description=f"Command-line tools of the {spec.distribution} client."
    )
    version = f"{spec.distribution} {spec.client_class._settings.version}"
    parser.add_argument("--version", action="version", version=version)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    ingest = commands.add_parser(
        "ingest",
        help="stream events from a JSON Lines, JSON or CSV file into a dataset",
        description=(
            f"Validate the records of FILE and create them in chunks through {spec.method}(); "
            "a journal makes an interrupted run resume where it stopped."
        ),
        epilog=_epilog(spec),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ingest.add_argument("--version", action="version", version=version)
    ingest.add_argument("file", metavar="FILE", help="input file, or - for standard input")
    for flag in spec.flags:
        ingest.add_argument(
            flag.option,
            dest=flag.dest,
            required=flag.required,
            metavar=flag.metavar,
            default=None,
            help=flag.help,
        )
    _add_sending(ingest, spec)
    _add_files(ingest)
    return parser


def _add_sending(ingest: argparse.ArgumentParser, spec: IngestSpec) -> None:
    size, most = spec.default_chunk_size, spec.max_chunk_size
    ingest.add_argument(
        "--chunk-size",
        type=_positive,
        default=size,
        metavar="N",
        help=f"records per request (default {size}, at most {most})",
    )
    ingest.add_argument(
        "--concurrency",
        type=_positive,
        default=DEFAULT_CONCURRENCY,
        metavar="N",
        help=f"requests in flight at once (default {DEFAULT_CONCURRENCY})",
    )
    ingest.add_argument(
        "--format",
        choices=("auto", *FORMATS),
        default="auto",
        help="input format (default: from the extension, else sniffed)",
    )
    ingest.add_argument(
        "--dry-run", action="store_true", help="read and validate everything, send nothing"
    )
    ingest.add_argument(
        "--stop-on-error", action="store_true", help="stop reading at the first record not created"
    )
    ingest.add_argument(
        "--progress-every",
        type=_seconds,
        default=DEFAULT_PROGRESS_EVERY,
        metavar="SECONDS",
        help="when standard error is not a terminal, a "
        f"progress line every SECONDS (default {DEFAULT_PROGRESS_EVERY:g}; 0: none)",
    )


def _add_files(ingest: argparse.ArgumentParser) -> None:
    ingest.add_argument(
        "--journal",
        metavar="PATH",
        help="the journal that makes a run resumable (default: FILE.ingest-journal "
        "beside the input; none for standard input unless given)",
    )
    ingest.add_argument(
        "--restart", action="store_true", help="start over: forget what the journal says was sent"
    )
    ingest.add_argument(
        "--rejected-out",
        metavar="FILE",
        help="write the rejected and invalid records there (JSON Lines with "
        "their line and reason; fix them, then ingest FILE)",
    )
    ingest.add_argument(
        "--unknown-out",
        metavar="FILE",
        help="write the records whose fate is unknown there (check whether they "
        "exist before sending them again)",
    )
    ingest.add_argument("--report", metavar="FILE", help="write the summary there as JSON")
    ingest.add_argument("--errors-out", metavar="FILE", help=argparse.SUPPRESS)


def _fail(spec: IngestSpec, message: str) -> None:
    sys.stderr.write(f"{spec.prog}: error: {message}\n")


def quiet_broken_pipe() -> None:
    """Standard output went away (``| head``): send what is left of it nowhere, quietly."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def _raise_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(
    spec: IngestSpec,
    argv: Sequence[str] | None = None,
    *,
    http_client: httpx.AsyncClient | None = None,
) -> int:
    """Run the command line; returns the exit status (see the module doc)."""
    parser = build_parser(spec)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help (0) or bad usage (2)
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    if args.command is None:
        parser.print_usage(sys.stderr)
        _fail(spec, "a command is required (ingest)")
        return EXIT_USAGE
    previous = None
    if hasattr(signal, "SIGTERM") and _main_thread():  # SIGTERM stops like Ctrl-C
        previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        return _run(spec, args, http_client)
    except BrokenPipeError:
        quiet_broken_pipe()
        return EXIT_FAILED
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()


def _run(spec: IngestSpec, args: argparse.Namespace, http_client: httpx.AsyncClient | None) -> int:
    from .ingest_output import write_json
    from .ingest_run import Ingest

    ingest = Ingest(spec, args, http_client)
    try:
        return ingest.run()
    except InputError as exc:
        _fail(spec, f"{args.file}: {exc}; nothing was sent")
        if ingest.outputs_checked and args.report is not None:
            problem = {
                "input": args.file,
                "exit_status": EXIT_USAGE,
                "error": str(exc),
                "meaning": "the input cannot be used: nothing was sent",
            }
            write_json(args.report, problem)
        return EXIT_USAGE
    except (UsageError, ValueError) as exc:
        _fail(spec, str(exc))
        return EXIT_USAGE
    except PackageError as exc:
        _fail(spec, str(exc))
        return EXIT_FAILED
    except KeyboardInterrupt:
        sys.stderr.write(f"{spec.prog}: interrupted before anything was sent\n")
        return EXIT_INTERRUPTED
