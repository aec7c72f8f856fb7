"""Whether a value is valid JSON data for an IR type, as far as the IR can tell.

Used to keep a spec example as a sample only when it satisfies its own type (bounds, lengths,
pattern, format, enum, required fields, no unknown keys where extras are forbidden), and to tell
whether a fixed path segment would be a valid value of a path parameter.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from generator.ir import Model, TypeRef
from generator.testplan.formats import DATE, DATETIME, FORMATS

ANY = TypeRef("any")


def conforms(value: Any, t: TypeRef, models: Mapping[str, Model]) -> bool:
    """Whether ``value`` is valid JSON data for ``t``; ``models`` resolves model names."""
    if value is None:
        return t.nullable or t.kind in ("none", "any")
    kind = t.kind
    if kind == "literal":
        return value in t.values
    if kind in ("str", "bytes"):
        return isinstance(value, str) and string_ok(value, t)
    if kind == "datetime":
        return isinstance(value, str) and bool(DATETIME.match(value))
    if kind == "date":
        return isinstance(value, str) and bool(DATE.match(value))
    if kind in ("int", "float"):
        return _number_ok(value, t)
    if kind == "bool":
        return isinstance(value, bool)
    if kind in ("none", "any"):
        return kind == "any"
    if kind == "list":
        return _list_ok(value, t, models)
    if kind == "dict":
        item = t.args[-1] if t.args else ANY
        return isinstance(value, dict) and all(
            isinstance(k, str) and conforms(v, item, models) for k, v in value.items()
        )
    if kind == "union":
        return any(conforms(value, member, models) for member in t.args)
    if kind in ("model", "alias"):
        return _model_ok(value, t, models)
    return False


def string_ok(value: str, t: TypeRef) -> bool:
    """``value`` has the length, pattern and format ``t`` asks for."""
    c = t.constraints
    if c.min_length is not None and len(value) < c.min_length:
        return False
    if c.max_length is not None and len(value) > c.max_length:
        return False
    if c.pattern is not None:
        try:
            if re.search(c.pattern, value) is None:
                return False
        except re.error:
            return False
    fmt = FORMATS.get(t.format or "")
    return fmt is None or bool(fmt[0].match(value))


def bounds_ok(value: float, t: TypeRef) -> bool:
    """``value`` is within ``t``'s minimum and maximum, inclusive or exclusive."""
    c = t.constraints
    if c.minimum is not None and value < c.minimum:
        return False
    if c.maximum is not None and value > c.maximum:
        return False
    if c.exclusive_minimum is not None and value <= c.exclusive_minimum:
        return False
    if c.exclusive_maximum is not None and value >= c.exclusive_maximum:
        return False
    return True


def _number_ok(value: Any, t: TypeRef) -> bool:
    if isinstance(value, bool):  # a bool is no number in JSON
        return False
    if t.kind == "int":
        return isinstance(value, int) and bounds_ok(value, t)
    return isinstance(value, (int, float)) and math.isfinite(value) and bounds_ok(value, t)


def _list_ok(value: Any, t: TypeRef, models: Mapping[str, Model]) -> bool:
    c = t.constraints
    if not isinstance(value, list):
        return False
    if c.min_items is not None and len(value) < c.min_items:
        return False
    if c.max_items is not None and len(value) > c.max_items:
        return False
    item = t.args[0] if t.args else ANY
    return all(conforms(v, item, models) for v in value)


def _model_ok(value: Any, t: TypeRef, models: Mapping[str, Model]) -> bool:
    model = models.get(t.name or "")
    if model is None:
        return False
    if model.kind == "alias":
        return model.alias_type is None or conforms(value, model.alias_type, models)
    if not isinstance(value, dict):
        return False
    fields = {f.wire_name: f for f in model.fields}
    if any(f.required and f.wire_name not in value for f in model.fields):
        return False
    for key, item in value.items():
        f = fields.get(key)
        if f is None:
            if model.extra == "forbid":
                return False
            continue
        if f.read_only or not conforms(item, f.type, models):
            return False
    return True
