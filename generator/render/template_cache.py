"""Compiled Jinja templates, cached beside the format cache.

Compiling the templates is about a third of a regeneration that changes nothing, so the
compiled code is kept in ``<format cache>/jinja-<key>/``. The key covers what the compiled code
depends on besides each template's source (which Jinja checks itself): the generator's
version, Jinja's version and the environment's options. The directory holds code that is
executed, so it is created private (0700) and used only as :mod:`~generator.render.cache_trust`
says: the folder and each entry the user's own and not writable by others, each entry carrying
the sha256 of its key and content (``<sha256 hex>\\n<Jinja's bytecode>``), written private
(0600) through a rename. Anything else is ignored with a warning; a cache that cannot be read or
written costs speed, never a failed generation.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import Any

import jinja2
import jinja2.bccache

from generator import __version__
from generator.render.cache_trust import entry_digest, untrusted, warn


class CheckedBytecodeCache(jinja2.BytecodeCache):
    """Jinja's compiled templates in one file each, checked against their hash when read."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def _path(self, bucket: jinja2.bccache.Bucket) -> Path:
        return self.directory / f"{bucket.key}.cache"

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        path = self._path(bucket)
        reason = untrusted(path, folder=False)
        if reason is not None:
            warn(path, f"compiled template ignored: {reason}")
            return
        try:
            digest, _, payload = path.read_bytes().partition(b"\n")
        except OSError:
            return  # not cached yet (or unreadable): compiled again
        if digest.decode("ascii", "replace") != entry_digest(bucket.key, payload):
            warn(path, "compiled template does not match its hash; ignored")
            return
        bucket.bytecode_from_string(payload)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        payload = bucket.bytecode_to_string()
        content = entry_digest(bucket.key, payload).encode("ascii") + b"\n" + payload
        try:
            fd, scratch = tempfile.mkstemp(dir=self.directory, prefix=".tmp-")  # mode 0600
        except OSError:
            return  # not cached this time
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(content)
            os.replace(scratch, self._path(bucket))
        except OSError:
            Path(scratch).unlink(missing_ok=True)


def cache_key(options: dict[str, Any]) -> str:
    text = f"{__version__}|{jinja2.__version__}|" + ",".join(
        f"{k}={options[k]!r}" for k in sorted(options)
    )
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def template_cache(cache_dir: Path | None, options: dict[str, Any]) -> jinja2.BytecodeCache | None:
    """The cache of compiled templates under ``cache_dir``, or None (no cache dir, or one that
    cannot be made private or is not the user's alone: then with a warning)."""
    if cache_dir is None:
        return None
    directory = cache_dir / f"jinja-{cache_key(options)}"
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError:
        return None
    for path in (cache_dir, directory):
        reason = untrusted(path, folder=True)
        if reason is not None:
            warn(path, f"template cache ignored: {reason}")
            return None
    return CheckedBytecodeCache(directory)
