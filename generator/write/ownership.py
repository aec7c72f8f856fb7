"""Which files in the output folder belong to the generator, and what a generation may do there.

The generator owns exactly the files listed in the manifest of the previous generation
(``codegen-manifest.json``, which it owns too). A generation replaces and removes only those;
every other file and folder in ``--out`` is foreign and survives byte-identical. Decided here:

* a non-empty ``--out`` without a manifest is refused, naming the first foreign entries, unless
  ``--overwrite`` is given;
* a generated path that is a foreign file is refused unless ``--overwrite`` is given (then the
  file is replaced and owned from then on); a generated path that is a foreign folder, or that
  goes through a symbolic link, is always refused;
* ``--clean`` (which implies ``--overwrite``) also removes every foreign file, and says so, but
  never an input of the generation (a spec kept in the output folder, its ``$ref``'d files, the
  config, overlay templates);
* the paths a manifest lists are checked: a manifest naming ``../x`` or ``/etc/x`` is damaged,
  and nothing outside ``--out`` is ever touched because of it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from generator.diagnostics import GenerationError, Location
from generator.render.renderer import RenderedFile
from generator.write.manifest import MANIFEST

WORK_DIR = ".codegen-tx"
"""The folder inside ``--out`` where a generation is staged (see :mod:`generator.write.atomic`)."""
SHOWN = 5  # foreign entries named in a refusal


@dataclass(frozen=True)
class Ownership:
    """What the generator owns in ``out`` before a generation."""

    out: Path
    owned: frozenset[str]
    """POSIX paths relative to ``out``: the previous manifest's files and the manifest."""
    has_manifest: bool


@dataclass(frozen=True)
class Changes:
    """What a generation does to ``out``: the files it writes and the paths it removes."""

    write: list[RenderedFile]
    remove: list[str]
    cleaned: list[str]
    """The foreign files among ``remove`` (``--clean``)."""


def inspect_output(out: Path, *, overwrite: bool) -> Ownership:
    """The files the generator owns in ``out``; refuses a non-empty folder it never wrote to
    (unless ``overwrite``)."""
    if not out.exists() and not out.is_symlink():
        return Ownership(out, frozenset(), False)
    if not out.is_dir():
        raise GenerationError.at(Location(str(out)), "--out exists and is not a folder")
    owned = _manifest_files(out)
    if owned is not None:
        return Ownership(out, frozenset(owned) | {MANIFEST}, True)
    foreign = sorted(p.name for p in out.iterdir() if p.name != WORK_DIR)
    if foreign and not overwrite:
        raise GenerationError.at(
            Location(str(out)),
            f"not empty and has no {MANIFEST}, so it was not written by the generator "
            f"(found {_first(foreign)}); choose an empty or new folder, or pass --overwrite "
            "to write into it (files it does not write are kept)",
        )
    return Ownership(out, frozenset(), False)


def _first(names: list[str]) -> str:
    shown = ", ".join(names[:SHOWN])
    return shown if len(names) <= SHOWN else f"{shown} and {len(names) - SHOWN} more"


def _manifest_files(out: Path) -> list[str] | None:
    """The files the manifest in ``out`` lists; None when there is no manifest the generator
    wrote; an error when it lists a path outside ``out``."""
    try:
        data = json.loads((out / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, dict):
        return None
    for path in files:
        if not is_safe_path(path):
            raise GenerationError.at(
                Location(str(out / MANIFEST), "/files"),
                f"lists {path!r}, which is not a path inside the output folder: the manifest "
                "is damaged; remove it and pass --overwrite",
            )
    return sorted(files)


def is_safe_path(path: object) -> bool:
    """``path`` is a plain relative POSIX path inside a folder (no ``..``, no drive, not ours)."""
    if not isinstance(path, str) or not path or "\\" in path or "\0" in path:
        return False
    parts = PurePosixPath(path).parts
    return (
        not path.startswith("/")
        and all(part not in ("", ".", "..") for part in path.split("/"))
        and parts[0] != WORK_DIR
    )


def plan_changes(
    ownership: Ownership,
    files: list[RenderedFile],
    *,
    overwrite: bool,
    clean: bool,
    inputs: Collection[Path] = (),
) -> Changes:
    """The files to write and the paths to remove; refuses to write over foreign files unless
    ``overwrite``, and removes foreign ones only with ``clean``. A file that is one of
    ``inputs`` (resolved paths: the spec, the files its references read, the config, overlay
    templates) is never removed, even when the folder holds it and ``clean`` is asked."""
    out = ownership.out
    wanted = {f.path for f in files}
    collisions = []
    for f in files:
        _check_parents(out, f.path)
        target = out / f.path
        if target.is_dir() and not target.is_symlink():
            raise GenerationError.at(
                Location(str(target)), "a folder is where the generator writes a file"
            )
        if f.path not in ownership.owned and (target.exists() or target.is_symlink()):
            collisions.append(f.path)
    if collisions and not (overwrite or clean):
        raise GenerationError.at(
            Location(str(out)),
            f"would overwrite files it did not write ({_first(collisions)}); move them away "
            "or pass --overwrite",
        )
    kept = set(inputs)
    remove = sorted(
        p for p in ownership.owned - wanted if _is_file(out / p) and (out / p).resolve() not in kept
    )
    foreign = set(foreign_files(out, ownership.owned)) - wanted if clean else set()
    cleaned = sorted(p for p in foreign if (out / p).resolve() not in kept)
    return Changes(sorted(files, key=_manifest_last), sorted({*remove, *cleaned}), cleaned)


def _manifest_last(f: RenderedFile) -> tuple[bool, str]:
    return (f.path == MANIFEST, f.path)


def _is_file(path: Path) -> bool:
    return path.is_symlink() or path.is_file()


def _check_parents(out: Path, path: str) -> None:
    """Every folder on the way to ``out/path`` is a real folder (or not there yet)."""
    current = out
    for part in PurePosixPath(path).parts[:-1]:
        current = current / part
        if current.is_symlink():
            raise GenerationError.at(
                Location(str(current)),
                "is a symbolic link; the generator does not write through links",
            )
        if current.exists() and not current.is_dir():
            raise GenerationError.at(
                Location(str(current)), "a file is where the generator needs a folder"
            )


def foreign_files(out: Path, owned: frozenset[str]) -> list[str]:
    """Every file (or link) under ``out`` that the generator does not own, links not followed."""
    found = []
    for folder, dirs, names in os.walk(out):
        rel = Path(folder).relative_to(out)
        if rel == Path("."):
            dirs[:] = [d for d in dirs if d != WORK_DIR]
        links = [d for d in dirs if (Path(folder) / d).is_symlink()]
        for name in [*names, *links]:
            path = (rel / name).as_posix()
            if path not in owned:
                found.append(path)
    return sorted(found)
