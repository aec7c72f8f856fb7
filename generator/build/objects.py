"""Object schemas -> object models: which schemas are models, their fields and extra keys.

A schema with ``properties`` (or an ``allOf`` of objects) becomes a model; a bare map
stays a dict (:mod:`generator.build.containers`). The properties of every ``allOf``
member are merged in, each field gets a unique attribute name, a property's inline
schema is named after the model and the property (``Repository.owner`` ->
``RepositoryOwner``), and ``additionalProperties`` decides the model's extra keys.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from generator.build.keywords import (
    allof_passthrough,
    declared_types,
    description,
    property_default,
)
from generator.build.naming import (
    NameRegistry,
    class_name,
    field_name,
    item_name,
    safe_field_identifier,
)
from generator.build.registry import FieldDraft, ModelDraft, SchemaRegistry
from generator.ir import TypeRef
from generator.load.pointers import join_pointer


@dataclass
class _Merged:
    """An object's own keywords with those of its ``allOf`` members."""

    # wire name -> (schema, pointer)
    properties: dict[str, tuple[Any, str]] = field(default_factory=dict)
    required: set[str] = field(default_factory=set)
    additional: Any = None  # False, True, (schema, pointer), or None when unsaid


def is_object(registry: SchemaRegistry, schema: dict[str, Any], depth: int = 0) -> bool:
    """Object schemas with properties (or an allOf of objects) become models; bare maps
    become dicts. ``allOf: [$ref]`` alone (the nullable-reference idiom) is the reference."""
    if "properties" in schema:
        return True
    members = schema.get("allOf")
    if not isinstance(members, list) or not members or depth > 20:
        return False
    if allof_passthrough(schema):
        return False
    for member in members:
        resolved, _ = registry.deref(member, "")
        if isinstance(resolved, dict) and (
            "properties" in resolved
            or declared_types(resolved) == {"object"}
            or "additionalProperties" in resolved
            or is_object(registry, resolved, depth + 1)
        ):
            return True
    return False


def object_type(
    registry: SchemaRegistry,
    schema: dict[str, Any],
    pointer: str,
    hint: str,
    owner: str,
    nullable: bool,
) -> TypeRef:
    """The model of an object schema met while typing (made the first time it is met)."""
    drafted = registry.drafted(pointer)
    if drafted is not None:
        return replace(registry.ref_to(drafted), nullable=nullable)
    name = registry.by_pointer.get(pointer) or registry.inline_name(hint, owner, pointer)
    return replace(new_object(registry, schema, pointer, name, owner), nullable=nullable)


def new_object(
    registry: SchemaRegistry, schema: dict[str, Any], pointer: str, name: str, owner: str
) -> TypeRef:
    """Draft the model ``name`` of an object schema; registered before its fields are typed,
    so that recursive references resolve."""
    draft = ModelDraft(name, "object", pointer, owner, description(schema))
    ref = registry.add(draft)
    _fill(registry, draft, schema, pointer)
    return ref


def _fill(
    registry: SchemaRegistry, draft: ModelDraft, schema: dict[str, Any], pointer: str
) -> None:
    merged = _merge_allof(registry, schema, pointer)
    _warn_untyped(registry, schema, pointer, merged)
    py_names = _field_names(registry, merged.properties)
    for wire, (prop_schema, prop_pointer) in merged.properties.items():
        required = wire in merged.required
        draft.fields.append(
            _field(registry, draft, wire, py_names[wire], prop_schema, prop_pointer, required)
        )
    draft.additional = _extra_keys(registry, draft, schema, merged.additional)
    draft.done = True


def _warn_untyped(
    registry: SchemaRegistry, schema: dict[str, Any], pointer: str, merged: _Merged
) -> None:
    """What an object's model leaves untyped: variants beside its properties, allOf
    polymorphism, patternProperties."""
    for variant in ("oneOf", "anyOf"):
        if variant in schema:
            message = (
                f"{variant} beside properties/allOf is typed by the object's own properties only"
            )
            registry.warn(join_pointer(pointer, variant), message)
    if isinstance(schema.get("discriminator"), dict) and not any(
        k in schema for k in ("oneOf", "anyOf")
    ):
        registry.warn(
            join_pointer(pointer, "discriminator"),
            "discriminator on an object without oneOf/anyOf (allOf polymorphism): its subtypes parse as "
            "this model, their own fields kept as extra fields",
        )
    if "patternProperties" in schema and merged.additional is None:
        message = "patternProperties are not typed: extra keys are kept as Any"
        registry.warn(join_pointer(pointer, "patternProperties"), message)


