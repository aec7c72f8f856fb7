"""Schema objects -> IR types: which construct a schema is, and who types it.

:func:`schema_type` looks at one schema and hands it to its construct: ``$ref``
(:mod:`~generator.build.refs`), ``enum``/``const`` and scalars
(:mod:`~generator.build.keywords`), ``allOf`` of non-objects
(:mod:`~generator.build.aliases`), ``oneOf``/``anyOf`` (:mod:`~generator.build.unions`),
objects with properties (:mod:`~generator.build.objects`), arrays and maps
(:mod:`~generator.build.containers`). Every model met on the way is drafted in the
:class:`~generator.build.registry.SchemaRegistry` that :func:`new_registry` makes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from generator.build.aliases import flatten_allof
from generator.build.containers import array_type, map_type
from generator.build.keywords import basics, declared_types, implied_type, literal_type, scalar_type
from generator.build.objects import is_object, object_type
from generator.build.refs import ref_type, register_components
from generator.build.registry import SchemaRegistry
from generator.build.unions import union_type
from generator.diagnostics import Diagnostics
from generator.ir import TypeRef
from generator.load.loader import LoadedSpec
from generator.load.pointers import join_pointer


def new_registry(
    spec: LoadedSpec,
    diagnostics: Diagnostics,
    taken: set[str],
    type_overrides: Mapping[str, str] | None = None,
) -> SchemaRegistry:
    """A registry typing ``spec``'s schemas, its component schemas named and typed first
    (``taken``: class names the generated code uses otherwise; ``type_overrides``: the config's
    ``[type_overrides]``)."""
    registry = SchemaRegistry(spec, diagnostics, taken, schema_type, type_overrides)
    register_components(registry)
    return registry


def schema_type(
    registry: SchemaRegistry,
    schema: Any,
    pointer: str,
    hint: str,
    owner: str,
    array_context: tuple[str, str] | None,
) -> TypeRef:
    """The type of ``schema`` found at ``pointer``; ``hint`` names an inline model."""
    if schema is True or schema == {}:
        return TypeRef("any", pointer=pointer)
    if schema is False:
        message = "schema 'false' admits nothing; typed as Any"
        return registry.loose(pointer, message, TypeRef("any", pointer=pointer))
    if not isinstance(schema, dict):
        message = "schema is not an object; typed as Any"
        return registry.loose(pointer, message, TypeRef("any", pointer=pointer))
    if "$ref" in schema:
        return ref_type(registry, schema, pointer, hint, owner)
    nullable = bool(schema.get("nullable")) or "null" in declared_types(schema)
    common = basics(schema, pointer)
    if "const" in schema:
        return literal_type(registry, [schema["const"]], "const", pointer, nullable, common)
    if schema.get("enum") == []:  # valid JSON Schema (a SHOULD), refused by openapi-pydantic
        message = "enum: [] admits no value; typed from the schema's other keywords"
        registry.warn(join_pointer(pointer, "enum"), message)
    elif "enum" in schema and isinstance(schema["enum"], list):
        return literal_type(registry, schema["enum"], "enum", pointer, nullable, common)
    if is_object(registry, schema):
        return object_type(registry, schema, pointer, hint, owner, nullable)
    if "allOf" in schema and isinstance(schema["allOf"], list) and schema["allOf"]:
        flat, flat_pointer = flatten_allof(registry, schema, pointer)
        return registry.type_of(flat, flat_pointer, hint, owner, array_context=array_context)
    for variant in ("oneOf", "anyOf"):
        if variant in schema and isinstance(schema[variant], list):
            return union_type(registry, schema, variant, pointer, hint, owner, nullable, common)
    return _by_type(registry, schema, pointer, hint, owner, array_context, nullable, common)


def _by_type(
    registry: SchemaRegistry,
    schema: dict[str, Any],
    pointer: str,
    hint: str,
    owner: str,
    array_context: tuple[str, str] | None,
    nullable: bool,
    common: dict[str, Any],
) -> TypeRef:
    """A schema typed by its ``type`` (or the type its keywords imply)."""
    types = sorted(declared_types(schema) - {"null"})
    if declared_types(schema) == {"null"}:
        return TypeRef("none", **common)
    if len(types) > 1:
        members = tuple(
            registry.type_of({**schema, "type": t}, pointer, hint, owner) for t in types
        )
        return TypeRef("union", args=members, nullable=nullable, **common)
    kind = types[0] if types else implied_type(schema)
    scalar = scalar_type(schema, kind, nullable, common)
    if scalar is not None:
        return scalar
    if kind == "array":
        return array_type(registry, schema, pointer, hint, owner, array_context, nullable, common)
    if kind == "object":
        return map_type(registry, schema, pointer, hint, owner, nullable, common)
    return TypeRef("any", nullable=nullable, **common)
