"""Reading the ingest command's input: JSON Lines, a JSON array or CSV, record by record.

Every record carries its ``ordinal`` (0-based position in the input) and the file ``line`` it
starts on. A line that cannot be read is a :class:`BadLine`, not an exception, so that the check
pass lists every one of them; :func:`check_input` reads the whole input once that way (nothing
kept but counts and the bad lines) and fingerprints it for the journal.

A record that the command itself wrote to an output file carries an ``"_ingest"`` key (its
origin and reason): it is dropped when the record is read back.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, NamedTuple, TextIO

import pydantic_core

from .ingest_csv import CellError, CsvLayout

__all__ = [
    "FORMATS",
    "META_KEY",
    "BadLine",
    "InputCheck",
    "InputError",
    "Record",
    "check_input",
    "detect_format",
    "fingerprint",
    "line_ranges",
    "read_records",
]

FORMATS = ("jsonl", "json", "csv")
META_KEY = "_ingest"
SHOWN_BAD_LINES = 20


class InputError(Exception):
    """The input cannot be read (exit status 2)."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line is not None else self.message


class Record(NamedTuple):
    """One record: its 0-based position among the records, the line it starts on, its value."""

    ordinal: int
    line: int
    value: object


class BadLine(NamedTuple):
    """A line that cannot be read, and why."""

    line: int
    message: str


def detect_format(path: str, head: str) -> str:
    """``jsonl``, ``json`` or ``csv`` from the file name, else from the first characters."""
    ext = os.path.splitext(path)[1].lower()
    if ext in (".jsonl", ".ndjson"):
        return "jsonl"
    if ext == ".csv":
        return "csv"
    first = head.lstrip("\ufeff \t\r\n")[:1]
    if first == "[":
        return "json"
    if first == "{":
        return "jsonl"
    return "json" if ext == ".json" else "csv"


def _unwrap(value: object) -> object:
    """A record as it was before the command wrote it to an output file (``_ingest`` dropped)."""
    if isinstance(value, dict) and META_KEY in value:
        meta = value.pop(META_KEY)
        if not value and isinstance(meta, dict) and "record" in meta:
            return meta["record"]
    return value


def _jsonl(stream: TextIO) -> Iterator[Record | BadLine]:
    ordinal = 0
    for number, line in enumerate(stream, 1):
        if not line.strip():
            continue
        try:
            value = pydantic_core.from_json(line)  # about 3 times as fast as json.loads
        except ValueError:
            yield BadLine(number, _json_problem(line))
            continue
        yield Record(ordinal, number, _unwrap(value))
        ordinal += 1


def _json_problem(line: str) -> str:
    """The problem of a line that is not JSON, as the standard library words it (the column in
    the line itself: a line cut short is at its end, not at the start of the next)."""
    try:
        json.loads(line.rstrip("\r\n"))
    except json.JSONDecodeError as exc:
        return f"invalid JSON: {exc.msg} (column {exc.colno})"
    return "invalid JSON"


def _json_array(stream: TextIO) -> Iterator[Record | BadLine]:
    """The elements of one JSON array, each with the line it starts on (the text is read
    whole, the elements are decoded one at a time)."""
    text = stream.read()
    decoder = json.JSONDecoder()
    position, line, counted = _skip(text, 0), 1, 0
    if not text.startswith("[", position):
        found = "nothing" if position >= len(text) else f"{text[position]!r}"
        yield BadLine(text.count("\n", 0, position) + 1, f"expected a JSON array, found {found}")
        return
    position = _skip(text, position + 1)
    ordinal = 0
    while position < len(text) and text[position] != "]":
        line += text.count("\n", counted, position)
        counted = position
        try:
            value, position = decoder.raw_decode(text, position)
        except json.JSONDecodeError as exc:
            yield BadLine(exc.lineno, f"invalid JSON: {exc.msg} (column {exc.colno})")
            return
        yield Record(ordinal, line, _unwrap(value))
        ordinal += 1
        position = _skip(text, position)
        if text.startswith(",", position):
            position = _skip(text, position + 1)
        elif position < len(text) and not text.startswith("]", position):
            where = text.count("\n", 0, position) + 1
            yield BadLine(where, "invalid JSON: expected ',' or ']' after an element")
            return
    if position >= len(text):
        yield BadLine(text.count("\n") + 1, "invalid JSON: the array is not closed")
    elif _skip(text, position + 1) != len(text):
        where = text.count("\n", 0, position) + 1
        yield BadLine(where, "invalid JSON: text follows the array")


