"""Put a generation on disk so that a kill at any moment loses nothing and the next run repairs.

The output folder may hold files the generator does not own (:mod:`generator.write.ownership`),
so it is never swapped as a whole. A generation is a small journaled transaction inside it:

1. **stage**: every file whose bytes change is written under ``--out/.codegen-tx/new/`` (a file
   that already holds its bytes is not touched, so its modification time stays); ``--out`` is
   unchanged;
2. **commit**: ``plan.json`` (what to write, what to remove) is renamed into place;
3. **apply**: each staged file is renamed over its target (one ``rename`` each, so every file is
   always whole: its old bytes or its new ones), the manifest last; then the removals;
4. **done**: ``.codegen-tx`` is removed.

A kill before the commit leaves the previous generation as it was (the next run drops the
staged files); a kill after it leaves a journal that the next run completes before anything
else (:func:`recover`), and ``--check`` reports it. A failure that is not a kill undoes stage 1
on the way out. Folders are created with the user's umask; ``--out`` keeps its own mode.

:func:`checkpoint` is a test hook: ``CF1_CODEGEN_TEST_FAULT=STEP:ACTION`` pauses (``pause``),
kills the process (``die``) or raises ``OSError`` (``fail``) when the write reaches STEP
(``staged``, ``committed``, ``applying``, ``applied``).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sys
import time
from pathlib import Path, PurePosixPath

from generator.diagnostics import GenerationError, Location
from generator.write.ownership import WORK_DIR, Changes, is_safe_path

FAULT_ENV = "CF1_CODEGEN_TEST_FAULT"
STEPS = ("staged", "committed", "applying", "applied")
PLAN = "plan.json"
_PAUSE_SECONDS = 120


def checkpoint(step: str) -> None:
    """The test hook described in the module docstring; nothing unless the variable names
    ``step``."""
    wanted, _, action = os.environ.get(FAULT_ENV, "").partition(":")
    if wanted != step:
        return
    if action == "fail":
        raise OSError(f"injected failure at {step}")
    print(f"codegen-test: {action} at {step}", file=sys.stderr, flush=True)
    if action == "die":
        os.kill(os.getpid(), signal.SIGKILL)
    deadline = time.monotonic() + _PAUSE_SECONDS
    while action == "pause" and time.monotonic() < deadline:
        time.sleep(0.05)


def write_generation(out: Path, changes: Changes) -> None:
    """Write ``changes`` into ``out`` (which exists and is locked) as one transaction."""
    work = out / WORK_DIR
    staged = work / "new"
    pending = [f for f in changes.write if not _holds(out / f.path, f.content)]
    try:
        work.mkdir(exist_ok=True)
        for f in pending:
            target = staged / f.path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(f.content)
        checkpoint("staged")
        plan = {"write": [f.path for f in pending], "remove": changes.remove}
        (work / (PLAN + ".tmp")).write_text(json.dumps(plan, indent=1), "utf-8")
        os.replace(work / (PLAN + ".tmp"), work / PLAN)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    checkpoint("committed")
    _apply(out, plan)


def _holds(target: Path, content: bytes) -> bool:
    """``target`` is a plain file with exactly ``content``: left alone, so its modification
    time says when it last changed (``make`` and other tools rely on it)."""
    try:
        if target.is_symlink() or not target.is_file() or target.stat().st_size != len(content):
            return False
        return target.read_bytes() == content
    except OSError:
        return False


def recover(out: Path) -> bool:
    """Finish or drop what an interrupted generation left in ``out``; True when there was
    something."""
    work = out / WORK_DIR
    if not work.exists() and not work.is_symlink():
        return False
    if work.is_symlink() or not work.is_dir():
        raise GenerationError.at(
            Location(str(work)), "is not the generator's staging folder; move it away"
        )
    plan = read_plan(out)
    if plan is None:
        shutil.rmtree(work)
    else:
        _apply(out, plan)
    return True


def read_plan(out: Path) -> dict[str, list[str]] | None:
    """The committed plan of an interrupted generation, or None (none, or not committed)."""
    try:
        data = json.loads((out / WORK_DIR / PLAN).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    plan = {key: data.get(key) for key in ("write", "remove")}
    for paths in plan.values():
        if not isinstance(paths, list) or not all(is_safe_path(p) for p in paths):
            return None
    return plan  # type: ignore[return-value]


def _apply(out: Path, plan: dict[str, list[str]]) -> None:
    work = out / WORK_DIR
    staged = work / "new"
    writes = plan["write"]
    for index, path in enumerate(writes):
        if index == len(writes) // 2:
            checkpoint("applying")
        source = staged / path
        if not source.exists():  # moved in by the run that was interrupted
            continue
        target = out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(source, target)
    for path in plan["remove"]:
        (out / path).unlink(missing_ok=True)
    _prune_empty_parents(out, plan["remove"])
    checkpoint("applied")
    shutil.rmtree(work)


def _prune_empty_parents(out: Path, removed: list[str]) -> None:
    """Remove the folders that removing ``removed`` left empty (never ``out`` itself)."""
    folders = {parent for path in removed for parent in PurePosixPath(path).parents if parent.parts}
    for folder in sorted(folders, key=lambda p: len(p.parts), reverse=True):
        try:
            (out / folder).rmdir()
        except OSError:
            pass  # not empty (or not there): kept
