"""No output of a generation lands on one of its inputs.

``--out`` may not be the spec, the config, the templates folder (or a folder inside it), and no
file a generation writes may be the spec, the config or a file the spec's ``$ref``\\ s read: a
client generated into its own spec folder would otherwise replace the spec it came from.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from generator.diagnostics import GenerationError, Location
from generator.render.renderer import RenderedFile


def check_out_is_not_an_input(out: Path, inputs: dict[str, Path | None]) -> None:
    """Refuse ``out`` when it is one of ``inputs`` (flag -> path) or inside the templates."""
    target = out.resolve()
    for flag, path in inputs.items():
        if path is None:
            continue
        source = path.resolve()
        if target == source or (flag == "--templates" and target.is_relative_to(source)):
            raise GenerationError.at(
                Location(str(out)),
                f"--out is {'inside ' if target != source else ''}the {flag} input "
                f"({path}); choose another output folder",
            )


def check_files_are_not_inputs(
    out: Path, files: Iterable[RenderedFile], inputs: dict[Path, str]
) -> None:
    """Refuse when a file to be written is one of ``inputs`` (resolved path -> what it is)."""
    for f in files:
        target = (out / f.path).resolve()
        if target in inputs:
            raise GenerationError.at(
                Location(str(out / f.path)),
                f"the generation would overwrite its own input ({inputs[target]}); "
                "choose another output folder",
            )
