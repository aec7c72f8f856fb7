"""What a change is, its verdict level, and the semver bump a set of changes calls for.

A :class:`Change` is one difference between the old and the new generated API: a kind
(``param-added``), where it is (``events.create``, ``Event``, ``client``), a JSON pointer and
whether it breaks. Its level follows: ``major`` when it breaks, ``patch`` for the kinds that
do not change what the client can do (:data:`PATCH_KINDS`), ``minor`` otherwise.
:func:`classify` turns a list of changes into the bump: the highest level among them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from typing import Any, Literal

Level = Literal["major", "minor", "patch"]
Scope = Literal["operation", "model", "client"]
LEVELS: tuple[Level, ...] = ("major", "minor", "patch")  # highest first

# Non-breaking kinds that do not change what the generated client can do.
PATCH_KINDS = frozenset({"docs", "operation-renamed"})

Rename = Callable[[str], str]
"""Old model name -> the name the same model has in the new API."""


@dataclass(frozen=True)
class Change:
    """One difference between the old and the new generated API."""

    kind: str
    location: str  # method (``events.bulk_create``), model (``Event``) or ``client``
    pointer: str  # JSON pointer into the new document, or the old one when ``spec == "old"``
    breaking: bool
    message: str
    scope: Scope = "operation"
    member: str = ""  # the argument or field concerned, if any
    spec: Literal["old", "new"] = "new"

    @property
    def level(self) -> Level:
        if self.breaking:
            return "major"
        return "patch" if self.kind in PATCH_KINDS else "minor"

    @property
    def where(self) -> str:
        """Location and member as Python: ``events.create(severity=)``, ``Event.uuid``."""
        if not self.member:
            return self.location if self.scope != "operation" else f"{self.location}()"
        if self.scope == "model":
            return f"{self.location}.{self.member}"
        if self.member == "return":
            return f"{self.location}() -> return"
        return f"{self.location}({self.member}=)"

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["level"] = self.level
        data["where"] = self.where
        return data


@dataclass(frozen=True)
class TypeChange:
    """A difference between two types, before it is placed on an argument, field or return."""

    kind: str
    breaking: bool
    message: str
    pointer: str
    spec: Literal["old", "new"] = "new"


def classify(changes: Iterable[Change]) -> Level | None:
    """The semver bump a list of changes calls for; None when nothing changed."""
    levels = {c.level for c in changes}
    return next((level for level in LEVELS if level in levels), None)


def in_report_order(changes: Iterable[Change]) -> list[Change]:
    """Without repeats, breaking first, then by location, member, kind, message, pointer."""
    order = {level: rank for rank, level in enumerate(LEVELS)}
    unique = list(dict.fromkeys(changes))
    return sorted(
        unique, key=lambda c: (order[c.level], c.location, c.member, c.kind, c.message, c.pointer)
    )


class ChangeList:
    """The changes the comparers find, in the order they find them."""

    def __init__(self) -> None:
        self.changes: list[Change] = []

    def add(
        self, kind: str, location: str, pointer: str, breaking: bool, message: str, **extra: Any
    ) -> None:
        self.changes.append(Change(kind, location, pointer, breaking, message, **extra))

    def docs(
        self, location: str, pointer: str, what: str, old: str, new: str, **extra: Any
    ) -> None:
        """A ``docs`` change (never breaking) when a text was added, removed or changed."""
        if old != new:
            verb = "added" if not old else "removed" if not new else "changed"
            self.add("docs", location, pointer, False, f"{what} {verb}", **extra)

    def types(
        self,
        location: str,
        pointer: str,
        found: Iterable[TypeChange],
        prefix: str = "",
        **extra: Any,
    ) -> None:
        """The type changes ``found`` at ``location``; ``pointer`` when one has none."""
        for t in found:
            at = t.pointer or pointer
            self.add(t.kind, location, at, t.breaking, prefix + t.message, spec=t.spec, **extra)
