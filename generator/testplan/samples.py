"""Sample values for the generated contract tests, one rule per construct of the IR's types.

Every value is plain JSON data (str, int, float, bool, None, list, dict) chosen to be valid
against the spec, so that Prism (which validates requests) accepts it:

* a spec example (``TypeRef.example``) when there is one and it satisfies the type
  (:mod:`~generator.testplan.conformance`);
* otherwise the first enum member (``literal``), a fixed value per ``format``
  (:mod:`~generator.testplan.formats`), a number inside the bounds, a string of an allowed
  length or one matching the pattern (:mod:`~generator.testplan.patterns`);
* nested models become dicts keyed by wire names, built recursively from the model's fields
  (read-only fields are never sent) -- or model instances (:class:`Instance`) for parameters
  whose annotation takes no plain mapping; lists get as many items as ``min_items`` asks (at
  least one, at most ``max_items``); unions use their first member; nullable types still get a
  non-null value.

A type no valid value can be found for (contradictory bounds, an unmatched pattern) raises
:class:`SampleError` with the schema's pointer. Everything is deterministic.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from generator.ir import Api, Model, TypeRef
from generator.testplan.conformance import ANY, conforms
from generator.testplan.formats import FIXED_DATE, FIXED_DATETIME, FIXED_STRING, FIXED_UUID, FORMATS
from generator.testplan.patterns import from_pattern

MAX_DEPTH = 6
"""Below this many nested models, optional fields and extra list items are left out."""


@dataclass(frozen=True)
class Instance:
    """A model instance in a sample: ``model.model_validate(data)`` (``data`` keyed by wire names)."""

    model: str
    data: dict[str, Any]


class SampleError(ValueError):
    """No valid sample can be made for a type (e.g. contradictory bounds)."""

    def __init__(self, message: str, pointer: str = "") -> None:
        super().__init__(message)
        self.pointer = pointer


_SCALARS: dict[str, Any] = {
    "datetime": FIXED_DATETIME,
    "date": FIXED_DATE,
    "bool": True,
    "none": None,
    "any": FIXED_STRING,
}


class Samples:
    """Makes sample values for the types of one :class:`Api`."""

    def __init__(self, api: Api) -> None:
        self.api = api
        self.models: dict[str, Model] = api.models_by_name

    def conforms(self, value: Any, t: TypeRef) -> bool:
        """Whether ``value`` is valid JSON data for ``t`` (see :func:`conformance.conforms`)."""
        return conforms(value, t, self.models)

    def value(self, t: TypeRef, *, full: bool = False, instances: bool = False) -> Any:
        """A valid sample for ``t``; with ``full`` every optional model field is filled too.

        Objects are dicts keyed by wire names, or with ``instances`` :class:`Instance` markers
        (printed as ``Model.model_validate({...})``) for parameters whose annotation takes model
        instances only.
        """
        return self._value(t, full, (), instances)

    def _value(self, t: TypeRef, full: bool, stack: tuple[str, ...], inst: bool = False) -> Any:
        if (
            t.has_example
            and t.example is not None
            and self.conforms(t.example, t)
            and not (inst and t.models())
        ):
            return t.example
        kind = t.kind
        if kind in _SCALARS:
            return _SCALARS[kind]
        if kind == "literal":
            return self._first(t.values, t)
        if kind in ("str", "bytes"):
            return self._string(t)
        if kind in ("int", "float"):
            return self.number(t, integer=kind == "int")
        if kind == "list":
            return self._list(t, full, stack, inst)
        if kind == "dict":
            item = t.args[-1] if t.args else ANY
            return {"key": self._value(item, full, stack, inst)}
        if kind == "union":
            for member in t.args:
                if member.kind != "none":
                    return self._value(member, full, stack, inst)
            return None
        if kind in ("model", "alias"):
            return self._named(t, full, stack, inst)
        raise SampleError(f"no sample for type kind {kind!r}", t.pointer)

    def _first(self, values: tuple[Any, ...], t: TypeRef) -> Any:
        if not values:
            raise SampleError("empty enum", t.pointer)
        for value in values:
            if value is not None:
                return value
        return values[0]

    def _string(self, t: TypeRef) -> str:
        c = t.constraints
        candidates: list[str] = []
        if t.format in FORMATS:
            candidates.append(FORMATS[t.format][1])
        candidates.append(FIXED_STRING)
        if c.min_length or c.max_length is not None:
            low = c.min_length or 0
            high = c.max_length if c.max_length is not None else max(low, len(FIXED_STRING))
            if low > high:
                raise SampleError(f"minLength {low} > maxLength {high}", t.pointer)
            size = min(max(len(FIXED_STRING), low), high)
            candidates.append((FIXED_STRING * (size // len(FIXED_STRING) + 1))[:size])
        candidates += ["a", "1", "A-1", FIXED_UUID, FIXED_DATETIME]
        if c.pattern is not None:
            matching = from_pattern(c.pattern, c.min_length or 0)
            candidates += [matching] if matching is not None else []
        for candidate in candidates:
            if self.conforms(candidate, t):
                return candidate
        raise SampleError(
            "no sample string satisfies the constraints (format, length, pattern)", t.pointer
        )

    def number(self, t: TypeRef, *, integer: bool) -> int | float:
        """1, moved inside ``t``'s bounds (an integer when ``integer``)."""
        c = t.constraints
        step = 1 if integer else 0.5
        lows = [c.minimum] if c.minimum is not None else []
        if c.exclusive_minimum is not None:
            lows.append(c.exclusive_minimum + step)
        highs = [c.maximum] if c.maximum is not None else []
        if c.exclusive_maximum is not None:
            highs.append(c.exclusive_maximum - step)
        low, high = (max(lows) if lows else None), (min(highs) if highs else None)
        value: float = 1
        if low is not None and value < low:
            value = math.ceil(low) if integer else low
        if high is not None and value > high:
            value = math.floor(high) if integer else high
        if low is not None and high is not None and low > high:
            raise SampleError(f"minimum {low} > maximum {high}", t.pointer)
        if integer or float(value).is_integer():
            return int(value)
        return value

    def _list(self, t: TypeRef, full: bool, stack: tuple[str, ...], inst: bool) -> list[Any]:
        c = t.constraints
        count = max(1, c.min_items or 0)
        if c.max_items is not None:
            count = min(count, c.max_items)
        item = t.args[0] if t.args else ANY
        if count and len(stack) >= MAX_DEPTH:
            count = c.min_items or 0
        return [self._value(item, full, stack, inst) for _ in range(count)]

    def _named(self, t: TypeRef, full: bool, stack: tuple[str, ...], inst: bool) -> Any:
        model = self.models.get(t.name or "")
        if model is None:
            raise SampleError(f"unknown model {t.name!r}", t.pointer)
        if len(stack) > 4 * MAX_DEPTH:  # required fields that recurse forever: no finite sample
            raise SampleError(
                f"{model.name} has no finite instance (it requires itself)", t.pointer
            )
        if model.kind == "alias":
            if model.alias_type is None:
                return FIXED_STRING
            return self._value(model.alias_type, full, stack + (model.name,), inst)
        out: dict[str, Any] = {}
        recursing = model.name in stack or len(stack) >= MAX_DEPTH
        for f in model.fields:
            if f.read_only:
                continue
            if not f.required and (not full or recursing):
                continue
            out[f.wire_name] = self._value(f.type, full, stack + (model.name,))
        return Instance(model.name, out) if inst else out
