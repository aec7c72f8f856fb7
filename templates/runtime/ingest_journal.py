"""The ingest command's journal: what was sent and answered, so that a run can resume.

A journal is a JSON Lines file, appended to and never rewritten:

* a header naming the input (size and SHA-256 of its bytes, number of records) and the target
  (the values of the fixed arguments: dataset, account, base URL), checked on every resume;
* ``{"run": n}`` when a run starts, ``{"end": n, "status": ...}`` when it ends;
* ``{"input": {...}}`` when a run finds the input grown (records appended to a JSON Lines or
  CSV file whose first bytes are unchanged): the input from then on;
* ``{"sent": "n.c", "records": [[first, last], ...]}`` written and flushed to disk *before*
  chunk ``c`` of run ``n`` is sent (records are input ordinals, as ranges);
* ``{"done": "n.c", "created": [...], "rejected": [[ordinal, reason], ...], "unknown": [...]}``
  once its answer is read (records not listed were not sent: they are sent again).

A run holds an exclusive lock (``flock``) on the journal while it runs; a second run on the
same journal is refused (:class:`JournalError`, exit status 2). Replaying it gives the
:class:`Ledger`: a chunk sent with no ``done`` line (a run killed, or
abandoned by a second Ctrl-C) is ``unknown``, never sent again. A torn last line (a crash while
writing it) is cut off. Invalid records are not journaled: they are checked again each run.
"""

from __future__ import annotations

import datetime
import json
import os
import urllib.parse
from collections.abc import Callable, Iterable, Sequence
from typing import IO, Any

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX
    fcntl = None  # type: ignore[assignment]

__all__ = [
    "CREATED",
    "INVALID",
    "PENDING",
    "REJECTED",
    "UNKNOWN",
    "Journal",
    "JournalError",
    "Ledger",
    "to_ranges",
]

KIND = "ingest-journal"
VERSION = 1

PENDING, CREATED, REJECTED, INVALID, UNKNOWN = 0, 1, 2, 3, 4
OUTCOMES = {
    PENDING: "not_sent",
    CREATED: "created",
    REJECTED: "rejected",
    INVALID: "invalid",
    UNKNOWN: "unknown",
}


class JournalError(ValueError):
    """The journal cannot be used as it is (exit status 2); the message says what to pass."""


class Ledger:
    """Where every record of the input stands, across runs: one byte per record, and the
    reasons of those that were not created."""

    def __init__(self, records: int) -> None:
        self.status = bytearray(records)
        self.reasons: dict[int, str] = {}

    def settle(self, ordinal: int, status: int, reason: str | None = None) -> None:
        self.status[ordinal] = status
        if reason is None:
            self.reasons.pop(ordinal, None)
        else:
            self.reasons[ordinal] = reason

    def to_send(self, ordinal: int) -> bool:
        """Never settled by an answer (invalid records are checked again)."""
        return self.status[ordinal] in (PENDING, INVALID)

    def counts(self) -> dict[str, int]:
        """Records per outcome; ``not_sent`` are those no answer settled."""
        counts = dict.fromkeys(("created", "rejected", "invalid", "unknown", "not_sent"), 0)
        for status in range(5):
            counts[OUTCOMES[status]] = self.status.count(status)
        return counts


def to_ranges(ordinals: Iterable[int]) -> list[list[int]]:
    """``[0, 1, 2, 5]`` -> ``[[0, 2], [5, 5]]`` (ordinals in ascending order)."""
    ranges: list[list[int]] = []
    for ordinal in ordinals:
        if ranges and ranges[-1][1] == ordinal - 1:
            ranges[-1][1] = ordinal
        else:
            ranges.append([ordinal, ordinal])
    return ranges


def _from_ranges(ranges: Sequence[Sequence[int]]) -> Iterable[int]:
    for first, last in ranges:
        yield from range(first, last + 1)


