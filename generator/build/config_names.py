"""Names the config writes that must exist in the document (or be free in the client).

The config is an interface: a key that names nothing in the document is a mistake (a typo, or a
document that changed), so it is an error at its line, with the closest names the document has.
Operation ids (``[operations]``, ``[pagination]``, ``[bulk]``) are checked where operations are
collected (:mod:`generator.build.operations`), scheme keys where schemes are built
(:mod:`generator.build.security`); this module checks the rest: ``[client] path_defaults``,
``[resources]``, ``[type_overrides]`` and ``[renames]``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from generator.build.operation_ids import operation_sites
from generator.build.runtime_names import CLIENT_ATTRIBUTES
from generator.build.security import RESERVED
from generator.diagnostics import GenerationError, Location, closest
from generator.ir import Api, SecurityScheme
from generator.load.config import Config

_PATH_PARAM = re.compile(r"\{([^{}]+)\}")


def _error(where: Location, message: str) -> GenerationError:
    return GenerationError.at(where, message)


def check_path_defaults(
    config: Config, document: dict[str, Any], schemes: tuple[SecurityScheme, ...]
) -> None:
    """Each ``[client] path_defaults`` key is a path parameter of the document; each attribute
    is an identifier no setting, method or credential argument of the client already has."""
    params = {name for site in operation_sites(document) for name in _PATH_PARAM.findall(site.path)}
    arguments = {s.argument: s.key for s in schemes}
    for wire, attribute in config.path_defaults.items():
        where = config.location("client", "path_defaults", wire)
        if wire not in params:
            raise _error(
                where,
                f"[client] path_defaults names the path parameter {wire!r}, which no path of the "
                f"document has{closest(wire, params)}",
            )
        if not isinstance(attribute, str) or not attribute.isidentifier():
            raise _error(where, f"path default attribute {attribute!r} is not a Python identifier")
        if attribute in RESERVED | CLIENT_ATTRIBUTES or attribute.startswith("_"):
            raise _error(
                where, f"path default attribute {attribute!r} is already a setting of the client"
            )
        if attribute in arguments:
            raise _error(
                where,
                f"path default attribute {attribute!r} is already the argument of the security "
                f"scheme {arguments[attribute]!r}",
            )


def check_resource_docs(config: Config, paths: Iterable[tuple[str, ...]]) -> None:
    """Each ``[resources]`` key is the dotted path of a resource of the client."""
    dotted = {".".join(path) for path in paths}
    for key in config.resource_docs:
        if key not in dotted:
            raise _error(
                config.location("resources", key),
                f"[resources] documents the resource {key!r}, which the client does not have"
                f"{closest(key, dotted)}",
            )


def check_type_overrides(config: Config, document: dict[str, Any]) -> None:
    """Each ``[type_overrides]`` key is the name of a property some schema of the document
    declares. (One that names a property no longer declared ``number`` is only a warning, given
    where the IR applies the overrides.)"""
    if not config.type_overrides:
        return
    names = set(_property_names(document))
    for wire in config.type_overrides:
        if wire not in names:
            raise _error(
                config.location("type_overrides", wire),
                f"[type_overrides] names the property {wire!r}, which no schema of the document "
                f"declares{closest(wire, names)}",
            )


def check_renames(config: Config, document: dict[str, Any], model_names: Iterable[str]) -> None:
    """Each ``[renames]`` value (the new name) is an operationId or a schema of the document."""
    if not config.renames:
        return
    schemas = (document.get("components") or {}).get("schemas") or {}
    names = {site.operation_id for site in operation_sites(document)}
    names |= {str(key) for key in schemas} | set(model_names)
    for old, new in config.renames.items():
        if new not in names:
            raise _error(
                config.location("renames", old),
                f"[renames] renames {old!r} to {new!r}, which is neither an operationId nor a "
                f"schema of the document{closest(new, names)}",
            )


def _property_names(document: dict[str, Any]) -> Iterator[str]:
    """Every key of every ``properties`` object in the document (each node visited once)."""
    stack: list[Any] = [document]
    seen: set[int] = set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, dict):
            properties = node.get("properties")
            if isinstance(properties, dict):
                yield from (str(key) for key in properties)
            stack.extend(value for value in node.values() if isinstance(value, (dict, list)))
        elif isinstance(node, list):
            stack.extend(value for value in node if isinstance(value, (dict, list)))


def check_config(config: Config, document: dict[str, Any], api: Api) -> None:
    """Every name the config writes exists in ``document`` (whose client is ``api``).

    Run on the document being generated only: an older document (the previous generation, the
    old side of ``diff``) may lack what the config names for the newer one."""
    check_path_defaults(config, document, api.schemes)
    check_resource_docs(config, (r.path for top in api.resources for r in top.walk()))
    check_type_overrides(config, document)
    check_renames(config, document, (m.name for m in api.models))
