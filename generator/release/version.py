"""The package version: semver, bumped by the verdict of the change report.

``major`` when something breaks, ``minor`` for additions, ``patch`` for documentation only
and for a spec change the generated API does not show. When there is nothing to compare
with (the previous spec is missing or unreadable) the bump is ``major``: assume the worst.
"""

from __future__ import annotations

import re

from generator.diagnostics import GenerationError, Location
from generator.release.changes import Level
from generator.release.report import Report
from generator.write.manifest import MANIFEST


def bump_level(report: Report | None) -> Level:
    """The bump for a changed spec; ``report`` is None when there was nothing to compare."""
    if report is None:
        return "major"
    return report.bump or "patch"  # the spec changed, the generated API did not


def bump_version(version: str, level: Level) -> str:
    """``1.4.2`` + minor -> ``1.5.0``. A pre-release or build suffix is dropped."""
    match = re.match(r"^\s*v?(\d+)(?:\.(\d+))?(?:\.(\d+))?", version)
    if match is None:
        raise GenerationError.at(
            Location(MANIFEST, "/package_version"),
            f"package version {version!r} is not of the form MAJOR.MINOR.PATCH",
        )
    major, minor, patch = (int(part or 0) for part in match.groups())
    if level == "major":
        return f"{major + 1}.0.0"
    if level == "minor":
        return f"{major}.{minor + 1}.0"
    return f"{major}.{minor}.{patch + 1}"
