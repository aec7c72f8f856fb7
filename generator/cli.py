"""Command line: ``python -m generator [generate] [options]``.

Exit status: 0 success; 1 ``--check`` found drift (or ``diff --fail-on-breaking`` found a
breaking change); 130 interrupted (Ctrl-C); 2 bad input, with ``PATH:LINE: /pointer: message`` and no traceback. An
internal error of the generator also exits 2, with one line naming the input and asking for a
report; ``--debug`` adds the traceback.
"""

from __future__ import annotations

import argparse
import sys
import traceback
from pathlib import Path

from generator import __version__
from generator.diagnostics import GenerationError
from generator.pipeline import Options, generate
from generator.release.diff import diff_specs
from generator.release.formats import FORMATS, render
from generator.render.formatters import FORMATTERS
from generator.scaffold import command as scaffold

DEFAULT_SPEC = Path("spec/cloudforce-one-events.yaml")
DEFAULT_CONFIG = Path("spec/codegen.toml")
DEFAULT_OUT = Path("generated")
REPORT_TO = "the generator's maintainers (with the input file, or a part of it that fails)"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m generator",
        description="Generate the Python client from an OpenAPI document.",
    )
    version = f"%(prog)s {__version__}"
    parser.add_argument("--version", action="version", version=version)
    sub = parser.add_subparsers(dest="command", metavar="{generate,diff,init}")
    _generate_arguments(
        sub.add_parser("generate", help="generate the client (the default command)")
    )
    _diff_arguments(
        sub.add_parser("diff", help="report what changed between two specs, with verdicts")
    )
    init = sub.add_parser(
        "init",
        help="write a starting config (codegen.toml) for a document",
        description="Write a starting config for --spec: package and client names, the "
        "credential arguments and environment variables of its security schemes, each "
        "operation's resource.method, and page/size auto-paging guesses (cursor and "
        "offset/limit listings are noted as comments). Refuses to replace an existing file "
        "unless --force. Every key is described in docs/config.md.",
    )
    init.add_argument("--version", action="version", version=version)
    scaffold.add_arguments(init)
    return parser


def _generate_arguments(gen: argparse.ArgumentParser) -> None:
    add = gen.add_argument
    add("--version", action="version", version=f"%(prog)s {__version__}")
    add(
        "--spec",
        type=Path,
        default=DEFAULT_SPEC,
        help=f"OpenAPI document (default: {DEFAULT_SPEC})",
    )
    add(
        "--config",
        type=Path,
        default=None,
        help=f"generator settings (default: {DEFAULT_CONFIG} when --spec is the default)",
    )
    add(
        "--no-config",
        action="store_true",
        help="ignore any config file; derive every name from the spec",
    )
    _output_arguments(gen)
    _behaviour_arguments(gen)


def _output_arguments(gen: argparse.ArgumentParser) -> None:
    """Where the generation goes and what it may touch there."""
    add = gen.add_argument
    add("--out", type=Path, default=DEFAULT_OUT, help=f"output directory (default: {DEFAULT_OUT})")
    add(
        "--overwrite",
        action="store_true",
        help="write into a non-empty folder the generator did not write, or over files it does not own (other files are kept)",
    )
    add(
        "--clean",
        action="store_true",
        help="with --overwrite: also remove every file in --out that the generation does not write (each is listed)",
    )


def _behaviour_arguments(gen: argparse.ArgumentParser) -> None:
    """How the client is rendered and checked."""
    add = gen.add_argument
    add(
        "--templates",
        type=Path,
        default=None,
        help="directory of templates that override the built-in ones file by file",
    )
    add(
        "--package-name",
        default=None,
        help="import name of the generated package (default: the config's, else the one the client in --out has, else derived from the title)",
    )
    add(
        "--check",
        action="store_true",
        help="compare with --out instead of writing; exit 1 when they differ",
    )
    add("--fail-on-warning", action="store_true", help="treat warnings as errors")
    add(
        "--allow-external-refs",
        action="store_true",
        help="allow $refs to files outside the spec's folder",
    )
    add("--debug", action="store_true", help="show the traceback of an internal error")
    add(
        "--formatter",
        choices=FORMATTERS,
        default="black",
        help="formatter of the generated Python: black (default; ruff shapes the code first, black "
        "has the last word), or ruff's black-compatible one alone, faster on very large documents; "
        "--check compares with the chosen formatter's output",
    )


