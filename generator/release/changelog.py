"""The generated package's version and ``CHANGELOG.md``, decided from the change report.

Every generation keeps a copy of its spec (``spec/<name>``) and a manifest
(``codegen-manifest.json``: the spec's sha256, the package version) in the output
directory. The next generation reads them back:

* no manifest (first generation): the version is ``[package] version`` of the config and
  ``CHANGELOG.md`` starts with an initial entry;
* same spec sha256: the version and the entries of ``CHANGELOG.md`` stay exactly as they
  are (the preamble above them is rewritten: it carries the generated-file marker);
* another spec: the old copy and the new spec are compared (:mod:`generator.release.diff`; the
  old client's method names come from the copy of its config, ``spec/codegen.toml``), the
  version is bumped from the manifest's ``package_version`` (major when something breaks,
  minor for additions, patch for documentation-only or API-invisible changes) and an entry
  ``## <version>`` with the report is put on top of ``CHANGELOG.md``.

With ``pin_version = true`` the version is always the config's; the CHANGELOG still
grows. Nothing here depends on the clock, so ``generate --check`` reproduces the bytes of
the last real generation.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from pathlib import Path

from generator.load.config import Config, load_config
from generator.diagnostics import GenerationError, Location
from generator.release.diff import Level, Report, Side, SpecInfo, diff_sides, side_of, to_markdown
from generator.ir import Api
from generator.load.loader import LoadedSpec, load_spec
from generator.render.renderer import RenderedFile, header

CHANGELOG = "CHANGELOG.md"
MANIFEST = "codegen-manifest.json"
SPEC_DIR = "spec"
CONFIG_COPY = f"{SPEC_DIR}/codegen.toml"

HEADER = (
    "# Changelog\n"
    "\n"
    "Written by `python -m generator generate` whenever the spec changes, newest first. Each\n"
    "entry is the change report of `python -m generator diff` between the previous and the\n"
    "new spec; the version bump follows from it (major: something breaks, minor: additions,\n"
    "patch: documentation only).\n"
    "\n"
)


@dataclass(frozen=True)
class Release:
    """What a generation publishes: the package version and the CHANGELOG."""

    version: str
    changelog: bytes
    bump: Level | None  # None: first generation, or the spec did not change
    report: Report | None = None
    config: bytes | None = None  # the config generated with, kept for the next report

    @property
    def files(self) -> list[RenderedFile]:
        """``CHANGELOG.md`` and the copy of the config (``spec/codegen.toml``)."""
        files = [RenderedFile(CHANGELOG, self.changelog)]
        if self.config is not None:
            files.append(RenderedFile(CONFIG_COPY, self.config))
        return files


def bump_version(version: str, level: Level) -> str:
    """``1.4.2`` + minor -> ``1.5.0``. A pre-release or build suffix is dropped."""
    match = re.match(r"^\s*v?(\d+)(?:\.(\d+))?(?:\.(\d+))?", version)
    if match is None:
        raise GenerationError.at(
            Location(MANIFEST, "/package_version"),
            f"package version {version!r} is not of the form MAJOR.MINOR.PATCH",
        )
    major, minor, patch = (int(part or 0) for part in match.groups())
    if level == "major":
        return f"{major + 1}.0.0"
    if level == "minor":
        return f"{major}.{minor + 1}.0"
    return f"{major}.{minor}.{patch + 1}"


def read_manifest(out: Path) -> dict[str, object] | None:
    try:
        data = json.loads((out / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def plan_release(
    out: Path,
    spec: LoadedSpec,
    api: Api,
    config: Config,
    *,
    package_name: str | None = None,
    allow_external_refs: bool = False,
) -> Release:
    """The version and CHANGELOG for generating ``spec`` (built into ``api``) into ``out``."""
    manifest = read_manifest(out)
    previous = _read(out / CHANGELOG)
    new_info = SpecInfo(api.spec_name, api.title, api.version, api.spec_sha256)
    copy = None
    if config.path is not None:  # marked like every generated file; still valid TOML
        copy = (header(api) + "\n" + config.text).encode("utf-8")
    preamble = header(api, "<!--") + "\n\n" + HEADER
    if manifest is None:
        version = config.version
        entry = _initial_entry(version, new_info)
        return Release(version, _prepend(previous, entry, preamble), None, config=copy)
    before = str(manifest.get("package_version") or config.version)
    if manifest.get("spec_sha256") == api.spec_sha256:
        version = config.version if config.pin_version else before
        if previous is not None:
            return Release(version, _refresh(previous, preamble), None, config=copy)
        entry = _initial_entry(version, new_info)
        return Release(version, _prepend(None, entry, preamble), None, config=copy)

    report, note = _report(out, manifest, spec, api, config, package_name, allow_external_refs)
    if report is None:
        level: Level = "major"  # nothing to compare with: assume the worst
        old_info = SpecInfo(
            str(manifest.get("spec") or "?"),
            "",
            str(manifest.get("spec_version") or "?"),
            str(manifest.get("spec_sha256") or "?"),
        )
        report = Report(old_info, new_info, (), (note,))
    else:
        level = report.bump or "patch"  # the spec changed, the generated API did not
    version = config.version if config.pin_version else bump_version(before, level)
    entry = _entry(version, before, level, report)
    return Release(version, _prepend(previous, entry, preamble), level, report, config=copy)


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _report(
    out: Path,
    manifest: dict[str, object],
    spec: LoadedSpec,
    api: Api,
    config: Config,
    package_name: str | None,
    allow_external_refs: bool,
) -> tuple[Report | None, str]:
    name = Path(str(manifest.get("spec") or api.spec_name)).name
    old_path = out / SPEC_DIR / name
    display = f"{SPEC_DIR}/{name}"
    if not old_path.is_file():
        return None, f"The previous spec ({display}) is not in the output directory; no report."
    try:
        old_spec = load_spec(old_path, allow_outside=allow_external_refs, display=display)
        old_config = _previous_config(out, config)
        old = side_of(old_spec, old_config, display=display, package_name=package_name)
    except GenerationError as exc:
        first = exc.diagnostics[0] if exc.diagnostics else exc
        return None, f"The previous spec could not be read ({first}); no report."
    new = Side(api.spec_name, spec, api)
    report = diff_sides(old, new, config.renames)
    return report, ""


def _previous_config(out: Path, config: Config) -> Config:
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


def _initial_entry(version: str, info: SpecInfo) -> str:
    return (
        f"## {version}\n\n"
        f"First generation, from `{info.path}` (info.version `{info.version}`, "
        f"sha256 `{info.sha256}`).\n"
    )


def _entry(version: str, before: str, level: Level, report: Report) -> str:
    old, new = report.old, report.new
    lines = [
        f"## {version}",
        "",
        f"Spec `{new.path}`: info.version `{old.version}` -> `{new.version}`, "
        f"sha256 `{old.sha256}` -> `{new.sha256}`.",
        f"Version {before} -> {version} ({level}).",
        "",
    ]
    return "\n".join(lines) + to_markdown(report, heading=2, title=False, specs=False)


def _refresh(previous: bytes, preamble: str) -> bytes:
    """An unchanged CHANGELOG: the entries as they were, under the current preamble (whose
    first line marks the file as generated, like every other one). The same bytes again
    whenever the generator has not changed."""
    text = previous.decode("utf-8", "replace")
    match = re.search(r"^## ", text, re.M)
    if match is None:
        return previous
    return (preamble + text[match.start() :]).encode("utf-8")


def _prepend(previous: bytes | None, entry: str, preamble: str) -> bytes:
    """``preamble``, ``entry``, then every earlier entry (from the first ``## `` heading on)
    exactly as it was."""
    if not previous:
        return (preamble + entry).encode("utf-8")
    text = previous.decode("utf-8", "replace")
    match = re.search(r"^## ", text, re.M)
    if match is None:  # not a changelog of ours: keep it below
        return (preamble + entry + "\n" + text).encode("utf-8")
    return (preamble + entry + "\n" + text[match.start() :]).encode("utf-8")
