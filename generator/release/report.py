"""The change report: the two documents compared and the changes found, with its bump."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from generator.ir import Api
from generator.release.changes import Change, Level, classify


@dataclass(frozen=True)
class SpecInfo:
    """One of the two documents: as shown to the reader, its info.version and sha256."""

    path: str
    title: str
    version: str  # info.version
    sha256: str

    @classmethod
    def of(cls, display: str, api: Api) -> SpecInfo:
        return cls(display, api.title, api.version, api.spec_sha256)


@dataclass(frozen=True)
class Report:
    """The changes from ``old`` to ``new`` in report order (breaking first), and notes."""

    old: SpecInfo
    new: SpecInfo
    changes: tuple[Change, ...]
    notes: tuple[str, ...] = ()

    @property
    def bump(self) -> Level | None:
        return classify(self.changes)

    @property
    def breaking(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.breaking)

    def as_dict(self) -> dict[str, Any]:
        return {
            "old": asdict(self.old),
            "new": asdict(self.new),
            "bump": self.bump,
            "breaking": len(self.breaking),
            "notes": list(self.notes),
            "changes": [c.as_dict() for c in self.changes],
        }
