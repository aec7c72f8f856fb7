"""What a generation publishes: the package version and ``CHANGELOG.md``, from the change report.

The previous generation's manifest (:mod:`generator.write.manifest`) decides the case:

* no manifest (first generation): the version is ``[package] version`` of the config and
  ``CHANGELOG.md`` starts with an initial entry;
* same spec sha256, package name and method names: the version and the entries of ``CHANGELOG.md`` stay exactly as they
  are (the preamble above them is rewritten);
* another spec (or another package name, or a method renamed by the config or the
  generator): the old copy and the new spec are compared (:mod:`generator.release.previous`),
  the version is bumped from the manifest's ``package_version`` by the report's verdict
  (:mod:`generator.release.version`) and an entry with the report goes on top of
  ``CHANGELOG.md``.

With ``pin_version = true`` the version is always the config's; the CHANGELOG still
grows. Nothing here depends on the clock, so ``generate --check`` reproduces the bytes of
the last real generation.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generator.ir import Api
from generator.load.config import Config
from generator.load.loader import LoadedSpec
from generator.release import changelog
from generator.release.changes import Level
from generator.release.previous import CONFIG_COPY, config_copy, previous_report
from generator.release.report import Report, SpecInfo
from generator.release.version import bump_level, bump_version
from generator.render.renderer import RenderedFile
from generator.write.manifest import Manifest, read_manifest


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
        files = [RenderedFile(changelog.CHANGELOG, self.changelog)]
        if self.config is not None:
            files.append(RenderedFile(CONFIG_COPY, self.config))
        return files


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
    previous = changelog.read_changelog(out)
    new_info = SpecInfo.of(api.spec_name, api)
    copy = config_copy(api, config)
    preamble = changelog.preamble(api)
    if manifest is None:
        version = config.version
        entry = changelog.initial_entry(version, new_info)
        return Release(version, changelog.prepend(previous, entry, preamble), None, config=copy)
    before = manifest.package_version or config.version
    if _same_client(manifest, api):
        version = config.version if config.pin_version else before
        if previous is not None:
            return Release(version, changelog.refresh(previous, preamble), None, config=copy)
        entry = changelog.initial_entry(version, new_info)
        return Release(version, changelog.prepend(None, entry, preamble), None, config=copy)

    found, note = previous_report(
        out, manifest, spec, api, config, package_name, allow_external_refs
    )
    level = bump_level(found)
    report = found if found is not None else Report(_old_info(manifest), new_info, (), (note,))
    version = config.version if config.pin_version else bump_version(before, level)
    entry = changelog.entry(version, before, level, report)
    text = changelog.prepend(previous, entry, preamble)
    return Release(version, text, level, report, config=copy)


def _same_client(manifest: Manifest, api: Api) -> bool:
    """The previous generation had this spec, package name and (when its manifest records
    them) method names: nothing to report. A generator or config change that renames a
    method with the same spec is a change the users of the old client must read about."""
    return (
        manifest.spec_sha256 == api.spec_sha256
        and manifest.package in (None, api.package)
        and manifest.methods in (None, api.method_paths())
    )


def _old_info(manifest: Manifest) -> SpecInfo:
    """The previous spec as far as its manifest tells, when it cannot be read."""
    return SpecInfo(
        manifest.spec or "?", "", manifest.spec_version or "?", manifest.spec_sha256 or "?"
    )
