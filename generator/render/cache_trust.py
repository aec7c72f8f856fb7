"""When a cache folder of the generator may be trusted, and the hash every cache entry carries.

The format cache and the compiled-template cache feed their content into the generated client
(or run it), so a cache is used only when its folder (and each file read from it) belongs to the
current user and nobody else may write to it: a folder shared with others is ignored with a
warning. Each entry also carries a sha256 of its key and content, checked on every read: an entry
edited, truncated or copied under another key is ignored with a warning and made again.
"""

from __future__ import annotations

import hashlib
import os
import stat
import sys
from pathlib import Path

from generator.diagnostics import Diagnostic, Level, Location

_warned: set[tuple[str, str]] = set()


def untrusted(path: Path, *, folder: bool) -> str | None:
    """Why ``path`` (a folder, or a file in a cache folder) may not be trusted; None when it
    may. A path that does not exist is no reason (POSIX only; elsewhere: trusted)."""
    try:
        info = path.lstat()
    except FileNotFoundError:
        return None
    except OSError as exc:
        return f"cannot be inspected ({exc.strerror or exc})"
    if stat.S_ISLNK(info.st_mode):
        return "is a symbolic link"
    if folder != stat.S_ISDIR(info.st_mode):
        return "is not a folder" if folder else "is not a plain file"
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        return f"belongs to another user (uid {info.st_uid})"
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return f"may be written by others (mode {stat.S_IMODE(info.st_mode):o})"
    return None


def entry_digest(key: str, content: bytes) -> str:
    """The hash an entry stored under ``key`` carries."""
    return hashlib.sha256(key.encode() + b"\0" + content).hexdigest()


def warn(path: Path, message: str) -> None:
    """A warning on stderr, once per path and message: the cache costs speed, never output."""
    if (str(path), message) in _warned:
        return
    _warned.add((str(path), message))
    print(str(Diagnostic(Level.WARNING, Location(str(path)), message)), file=sys.stderr)
