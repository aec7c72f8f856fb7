"""The text of ``CHANGELOG.md``: its preamble and entries, newest first.

The first generation writes an initial entry; each later one with another spec puts an
entry ``## <version>`` with the change report (Markdown) on top and keeps every earlier
entry byte for byte; an unchanged spec keeps the entries as they are under a rewritten
preamble (it carries the generated-file marker). Nothing here depends on the clock.
"""

from __future__ import annotations

import re
from pathlib import Path

from generator.ir import Api
from generator.release.changes import Level
from generator.release.formats import to_markdown
from generator.release.report import Report, SpecInfo
from generator.render.renderer import header

CHANGELOG = "CHANGELOG.md"

HEADER = (
    "# Changelog\n"
    "\n"
    "Written by `python -m generator generate` whenever the spec changes, newest first. Each\n"
    "entry is the change report of `python -m generator diff` between the previous and the\n"
    "new spec; the version bump follows from it (major: something breaks, minor: additions,\n"
    "patch: documentation only).\n"
    "\n"
)


def read_changelog(out: Path) -> bytes | None:
    try:
        return (out / CHANGELOG).read_bytes()
    except OSError:
        return None


def preamble(api: Api) -> str:
    """The generated-file marker and :data:`HEADER`, above the entries."""
    return header(api, "<!--") + "\n\n" + HEADER


def initial_entry(version: str, info: SpecInfo) -> str:
    return (
        f"## {version}\n\n"
        f"First generation, from `{info.path}` (info.version `{info.version}`, "
        f"sha256 `{info.sha256}`).\n"
    )


def entry(version: str, before: str, level: Level, report: Report) -> str:
    old, new = report.old, report.new
    lines = [
        f"## {version}",
        "",
        f"Spec `{new.path}`: info.version `{old.version}` -> `{new.version}`, "
        f"sha256 `{old.sha256}` -> `{new.sha256}`.",
        f"Version {before} -> {version} ({level}).",
        "",
    ]
    return "\n".join(lines) + to_markdown(report, heading=2, title=False, specs=False)


def refresh(previous: bytes, preamble: str) -> bytes:
    """An unchanged CHANGELOG: the entries as they were, under the current preamble (whose
    first line marks the file as generated, like every other one). The same bytes again
    whenever the generator has not changed."""
    text = previous.decode("utf-8", "replace")
    match = re.search(r"^## ", text, re.M)
    if match is None:
        return previous
    return (preamble + text[match.start() :]).encode("utf-8")


def prepend(previous: bytes | None, entry: str, preamble: str) -> bytes:
    """``preamble``, ``entry``, then every earlier entry (from the first ``## `` heading on)
    exactly as it was."""
    if not previous:
        return (preamble + entry).encode("utf-8")
    text = previous.decode("utf-8", "replace")
    match = re.search(r"^## ", text, re.M)
    if match is None:  # not a changelog of ours: keep it below
        return (preamble + entry + "\n" + text).encode("utf-8")
    return (preamble + entry + "\n" + text[match.start() :]).encode("utf-8")
