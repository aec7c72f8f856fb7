"""Formatting the generated Python: black (default) or ruff, cached by content hash, in parallel.

black is what users of the generated code expect, but it is slow (a few hundred KB a second),
so :func:`format_sources` does as little of it as it can:

* **Cache.** Every result is stored under the sha256 of (formatter, its version, the mode, the
  source), in one SQLite file (:class:`FormatCache`). A regeneration after a small API change formats only the files whose text changed.
  The first line of every generated file is a header comment naming the spec's hash, which
  changes with any edit of the spec; it is swapped for a fixed placeholder before hashing and
  formatting and put back afterwards (formatters copy a standalone ``# ...`` comment line
  through unchanged), so the header alone never invalidates the cache. The cache lives outside
  the repository: ``$CF1_CODEGEN_CACHE_DIR`` if set (``off`` disables it), else
  ``$XDG_CACHE_HOME/cloudforce-one-codegen/format`` (``~/.cache/...``).
* **Parallel.** When what is left to format is large (``PARALLEL_MIN_BYTES``), it is spread over
  worker processes, biggest files first: one per CPU the machine's load leaves idle.
* **ruff.** ``formatter="ruff"`` runs ruff's black-compatible formatter (the ``ruff`` extra) on
  the whole batch in one process: much faster on very large documents. Its output is close to,
  not always identical with, black's, so ``--check`` must use the formatter that generated.

Whatever the path (cached, serial, parallel), the output is the same for the same input.
"""

from __future__ import annotations

import gc
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from generator.diagnostics import GenerationError, Location

FORMATTERS = ("black", "ruff")
LINE_LENGTH = 100
TARGET_VERSION = "py310"
CACHE_ENV = "CF1_CODEGEN_CACHE_DIR"
JOBS_ENV = "CF1_CODEGEN_FORMAT_JOBS"
PARALLEL_MIN_BYTES = 100_000
"""Below this many bytes to format, worker start-up costs more than it saves."""
_PLACEHOLDER = "# cf1-codegen: header"
_CACHE_FORMAT = "v1"


@dataclass
class FormatStats:
    """What the last :func:`format_sources` call did (for the bench and for curiosity)."""

    files: int = 0
    cached: int = 0
    formatted: int = 0
    formatted_bytes: int = 0
    workers: int = 0
    seconds: float = 0.0


@dataclass(frozen=True)
class FormatOptions:
    formatter: str = "black"
    cache_dir: Path | None = field(default_factory=lambda: default_cache_dir())
    jobs: int | None = None
    """Worker processes for large batches; ``None``: one per idle CPU; 1: never fork."""


LAST_STATS = FormatStats()


def default_cache_dir() -> Path | None:
    configured = os.environ.get(CACHE_ENV)
    if configured is not None:
        if configured.strip().lower() in ("", "0", "off", "no", "none", "false"):
            return None
        return Path(configured).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path("~/.cache").expanduser())
    return Path(base) / "cloudforce-one-codegen" / "format"


def available_cpus() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


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
        return f"black=={ver};line_length={LINE_LENGTH};target={TARGET_VERSION};mode=stable"
    if formatter == "ruff":
        return f"ruff=={_ruff_version()};line_length={LINE_LENGTH};target={TARGET_VERSION};isolated"
    raise GenerationError.at(Location("<formatter>"), f"unknown formatter {formatter!r} (choose from {', '.join(FORMATTERS)})")


def _split_header(source: str) -> tuple[str | None, str]:
    """(header line, source with the header replaced by the placeholder) when the first line is
    a plain ``# ...`` comment that any formatter copies through unchanged."""
    first, sep, rest = source.partition("\n")
    if sep and first.startswith("# ") and first == first.rstrip() and "\r" not in first and "\f" not in first and not first.startswith("# type:"):
        return first, _PLACEHOLDER + "\n" + rest
    return None, source


