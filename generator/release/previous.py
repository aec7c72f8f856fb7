"""The previous generation, as the next one compares with it: its spec and config copies.

Every generation keeps the spec it was generated from (``spec/<name>``, with the other files
it was read from beside it as they lie; the manifest's ``spec_copy`` names the root; written by
the pipeline, :mod:`generator.write.manifest`) and the config it was generated with
(:data:`CONFIG_COPY`) in the output folder. The next generation builds the old client's
IR from them (the old method names come from the old config, the ``[renames]`` from the
current one) and diffs it with the new one.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from generator.diagnostics import GenerationError
from generator.ir import Api
from generator.load.config import Config, load_config
from generator.load.loader import LoadedSpec, load_spec
from generator.release.diff import diff_sides
from generator.release.report import Report
from generator.release.sides import Side, side_of
from generator.render.renderer import header
from generator.write.manifest import SPEC_DIR, Manifest, spec_copy_path

CONFIG_COPY = f"{SPEC_DIR}/codegen.toml"


def config_copy(api: Api, config: Config) -> bytes | None:
    """The config to keep beside the client; marked like every generated file, still valid
    TOML. None when there is no config file."""
    if config.path is None:
        return None
    return (header(api) + "\n" + config.text).encode("utf-8")


def previous_report(
    out: Path,
    manifest: Manifest,
    spec: LoadedSpec,
    api: Api,
    config: Config,
    package_name: str | None,
    allow_external_refs: bool,
) -> tuple[Report | None, str]:
    """The change report from the previous spec copy to ``spec`` (built into ``api``), or
    None and a note saying why there is none."""
    display = manifest.spec_copy or spec_copy_path(manifest.spec or api.spec_name)
    old_path = out / display
    if not old_path.is_file():
        return None, f"The previous spec ({display}) is not in the output directory; no report."
    try:
        old_spec = load_spec(
            old_path,
            allow_outside=allow_external_refs,
            display=display,
            validated_sha256=manifest.spec_sha256,  # it passed when that client was generated
        )
        old_config = previous_config(out, config)
        old_package = manifest.package or package_name  # what the previous client was called
        old = side_of(old_spec, old_config, display=display, package_name=old_package)
        old = replace(old, methods=manifest.methods)
    except GenerationError as exc:
        first = exc.diagnostics[0] if exc.diagnostics else exc
        return None, f"The previous spec could not be read ({first}); no report."
    new = Side(api.spec_name, spec, api)
    return diff_sides(old, new, config.renames), ""


def previous_config(out: Path, config: Config) -> Config:
    """The config the previous client was generated with (its method names), with the
    current ``[renames]``; the current config when there is no readable copy."""
    path = out / CONFIG_COPY
    if not path.is_file():
        return config
    try:
        previous = load_config(path, display=CONFIG_COPY)
    except GenerationError:
        return config
    return replace(previous, renames=config.renames)
