"""Parameters -> keyword arguments: which an operation has, and how each is named, typed and sent.

Path-item and operation parameters are merged (the operation's win); every path placeholder
has a parameter and every path parameter a placeholder; headers the client sets itself are
ignored. Each argument gets a unique snake_case name, its annotation (``| NotGiven`` when it
may be left out, ``| None`` when the client fills it in), and its serialization (style,
explode, JSON-encoded ``content``). :func:`signature_order` decides the order of the
signature.
"""

from __future__ import annotations

from typing import Any

from generator.build.aliases import object_aliases
from generator.build.keywords import warn_unfit_default
from generator.build.media import is_json
from generator.build.naming import NameRegistry, class_name, param_name
from generator.build.operation_ids import OperationSite
from generator.build.registry import SchemaRegistry
from generator.build.runtime_names import PATH_PLACEHOLDER
from generator.build.typeexpr import Spelled, argument
from generator.ir import MODELS_ALIAS, Param
from generator.load.config import Config
from generator.load.pointers import join_pointer

_LOCATIONS = ("path", "query", "header", "cookie")
_CLIENT_HEADERS = ("accept", "content-type", "authorization")

Declared = dict[tuple[str, str], tuple[dict[str, Any], str]]  # (name, in) -> (parameter, pointer)


def parameters(
    registry: SchemaRegistry,
    config: Config,
    site: OperationSite,
    context: str,
    spelled: Spelled,
) -> list[Param]:
    """The keyword arguments of an operation's parameters (``context``: the class name their
    inline schemas are named after)."""
    declared: Declared = {}
    for holder, base in ((site.path_item, site.item_pointer), (site.node, site.pointer)):
        _declare(registry, holder, base, declared)
    _match_path(registry, site.path, site.pointer, declared)
    names = NameRegistry()
    params = []
    for (wire, location), (param, param_pointer) in declared.items():
        if _ignored(registry, wire, location, param_pointer):
            continue
        py, _ = names.claim(param_name(wire), param_name(f"{location} {wire}"))
        params.append(_param(registry, config, context, py, param, param_pointer, spelled))
    return params


def signature_order(params: list[Param]) -> list[Param]:
    """Path parameters first, then required, then optional; client-filled last."""

    def rank(p: Param) -> int:
        if p.default_from_client:
            return 3
        if p.location == "path":
            return 0
        return 1 if p.required else 2

    return sorted(params, key=rank)


def _declare(
    registry: SchemaRegistry, holder: dict[str, Any], base: str, declared: Declared
) -> None:
    for index, entry in enumerate(holder.get("parameters") or []):
        pointer = join_pointer(base, "parameters", index)
        resolved, resolved_pointer = registry.deref(entry, pointer)
        if isinstance(resolved, dict):
            key = (str(resolved.get("name")), str(resolved.get("in")))
            declared[key] = (resolved, resolved_pointer)


def _match_path(registry: SchemaRegistry, path: str, pointer: str, declared: Declared) -> None:
    """A placeholder without a parameter is a required string; a path parameter without a
    placeholder is dropped (both with a warning)."""
    names = {name for name, location in declared if location == "path"}
    placeholders = PATH_PLACEHOLDER.findall(path)
    for placeholder in placeholders:
        if placeholder not in names:
            message = (
                f"path placeholder {{{placeholder}}} has no parameter; taken as a required string"
            )
            registry.diagnostics.warn(registry.spec.locate(pointer), message)
            schema = {
                "name": placeholder,
                "in": "path",
                "required": True,
                "schema": {"type": "string"},
            }
            declared[(placeholder, "path")] = (schema, pointer)
            names.add(placeholder)
    for name in sorted(names - set(placeholders)):
        where = registry.spec.locate(declared[(name, "path")][1])
        registry.diagnostics.warn(
            where, f"path parameter {name!r} is not in the path {path!r}; it is ignored"
        )
        del declared[(name, "path")]


def _ignored(registry: SchemaRegistry, wire: str, location: str, pointer: str) -> bool:
    if location == "header" and wire.lower() in _CLIENT_HEADERS:
        message = f"header parameter {wire!r} is ignored (OpenAPI: the client sets it itself)"
    elif location not in _LOCATIONS:
        message = f"parameter in {location!r} is not an OpenAPI location; ignored"
    else:
        return False
    registry.diagnostics.warn(registry.spec.locate(pointer), message)
    return True


def _param(
    registry: SchemaRegistry,
    config: Config,
    context: str,
    py: str,
    param: dict[str, Any],
    pointer: str,
    spelled: Spelled,
) -> Param:
    wire, location = str(param.get("name")), str(param.get("in"))
    schema, schema_pointer, json_encoded = _schema(param, pointer)
    t = registry.type_of(schema, schema_pointer, class_name(context + " " + wire), context)
    warn_unfit_default(registry, schema, t, schema_pointer, "parameter")
    if location == "path" and param.get("required") is not True:
        message = f"path parameter {wire!r} is not marked required (OpenAPI: it must be)"
        registry.warn(join_pointer(pointer, "required"), message + "; taken as required")
    default_attr = config.path_defaults.get(wire) if location == "path" else None
    required = (bool(param.get("required")) or location == "path") and default_attr is None
    style = str(param.get("style") or ("simple" if location in ("path", "header") else "form"))
    aliases = object_aliases(registry, t)
    client_default = default_attr is not None
    return Param(
        py_name=py,
        wire_name=wire,
        location=location,  # type: ignore[arg-type]
        type=t,
        annotation=argument(
            t, required=required, client_default=client_default, object_aliases=aliases
        ).text,
        hint=spelled.annotation(
            argument(
                t,
                required=required,
                client_default=client_default,
                models=MODELS_ALIAS,
                object_aliases=aliases,
            )
        ),
        required=required,
        doc=str(param.get("description") or "").strip(),
        default_from_client=default_attr,
        json_encoded=json_encoded and not (style == "deepObject" and location == "query"),
        style=style,
        explode=bool(param.get("explode", style == "form")),
        deprecated=bool(param.get("deprecated")),
    )


def _schema(param: dict[str, Any], pointer: str) -> tuple[Any, str, bool]:
    """The parameter's schema, its pointer, and whether the value is sent JSON-encoded
    (``content`` with a JSON media type)."""
    content = param.get("content")
    if isinstance(content, dict) and content:
        media, media_obj = next(iter(content.items()))
        schema_pointer = join_pointer(pointer, "content", media, "schema")
        return (media_obj or {}).get("schema", {}), schema_pointer, is_json(media)
    return param.get("schema", {}), join_pointer(pointer, "schema"), False