def _diff_arguments(diff: argparse.ArgumentParser) -> None:
    diff.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    diff.add_argument("old", type=Path, help="the previous OpenAPI document")
    diff.add_argument("new", type=Path, help="the changed OpenAPI document")
    diff.add_argument(
        "--config",
        type=Path,
        default=None,
        help=f"default: {DEFAULT_CONFIG} when NEW is {DEFAULT_SPEC}",
    )
    diff.add_argument("--no-config", action="store_true", help="ignore any config file")
    diff.add_argument("--old-config", type=Path, default=None, help="config of OLD's client")
    diff.add_argument("--format", choices=FORMATS, default="text")
    diff.add_argument("--fail-on-breaking", action="store_true", help="exit 1 when a change breaks")
    diff.add_argument("--allow-external-refs", action="store_true", help="allow outside $refs")
    diff.add_argument(
        "--debug", action="store_true", help="show the traceback of an internal error"
    )


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help", "--version")):
        argv.insert(0, "generate")
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command not in ("generate", "diff", "init"):
        parser.print_help()
        return 2
    inputs = f"{args.old} or {args.new}" if args.command == "diff" else str(args.spec)
    run = {"generate": _generate, "diff": _diff, "init": scaffold.run}[args.command]
    try:
        return run(args)
    except GenerationError as exc:
        for diagnostic in exc.diagnostics:
            print(str(diagnostic), file=sys.stderr)
    except RecursionError:
        print(
            f"{inputs}: /: nested too deeply for the generator (Python's recursion limit)",
            file=sys.stderr,
        )
    except KeyboardInterrupt:
        print(
            f"{inputs}: /: interrupted; run again to finish (nothing is half-written)",
            file=sys.stderr,
        )
        return 130
    except MemoryError:
        print(
            f"{inputs}: /: the generator ran out of memory; the document is too large",
            file=sys.stderr,
        )
    except Exception as exc:  # noqa: BLE001 - one line, not a traceback, unless --debug
        if args.debug:
            traceback.print_exc()
        print(
            f"{inputs}: /: internal error of the generator ({type(exc).__name__}: {exc}); "
            f"please report it to {REPORT_TO}"
            + ("" if args.debug else "; --debug shows the traceback"),
            file=sys.stderr,
        )
    return 2


def _generate(args: argparse.Namespace) -> int:
    config = _config_for(args, args.spec)
    if args.templates is not None and not args.templates.is_dir():
        print(f"{args.templates}: /: templates directory not found", file=sys.stderr)
        return 2
    options = Options(
        spec=args.spec,
        config=config,
        out=args.out,
        templates=args.templates,
        package_name=args.package_name,
        allow_external_refs=args.allow_external_refs,
        formatter=args.formatter,
        overwrite=args.overwrite,
        clean=args.clean,
        progress=_progress if sys.stderr.isatty() else None,
    )
    result = generate(options, check=args.check, fail_on_warning=args.fail_on_warning)
    for warning in result.warnings:
        print(str(warning), file=sys.stderr)
    for path in result.cleaned:
        print(f"{args.out / path}: removed (--clean: not part of the generation)", file=sys.stderr)
    if args.check:
        assert result.drift is not None
        if result.drift.clean:
            print(f"{args.out}: up to date ({len(result.files)} files)")
            return 0
        print(f"{args.out} differs from what the spec and templates produce:", file=sys.stderr)
        print(result.drift.report(args.out), file=sys.stderr)
        print("to regenerate, run the same command without --check", file=sys.stderr)
        return 1
    ops = len(result.api.operations())
    print(
        f"generated {len(result.files)} files into {args.out} ({ops} operations, {len(result.api.models)} models)"
    )
    return 0


def _progress(message: str) -> None:
    """One line on the terminal saying what a long generation is doing."""
    print(message, file=sys.stderr, flush=True)


def _config_for(args: argparse.Namespace, spec: Path) -> Path | None:
    """``--config``; else the project's config when ``spec`` is the project's spec (run from
    the project folder); none with ``--no-config`` or for any other document."""
    if args.no_config:
        return None
    if args.config is not None:
        return Path(args.config)
    if DEFAULT_CONFIG.exists() and spec.resolve() == DEFAULT_SPEC.resolve():
        return DEFAULT_CONFIG
    return None


def _diff(args: argparse.Namespace) -> int:
    config = _config_for(args, args.new)
    report = diff_specs(
        args.old,
        args.new,
        config,
        old_config=args.old_config,
        allow_external_refs=args.allow_external_refs,
    )
    sys.stdout.write(render(report, args.format))
    if args.fail_on_breaking and report.breaking:
        print(f"{len(report.breaking)} breaking change(s) and --fail-on-breaking", file=sys.stderr)
        return 1
    return 0
