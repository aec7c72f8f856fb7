"""Template overlays (``--templates DIR``): files that replace built-in templates one for one.

An overlay file must have the relative path of a built-in template: one that matches none would
be ignored (a typo, or a template renamed by a newer generator), so it is an error naming it.
An error while a template renders is reported at the file and line of the template that failed
(the overlay's copy when there is one), found in the traceback Jinja gives its templates.
"""

from __future__ import annotations

import re
import traceback
from pathlib import Path

from generator.diagnostics import GenerationError, Location, closest

_SKIPPED = {"__pycache__"}


def _files(folder: Path) -> list[str]:
    """Relative paths (with ``/``) of the files under ``folder``, hidden ones and caches left out."""
    found: list[str] = []
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if any(part.startswith(".") or part in _SKIPPED for part in relative.parts):
            continue
        if path.is_file():
            found.append(relative.as_posix())
    return found


def check_overlay(overlay: Path, base: Path) -> None:
    """Every file of ``overlay`` replaces a built-in template of ``base``."""
    builtin = set(_files(base))
    for name in _files(overlay):
        if name not in builtin:
            raise GenerationError.at(
                Location(_shown(overlay / name)),
                f"overlay file {name!r} matches no built-in template{closest(name, builtin)}; "
                "an overlay only replaces templates (see docs/config.md)",
            )


def template_location(
    exc: BaseException, name: str, overlay: Path | None, base: Path
) -> Location | None:
    """Where a template failed: the innermost frame of a template file in the traceback (an
    included or imported template included), else the template ``name`` at the line Jinja gives
    for a syntax error. ``None`` when no template is involved."""
    folders = [f.resolve() for f in (overlay, base) if f is not None]
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        path = Path(frame.filename)
        if path.is_file() and any(path.resolve().is_relative_to(f) for f in folders):
            return Location(_shown(path), "", frame.lineno)
    filename = getattr(exc, "filename", None)
    lineno = getattr(exc, "lineno", None)
    if filename:
        return Location(_shown(Path(filename)), "", lineno)
    if overlay is not None and (overlay / name).is_file():
        return Location(_shown(overlay / name), "", lineno)
    return Location(_shown(base / name), "", lineno) if lineno is not None else None


def _shown(path: Path) -> str:
    """``path`` relative to the working directory when it is below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


# "'generator.ir.api.Api object' has no attribute 'x'": name the object as templates do
_IR_OBJECT = re.compile(r"'generator\.ir(?:\.\w+)*\.(\w+) object'")


def template_error(exc: Exception) -> str:
    """What a failing template did, in the names a template author sees (``'Api' has no
    attribute 'x'``, not the module the generator keeps the class in)."""
    text = _IR_OBJECT.sub(r"'\1'", str(exc))
    return f"template failed: {exc.__class__.__name__}: {text}"
