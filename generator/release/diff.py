"""Compare two OpenAPI documents at the level of the generated Python API.

Both documents go through the generator's own pipeline (loader -> :func:`build_api`,
:mod:`generator.release.sides`) and the two IRs are compared: the client
(:mod:`~generator.release.compare_client`), its methods with their arguments and return
types (:mod:`~generator.release.compare_operations`), and its models with their fields
(:mod:`~generator.release.compare_models`). Every difference is a
:class:`~generator.release.changes.Change` with a kind, a location (``events.bulk_create``,
``Event``), a JSON pointer into the new document (into the old one for removals) and a
verdict.

The verdict ("breaking") answers: can a program that works today stop working? Either
because its code no longer fits the regenerated client (a removed method, a new required
argument, a narrower type) or because the client it has stops working against the changed
API (a moved path, a new auth scheme). Requests and responses have opposite rules
(:mod:`~generator.release.compare_types`); deprecations are reported and not breaking;
description and summary changes are ``docs``.

Renames are a removal plus an addition unless ``[renames]`` in the config maps the old
operationId (or model name / component schema key) onto the new one
(:mod:`~generator.release.matching`).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from generator.load.config import Config, load_config
from generator.release.changes import ChangeList, in_report_order
from generator.release.compare_client import compare_client
from generator.release.compare_models import compare_models
from generator.release.compare_operations import compare_operations
from generator.release.matching import match
from generator.release.report import Report
from generator.release.sides import Side, build_side


def diff_specs(
    old: Path,
    new: Path,
    config: Path | Config | None = None,
    *,
    old_config: Path | Config | None = None,
    allow_external_refs: bool = False,
) -> Report:
    """The change report from document ``old`` to document ``new``.

    ``config`` names the new client's methods (and holds ``[renames]``); ``old_config``,
    when given, is the one the old client was generated with (default: ``config``).
    """
    config = _config(config)
    before = config if old_config is None else replace(_config(old_config), renames=config.renames)
    old_side = build_side(old, before, allow_external_refs=allow_external_refs)
    new_side = build_side(new, config, allow_external_refs=allow_external_refs)
    return diff_sides(old_side, new_side, config.renames)


def diff_sides(old: Side, new: Side, renames: dict[str, str] | None = None) -> Report:
    """The change report between two built documents."""
    m = match(old.api, new.api, renames or {}, old.methods)
    out = ChangeList()
    compare_client(old, new, out)
    compare_operations(m, out)
    compare_models(old.api, new.api, m, out)
    return Report(old.info, new.info, tuple(in_report_order(out.changes)))


def _config(config: Path | Config | None) -> Config:
    if isinstance(config, Config):
        return config
    return load_config(config, display=str(config) if config else None)
