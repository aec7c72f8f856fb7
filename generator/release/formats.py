"""The change report as text (the terminal), Markdown (the CHANGELOG) or JSON (tools).

Every format names both documents, says how many changes break and the bump, and gives
each change its verdict, its place in Python (:attr:`Change.where`), its kind and pointer.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from generator.release.changes import Change
from generator.release.report import Report, SpecInfo

FORMATS = ("text", "json", "markdown")

_SECTIONS: tuple[tuple[str, Callable[[Change], bool]], ...] = (
    ("Breaking changes", lambda c: c.breaking),
    ("Additions and other changes", lambda c: c.level == "minor"),
    ("Documentation and other non-API changes", lambda c: c.level == "patch"),
)


def render(report: Report, fmt: str = "text") -> str:
    """``report`` in one of :data:`FORMATS` (text for anything else)."""
    if fmt == "json":
        return to_json(report)
    if fmt == "markdown":
        return to_markdown(report)
    return to_text(report)


def to_text(report: Report) -> str:
    lines = [f"{_info(report.old)} -> {_info(report.new)}", _summary(report), *report.notes]
    if report.changes:
        lines.append("")
    for c in report.changes:
        verdict = "BREAKING" if c.breaking else c.level
        spec = report.old.path if c.spec == "old" else report.new.path
        lines.append(f"{verdict:<9} {c.where}: {c.message}")
        lines.append(f"{'':<9} {c.kind} at {spec}#{c.pointer}")
    return "\n".join(lines) + "\n"


def to_json(report: Report) -> str:
    return json.dumps(report.as_dict(), indent=2, sort_keys=True) + "\n"


def to_markdown(report: Report, heading: int = 1, *, title: bool = True, specs: bool = True) -> str:
    """The report in Markdown; sections use ``heading + 1`` hashes. ``title``: start with
    a heading; ``specs``: name both documents with their info.version and sha256."""
    lines: list[str] = []
    old, new = report.old, report.new
    if title:
        lines += [f"{'#' * heading} API changes", ""]
    if specs:
        lines += [
            f"From `{old.path}` (info.version `{old.version}`, sha256 `{old.sha256}`) "
            f"to `{new.path}` (info.version `{new.version}`, sha256 `{new.sha256}`).",
            "",
        ]
    lines.append(_summary(report))
    for note in report.notes:
        lines += ["", _md(note)]
    for name, pick in _SECTIONS:
        picked = [c for c in report.changes if pick(c)]
        if not picked:
            continue
        lines += ["", f"{'#' * (heading + 1)} {name}", ""]
        for c in picked:
            lines.append(
                f"- `{c.where}`: {_md(c.message)} ({c.kind}; `{c.pointer}` in the {c.spec} spec)"
            )
    return "\n".join(lines) + "\n"


def _info(info: SpecInfo) -> str:
    return f"{info.path} (info.version {info.version}, sha256 {info.sha256[:12]})"


def _summary(report: Report) -> str:
    if not report.changes:
        return "No changes to the generated API."
    n, b = len(report.changes), len(report.breaking)
    return f"{n} change{'s' if n != 1 else ''}, {b} breaking; version bump: {report.bump}."


def _md(text: str) -> str:
    return text.replace("\n", " ").replace("|", "\\|")
