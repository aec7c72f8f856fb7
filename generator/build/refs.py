"""Named schemas and ``$ref``: which schema gets a model of its own, under which name.

Component schemas are named first, so that they get the plain names (``Pet``, else
``PetSchema``); each becomes an object model or an alias the first time it is referred
to. A ``$ref`` to a component is a reference to its model; a ``$ref`` anywhere else
(a property, say) types the target there, named after the last words of its pointer.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from generator.build.aliases import named_alias, ref_alias
from generator.build.naming import class_name
from generator.build.objects import is_object, new_object
from generator.build.registry import SchemaRegistry
from generator.ir import TypeRef
from generator.load.pointers import join_pointer, resolve_pointer, split_pointer


def register_components(registry: SchemaRegistry) -> None:
    """Name every component schema first, so they get the plain names; then type them."""
    schemas = registry.doc.get("components", {}).get("schemas", {}) or {}
    for key in schemas:
        pointer = join_pointer("/components/schemas", key)
        registry.claim(class_name(key), pointer, alternatives=(class_name(key) + "Schema",))
    for key in schemas:
        _component_type(registry, join_pointer("/components/schemas", key))


def ref_type(
    registry: SchemaRegistry, schema: dict[str, Any], pointer: str, hint: str, owner: str
) -> TypeRef:
    """The type of ``{$ref: ...}`` (``nullable`` beside it in 3.0 makes it nullable)."""
    target = schema["$ref"][1:]
    if target.startswith("/components/schemas/") and target.count("/") == 3:
        base = _component_type(registry, target)
    else:
        base = _elsewhere(registry, target, hint, owner)
    return replace(base, nullable=base.nullable or bool(schema.get("nullable")), pointer=pointer)


def _component_type(registry: SchemaRegistry, pointer: str) -> TypeRef:
    """The model of the named schema at ``pointer`` (made the first time it is asked for)."""
    schema = resolve_pointer(registry.doc, pointer)
    name = registry.by_pointer.get(pointer)
    if name is None:
        tokens = split_pointer(pointer)
        name = registry.claim(class_name(tokens[-1] if tokens else "Model"), pointer)
    draft = registry.drafts.get(name)
    if draft is not None:
        return registry.ref_to(draft)
    schema = schema if isinstance(schema, dict) else {}
    if "$ref" in schema:
        return ref_alias(registry, schema, pointer, name, owner=name)
    if is_object(registry, schema):
        return new_object(registry, schema, pointer, name, owner=name)
    return named_alias(registry, schema, pointer, name, owner=name)


def _elsewhere(registry: SchemaRegistry, target: str, hint: str, owner: str) -> TypeRef:
    """A ``$ref`` to a schema that is not a top-level component (e.g. a property)."""
    drafted = registry.drafted(target)
    if drafted is not None:
        return registry.ref_to(drafted)
    schema = resolve_pointer(registry.doc, target)
    tokens = split_pointer(target)
    return registry.type_of(
        schema, target, class_name(" ".join(tokens[-3:])) if tokens else hint, owner
    )
