"""Compiled Jinja templates, cached beside the format cache.

Compiling the templates is about a third of a regeneration that changes nothing, so the
compiled code is kept in ``<format cache>/jinja-<key>/``. The key covers what the compiled code
depends on besides each template's source (which Jinja checks itself): the generator's
version, Jinja's version and the environment's options. The directory holds code that is
executed, so it is created private (0700) and used only when it belongs to the current user
and nobody else may write to it. A cache that cannot be read or written costs speed, never a
failed generation.
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path
from typing import Any

import jinja2
import jinja2.bccache

from generator import __version__


class _QuietCache(jinja2.FileSystemBytecodeCache):
    """Jinja's file cache, with I/O errors treated as a miss (load) or a skipped store (dump)."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except OSError:
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass


def cache_key(options: dict[str, Any]) -> str:
    text = f"{__version__}|{jinja2.__version__}|" + ",".join(
        f"{k}={options[k]!r}" for k in sorted(options)
    )
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _private(directory: Path) -> bool:
    """``directory`` is ours and only we may write to it (POSIX; elsewhere: it exists)."""
    info = directory.stat()
    if not stat.S_ISDIR(info.st_mode):
        return False
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        return False
    return not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def template_cache(cache_dir: Path | None, options: dict[str, Any]) -> jinja2.BytecodeCache | None:
    """The cache of compiled templates under ``cache_dir``, or None (no cache dir, or one that
    cannot be made private)."""
    if cache_dir is None:
        return None
    directory = cache_dir / f"jinja-{cache_key(options)}"
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _private(directory):
            return None
    except OSError:
        return None
    return _QuietCache(str(directory))
