"""The formatters of the generated Python: black (default) and ruff, each run on a whole batch.

Decides the settings every generated file is formatted with (line length, target version),
what identifies a formatter's output besides the source (its version and those settings: the
format cache's key), and how a batch is run:

* **black**, in this process, or -- when what is left to format is large
  (``PARALLEL_MIN_BYTES``) -- spread over worker processes, biggest files first: one per CPU
  the machine's load leaves idle (``$CF1_CODEGEN_FORMAT_JOBS`` or ``jobs`` to choose). The
  batch goes through ruff's formatter first (:func:`ruff_shaped`): black then finds its own
  shape almost everywhere and makes one pass per file instead of two (black formats a file a
  second time whenever its first pass changed it). The result is black's output, a fixed point
  of black; which ruff shaped it is part of the formatter's identity.
* **ruff**'s black-compatible formatter (the ``ruff`` extra), one process over a scratch copy of
  the batch: much faster on very large documents. Its output is close to, not always identical
  with, black's, so ``--check`` must use the formatter that generated.

A batch is a list of (index, path, source); the result maps each index to (formatted, None) or
(None, the formatter's error message).
"""

from __future__ import annotations

import gc
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from generator.diagnostics import GenerationError, Location

if TYPE_CHECKING:
    from multiprocessing.context import BaseContext

    from black.mode import Mode

FORMATTERS = ("black", "ruff")
LINE_LENGTH = 100
TARGET_VERSION = "py310"
JOBS_ENV = "CF1_CODEGEN_FORMAT_JOBS"
PARALLEL_MIN_BYTES = 40_000
"""Below this many bytes to format, worker start-up costs more than it saves (petstore3's 92 KB:
0.67 s in this process, 0.55 s in two workers)."""

Item = tuple[int, str, str]
"""A file of a batch: (index, path, source)."""
Outcome = tuple[str | None, str | None]
"""(formatted source, None) or (None, error message)."""


def run_formatter(
    formatter: str, items: list[Item], jobs: int | None
) -> tuple[dict[int, Outcome], int]:
    """Format a batch with ``formatter``; returns the outcome per index and the number of worker
    processes used (0: none). ``jobs``: see :func:`worker_count`."""
    if formatter == "ruff":
        return run_ruff(items), 0
    return run_black(ruff_shaped(items), worker_count(jobs))


# --- formatter identity ------------------------------------------------------------------


def _dist_version(name: str) -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return None


def formatter_key(formatter: str) -> str:
    """Everything the output depends on besides the source (read without importing black)."""
    if formatter == "black":
        ver = _dist_version("black")
        if ver is None:
            raise GenerationError.at(Location("<formatter>"), "black is not installed")
        return (
            f"black=={ver};after=ruff=={_ruff_version()};line_length={LINE_LENGTH};"
            f"target={TARGET_VERSION};mode=stable"
        )
    if formatter == "ruff":
        return f"ruff=={_ruff_version()};line_length={LINE_LENGTH};target={TARGET_VERSION};isolated"
    raise GenerationError.at(
        Location("<formatter>"),
        f"unknown formatter {formatter!r} (choose from {', '.join(FORMATTERS)})",
    )


# --- black -----------------------------------------------------------------------------------


def available_cpus() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def worker_count(jobs: int | None) -> int:
    """Worker processes: as given (``jobs``, ``$CF1_CODEGEN_FORMAT_JOBS``), else one per CPU that
    other processes leave idle. On a busy machine extra workers only add fork and cache costs
    (bench/README.md measured 1.1x slower with 2 workers on 2 CPUs kept busy by other jobs)."""
    if jobs is not None:
        return max(1, jobs)
    configured = os.environ.get(JOBS_ENV)
    if configured and configured.isdigit():
        return max(1, int(configured))
    cpus = available_cpus()
    return max(1, min(cpus, round(cpus - busy_elsewhere())))