def _join_header(header: str | None, formatted: str) -> str | None:
    if header is None:
        return formatted
    if not formatted.startswith(_PLACEHOLDER + "\n"):
        return None
    return header + formatted[len(_PLACEHOLDER) :]


# --- the cache -----------------------------------------------------------------------------


class FormatCache:
    """Formatted text by sha256 key in one SQLite file (one transaction per run, safe to share
    between concurrent runs). Any failure of the cache only costs speed: it is then ignored.
    Entries not used for ``KEEP_DAYS`` are dropped."""

    KEEP_DAYS = 30

    def __init__(self, root: Path) -> None:
        self.root = root
        self.path = root / "format-cache.sqlite3"
        self._db = None  # type: ignore[var-annotated]

    def _connect(self):  # type: ignore[no-untyped-def]
        if self._db is None:
            import sqlite3

            self.root.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute("CREATE TABLE IF NOT EXISTS entries (key TEXT PRIMARY KEY, text BLOB NOT NULL, used INTEGER NOT NULL)")
            self._db = db
        return self._db

    def get_many(self, keys: Sequence[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        try:
            db = self._connect()
            unique = sorted(set(keys))
            for i in range(0, len(unique), 500):
                chunk = unique[i : i + 500]
                marks = ",".join("?" * len(chunk))
                for key, text in db.execute(f"SELECT key, text FROM entries WHERE key IN ({marks})", chunk):
                    found[key] = bytes(text).decode("utf-8")
            now = int(time.time())
            stale = now - 86400
            if found:  # remember what is still in use (at most once a day per entry)
                hits = sorted(found)
                for i in range(0, len(hits), 500):
                    chunk = hits[i : i + 500]
                    marks = ",".join("?" * len(chunk))
                    db.execute(f"UPDATE entries SET used = ? WHERE used < ? AND key IN ({marks})", [now, stale, *chunk])
        except Exception:  # noqa: BLE001 - a broken cache is no cache
            return found
        return found

    def put_many(self, entries: dict[str, str]) -> None:
        if not entries:
            return
        try:
            db = self._connect()
            now = int(time.time())
            db.execute("BEGIN IMMEDIATE")
            try:
                db.executemany(
                    "INSERT OR REPLACE INTO entries (key, text, used) VALUES (?, ?, ?)",
                    [(key, text.encode("utf-8"), now) for key, text in sorted(entries.items())],
                )
                db.execute("DELETE FROM entries WHERE used < ?", (now - self.KEEP_DAYS * 86400,))
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        except Exception:  # noqa: BLE001
            return

    def close(self) -> None:
        if self._db is not None:
            try:
                self._db.close()
            except Exception:  # noqa: BLE001
                pass
            self._db = None


def cache_key(formatter_id: str, source: str) -> str:
    digest = hashlib.sha256()
    digest.update(_CACHE_FORMAT.encode() + b"\0" + formatter_id.encode() + b"\0")
    digest.update(source.encode("utf-8"))
    return digest.hexdigest()


# --- black -----------------------------------------------------------------------------------


def _black_mode():  # type: ignore[no-untyped-def]
    import black

    return black.Mode(line_length=LINE_LENGTH, target_versions={black.TargetVersion[TARGET_VERSION.upper()]})


def _black_batch(items: Sequence[tuple[str, str]]) -> list[tuple[str | None, str | None]]:
    """(formatted, None) or (None, error message) per (path, source); runs in workers too."""
    import black

    mode = _black_mode()
    out: list[tuple[str | None, str | None]] = []
    for _path, source in items:
        try:
            out.append((black.format_str(source, mode=mode), None))
        except black.InvalidInput as exc:
            out.append((None, str(exc)))
    return out


def _buckets(items: Sequence[tuple[int, str, str]], n: int) -> list[list[tuple[int, str, str]]]:
    """Greedy longest-first split of (index, path, source) into ``n`` buckets of similar size."""
    buckets: list[list[tuple[int, str, str]]] = [[] for _ in range(n)]
    loads = [0] * n
    for item in sorted(items, key=lambda it: (-len(it[2]), it[1])):
        i = loads.index(min(loads))
        buckets[i].append(item)
        loads[i] += len(item[2])
    return [b for b in buckets if b]


def _mp_context():  # type: ignore[no-untyped-def]
    import multiprocessing

    # fork shares the already imported black with the workers (spawn would import it again in
    # each); only safe while this process has a single thread.
    if "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1 and sys.platform != "darwin":
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def _run_black(items: list[tuple[int, str, str]], jobs: int) -> tuple[dict[int, tuple[str | None, str | None]], int]:
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


def _run_black_frozen(items: list[tuple[int, str, str]], jobs: int) -> tuple[dict[int, tuple[str | None, str | None]], int]:
    total = sum(len(src) for _, _, src in items)
    workers = min(jobs, len(items))
    if workers < 2 or total < PARALLEL_MIN_BYTES:
        results = _black_batch([(p, s) for _, p, s in items])
        return {idx: res for (idx, _, _), res in zip(items, results)}, 0
    from concurrent.futures import ProcessPoolExecutor

    import black  # noqa: F401  (imported before forking so the workers inherit it)

    buckets = _buckets(items, workers * 2)  # two per worker evens out uneven files
    done: dict[int, tuple[str | None, str | None]] = {}
    with ProcessPoolExecutor(max_workers=workers, mp_context=_mp_context()) as pool:
        futures = [(bucket, pool.submit(_black_batch, [(p, s) for _, p, s in bucket])) for bucket in buckets]
        for bucket, future in futures:
            for (idx, _, _), res in zip(bucket, future.result()):
                done[idx] = res
    return done, workers


# --- ruff ------------------------------------------------------------------------------------


def _ruff_bin() -> str:
    try:
        from ruff.__main__ import find_ruff_bin  # type: ignore[import-not-found, import-untyped, unused-ignore]

        return str(find_ruff_bin())
    except (ImportError, FileNotFoundError):
        found = shutil.which("ruff")
        if found:
            return found
    raise GenerationError.at(Location("<formatter>"), "--formatter ruff needs ruff: pip install 'cloudforce-one-events-codegen[ruff]'")


def _ruff_version() -> str:
    ver = _dist_version("ruff")
    if ver is not None:
        return ver
    done = subprocess.run([_ruff_bin(), "--version"], capture_output=True, text=True, check=False)
    return done.stdout.strip().rpartition(" ")[2] or "unknown"


def _ruff_args() -> list[str]:
    return [_ruff_bin(), "format", "--isolated", "--line-length", str(LINE_LENGTH), "--target-version", TARGET_VERSION]


def _scratch_dir() -> str | None:
    """A RAM-backed directory when there is one: thousands of small files are written, formatted
    in place and deleted, which a slow disk makes cost more than the formatting."""
    shm = "/dev/shm"
    return shm if os.path.isdir(shm) and os.access(shm, os.W_OK | os.X_OK) else None


def _run_ruff(items: list[tuple[int, str, str]]) -> dict[int, tuple[str | None, str | None]]:
    """One ``ruff format`` over a scratch copy of the batch (ruff uses every core itself)."""
    with tempfile.TemporaryDirectory(prefix="cf1-ruff-", dir=_scratch_dir()) as tmp:
        names = {}
        for idx, _path, source in items:
            name = Path(tmp) / f"f{idx}.py"
            name.write_bytes(source.encode("utf-8"))
            names[idx] = name
        done = subprocess.run([*_ruff_args(), "--quiet", tmp], capture_output=True, text=True, check=False)
        if done.returncode == 0:
            return {idx: (name.read_bytes().decode("utf-8"), None) for idx, name in names.items()}
    # something did not parse: format one by one to say which
    results: dict[int, tuple[str | None, str | None]] = {}
    for idx, _path, source in items:
        one = subprocess.run([*_ruff_args(), "-"], input=source, capture_output=True, text=True, check=False)
        results[idx] = (one.stdout, None) if one.returncode == 0 else (None, one.stderr.strip() or f"ruff exited with {one.returncode}")
    return results


# --- entry point -----------------------------------------------------------------------------


def _jobs(options: FormatOptions) -> int:
    """Worker processes: as given (``jobs``, ``$CF1_CODEGEN_FORMAT_JOBS``), else one per CPU that
    other processes leave idle. On a busy machine extra workers only add fork and cache costs
    (bench/README.md measured 1.1x slower with 2 workers on 2 CPUs kept busy by other jobs)."""
    if options.jobs is not None:
        return max(1, options.jobs)
    configured = os.environ.get(JOBS_ENV)
    if configured and configured.isdigit():
        return max(1, int(configured))
    cpus = available_cpus()
    try:
        others = max(0.0, os.getloadavg()[0] - 1.0)  # the 1-minute load, less this process
    except OSError:  # pragma: no cover - no load average on this platform
        others = 0.0
    return max(1, min(cpus, round(cpus - others)))


def format_sources(items: Sequence[tuple[str, str]], options: FormatOptions | None = None) -> list[str]:
    """Format (path, source) pairs; returns the formatted sources in the same order.

    Raises :class:`GenerationError` naming the first file (by path) that is not valid Python.
    """
    global LAST_STATS
    options = options or FormatOptions()
    started = time.perf_counter()
    fid = formatter_key(options.formatter)
    cache = FormatCache(options.cache_dir) if options.cache_dir is not None else None
    results: list[str | None] = [None] * len(items)
    headers: list[str | None] = []
    keys: list[str] = []
    todo: list[tuple[int, str, str]] = []
    bodies: list[str] = []
    for _path, source in items:
        header, body = _split_header(source)
        headers.append(header)
        bodies.append(body)
        keys.append(cache_key(fid, body))
    hits = cache.get_many(keys) if cache is not None else {}
    for idx, (path, _source) in enumerate(items):
        hit = hits.get(keys[idx])
        joined = _join_header(headers[idx], hit) if hit is not None else None
        if joined is not None:
            results[idx] = joined
        else:
            todo.append((idx, path, bodies[idx]))
    stats = FormatStats(files=len(items), cached=len(items) - len(todo), formatted=len(todo), formatted_bytes=sum(len(s) for _, _, s in todo))
    if todo:
        if options.formatter == "ruff":
            done = _run_ruff(todo)
        else:
            done, stats.workers = _run_black(todo, _jobs(options))
        errors = sorted((path, done[idx][1]) for idx, path, _ in todo if done[idx][1] is not None)
        if errors:
            path, message = errors[0]
            raise GenerationError.at(Location(path), f"generated code is not valid Python ({message}); this is a generator bug")
        retry: list[tuple[int, str, str]] = []
        fresh: dict[str, str] = {}
        for idx, path, _body in todo:
            formatted = done[idx][0]
            assert formatted is not None
            joined = _join_header(headers[idx], formatted)
            if joined is None:  # the formatter touched the header placeholder: format as is
                retry.append((idx, path, items[idx][1]))
                continue
            results[idx] = joined
            fresh[keys[idx]] = formatted
        if cache is not None:
            cache.put_many(fresh)
        if retry:
            redone = _run_ruff(retry) if options.formatter == "ruff" else _run_black(retry, 1)[0]
            for idx, path, _ in retry:
                text, error = redone[idx]
                if text is None:
                    raise GenerationError.at(Location(path), f"generated code is not valid Python ({error}); this is a generator bug")
                results[idx] = text
    if cache is not None:
        cache.close()
    stats.seconds = time.perf_counter() - started
    LAST_STATS = stats
    final = [r for r in results if r is not None]
    assert len(final) == len(results), "every file is formatted"
    return final
