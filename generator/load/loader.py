"""Loading a spec: read the root file, bundle its references into one document, validate it.

The order of the steps and what the result holds are decided here; each step has its module:
:mod:`~generator.load.sources` (safe YAML/JSON with line numbers), :mod:`~generator.load.bundling`
(``$ref`` resolution across files), :mod:`~generator.load.validation` (openapi-pydantic; run
beside the build by :mod:`~generator.load.validation_beside` when generating) and
:mod:`~generator.load.pointers` (JSON pointers), :mod:`~generator.load.composition` (schemas that
contain themselves); :mod:`~generator.load.limits` bounds what a document may cost.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from generator.diagnostics import GenerationError, Location
from generator.load.bundling import bundle
from generator.load.composition import check_composition_cycles
from generator.load.pointers import JSON
from generator.load.sources import SourceMap, parse_source, read_bytes
from generator.load.validation import openapi_problems, raise_problems, supported_version
from generator.load.validation_beside import validated_alongside


@dataclass(frozen=True)
class LoadedSpec:
    """A validated document with only local references, and where each part came from."""

    path: Path
    document: dict[str, JSON]
    sha256: str
    openapi_version: str
    sources: SourceMap

    @property
    def raw(self) -> bytes:
        """The root file's bytes, as parsed."""
        return self.sources.root.raw

    def locate(self, pointer: str) -> Location:
        return self.sources.locate(pointer)


def load_spec(
    path: Path,
    *,
    allow_outside: bool = False,
    display: str | None = None,
    validated_sha256: str | None = None,
) -> LoadedSpec:
    """Read, bundle and validate the document at ``path``. ``validated_sha256``: the digest of
    a document known to have passed this check (the previous spec copy beside a client, which
    its manifest records): when the files read have it, openapi-pydantic is not asked again."""
    spec, version = _bundled(path, allow_outside, display)
    if validated_sha256 is None or spec.sha256 != validated_sha256:
        raise_problems(openapi_problems(spec.document, version), version, spec.sources)
    check_composition_cycles(spec.document, spec.sources)
    return spec


@contextmanager
def spec_validated_alongside(
    path: Path, *, allow_outside: bool = False, display: str | None = None
) -> Iterator[LoadedSpec]:
    """:func:`load_spec`, with openapi-pydantic's check running beside the ``with`` body
    (:mod:`~generator.load.validation_beside`): the body's result stands only when the document
    is valid, and the document's problems are the error when the body fails on an invalid one."""
    spec, version = _bundled(path, allow_outside, display)
    with validated_alongside(spec.document, version, spec.sources):
        check_composition_cycles(spec.document, spec.sources)
        yield spec


def spec_digest(sources: SourceMap) -> str:
    """The sha256 the client records for its spec: of the file's bytes when the spec is one
    file; else of the ``sha256sum``-style listing of every file read (``<sha256>  <path>``
    lines, the root first, paths relative to the folder holding them all), so that a change
    in any of them is a change of the spec."""
    files = sources.relative_files()
    if len(files) == 1:
        return hashlib.sha256(sources.root.raw).hexdigest()
    listing = "".join(f"{hashlib.sha256(f.raw).hexdigest()}  {name}\n" for name, f in files)
    return hashlib.sha256(listing.encode("utf-8")).hexdigest()


def _bundled(path: Path, allow_outside: bool, display: str | None) -> tuple[LoadedSpec, str]:
    """The document read and bundled, not yet validated; and its version as written."""
    display = display or path.name
    raw = read_bytes(path, display)  # read once: the hash is of the bytes that were parsed
    root = parse_source(raw, path, display)
    if not isinstance(root.data, dict):
        raise GenerationError.at(
            root.location(""), "an OpenAPI document must be a mapping at the top level"
        )
    sources = bundle(root, allow_outside=allow_outside)
    version = supported_version(root.data, sources)
    spec = LoadedSpec(
        path=path,
        document=root.data,
        sha256=spec_digest(sources),
        openapi_version=version[:3],
        sources=sources,
    )
    return spec, version