def _field(
    registry: SchemaRegistry,
    draft: ModelDraft,
    wire: str,
    py_name: str,
    prop_schema: Any,
    prop_pointer: str,
    required: bool,
) -> FieldDraft:
    # a property merged in from another schema (allOf) is named after that schema
    parent = registry.by_pointer.get(prop_pointer.rsplit("/properties/", 1)[0], draft.name)
    owner = registry.drafts[parent].owner if parent in registry.drafts else draft.owner
    hint = class_name(parent + " " + wire)
    if (
        isinstance(prop_schema, dict)
        and declared_types(prop_schema) == {"array"}
        and "items" in prop_schema
    ):
        hint = item_name(parent, wire)
    prop_type = registry.type_of(
        prop_schema, prop_pointer, hint, owner, array_context=(parent, wire)
    )
    resolved, _ = registry.deref(prop_schema, prop_pointer)
    resolved = resolved if isinstance(resolved, dict) else {}
    has_default, default = property_default(
        registry, [prop_schema, resolved], prop_type, prop_pointer
    )
    deprecated = resolved.get("deprecated") or (
        isinstance(prop_schema, dict) and prop_schema.get("deprecated")
    )
    return FieldDraft(
        wire_name=wire,
        py_name=py_name,
        type=prop_type,
        required=required,
        doc=description(prop_schema) or description(resolved),
        default=default,
        has_default=has_default,
        deprecated=bool(deprecated),
        read_only=bool(resolved.get("readOnly")),
        write_only=bool(resolved.get("writeOnly")),
    )


def _extra_keys(
    registry: SchemaRegistry, draft: ModelDraft, schema: dict[str, Any], additional: Any
) -> TypeRef | bool | None:
    """Typed extra keys, allowed (True), forbidden (False) or unsaid (None)."""
    if additional is False:
        return False
    if isinstance(additional, tuple):
        add_schema, add_pointer = additional
        return registry.type_of(add_schema, add_pointer, draft.name + "Value", draft.owner)
    if additional is not None:
        return True  # explicitly allowed
    if isinstance(schema.get("discriminator"), dict):
        return True  # a polymorphic base: its subtypes' fields must get through
    return None


def _field_names(
    registry: SchemaRegistry, properties: dict[str, tuple[Any, str]]
) -> dict[str, str]:
    """Attribute names of an object's properties. A wire name that already is the snake_case
    attribute keeps it; one that differs only in case (or separators) takes its own spelling
    when that is a safe identifier (``Name``), then a trailing underscore; numbering last."""
    names = NameRegistry()
    out: dict[str, str] = {}
    for wire in properties:
        if field_name(wire) == wire and names.claim(wire)[0] == wire:
            out[wire] = wire
    for wire, (_, prop_pointer) in properties.items():
        if wire in out:
            continue
        base = field_name(wire)
        alternatives = [wire] if safe_field_identifier(wire) else []
        py, numbered = names.claim(base, *alternatives, base + "_")
        if numbered:
            registry.warn(prop_pointer, f"field name {wire!r} numbered as {py!r}")
        out[wire] = py
    return out


def _merge_allof(registry: SchemaRegistry, schema: dict[str, Any], pointer: str) -> _Merged:
    """Properties, required names and additionalProperties of an object, allOf merged."""
    merged = _Merged()
    for index, member in enumerate(schema.get("allOf", []) or []):
        member_pointer = join_pointer(pointer, "allOf", index)
        resolved, resolved_pointer = registry.deref(member, member_pointer)
        if not isinstance(resolved, dict):
            continue
        inner = _merge_allof(registry, resolved, resolved_pointer)
        for key, value in inner.properties.items():
            merged.properties.setdefault(key, value)
        merged.required |= inner.required
        if inner.additional is not None:
            merged.additional = inner.additional
        for variant in ("oneOf", "anyOf"):
            if variant in resolved:
                message = f"{variant} inside allOf is typed by its common properties only"
                registry.warn(member_pointer, message)
    for key, value in (schema.get("properties") or {}).items():
        merged.properties[key] = (value, join_pointer(pointer, "properties", key))
    merged.required |= set(schema.get("required") or [])
    if "additionalProperties" in schema:
        value = schema["additionalProperties"]
        if value is False:
            merged.additional = False
        elif isinstance(value, dict) and value:
            merged.additional = (value, join_pointer(pointer, "additionalProperties"))
        else:
            merged.additional = True
    return merged
