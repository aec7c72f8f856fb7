"""One generation: load -> build IR -> render -> write (or compare)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from generator.build.api import build_api
from generator.release.plan import plan_release
from generator.load.config import load_config
from generator.diagnostics import Diagnostic, Diagnostics, GenerationError, Level, Location
from generator.render.formatting import FormatOptions
from generator.ir import Api
from generator.load.loader import load_spec
from generator.render.renderer import RenderedFile, Renderer
from generator.write.atomic import write_atomically
from generator.write.drift import Drift, compare
from generator.write.manifest import manifest_file, spec_copy


@dataclass(frozen=True)
class Options:
    spec: Path
    config: Path | None
    out: Path
    templates: Path | None = None
    package_name: str | None = None
    allow_external_refs: bool = False
    formatter: str = "black"
    """``black`` or ``ruff`` (the ``ruff`` extra); see :mod:`generator.render.formatting`."""


@dataclass(frozen=True)
class Result:
    api: Api
    files: list[RenderedFile]
    warnings: Diagnostics
    drift: Drift | None = None


def render_all(options: Options, formatter: Callable[[str, str], str] | None = None) -> tuple[Api, list[RenderedFile], Diagnostics]:
    diagnostics = Diagnostics()
    spec = load_spec(options.spec, allow_outside=options.allow_external_refs, display=_display(options.spec))
    config = load_config(options.config, display=_display(options.config) if options.config else None)
    api = build_api(spec, config, diagnostics, package_name=options.package_name)
    release = plan_release(options.out, spec, api, config, package_name=options.package_name, allow_external_refs=options.allow_external_refs)
    api = dataclasses.replace(api, package_version=release.version)
    files = Renderer(api, overlay=options.templates, formatter=formatter, format_options=FormatOptions(formatter=options.formatter)).render()
    files.append(spec_copy(options.spec, spec.raw))
    files.extend(release.files)
    files.append(manifest_file(api, files))
    files.sort(key=lambda f: f.path)
    return api, files, diagnostics


def generate(options: Options, *, check: bool = False, fail_on_warning: bool = False, before_swap: object = None) -> Result:
    api, files, diagnostics = render_all(options)
    if fail_on_warning and diagnostics.items:
        raise GenerationError(
            [*diagnostics.items, Diagnostic(Level.ERROR, Location(_display(options.spec)), f"{len(diagnostics)} warning(s) and --fail-on-warning: nothing written")]
        )
    if check:
        return Result(api, files, diagnostics, compare(options.out, files))
    write_atomically(options.out, files, before_swap=before_swap)
    return Result(api, files, diagnostics)


def _display(path: Path | None) -> str:
    if path is None:
        return "<none>"
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
