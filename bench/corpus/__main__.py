"""``python -m bench.corpus [DIR] [options]``: the corpus table; exit 1 when a row misses a target.

    python -m bench.corpus                          # ../shared/corpus, ruff and black, opc when installed
    python -m bench.corpus ~/specs --jobs 1         # any folder; one document at a time (cleaner timings)
    python -m bench.corpus --formatters ruff --no-opc   # the CI gate: correctness only, fastest
    python -m bench.corpus --only petstore3 spotify --keep /tmp/corpus-out
    python -m bench.corpus --contract petstore3,spotify   # also their generated tests vs Prism

Exit status: 0 every row meets the targets, 1 some row does not (the reasons are listed under
the table), 2 the folder is missing or holds no OpenAPI document.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from pathlib import Path

from bench.corpus import report
from bench.corpus.contract import run_contract
from bench.corpus.documents import find_documents
from bench.corpus.run import ROOT, Row, byte_compile_generator, opc_command, run_document

DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"
FORMATTERS = ("ruff", "black")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m bench.corpus", description=(__doc__ or "").splitlines()[0]
    )
    p.add_argument(
        "folder",
        nargs="?",
        type=Path,
        default=None,
        help=f"folder of OpenAPI documents (default: $CORPUS, else {DEFAULT_CORPUS})",
    )
    p.add_argument(
        "--formatters",
        default="ruff,black",
        help="comma-separated, the first one's output is checked (default: ruff,black)",
    )
    p.add_argument(
        "--jobs", type=int, default=None, help="documents at a time (default: one per CPU)"
    )
    p.add_argument(
        "--rounds",
        type=int,
        default=1,
        metavar="N",
        help="time every generator N times, in turn, and report medians (default: 1)",
    )
    p.add_argument(
        "--no-opc", action="store_true", help="do not run openapi-python-client even when installed"
    )
    p.add_argument(
        "--only", nargs="+", default=None, metavar="NAME", help="documents by file name or stem"
    )
    p.add_argument(
        "--contract",
        default="",
        metavar="NAMES",
        help="comma-separated documents (file name or stem) whose generated contract tests run "
        "against Prism (needs `npm ci`); a failing test fails the row",
    )
    p.add_argument(
        "--contract-modules",
        type=int,
        default=None,
        metavar="N",
        help="at most N per-resource test modules per document, a deterministic spread "
        "(bench/corpus/contract.py); default: all",
    )
    p.add_argument(
        "--keep",
        type=Path,
        default=None,
        help="keep the generated clients in this (new or empty) folder",
    )
    p.add_argument(
        "--json", type=Path, default=None, help="also write every measurement as JSON here"
    )
    p.add_argument(
        "--verbose",
        action="store_true",
        help="every failing module, model and mypy error, every odd name",
    )
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    folder = args.folder or Path(os.environ.get("CORPUS") or DEFAULT_CORPUS)
    formatters = [f.strip() for f in args.formatters.split(",") if f.strip()]
    if not folder.is_dir():
        print(
            f"{folder}: corpus folder not found (give a folder, or set CORPUS=DIR)", file=sys.stderr
        )
        return 2
    unknown = [f for f in formatters if f not in FORMATTERS]
    if unknown or not formatters:
        print(
            f"--formatters: {', '.join(unknown) or 'none given'}: choose from {', '.join(FORMATTERS)}",
            file=sys.stderr,
        )
        return 2
    docs = find_documents(folder)
    if args.only:
        docs = [d for d in docs if d.name in args.only or d.stem in args.only]
    if not docs:
        print(
            f"{folder}: no OpenAPI document (.json/.yaml/.yml with an `openapi` key){' matching --only' if args.only else ''}",
            file=sys.stderr,
        )
        return 2
    named = {n.strip() for n in args.contract.split(",") if n.strip()}
    missing = sorted(n for n in named if not any(n in (d.name, d.stem) for d in docs))
    if missing:
        print(f"--contract: no document {', '.join(missing)} in {folder}", file=sys.stderr)
        return 2
    if args.keep is not None and args.keep.exists() and any(args.keep.iterdir()):
        print(
            f"{args.keep}: --keep needs a new or empty folder (nothing is overwritten)",
            file=sys.stderr,
        )
        return 2
    with_opc = not args.no_opc and opc_command() is not None
    byte_compile_generator()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="corpus-") as tmp:
        scratch = args.keep.resolve() if args.keep else Path(tmp)
        scratch.mkdir(parents=True, exist_ok=True)
        contract = {n.strip() for n in args.contract.split(",") if n.strip()}
        rows = _run_all(
            docs,
            scratch,
            formatters,
            with_opc=with_opc,
            jobs=args.jobs or os.cpu_count() or 1,
            contract=(contract, args.contract_modules),
            rounds=max(1, args.rounds),
        )
    elapsed = time.perf_counter() - started
    return _print(rows, folder, formatters, with_opc, elapsed, args)


Contract = tuple[set[str], int | None]
"""(documents whose contract tests run, at most this many modules each)."""


def _run_all(
    docs: list[Path],
    scratch: Path,
    formatters: list[str],
    *,
    with_opc: bool,
    jobs: int,
    contract: Contract,
    rounds: int = 1,
) -> list[Row]:
    """Largest documents first (they bound the wall time), rows back in folder order."""
    by_size = sorted(docs, key=lambda d: -d.stat().st_size)
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = {
            d: pool.submit(_one, d, scratch, formatters, with_opc, contract, rounds)
            for d in by_size
        }
        return [futures[d].result() for d in docs]


def _one(
    doc: Path,
    scratch: Path,
    formatters: list[str],
    with_opc: bool,
    contract: Contract,
    rounds: int = 1,
) -> Row:
    started = time.perf_counter()
    row = run_document(doc, scratch, formatters, with_opc=with_opc, rounds=rounds)
    names, modules = contract
    checked = scratch / "out" / f"{doc.stem}-{formatters[0]}"
    if (doc.name in names or doc.stem in names) and row.generated[formatters[0]].code == 0:
        row.contract = run_contract(checked, scratch, modules)
    verdict = "ok" if not report.failures(row) else "FAILS"
    print(
        f"  {doc.name}: {verdict} ({time.perf_counter() - started:.0f} s)",
        file=sys.stderr,
        flush=True,
    )
    return row


def _print(
    rows: list[Row],
    folder: Path,
    formatters: list[str],
    with_opc: bool,
    elapsed: float,
    args: argparse.Namespace,
) -> int:
    timing = f"; times: medians of {args.rounds} rounds" if args.rounds > 1 else ""
    print(
        f"# corpus {folder} ({len(rows)} documents; checked output: {formatters[0]}{timing}; "
        f"wall time {elapsed:.0f} s)\n"
    )
    print(report.table(rows))
    if not with_opc:
        why = "--no-opc" if args.no_opc else "install the bench extra: pip install -e '.[bench]'"
        print(f"\nopenapi-python-client: not run ({why})")
    print("\n" + report.totals(rows))
    classes = report.warning_classes(rows)
    if classes:
        print(f"\nWarning classes ({sum(classes.values())} warnings):")
        for message, count in sorted(classes.items(), key=lambda kv: (-kv[1], kv[0])):
            print(f"  {count:5d}  {message}")
    failed = [(row, report.failures(row)) for row in rows]
    failed = [(row, reasons) for row, reasons in failed if reasons]
    for row, reasons in failed:
        print(f"\n{row.document} misses the targets:")
        for reason in reasons if args.verbose else reasons[:12]:
            print(f"  - {reason}")
        if len(reasons) > 12 and not args.verbose:
            print(f"  - ... {len(reasons) - 12} more (--verbose)")
        _print_details(row, args.verbose)
    if args.json is not None:
        args.json.write_text(json.dumps([asdict(r) for r in rows], indent=1, default=str))
    print(f"\ntargets: {'; '.join(report.TARGETS)}")
    print(f"corpus: {len(rows) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


def _print_details(row: Row, verbose: bool) -> None:
    for name, done in row.generated.items():
        if done.code != 0:
            errors = [line for line in done.stderr.splitlines() if ": warning: " not in line]
            for line in errors if verbose else errors[:5]:
                print(f"    {name}: {line[:400]}")
    if row.mypy_errors:
        lines = [line for line in row.mypy_output.splitlines() if ": error: " in line]
        for line in lines if verbose else lines[:5]:
            print(f"    mypy: {line[:400]}")
    if row.contract is not None and not row.contract.ok:
        lines = row.contract.output.splitlines()
        for line in lines if verbose else lines[-15:]:
            print(f"    contract: {line[:400]}")


if __name__ == "__main__":
    sys.exit(main())
