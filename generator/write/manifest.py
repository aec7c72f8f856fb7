"""What a generation leaves in the output folder for the next one: the manifest and the spec copy.

``codegen-manifest.json`` records the generator, the spec (name, sha256, info.version), the
package version, the Python name of every operation's method and the sha256 of every
generated file; ``spec/`` holds the spec the
client was generated from (every file of it). The pipeline writes both (:func:`manifest_file`,
:func:`spec_copies`); the release stage reads them back (:func:`read_manifest`,
:func:`spec_copy_path`) to compare the next spec with this one and to bump the version.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from generator import __version__
from generator.ir import Api
from generator.load.sources import SourceMap
from generator.render.renderer import RenderedFile

MANIFEST = "codegen-manifest.json"
SPEC_DIR = "spec"  # the spec copy, and the config copy beside it
GENERATOR = "cf1-codegen"


@dataclass(frozen=True)
class Manifest:
    """The manifest an earlier generation wrote, as far as the next one needs it.

    Each value is the text found in the file, or None when it is absent or empty.
    """

    spec: str | None
    spec_sha256: str | None
    spec_version: str | None
    package_version: str | None
    package: str | None = None
    """The import name the previous client was generated under."""
    methods: dict[str, str] | None = None
    """operationId -> method (``events.copy``) of the previous client; None when its
    manifest predates this record."""
    spec_copy: str | None = None
    """Where its spec copy's root file is (``spec/...``); None when its manifest predates this
    record (then ``spec/<spec>``) or names a place outside ``spec/``."""


def spec_copy_path(spec_name: str) -> str:
    """Where, inside the output folder, the copy of the spec named ``spec_name`` is."""
    return f"{SPEC_DIR}/{Path(spec_name).name}"


def spec_copies(sources: SourceMap) -> list[RenderedFile]:
    """The spec this client was generated from, kept beside it for the next change report:
    every file it was read from, byte for byte, the root first, under ``spec/`` as they lie
    relative to each other (a ``$ref`` to ``schemas/pet.yaml`` still finds its file)."""
    return [RenderedFile(f"{SPEC_DIR}/{name}", f.raw) for name, f in sources.relative_files()]


def manifest_file(api: Api, files: list[RenderedFile], spec_copy: str) -> RenderedFile:
    """The manifest of a generation of ``api`` into ``files`` (every other output file), whose
    spec copy (its root file) is at ``spec_copy``."""
    data = {
        "generator": GENERATOR,
        "generator_version": __version__,
        "spec": api.spec_name,
        "spec_copy": spec_copy,
        "spec_sha256": api.spec_sha256,
        "spec_version": api.version,
        "package": api.package,
        "package_version": api.package_version,
        "methods": api.method_paths(),
        "files": {
            f.path: hashlib.sha256(f.content).hexdigest()
            for f in sorted(files, key=lambda f: f.path)
        },
    }
    return RenderedFile(MANIFEST, (json.dumps(data, indent=2, sort_keys=True) + "\n").encode())


def read_manifest(out: Path) -> Manifest | None:
    """The manifest in ``out``; None when there is none or it is not a JSON object."""
    try:
        data = json.loads((out / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict):
        return None

    def text(key: str) -> str | None:
        value = data.get(key)
        return str(value) if value else None

    return Manifest(
        text("spec"),
        text("spec_sha256"),
        text("spec_version"),
        text("package_version"),
        text("package"),
        _methods(data.get("methods")),
        _spec_copy(data.get("spec_copy")),
    )


def _spec_copy(value: object) -> str | None:
    """The ``spec_copy`` record, when it is a plain path inside ``spec/``."""
    if not isinstance(value, str) or "\\" in value or "\0" in value:
        return None
    parts = value.split("/")
    if parts[0] != SPEC_DIR or len(parts) < 2 or any(p in ("", ".", "..") for p in parts):
        return None
    return value


def _methods(value: object) -> dict[str, str] | None:
    """The ``methods`` record, when it is a map of strings to strings."""
    if not isinstance(value, dict):
        return None
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        return None
    return dict(value)
