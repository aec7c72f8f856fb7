"""Formatting the generated Python: black (default) or ruff, cached by content hash, in parallel.

black is what users of the generated code expect, but it is slow (a few hundred KB a second),
so :func:`format_sources` does as little of it as it can:

* **Cache.** Every result is stored by content hash (:mod:`~generator.render.format_cache`): a
  regeneration after a small API change formats only the files whose text changed. The first
  line of every generated file is a header comment naming the spec's hash, which changes with
  any edit of the spec; it is swapped for a fixed placeholder before hashing and formatting and
  put back afterwards (formatters copy a standalone ``# ...`` comment line through unchanged),
  so the header alone never invalidates the cache.
* **Batches.** What is left is formatted in one batch (:mod:`~generator.render.formatters`):
  black in parallel when it is large, or ruff.

Whatever the path (cached, serial, parallel), the output is the same for the same input.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from generator.diagnostics import GenerationError, Location
from generator.render.format_cache import FormatCache, cache_key, default_cache_dir
from generator.render.formatters import Item, Outcome, formatter_key, run_formatter

_PLACEHOLDER = "# cf1-codegen: header"


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


def _split_header(source: str) -> tuple[str | None, str]:
    """(header line, source with the header replaced by the placeholder) when the first line is
    a plain ``# ...`` comment that any formatter copies through unchanged."""
    first, sep, rest = source.partition("\n")
    if (
        sep
        and first.startswith("# ")
        and first == first.rstrip()
        and "\r" not in first
        and "\f" not in first
        and not first.startswith("# type:")
    ):
        return first, _PLACEHOLDER + "\n" + rest
    return None, source


def _join_header(header: str | None, formatted: str) -> str | None:
    if header is None:
        return formatted
    if not formatted.startswith(_PLACEHOLDER + "\n"):
        return None
    return header + formatted[len(_PLACEHOLDER) :]


class _Batch:
    """The files of one :func:`format_sources` call: each with its header swapped out, its cache
    key and, once known, its formatted text."""

    def __init__(self, items: Sequence[tuple[str, str]], formatter_id: str) -> None:
        self.items = items
        split = [_split_header(source) for _path, source in items]
        self.headers = [header for header, _ in split]
        self.bodies = [body for _, body in split]
        self.keys = [cache_key(formatter_id, body) for body in self.bodies]
        self.results: list[str | None] = [None] * len(items)

    def fill_from(self, hits: dict[str, str]) -> list[Item]:
        """Take what the cache holds; returns what is left to format."""
        todo: list[Item] = []
        for idx, (path, _source) in enumerate(self.items):
            hit = hits.get(self.keys[idx])
            joined = _join_header(self.headers[idx], hit) if hit is not None else None
            if joined is not None:
                self.results[idx] = joined
            else:
                todo.append((idx, path, self.bodies[idx]))
        return todo

    def fill_formatted(
        self, todo: list[Item], done: dict[int, Outcome]
    ) -> tuple[dict[str, str], list[Item]]:
        """Take the formatter's output; returns the new cache entries, and the files to format
        again with their header in place (the formatter touched the placeholder)."""
        fresh: dict[str, str] = {}
        retry: list[Item] = []
        for idx, path, _body in todo:
            formatted = done[idx][0]
            assert formatted is not None
            joined = _join_header(self.headers[idx], formatted)
            if joined is None:
                retry.append((idx, path, self.items[idx][1]))
                continue
            self.results[idx] = joined
            fresh[self.keys[idx]] = formatted
        return fresh, retry

    def fill_as_is(self, retry: list[Item], done: dict[int, Outcome]) -> None:
        """Take the output of files formatted with their header in place."""
        for idx, _path, _source in retry:
            self.results[idx] = done[idx][0]

    def final(self) -> list[str]:
        final = [r for r in self.results if r is not None]
        assert len(final) == len(self.results), "every file is formatted"
        return final


def _raise_first_error(todo: list[Item], done: dict[int, Outcome]) -> None:
    """A file the formatter rejected is a generator bug: name the first one (by path)."""
    errors = sorted((path, done[idx][1]) for idx, path, _ in todo if done[idx][1] is not None)
    if errors:
        path, message = errors[0]
        raise GenerationError.at(
            Location(path),
            f"generated code is not valid Python ({message}); this is a generator bug",
        )


def format_sources(
    items: Sequence[tuple[str, str]], options: FormatOptions | None = None
) -> list[str]:
    """Format (path, source) pairs; returns the formatted sources in the same order.

    Raises :class:`GenerationError` naming the first file (by path) that is not valid Python.
    """
    global LAST_STATS
    options = options or FormatOptions()
    started = time.perf_counter()
    batch = _Batch(items, formatter_key(options.formatter))
    cache = FormatCache(options.cache_dir) if options.cache_dir is not None else None
    try:
        todo = batch.fill_from(cache.get_many(batch.keys) if cache is not None else {})
        stats = FormatStats(
            files=len(items),
            cached=len(items) - len(todo),
            formatted=len(todo),
            formatted_bytes=sum(len(s) for _, _, s in todo),
        )
        if todo:
            done, stats.workers = run_formatter(options.formatter, todo, options.jobs)
            _raise_first_error(todo, done)
            fresh, retry = batch.fill_formatted(todo, done)
            if cache is not None:
                cache.put_many(fresh)
            if retry:  # serially, and not cached: the placeholder did not survive
                redone, _ = run_formatter(options.formatter, retry, 1)
                _raise_first_error(retry, redone)
                batch.fill_as_is(retry, redone)
    finally:
        if cache is not None:
            cache.close()
    stats.seconds = time.perf_counter() - started
    LAST_STATS = stats
    return batch.final()
