"""Formatted files, cached by content hash in one SQLite file outside the repository.

Every result is stored under the sha256 of (cache format, formatter identity, source). The cache
lives in ``$CF1_CODEGEN_CACHE_DIR`` if set (``off`` disables it), else
``$XDG_CACHE_HOME/cloudforce-one-codegen/format`` (``~/.cache/...``); the compiled-template cache
(:mod:`~generator.render.template_cache`) sits beside it. One transaction per run, safe to share
between concurrent runs; any failure of the cache only costs speed. Entries not used for
``KEEP_DAYS`` are dropped. The cache is trusted only as :mod:`~generator.render.cache_trust`
says (the user's own folder and file, not writable by others; every entry's hash checked):
anything else is ignored with a warning, and the files are formatted again.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from generator.render.cache_trust import entry_digest, untrusted, warn

if TYPE_CHECKING:
    import sqlite3

CACHE_ENV = "CF1_CODEGEN_CACHE_DIR"
_CACHE_FORMAT = "v1"
_TABLE = "checked_entries"  # with the hash of each entry (the table "entries" had none)
_CHUNK = 500  # keys per SQL statement, well below SQLite's limit on bound parameters
_DAY = 86400


def default_cache_dir() -> Path | None:
    configured = os.environ.get(CACHE_ENV)
    if configured is not None:
        if configured.strip().lower() in ("", "0", "off", "no", "none", "false"):
            return None
        return Path(configured).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path("~/.cache").expanduser())
    return Path(base) / "cloudforce-one-codegen" / "format"


def cache_key(formatter_id: str, source: str) -> str:
    digest = hashlib.sha256()
    digest.update(_CACHE_FORMAT.encode() + b"\0" + formatter_id.encode() + b"\0")
    digest.update(source.encode("utf-8"))
    return digest.hexdigest()


class FormatCache:
    """Formatted text by sha256 key in one SQLite file (one transaction per run, safe to share
    between concurrent runs). Any failure of the cache only costs speed: it is then ignored.
    Entries not used for ``KEEP_DAYS`` are dropped."""

    KEEP_DAYS = 30

    def __init__(self, root: Path) -> None:
        self.root = root
        self.path = root / "format-cache.sqlite3"
        self._db: sqlite3.Connection | None = None

    def _connect(self) -> sqlite3.Connection:
        if self._db is None:
            import sqlite3

            self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
            for path, folder in ((self.root, True), (self.path, False)):
                reason = untrusted(path, folder=folder)
                if reason is not None:
                    warn(path, f"format cache ignored: {reason}")
                    raise PermissionError(reason)
            try:  # private from the start (sqlite would follow the umask)
                os.close(os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
            except FileExistsError:
                pass
            db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute(
                f"CREATE TABLE IF NOT EXISTS {_TABLE} (key TEXT PRIMARY KEY, text BLOB NOT NULL,"
                " digest TEXT NOT NULL, used INTEGER NOT NULL)"
            )
            self._db = db
        return self._db

    def get_many(self, keys: Sequence[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        try:
            db = self._connect()
            bad = 0
            for chunk in _chunks(sorted(set(keys))):
                marks = ",".join("?" * len(chunk))
                query = f"SELECT key, text, digest FROM {_TABLE} WHERE key IN ({marks})"
                for key, text, digest in db.execute(query, chunk):
                    if digest == entry_digest(key, bytes(text)):
                        found[key] = bytes(text).decode("utf-8")
                    else:
                        bad += 1
            if bad:
                warn(self.path, f"{bad} format cache entries do not match their hash; ignored")
            now = int(time.time())
            # remember what is still in use (at most once a day per entry)
            for chunk in _chunks(sorted(found)):
                marks = ",".join("?" * len(chunk))
                db.execute(
                    f"UPDATE {_TABLE} SET used = ? WHERE used < ? AND key IN ({marks})",
                    [now, now - _DAY, *chunk],
                )
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
                rows = [
                    (key, data, entry_digest(key, data), now)
                    for key, data in ((k, t.encode("utf-8")) for k, t in sorted(entries.items()))
                ]
                db.executemany(
                    f"INSERT OR REPLACE INTO {_TABLE} (key, text, digest, used) VALUES (?, ?, ?, ?)",
                    rows,
                )
                db.execute(f"DELETE FROM {_TABLE} WHERE used < ?", (now - self.KEEP_DAYS * _DAY,))
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


def _chunks(keys: list[str]) -> list[list[str]]:
    return [keys[i : i + _CHUNK] for i in range(0, len(keys), _CHUNK)]