def _skip(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t\r\n\ufeff":
        position += 1
    return position


def _csv(stream: TextIO, model: Any) -> Iterator[Record | BadLine]:
    reader = csv.reader(stream)
    try:
        header = next(reader, None)
        if header is None:
            return
        layout = CsvLayout(header, model if isinstance(model, type) else None)
    except (csv.Error, CellError) as exc:
        raise InputError(f"{exc}", reader.line_num) from None
    ordinal, end = 0, reader.line_num
    while True:
        start = end + 1
        try:
            row = next(reader, None)
        except csv.Error as exc:
            yield BadLine(reader.line_num, f"malformed CSV: {exc}")
            return  # the reader cannot find the next record reliably
        end = reader.line_num
        if row is None:
            return
        if not any(cell.strip() for cell in row):
            continue
        try:
            record = layout.record(row)
        except CellError as exc:
            yield BadLine(start, str(exc))
            continue
        yield Record(ordinal, start, record)
        ordinal += 1


def read_records(path: str, fmt: str, model: Any = None) -> Iterator[Record | BadLine]:
    """The records of the file at ``path``, lazily (a JSON array is read whole first).

    Raises :class:`InputError` when the file cannot be read at all (or a CSV header is wrong).
    """
    try:
        with open(path, encoding="utf-8-sig", newline="") as stream:
            if fmt == "jsonl":
                yield from _jsonl(stream)
            elif fmt == "json":
                yield from _json_array(stream)
            else:
                yield from _csv(stream, model)
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None


@dataclass
class InputCheck:
    """What one reading of the whole input found."""

    records: int = 0
    bad: list[BadLine] = field(default_factory=list)  # the first ones, with their reason
    bad_lines: list[tuple[int, int]] = field(default_factory=list)  # every one, as ranges

    @property
    def bad_count(self) -> int:
        return sum(end - start + 1 for start, end in self.bad_lines)

    def add_bad(self, bad: BadLine) -> None:
        if len(self.bad) < SHOWN_BAD_LINES:
            self.bad.append(bad)
        if self.bad_lines and self.bad_lines[-1][1] == bad.line - 1:
            self.bad_lines[-1] = (self.bad_lines[-1][0], bad.line)
        else:
            self.bad_lines.append((bad.line, bad.line))

    def describe(self) -> str:
        """Every bad line: the first ones with their reason, then the others' numbers."""
        lines = [f"  line {bad.line}: {bad.message}" for bad in self.bad]
        hidden = self.bad_count - len(self.bad)
        if hidden:
            last = self.bad[-1].line  # bad lines come in order
            rest = [(max(start, last + 1), end) for start, end in self.bad_lines if end > last]
            lines.append(f"  and {hidden} more: line(s) {line_ranges(rest)}")
        return "\n".join(lines)


def line_ranges(ranges: list[tuple[int, int]]) -> str:
    """``"4, 9-12, 20"``."""
    return ", ".join(str(s) if s == e else f"{s}-{e}" for s, e in ranges)


def check_input(path: str, fmt: str, model: Any = None) -> InputCheck:
    """Read the whole input once, keeping nothing but counts and the bad lines."""
    check = InputCheck()
    for entry in read_records(path, fmt, model):
        if isinstance(entry, BadLine):
            check.add_bad(entry)
        else:
            check.records += 1
    return check


def fingerprint(path: str) -> dict[str, object]:
    """``{"size": bytes, "sha256": hex}`` of the file at ``path``."""
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as stream:
        while block := stream.read(1 << 20):
            digest.update(block)
            size += len(block)
    return {"size": size, "sha256": digest.hexdigest()}


def starts_with(path: str, size: int, sha256: str) -> bool:
    """The file at ``path`` begins with ``size`` bytes whose SHA-256 is ``sha256``, ending
    at the end of a line (so the records they hold are whole and unchanged)."""
    digest = hashlib.sha256()
    left, last = size, b""
    with open(path, "rb") as stream:
        while left > 0 and (block := stream.read(min(left, 1 << 20))):
            digest.update(block)
            left -= len(block)
            last = block[-1:]
    return left == 0 and last == b"\n" and digest.hexdigest() == sha256
