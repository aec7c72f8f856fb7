"""The two sides of a comparison: each document and the IR the generator builds from it.

The config describes the newest document; an older one is built with the part of it that
fits (:func:`config_for`), so that every method keeps the name its client had.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from generator.build.api import build_api
from generator.build.operation_ids import operation_sites
from generator.diagnostics import Diagnostics, GenerationError
from generator.ir import Api
from generator.load.config import Config
from generator.load.loader import LoadedSpec, load_spec
from generator.release.report import SpecInfo


@dataclass(frozen=True)
class Side:
    """One document and the IR the generator builds from it."""

    display: str
    spec: LoadedSpec
    api: Api
    methods: dict[str, str] | None = None
    """operationId -> method name the client built from this side really had (its manifest),
    when that is known; the names the current generator gives otherwise."""

    @property
    def info(self) -> SpecInfo:
        return SpecInfo.of(self.display, self.api)


def config_for(config: Config, ids: set[str]) -> Config:
    """``config`` restricted to the operations a document has.

    The config describes the newest document; an older one may lack operations it names
    (which the generator would refuse). An operation renamed in ``[renames]`` takes the
    settings of its new operationId, so that both get the same Python name.
    """
    operations = dict(config.operations)
    pagination = dict(config.pagination)
    bulk = config.bulk
    for old_id, new_id in config.renames.items():
        if old_id in ids and new_id not in ids:
            if new_id in operations and old_id not in operations:
                operations[old_id] = operations[new_id]
            if new_id in pagination and old_id not in pagination:
                pagination[old_id] = replace(pagination[new_id], operation_id=old_id)
            if bulk is not None and bulk.operation_id == new_id:
                bulk = replace(bulk, operation_id=old_id)
    return replace(
        config,
        operations={k: v for k, v in operations.items() if k in ids},
        pagination={k: v for k, v in pagination.items() if k in ids},
        bulk=bulk if bulk is not None and bulk.operation_id in ids else None,
    )


def build_side(
    path: Path,
    config: Config,
    *,
    display: str | None = None,
    allow_external_refs: bool = False,
    package_name: str | None = None,
) -> Side:
    """Load ``path`` and build its IR with ``config`` (see :func:`config_for`).

    Raises :class:`GenerationError` when the document cannot be read or built.
    """
    display = display or str(path)
    spec = load_spec(path, allow_outside=allow_external_refs, display=display)
    return side_of(spec, config, display=display, package_name=package_name)


def side_of(
    spec: LoadedSpec, config: Config, *, display: str, package_name: str | None = None
) -> Side:
    """The IR of a loaded document, built with the part of ``config`` that fits it."""
    ids = {site.operation_id for site in operation_sites(spec.document)}
    tolerant = config_for(config, ids)
    try:
        api = build_api(spec, tolerant, Diagnostics(), package_name=package_name)
    except GenerationError:
        if not tolerant.pagination and tolerant.bulk is None:
            raise
        # helpers the config asks for may not fit this document; they are not compared
        api = build_api(
            spec,
            replace(tolerant, pagination={}, bulk=None),
            Diagnostics(),
            package_name=package_name,
        )
    return Side(display, spec, api)
