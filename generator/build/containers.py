"""Arrays and maps: ``list`` and ``dict`` types, and how their items are named.

Array items are named after the property holding the array (``tags`` of ``Pet`` ->
``PetTag``); a map (an object schema without properties) is a ``dict[str, V]`` whose
values are typed by ``additionalProperties``.
"""

from __future__ import annotations

from typing import Any

from generator.build.keywords import constraints
from generator.build.naming import class_name, item_name
from generator.build.registry import SchemaRegistry
from generator.ir import TypeRef
from generator.load.pointers import join_pointer


def array_type(
    registry: SchemaRegistry,
    schema: dict[str, Any],
    pointer: str,
    hint: str,
    owner: str,
    array_context: tuple[str, str] | None,
    nullable: bool,
    common: dict[str, Any],
) -> TypeRef:
    """``list[item]``; ``array_context``: the (model, property) holding the array."""
    items = schema.get("items", {})
    item_hint = item_name(*array_context) if array_context else class_name(hint + " item")
    if array_context is None and hint.endswith("Item"):
        item_hint = hint
    if schema.get("prefixItems") and not items:
        message = "tuple-typed array (prefixItems) typed as a list of Any"
        item = registry.loose(pointer, message, TypeRef("any", pointer=pointer))
    else:
        item = registry.type_of(items, join_pointer(pointer, "items"), item_hint, owner)
    return TypeRef(
        "list", args=(item,), constraints=constraints(schema), nullable=nullable, **common
    )


def map_type(
    registry: SchemaRegistry,
    schema: dict[str, Any],
    pointer: str,
    hint: str,
    owner: str,
    nullable: bool,
    common: dict[str, Any],
) -> TypeRef:
    """``dict[str, value]`` of an object schema without properties."""
    additional = schema.get("additionalProperties", True)
    if isinstance(additional, dict) and additional:
        value_pointer = join_pointer(pointer, "additionalProperties")
        value = registry.type_of(additional, value_pointer, hint + "Value", owner)
    else:
        value = TypeRef("any", pointer=pointer)
    if "patternProperties" in schema and additional is True:
        message = "patternProperties are not typed: values are Any"
        value = registry.loose(join_pointer(pointer, "patternProperties"), message, value)
    return TypeRef("dict", args=(value,), nullable=nullable, **common)