def busy_elsewhere(samples: int = 3, interval: float = 0.005) -> float:
    """How many CPUs other processes keep busy now: on Linux the fewest runnable tasks seen in
    ``samples`` looks at ``/proc/loadavg`` (less this process), elsewhere the 1-minute load
    average less this process. The 1-minute average remembers the last minute, and so counted
    the workers of a generation that just ended as busy: the next one then ran on one CPU."""
    try:
        runnable = []
        for i in range(samples):
            if i:
                time.sleep(interval)
            with open("/proc/loadavg", encoding="ascii") as f:
                runnable.append(int(f.read().split()[3].partition("/")[0]))
        return float(max(0, min(runnable) - 1))
    except (OSError, ValueError, IndexError):
        try:
            return max(0.0, os.getloadavg()[0] - 1.0)
        except OSError:  # pragma: no cover - no load average on this platform
            return 0.0


def black_mode() -> Mode:
    """black's settings for generated code."""
    from black.mode import Mode, TargetVersion

    return Mode(line_length=LINE_LENGTH, target_versions={TargetVersion[TARGET_VERSION.upper()]})


def _black_batch(items: Sequence[tuple[str, str]]) -> list[Outcome]:
    """An outcome per (path, source); runs in workers too."""
    import black
    from black.parsing import InvalidInput

    mode = black_mode()
    out: list[Outcome] = []
    for _path, source in items:
        try:
            out.append((black.format_str(source, mode=mode), None))
        except InvalidInput as exc:
            out.append((None, str(exc)))
    return out


def _buckets(items: Sequence[Item], n: int) -> list[list[Item]]:
    """Greedy longest-first split of (index, path, source) into ``n`` buckets of similar size."""
    buckets: list[list[Item]] = [[] for _ in range(n)]
    loads = [0] * n
    for item in sorted(items, key=lambda it: (-len(it[2]), it[1])):
        i = loads.index(min(loads))
        buckets[i].append(item)
        loads[i] += len(item[2])
    return [b for b in buckets if b]


def _mp_context() -> BaseContext:
    import multiprocessing

    # fork shares the already imported black with the workers (spawn would import it again in
    # each); only safe while this process has a single thread.
    if (
        "fork" in multiprocessing.get_all_start_methods()
        and threading.active_count() == 1
        and sys.platform != "darwin"
    ):
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def run_black(items: list[Item], jobs: int) -> tuple[dict[int, Outcome], int]:
    """black over a batch, in up to ``jobs`` worker processes when it is large."""
    # The IR and every rendered file stay alive while black allocates millions of short-lived
    # objects; frozen, the collector stops rescanning them (20-40 % of black's time on a
    # 1,000-operation document), and forked workers share those pages instead of copying them.
    # A host process that froze objects itself (a pre-fork server using the generator as a
    # library) keeps its own freeze: nothing is frozen or unfrozen here then.
    ours = gc.get_freeze_count() == 0
    if ours:
        gc.freeze()
    try:
        return _run_black_frozen(items, jobs)
    finally:
        if ours:
            gc.unfreeze()


def _run_black_frozen(items: list[Item], jobs: int) -> tuple[dict[int, Outcome], int]:
    total = sum(len(src) for _, _, src in items)
    workers = min(jobs, len(items))
    if workers < 2 or total < PARALLEL_MIN_BYTES:
        results = _black_batch([(p, s) for _, p, s in items])
        return {idx: res for (idx, _, _), res in zip(items, results)}, 0
    from concurrent.futures import ProcessPoolExecutor

    import black  # noqa: F401  (imported before forking so the workers inherit it)

    buckets = _buckets(items, workers * 2)  # two per worker evens out uneven files
    done: dict[int, Outcome] = {}
    with ProcessPoolExecutor(max_workers=workers, mp_context=_mp_context()) as pool:
        futures = [
            (bucket, pool.submit(_black_batch, [(p, s) for _, p, s in bucket]))
            for bucket in buckets
        ]
        for bucket, future in futures:
            for (idx, _, _), res in zip(bucket, future.result()):
                done[idx] = res
    return done, workers


# --- ruff ------------------------------------------------------------------------------------


