"""Put a rendered tree on disk atomically, or compare it with what is there.

The tree is written to a temporary directory beside the output and swapped in with
two renames; files an earlier generation produced that are no longer rendered
disappear with the old tree. Any failure before the swap leaves the output as it was.
"""

from __future__ import annotations

import difflib
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from generator.render.renderer import RenderedFile

# Things tools create inside generated/ that are not part of the generation.
IGNORED_PARTS = {"__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache", "build", "dist", ".hypothesis"}
IGNORED_SUFFIXES = (".pyc", ".pyo", ".egg-info")


def _ignored(rel: Path) -> bool:
    return any(part in IGNORED_PARTS or part.endswith(IGNORED_SUFFIXES) for part in rel.parts)


def existing_files(out: Path) -> dict[str, bytes]:
    found: dict[str, bytes] = {}
    if not out.is_dir():
        return found
    for path in sorted(out.rglob("*")):
        rel = path.relative_to(out)
        if path.is_file() and not _ignored(rel):
            found[rel.as_posix()] = path.read_bytes()
    return found


def write_atomically(out: Path, files: list[RenderedFile], *, before_swap: object = None) -> None:
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    try:
        for f in files:
            target = staging / f.path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(f.content)
        if callable(before_swap):
            before_swap()
        old = None
        if out.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
            old.rmdir()
            os.rename(out, old)
        try:
            os.rename(staging, out)
        except BaseException:
            if old is not None:
                os.rename(old, out)
            raise
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


@dataclass(frozen=True)
class Drift:
    stale: list[str]
    missing: list[str]
    extra: list[str]
    diffs: dict[str, str]

    @property
    def clean(self) -> bool:
        return not (self.stale or self.missing or self.extra)

    def report(self, out: Path, max_lines: int = 20) -> str:
        lines = []
        for label, names in (("stale", self.stale), ("missing", self.missing), ("extra", self.extra)):
            for name in names:
                lines.append(f"{label}: {out / name}")
                if name in self.diffs:
                    diff = self.diffs[name].splitlines()
                    lines.extend("    " + d for d in diff[:max_lines])
                    if len(diff) > max_lines:
                        lines.append(f"    ... ({len(diff) - max_lines} more diff lines)")
        return "\n".join(lines)


def compare(out: Path, files: list[RenderedFile]) -> Drift:
    have = existing_files(out)
    want = {f.path: f.content for f in files}
    stale = sorted(p for p in want if p in have and have[p] != want[p])
    diffs = {}
    for p in stale:
        a = have[p].decode("utf-8", "replace").splitlines()
        b = want[p].decode("utf-8", "replace").splitlines()
        diffs[p] = "\n".join(difflib.unified_diff(a, b, f"{p} (on disk)", f"{p} (generated)", lineterm="", n=1))
    return Drift(
        stale=stale,
        missing=sorted(p for p in want if p not in have),
        extra=sorted(p for p in have if p not in want),
        diffs=diffs,
    )