class Journal:
    """An open journal: :meth:`open` replays it into :attr:`ledger`; then one line per event."""

    def __init__(self, path: str, stream: IO[str], ledger: Ledger, run: int) -> None:
        self.path = path
        self.ledger = ledger
        self.run = run
        self.grew: int | None = None
        """The records the input had before it grew (None: it did not)."""
        self._stream = stream
        self._write({"run": run, "started": _now()})

    @classmethod
    def open(
        cls,
        path: str,
        identity: dict[str, Any],
        records: int,
        *,
        restart: bool,
        starts_with: Callable[[int, str], bool] | None = None,
    ) -> Journal:
        """Resume the journal at ``path`` (or start one); ``restart`` starts over.

        ``starts_with(size, sha256)``: whether the input begins with the bytes the journal
        was written for; given, an input that only grew (records appended) resumes, and
        :attr:`grew` says from how many records.
        """
        ledger = Ledger(records)
        stream = _locked(path)
        try:
            if os.fstat(stream.fileno()).st_size > 0:  # read once locked: no run writes it now
                header, lines, good_end = _read(path)
                if restart:
                    os.truncate(path, 0)
                else:
                    known = {**header, "input": _last_input(header, lines)}
                    grew = _grown_from(known, identity, starts_with)
                    if grew is None:
                        _check_identity(path, known, identity, lines, records)
                    run = _replay(lines, ledger, path) + 1
                    os.truncate(path, good_end)  # a torn last line, if any, is cut off
                    journal = cls(path, stream, ledger, run)
                    if grew is not None:
                        journal._write({"input": identity["input"]}, sync=True)
                        journal.grew = grew
                    return journal
            header = {"journal": KIND, "version": VERSION, "created": _now(), **identity}
            stream.write(json.dumps(header, sort_keys=True) + "\n")
            return cls(path, stream, ledger, 1)
        except BaseException:
            stream.close()
            raise

    def _write(self, entry: dict[str, Any], *, sync: bool = False) -> None:
        self._stream.write(json.dumps(entry, separators=(",", ":")) + "\n")
        self._stream.flush()
        if sync:
            os.fsync(self._stream.fileno())

    def sent(self, chunk: int, ordinals: Sequence[int]) -> None:
        """Chunk ``chunk`` of this run, holding ``ordinals``, is about to be sent (on disk
        before the request leaves)."""
        self._write({"sent": f"{self.run}.{chunk}", "records": to_ranges(ordinals)}, sync=True)

    def done(
        self,
        chunk: int,
        created: Sequence[int],
        rejected: Sequence[tuple[int, str]],
        unknown: Sequence[tuple[int, str]],
    ) -> None:
        """The answer to chunk ``chunk`` settled these records (the others were not sent)."""
        entry = {
            "done": f"{self.run}.{chunk}",
            "created": to_ranges(created),
            "rejected": [list(r) for r in rejected],
            "unknown": [list(u) for u in unknown],
        }
        self._write(entry)
        _apply(self.ledger, entry)

    def close(self, status: str) -> None:
        if not self._stream.closed:
            self._write({"end": self.run, "status": status, "at": _now()}, sync=True)
            self._stream.close()


