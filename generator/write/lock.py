"""One generation at a time per output folder.

The lock is an advisory ``flock`` on the output folder itself: it leaves no file behind and the
kernel releases it when the process ends, however it ends, so it is never stale. A second
generation into the same folder does not wait: it exits 2 saying another one is writing.
A folder (and its parents) that the locking run created is removed again when that run fails
before writing anything into it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from generator.diagnostics import GenerationError, Location

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: no lock
    fcntl = None  # type: ignore[assignment]


@contextmanager
def output_lock(out: Path) -> Iterator[None]:
    """Hold the lock of ``out`` (created when missing) for the duration of the block."""
    created = _missing_chain(out)
    out.mkdir(parents=True, exist_ok=True)
    fd = os.open(out, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        _lock(fd, out)
        try:
            yield
        except BaseException:
            for folder in created:  # deepest first; only while still empty
                try:
                    folder.rmdir()
                except OSError:
                    break
            raise
    finally:
        os.close(fd)


def _lock(fd: int, out: Path) -> None:
    if fcntl is None:  # pragma: no cover
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        raise GenerationError.at(
            Location(str(out)),
            "another generation is writing to this folder; run again when it has finished",
        ) from None


def _missing_chain(out: Path) -> list[Path]:
    """``out`` and those of its parents that do not exist yet, deepest first."""
    missing = []
    current = out.absolute()
    while not current.exists() and current != current.parent:
        missing.append(current)
        current = current.parent
    return missing
