"""One generation: load -> build IR -> render -> write (or compare)."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from generator import __version__
from generator.build.api import build_api
from generator.release.changelog import plan_release
from generator.load.config import load_config
from generator.diagnostics import Diagnostic, Diagnostics, GenerationError, Level, Location
from generator.render.formatting import FormatOptions
from generator.ir import Api
from generator.load.loader import load_spec
from generator.render.renderer import RenderedFile, Renderer
from generator.testplan.contract_plan import plan_tests
from generator.write.atomic import Drift, compare, write_atomically

MANIFEST = "codegen-manifest.json"


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
    test_plan = plan_tests(api)  # what cannot be sampled costs a test, never the client
    for unplanned in test_plan.unplanned:
        diagnostics.warn(spec.locate(unplanned.pointer), unplanned.message())
    format_options = FormatOptions(formatter=options.formatter)
    files = Renderer(api, overlay=options.templates, formatter=formatter, format_options=format_options, test_plan=test_plan).render()
    files.append(_spec_copy(options.spec, spec.raw))
    files.extend(release.files)
    files.append(_manifest(api, files))
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


def _spec_copy(path: Path, raw: bytes) -> RenderedFile:
    """The spec this client was generated from, kept beside it for the next change report."""
    return RenderedFile(f"spec/{path.name}", raw)


def _manifest(api: Api, files: list[RenderedFile]) -> RenderedFile:
    data = {
        "generator": "cloudforce-one-events-codegen",
        "generator_version": __version__,
        "spec": api.spec_name,
        "spec_sha256": api.spec_sha256,
        "spec_version": api.version,
        "package": api.package,
        "package_version": api.package_version,
        "files": {f.path: hashlib.sha256(f.content).hexdigest() for f in sorted(files, key=lambda f: f.path)},
    }
    return RenderedFile(MANIFEST, (json.dumps(data, indent=2, sort_keys=True) + "\n").encode())


def _display(path: Path | None) -> str:
    if path is None:
        return "<none>"
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
