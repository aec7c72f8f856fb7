"""One generation: load -> build IR -> render -> write (or compare).

Writing is guarded: the output folder is locked, an interrupted earlier generation is finished
first, ownership is checked before anything is rendered (a foreign folder fails fast) and again,
file by file, before anything is written (:mod:`generator.write.ownership`); no output may be an
input (:mod:`generator.write.inputs`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from generator.build.api import build_api
from generator.build.config_names import check_config
from generator.diagnostics import Diagnostic, Diagnostics, GenerationError, Level, Location
from generator.ir import Api
from generator.load.config import load_config
from generator.load.loader import LoadedSpec, spec_validated_alongside
from generator.release.plan import plan_release
from generator.render.contract_spec import contract_spec
from generator.render.formatting import FormatOptions
from generator.render.renderer import RenderedFile, Renderer
from generator.testplan.contract_plan import plan_tests
from generator.write.atomic import recover, write_generation
from generator.write.drift import Drift, compare
from generator.write.inputs import check_files_are_not_inputs, check_out_is_not_an_input
from generator.write.lock import output_lock
from generator.write.manifest import manifest_file, read_manifest, spec_copies
from generator.write.ownership import inspect_output, plan_changes


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
    overwrite: bool = False
    """Write into a folder the generator did not write before / over files it does not own."""
    clean: bool = False
    """Also remove every file in ``out`` the generation does not write (implies overwrite)."""
    progress: Callable[[str], None] | None = None
    """Told what a long generation is doing (the command line: on a terminal only)."""


@dataclass(frozen=True)
class Result:
    api: Api
    files: list[RenderedFile]
    warnings: Diagnostics
    drift: Drift | None = None
    cleaned: tuple[str, ...] = ()
    """Foreign files ``--clean`` removed."""


@dataclass(frozen=True)
class Rendered:
    """Everything a generation produced, before it is written."""

    api: Api
    files: list[RenderedFile]
    diagnostics: Diagnostics
    spec: LoadedSpec


def render_all(
    options: Options, formatter: Callable[[str, str], str] | None = None
) -> tuple[Api, list[RenderedFile], Diagnostics]:
    rendered = _render(options, formatter)
    return rendered.api, rendered.files, rendered.diagnostics


def _render(options: Options, formatter: Callable[[str, str], str] | None = None) -> Rendered:
    """Everything generated, once the document is known valid (checked beside the build)."""
    with spec_validated_alongside(
        options.spec, allow_outside=options.allow_external_refs, display=_display(options.spec)
    ) as spec:
        return _render_loaded(options, spec, formatter)


def _render_loaded(
    options: Options, spec: LoadedSpec, formatter: Callable[[str, str], str] | None
) -> Rendered:
    diagnostics = Diagnostics()
    config = load_config(options.config, display=_display(options.config))
    package_name = options.package_name
    if package_name is None and config.package_name is None:
        previous = read_manifest(options.out)  # the name the client was generated under
        package_name = previous.package if previous is not None else None
    api = build_api(spec, config, diagnostics, package_name=package_name)
    check_config(config, spec.document, api)
    release = plan_release(
        options.out,
        spec,
        api,
        config,
        package_name=package_name,
        allow_external_refs=options.allow_external_refs,
    )
    api = dataclasses.replace(api, package_version=release.version)
    test_plan = plan_tests(api)  # what cannot be sampled costs a test, never the client
    for unplanned in test_plan.unplanned:
        diagnostics.warn(spec.locate(unplanned.pointer), unplanned.message())
    if options.progress is not None:
        options.progress(
            f"{_display(options.spec)}: {len(api.operations())} operations, {len(api.models)} "
            f"models; rendering and formatting with {options.formatter}..."
        )
    format_options = FormatOptions(formatter=options.formatter)
    renderer = Renderer(
        api,
        overlay=options.templates,
        formatter=formatter,
        format_options=format_options,
        test_plan=test_plan,
    )
    files = renderer.render()
    copies = spec_copies(spec.sources)
    files.extend(copies)
    files.extend(contract_spec(api, spec.document))
    files.extend(release.files)
    files.append(manifest_file(api, files, spec_copy=copies[0].path))
    files.sort(key=lambda f: f.path)
    return Rendered(api, files, diagnostics, spec)


def generate(options: Options, *, check: bool = False, fail_on_warning: bool = False) -> Result:
    check_out_is_not_an_input(
        options.out,
        {"--spec": options.spec, "--config": options.config, "--templates": options.templates},
    )
    if check:
        rendered = _rendered_without_fatal_warnings(options, fail_on_warning)
        drift = compare(options.out, rendered.files)
        return Result(rendered.api, rendered.files, rendered.diagnostics, drift)
    with output_lock(options.out):
        recover(options.out)
        overwrite = options.overwrite or options.clean
        ownership = inspect_output(options.out, overwrite=overwrite)
        rendered = _rendered_without_fatal_warnings(options, fail_on_warning)
        inputs = _inputs(options, rendered.spec)
        check_files_are_not_inputs(options.out, rendered.files, inputs)
        changes = plan_changes(
            ownership, rendered.files, overwrite=overwrite, clean=options.clean, inputs=inputs
        )
        write_generation(options.out, changes)
    return Result(
        rendered.api, rendered.files, rendered.diagnostics, cleaned=tuple(changes.cleaned)
    )


def _inputs(options: Options, spec: LoadedSpec) -> dict[Path, str]:
    """Every file the generation read (resolved path -> what it is): never written, never
    removed, even when ``--out`` holds it."""
    inputs = {path.resolve(): "the spec" for path in spec.sources.paths()}
    if options.config is not None:
        inputs[options.config.resolve()] = "the config"
    if options.templates is not None:
        overlay = options.templates.resolve()
        inputs.update(
            (p.resolve(), "an overlay template") for p in overlay.rglob("*") if p.is_file()
        )
    return inputs


def _rendered_without_fatal_warnings(options: Options, fail_on_warning: bool) -> Rendered:
    rendered = _render(options)
    if fail_on_warning and rendered.diagnostics.items:
        count = len(rendered.diagnostics)
        stop = Diagnostic(
            Level.ERROR,
            Location(_display(options.spec)),
            f"{count} warning(s) and --fail-on-warning: nothing written",
        )
        raise GenerationError([*rendered.diagnostics.items, stop])
    return rendered


def _display(path: Path | None) -> str:
    if path is None:
        return "<none>"
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
