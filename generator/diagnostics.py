"""Errors and warnings as values: a level, a location and a message.

Every problem the generator finds in its input is a :class:`Diagnostic`. Fatal ones
are raised inside a :class:`GenerationError`; warnings are collected on a
:class:`Diagnostics` list and printed at the end of a run.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum


class Level(str, Enum):
    ERROR = "error"
    WARNING = "warning"


_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def printable(text: str) -> str:
    """One line, whatever the spec's names contain: control characters as escapes."""
    return _UNPRINTABLE.sub(lambda m: repr(m.group(0))[1:-1], text)


def closest(name: str, names: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` when one of ``names`` is close to ``name``, else ``""``."""
    found = difflib.get_close_matches(name, sorted(set(names)), n=1)
    return f" (did you mean {found[0]!r}?)" if found else ""


@dataclass(frozen=True)
class Location:
    """Where a problem is: a file, optionally a line, and a JSON pointer inside it."""

    file: str
    pointer: str = ""
    line: int | None = None

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {printable(self.pointer or '/')}"


@dataclass(frozen=True)
class Diagnostic:
    level: Level
    location: Location
    message: str

    def __str__(self) -> str:
        prefix = "warning: " if self.level is Level.WARNING else ""
        return f"{self.location}: {prefix}{printable(self.message)}"


class GenerationError(Exception):
    """One or more fatal diagnostics; the CLI prints them and exits with status 2."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = diagnostics
        super().__init__("\n".join(str(d) for d in diagnostics))

    @classmethod
    def at(cls, location: Location, message: str) -> GenerationError:
        return cls([Diagnostic(Level.ERROR, location, message)])


@dataclass
class Diagnostics:
    """Warnings collected while building the IR, in the order they were found."""

    items: list[Diagnostic] = field(default_factory=list)

    def warn(self, location: Location, message: str) -> None:
        self.items.append(Diagnostic(Level.WARNING, location, message))

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)
