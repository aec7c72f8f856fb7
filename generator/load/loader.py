"""Loading a spec: read the root file, bundle its references into one document, validate it.

The order of the steps and what the result holds are decided here; each step has its module:
:mod:`~generator.load.sources` (safe YAML/JSON with line numbers), :mod:`~generator.load.bundling`
(``$ref`` resolution across files), :mod:`~generator.load.validation` (openapi-pydantic) and
:mod:`~generator.load.pointers` (JSON pointers), :mod:`~generator.load.composition` (schemas that
contain themselves); :mod:`~generator.load.limits` bounds what a document may cost.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from generator.diagnostics import GenerationError, Location
from generator.load.bundling import bundle
from generator.load.composition import check_composition_cycles
from generator.load.pointers import JSON
from generator.load.sources import SourceMap, parse_source, read_bytes
from generator.load.validation import validate_openapi


@dataclass(frozen=True)
class LoadedSpec:
    """A validated document with only local references, and where each part came from."""

    path: Path
    document: dict[str, JSON]
    raw: bytes
    sha256: str
    openapi_version: str
    sources: SourceMap

    def locate(self, pointer: str) -> Location:
        return self.sources.locate(pointer)


def load_spec(path: Path, *, allow_outside: bool = False, display: str | None = None) -> LoadedSpec:
    """Read, bundle and validate the document at ``path``."""
    display = display or path.name
    raw = read_bytes(path, display)  # read once: the hash is of the bytes that were parsed
    root = parse_source(raw, path, display)
    if not isinstance(root.data, dict):
        raise GenerationError.at(
            root.location(""), "an OpenAPI document must be a mapping at the top level"
        )
    sources = bundle(root, allow_outside=allow_outside)
    version = validate_openapi(root.data, sources)
    check_composition_cycles(root.data, sources)
    return LoadedSpec(
        path=path,
        document=root.data,
        raw=raw,
        sha256=hashlib.sha256(raw).hexdigest(),
        openapi_version=version,
        sources=sources,
    )