def _ruff_bin() -> str:
    try:
        from ruff.__main__ import (  # type: ignore[import-not-found, import-untyped, unused-ignore]
            find_ruff_bin,
        )

        return str(find_ruff_bin())
    except (ImportError, FileNotFoundError):
        found = shutil.which("ruff")
        if found:
            return found
    raise GenerationError.at(
        Location("<formatter>"),
        "ruff is not installed (a dependency of the generator: both formatters use it); "
        "reinstall: pip install cloudforce-one-events-codegen",
    )


def _ruff_version() -> str:
    ver = _dist_version("ruff")
    if ver is not None:
        return ver
    done = subprocess.run([_ruff_bin(), "--version"], capture_output=True, text=True, check=False)
    return done.stdout.strip().rpartition(" ")[2] or "unknown"


def _ruff_args() -> list[str]:
    return [
        _ruff_bin(),
        "format",
        "--isolated",
        "--no-cache",  # no .ruff_cache/ in the caller's working directory
        "--line-length",
        str(LINE_LENGTH),
        "--target-version",
        TARGET_VERSION,
    ]


def _scratch_dir() -> str | None:
    """A RAM-backed directory when there is one: thousands of small files are written, formatted
    in place and deleted, which a slow disk makes cost more than the formatting."""
    shm = "/dev/shm"  # noqa: S108  (only a parent: files go in a private mkdtemp folder under it)
    return shm if os.path.isdir(shm) and os.access(shm, os.W_OK | os.X_OK) else None


def _ruff_over_copies(items: list[Item]) -> tuple[dict[int, str], int]:
    """One ``ruff format`` over a scratch copy of the batch (ruff uses every core itself): what
    each file became and ruff's exit status (not 0: some file did not parse, or ruff failed)."""
    try:
        with tempfile.TemporaryDirectory(prefix="cf1-ruff-", dir=_scratch_dir()) as tmp:
            names = {idx: Path(tmp) / f"f{idx}.py" for idx, _, _ in items}
            for idx, _path, source in items:
                names[idx].write_bytes(source.encode("utf-8"))
            done = subprocess.run([*_ruff_args(), "--quiet", tmp], capture_output=True, check=False)
            formatted = {idx: name.read_bytes().decode("utf-8") for idx, name in names.items()}
    except OSError as exc:
        raise GenerationError.at(
            Location("<formatter>"), f"ruff's scratch copies failed: {exc}"
        ) from None
    return formatted, done.returncode


def _ruff_each(items: list[Item]) -> dict[int, Outcome]:
    """ruff's formatter on each file alone (to say which one failed, and why)."""
    results: dict[int, Outcome] = {}
    for idx, _path, source in items:
        one = subprocess.run(
            [*_ruff_args(), "-"], input=source, capture_output=True, text=True, check=False
        )
        error = one.stderr.strip() or f"ruff exited with {one.returncode}"
        results[idx] = (one.stdout, None) if one.returncode == 0 else (None, error)
    return results


def ruff_shaped(items: list[Item]) -> list[Item]:
    """The batch as ruff's formatter leaves it, for black to finish. A file ruff cannot parse
    stays as it was (black then says what is wrong); any other failure of ruff is an error, never
    a file passed on half-shaped (the output would depend on it)."""
    shaped, status = _ruff_over_copies(items)
    if status == 0:
        return [(idx, path, shaped[idx]) for idx, path, _ in items]
    each = _ruff_each(items)
    out: list[Item] = []
    for idx, path, source in items:
        text, error = each[idx]
        if text is None and "parse" not in (error or "").lower():
            raise GenerationError.at(Location(path), f"ruff failed: {error}")
        out.append((idx, path, text if text is not None else source))
    return out


def run_ruff(items: list[Item]) -> dict[int, Outcome]:
    """ruff's formatter over the batch; when a file does not parse, each is formatted alone to
    say which."""
    formatted, status = _ruff_over_copies(items)
    if status == 0:
        return {idx: (text, None) for idx, text in formatted.items()}
    return _ruff_each(items)