def _locked(path: str) -> IO[str]:
    """The journal opened for appending (created when missing), held with an exclusive lock
    until it is closed or the process ends: a second run on the same journal would count the
    first one's requests in flight as ``unknown`` (and their records, sent again from an
    ``--unknown-out`` file, would be created twice). No lock where ``fcntl`` is missing
    (Windows) or the file system has no ``flock`` (some network file systems)."""
    stream = open(path, "a", encoding="utf-8")
    if fcntl is None:  # pragma: no cover - not POSIX
        return stream
    try:
        fcntl.flock(stream.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        stream.close()
        raise JournalError(
            f"{path}: another ingest run is using this journal; wait for it to end (or stop"
            " it) and run again: two runs at once would each take the other's records in"
            " flight for unknown"
        ) from None
    except OSError:  # pragma: no cover - no flock on this file system: unlocked, as before
        pass
    return stream


def _now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")


def _read(path: str) -> tuple[dict[str, Any], list[tuple[int, str]], int]:
    """(header, [(line number, text)], offset after the last complete line)."""
    with open(path, "rb") as stream:
        data = stream.read()
    good_end = data.rfind(b"\n") + 1
    text = data[:good_end].decode("utf-8", errors="replace")
    lines = text.splitlines()
    header: object = None
    if lines:
        try:
            header = json.loads(lines[0])
        except json.JSONDecodeError:
            header = None
    if not isinstance(header, dict) or header.get("journal") != KIND:
        raise JournalError(
            f"{path} exists and is not a journal of this command: it was left as it is; "
            "pass --journal with another path"
        )
    if header.get("version") != VERSION:
        raise JournalError(f"{path} is a journal of another version ({header.get('version')})")
    return header, list(enumerate(lines[1:], 2)), good_end


def _last_input(header: dict[str, Any], lines: list[tuple[int, str]]) -> Any:
    """The input the journal stands for: the header's, or the last ``{"input": ...}``. Read
    before :func:`_replay`, so that a journal of another ingestion is named as such even
    when it is also damaged."""
    current = header.get("input")
    for _, line in lines:
        if line.startswith('{"input"'):
            try:
                current = json.loads(line)["input"]
            except (ValueError, KeyError):
                pass  # a damaged line: _replay names it
    return current


_APPENDABLE = ("jsonl", "csv")


def _grown_from(
    known: dict[str, Any],
    identity: dict[str, Any],
    starts_with: Callable[[int, str], bool] | None,
) -> int | None:
    """The records of the known input when the new one is it with records appended (and
    nothing else differs); None otherwise."""
    old, new = known.get("input"), identity["input"]
    if starts_with is None or not isinstance(old, dict) or old == new:
        return None
    if any(known.get(key) != identity[key] for key in identity if key != "input"):
        return None
    try:
        same_kind = old["format"] == new["format"] and new["format"] in _APPENDABLE
        longer = int(old["size"]) < int(new["size"]) and int(old["records"]) < int(new["records"])
        if same_kind and longer and starts_with(int(old["size"]), str(old["sha256"])):
            return int(old["records"])
    except (KeyError, TypeError, ValueError):
        pass
    return None


def _check_identity(
    path: str,
    header: dict[str, Any],
    identity: dict[str, Any],
    lines: list[tuple[int, str]],
    records: int,
) -> None:
    """Refuse a journal written for another input or target, saying what changed and what
    ``--restart`` would send twice."""
    differs = [key for key in sorted(identity) if header.get(key) != identity[key]]
    if not differs:
        return
    what = "; ".join(_change(key, header.get(key), identity[key]) for key in differs)
    consequence = _restart_resends(lines, records, path)
    raise JournalError(
        f"{path} was written for another ingestion ({what}): pass --restart to start over "
        f"({consequence}), or --journal with another path"
    )


def _restart_resends(lines: list[tuple[int, str]], records: int, path: str) -> str:
    """What ``--restart`` would send a second time, from the journal's lines."""
    ledger = Ledger(records)
    try:
        _replay(lines, ledger, path)
    except (JournalError, IndexError):  # damaged, or for a larger input: not countable here
        return "records it created would be sent again"
    counts = ledger.counts()
    if counts["created"] + counts["unknown"] == 0:
        return "nothing was created under it, so that sends nothing twice"
    unknown = f" and {counts['unknown']} of unknown fate" if counts["unknown"] else ""
    return f"the {counts['created']} record(s) it created{unknown} would be sent again"


def _change(key: str, old: Any, new: Any) -> str:
    """``the target changed: dataset_id 'a' -> 'b'`` (a URL without its user and password)."""
    if key == "input":
        return "the input's content changed"
    if isinstance(old, dict) and isinstance(new, dict):
        keys = sorted(k for k in {*old, *new} if old.get(k) != new.get(k))
        return f"the {key} changed: " + ", ".join(
            f"{k} {_shown(old.get(k))!r} -> {_shown(new.get(k))!r}" for k in keys
        )
    return f"the {key} changed"


def _shown(value: Any) -> Any:
    """``value``, a URL among them without the credentials it may carry (``user:pass@``)."""
    if not isinstance(value, str) or "@" not in value or "://" not in value:
        return value
    parts = urllib.parse.urlsplit(value)
    host = parts.netloc.rpartition("@")[2]
    return urllib.parse.urlunsplit(parts._replace(netloc=host))


def _replay(lines: list[tuple[int, str]], ledger: Ledger, path: str) -> int:
    """Apply every line to ``ledger``; returns the last run number."""
    pending: dict[str, list[list[int]]] = {}
    run = 0
    for number, line in lines:
        try:
            entry = json.loads(line)
            if "input" in entry:
                continue  # the input grew: read by _last_input
            if "run" in entry:
                run = max(run, int(entry["run"]))
            elif "sent" in entry:
                pending[entry["sent"]] = entry["records"]
            elif "done" in entry:
                pending.pop(entry["done"], None)
                _apply(ledger, entry)
        except (ValueError, TypeError, KeyError, IndexError) as exc:
            raise JournalError(
                f"{path}: line {number} is damaged ({exc}); pass --restart "
                "to start over, or --journal with another path"
            ) from None
    for key, ranges in pending.items():
        reason = f"sent by run {key.split('.')[0]}, which recorded no answer (abandoned or killed)"
        for ordinal in _from_ranges(ranges):
            ledger.settle(ordinal, UNKNOWN, reason)
    return run


def _apply(ledger: Ledger, entry: dict[str, Any]) -> None:
    for ordinal in _from_ranges(entry["created"]):
        ledger.settle(ordinal, CREATED)
    for ordinal, reason in entry["rejected"]:
        ledger.settle(int(ordinal), REJECTED, str(reason))
    for ordinal, reason in entry["unknown"]:
        ledger.settle(int(ordinal), UNKNOWN, str(reason))
