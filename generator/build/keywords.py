"""What the keywords of one schema say: types, formats, constraints, enums and const, defaults.

The scalar mapping (``type`` and ``format`` -> ``str``, ``int``, ``datetime``, ``bytes``...),
the bounds and patterns kept as :class:`~generator.ir.Constraints`, ``enum``/``const`` as
``Literal`` types, examples, descriptions, and whether a property's ``default`` is a value of
its type are decided here.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from generator.build.media import is_textual
from generator.build.registry import SchemaRegistry
from generator.ir import Constraints, TypeRef
from generator.load.pointers import join_pointer

_FORMATS = {
    "date-time": "datetime",
    "date": "date",
    "binary": "bytes",
}


def declared_types(schema: dict[str, Any]) -> set[str]:
    """The ``type`` keyword as a set (a 3.1 list or a single name)."""
    t = schema.get("type")
    if isinstance(t, list):
        return {str(x) for x in t}
    if isinstance(t, str):
        return {t}
    return set()


def implied_type(schema: dict[str, Any]) -> str:
    """The type a schema without ``type`` has by the keywords it uses."""
    if "items" in schema:
        return "array"
    if "properties" in schema or "additionalProperties" in schema:
        return "object"
    if any(k in schema for k in ("minLength", "maxLength", "pattern", "format")):
        return "string"
    return "any"


def description(schema: Any) -> str:
    """The docstring of a schema: its description, else its title."""
    if not isinstance(schema, dict):
        return ""
    text = schema.get("description") or schema.get("title") or ""
    return str(text).strip()


def basics(schema: dict[str, Any], pointer: str) -> dict[str, Any]:
    """What every type made of ``schema`` carries: its pointer and its example."""
    if "example" in schema:
        return {"pointer": pointer, "example": schema["example"], "has_example": True}
    examples = schema.get("examples")
    if isinstance(examples, list) and examples:
        return {"pointer": pointer, "example": examples[0], "has_example": True}
    return {"pointer": pointer, "example": None, "has_example": False}


def allof_passthrough(schema: dict[str, Any]) -> bool:
    """``allOf: [one reference]`` with nothing of its own: the reference itself (a nullable or
    described reference in OpenAPI 3.0). One inline member is no reference: the schema is that
    member merged with its own keywords (Box's ``{type: object, allOf: [{properties}]}``)."""
    members = schema.get("allOf")
    return (
        isinstance(members, list)
        and len(members) == 1
        and isinstance(members[0], dict)
        and "$ref" in members[0]
        and not any(
            k in schema
            for k in ("properties", "additionalProperties", "required", "oneOf", "anyOf")
        )
    )


def same_value(a: Any, b: Any) -> bool:
    """Equal and of the same type: ``1``, ``1.0`` and ``True`` are three values."""
    return bool(a == b) and type(a) is type(b)


def scalar_type(
    schema: dict[str, Any], kind: str, nullable: bool, common: dict[str, Any]
) -> TypeRef | None:
    """The type of a ``string``/``integer``/``number``/``boolean``/``null`` schema (None for
    any other kind)."""
    if kind == "string":
        mapped = _FORMATS.get(str(schema.get("format", "")), "str")
        media = schema.get("contentMediaType")
        if isinstance(media, str) and "contentEncoding" not in schema and not is_textual(media):
            mapped = "bytes"
        return TypeRef(mapped, format=schema.get("format"), constraints=constraints(schema), nullable=nullable, **common)  # type: ignore[arg-type]
    if kind in ("integer", "number"):
        mapped = "int" if kind == "integer" else "float"
        return TypeRef(mapped, format=schema.get("format"), constraints=constraints(schema), nullable=nullable, **common)  # type: ignore[arg-type]
    if kind == "boolean":
        return TypeRef("bool", nullable=nullable, **common)
    if kind == "null":
        return TypeRef("none", **common)
    return None


def constraints(schema: dict[str, Any]) -> Constraints:
    """Bounds, lengths, pattern and item counts (3.0 boolean exclusive bounds read as 3.1's)."""

    def num(value: Any) -> float | None:
        return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None

    def integer(key: str) -> int | None:
        value = schema.get(key)
        return value if isinstance(value, int) else None

    excl_min = schema.get("exclusiveMinimum")
    excl_max = schema.get("exclusiveMaximum")
    minimum, maximum = num(schema.get("minimum")), num(schema.get("maximum"))
    if excl_min is True:  # 3.0 boolean form
        excl_min, minimum = minimum, None
    if excl_max is True:
        excl_max, maximum = maximum, None
    pattern = schema.get("pattern")
    return Constraints(
        minimum=minimum,
        maximum=maximum,
        exclusive_minimum=num(excl_min),
        exclusive_maximum=num(excl_max),
        min_length=integer("minLength"),
        max_length=integer("maxLength"),
        pattern=pattern if isinstance(pattern, str) else None,
        min_items=integer("minItems"),
        max_items=integer("maxItems"),
    )


def literal_type(
    registry: SchemaRegistry,
    raw: list[Any],
    keyword: str,
    pointer: str,
    nullable: bool,
    common: dict[str, Any],
) -> TypeRef:
    """``enum``/``const`` as a ``Literal``; values Python cannot spell as a Literal
    (floats, arrays, objects) fall back to their base type, with a warning."""
    nullable = nullable or None in raw
    values = _distinct(tuple(v for v in raw if v is not None))
    if not values:
        return TypeRef("none", **common) if raw else TypeRef("any", nullable=nullable, **common)
    literal = tuple(v for v in values if isinstance(v, (str, int)))  # bool is an int
    rest = [v for v in values if not isinstance(v, (str, int))]
    if not rest:
        return TypeRef("literal", values=literal, nullable=nullable, **common)
    if any(not isinstance(v, (int, float)) or isinstance(v, bool) for v in rest):
        message = f"{keyword} of non-scalar values typed as Any"
        return registry.loose(pointer, message, TypeRef("any", **common))
    shown = ", ".join(repr(v) for v in rest[:3]) + (", ..." if len(rest) > 3 else "")
    message = f"{keyword} values {shown} cannot be Python Literal values; typed as float"
    base = registry.loose(pointer, message, TypeRef("float", **common))
    if not literal:
        return replace(base, nullable=nullable)
    members = (TypeRef("literal", values=literal, **common), base)
    return TypeRef("union", args=members, nullable=nullable, **common)


def property_default(
    registry: SchemaRegistry, holders: list[Any], t: TypeRef, pointer: str
) -> tuple[bool, Any]:
    """Whether a property has a default and which: the first of ``holders`` (the property
    schema, then what it refers to) that has one. A scalar default that is no value of the
    property's type is dropped, with a warning."""
    holder = next((h for h in holders if isinstance(h, dict) and "default" in h), {})
    if "default" not in holder:
        return False, None
    default = holder["default"]
    if isinstance(default, (str, int, float, bool)) and not _fits(registry, default, t):
        message = (
            f"default {default!r} does not match the property's type; the field defaults to None"
        )
        registry.warn(pointer, message)
        return False, None
    return True, default


def warn_unfit_default(
    registry: SchemaRegistry, schema: Any, t: TypeRef, pointer: str, what: str
) -> None:
    """Warn about a scalar ``default`` of ``schema`` (of a ``what``, typed ``t``) that is no
    value of its type (a date, date-time or bytes default is its wire string)."""
    default = schema.get("default") if isinstance(schema, dict) else None
    if isinstance(default, str) and t.kind in ("date", "datetime", "bytes"):
        return  # written as on the wire
    if isinstance(default, (str, int, float, bool)) and not _fits(registry, default, t):
        message = f"default {default!r} does not match the {what}'s type"
        registry.warn(join_pointer(pointer, "default"), message)


def _fits(registry: SchemaRegistry, value: Any, t: TypeRef, depth: int = 0) -> bool:
    """``value`` (a scalar default) is a value of ``t`` as Python and mypy see it."""
    kind = t.kind
    if kind == "any":
        return True
    if kind == "str":
        return isinstance(value, str)
    if kind == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "float":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "literal":
        return any(same_value(value, v) for v in t.values)
    if kind == "union":
        return any(_fits(registry, value, a, depth + 1) for a in t.args)
    if kind == "alias" and depth < 20:
        target = registry.alias_target(t)
        return target is not None and _fits(registry, value, target, depth + 1)
    return False


def _distinct(values: tuple[Any, ...]) -> tuple[Any, ...]:
    out: list[Any] = []
    for v in values:
        if not any(same_value(v, o) for o in out):
            out.append(v)
    return tuple(out)
