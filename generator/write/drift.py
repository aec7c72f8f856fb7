"""The drift check (``generate --check``): the rendered tree against what is on disk.

A file is stale when its bytes differ, missing when it is not on disk, extra when the previous
generation wrote it (its manifest lists it) and it is no longer rendered: exactly what the next
``generate`` would change. Files the generator does not own are not its business: they are
listed as kept, never as drift (what tools create inside the output folder -- caches, builds,
``*.egg-info`` -- is not even listed). A generation that was interrupted after it committed is
drift too: the next ``generate`` completes it.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path

from generator.render.renderer import RenderedFile
from generator.write.atomic import read_plan
from generator.write.ownership import WORK_DIR, inspect_output

# Things tools create inside generated/ that are not part of the generation.
IGNORED_PARTS = {
    "__pycache__",
    ".pytest_cache",
    ".mypy_cache",
    ".ruff_cache",
    "build",
    "dist",
    ".hypothesis",
}
IGNORED_SUFFIXES = (".pyc", ".pyo", ".egg-info")


def _ignored(rel: Path) -> bool:
    return rel.parts[:1] == (WORK_DIR,) or any(
        part in IGNORED_PARTS or part.endswith(IGNORED_SUFFIXES) for part in rel.parts
    )


def existing_files(out: Path) -> dict[str, bytes]:
    """Every file under ``out`` that a generation could have written, by POSIX path."""
    found: dict[str, bytes] = {}
    if not out.is_dir():
        return found
    for path in sorted(out.rglob("*")):
        rel = path.relative_to(out)
        if path.is_file() and not _ignored(rel):
            found[rel.as_posix()] = path.read_bytes()
    return found


@dataclass(frozen=True)
class Drift:
    """How the output folder differs from the rendered tree, with a diff per stale file."""

    stale: list[str]
    missing: list[str]
    extra: list[str]
    diffs: dict[str, str]
    kept: list[str] = field(default_factory=list)
    """Files the generator does not own (left alone by ``generate``)."""
    interrupted: bool = False

    @property
    def clean(self) -> bool:
        return not (self.stale or self.missing or self.extra or self.interrupted)

    def report(self, out: Path, max_lines: int = 20) -> str:
        lines = []
        if self.interrupted:
            lines.append(f"interrupted: {out / WORK_DIR} (a generation that did not finish)")
        for label, names in (
            ("stale", self.stale),
            ("missing", self.missing),
            ("extra", self.extra),
        ):
            for name in names:
                lines.append(f"{label}: {out / name}")
                if name in self.diffs:
                    diff = self.diffs[name].splitlines()
                    lines.extend("    " + d for d in diff[:max_lines])
                    if len(diff) > max_lines:
                        lines.append(f"    ... ({len(diff) - max_lines} more diff lines)")
        lines.extend(f"kept: {out / name} (not generated; left alone)" for name in self.kept)
        return "\n".join(lines)


def compare(out: Path, files: list[RenderedFile]) -> Drift:
    """What ``generate --check`` reports: the rendered ``files`` against ``out``."""
    have = existing_files(out)
    want = {f.path: f.content for f in files}
    owned = inspect_output(out, overwrite=True).owned
    stale = sorted(p for p in want if p in have and have[p] != want[p])
    diffs = {}
    for p in stale:
        a = have[p].decode("utf-8", "replace").splitlines()
        b = want[p].decode("utf-8", "replace").splitlines()
        diffs[p] = "\n".join(
            difflib.unified_diff(a, b, f"{p} (on disk)", f"{p} (generated)", lineterm="", n=1)
        )
    return Drift(
        stale=stale,
        missing=sorted(p for p in want if p not in have),
        extra=sorted(p for p in have if p not in want and p in owned),
        diffs=diffs,
        kept=sorted(p for p in have if p not in want and p not in owned),
        interrupted=read_plan(out) is not None,
    )
