"""Which values a type admits: enum (``Literal``) values and constraints.

In a request, an added enum value or a loosened constraint is not breaking; a removed
value or a tightened constraint (a higher minimum, a lower maximum, a new pattern) is.
In a response both directions are harmless: enums are open (``Literal[...] | str``) and
constraints are not checked on what the server sends.
"""

from __future__ import annotations

from typing import Any

from generator.ir import Constraints, TypeRef
from generator.release.changes import TypeChange

_LOWER = ("minimum", "exclusive_minimum", "min_length", "min_items")
_UPPER = ("maximum", "exclusive_maximum", "max_length", "max_items")


def value_type(value: Any) -> str:
    """The Python type of an enum value (``1`` and ``True`` are different values)."""
    return type(value).__name__


def enum_changes(old: TypeRef, new: TypeRef, request: bool) -> list[TypeChange]:
    """Values removed from and added to a ``Literal`` type."""
    old_keys = {(value_type(v), v) for v in old.values}
    new_keys = {(value_type(v), v) for v in new.values}
    out: list[TypeChange] = []
    for v in old.values:
        if (value_type(v), v) not in new_keys:
            note = "" if request else " (responses accept any value: not breaking)"
            message = f"enum value {v!r} removed{note}"
            out.append(TypeChange("enum-value-removed", request, message, old.pointer, "old"))
    for v in new.values:
        if (value_type(v), v) not in old_keys:
            message = f"enum value {v!r} added"
            out.append(TypeChange("enum-value-added", False, message, new.pointer))
    return out


def constraint_changes(old: TypeRef, new: TypeRef, request: bool) -> list[TypeChange]:
    """One change naming every constraint that differs, or none."""
    found = _constraint_change(old.constraints, new.constraints)
    if found is None:
        return []
    tightened, parts = found
    verb = "tightened" if tightened else "loosened"
    message = f"constraints {verb}: {', '.join(parts)}"
    return [TypeChange("constraint-changed", request and tightened, message, new.pointer)]


def _constraint_change(old: Constraints, new: Constraints) -> tuple[bool, list[str]] | None:
    """(tightened, descriptions) when the constraints differ."""
    if old == new:
        return None
    tightened = False
    parts = []
    for name in (*_LOWER, *_UPPER, "pattern"):
        a, b = getattr(old, name), getattr(new, name)
        if a == b:
            continue
        parts.append(f"{name} {a!r} -> {b!r}")
        if b is None:
            continue
        if name == "pattern" or a is None:
            tightened = True
        elif name in _LOWER and b > a:
            tightened = True
        elif name in _UPPER and b < a:
            tightened = True
    return tightened, parts
