"""Sample argument values for the generated contract tests, computed from the IR.

Every value is plain JSON data (str, int, float, bool, None, list, dict) chosen to be valid
against the spec, so that Prism (which validates requests) accepts it:

* a spec example (``TypeRef.example``) when there is one and it satisfies the type;
* otherwise the first enum member (``literal``), a fixed value per ``format`` (uuid, date-time,
  date, email, uri), a number inside the bounds, a string of an allowed length;
* nested models become dicts keyed by wire names, built recursively from the model's fields
  (read-only fields are never sent) -- or model instances (:class:`Instance`, printed as
  ``Model.model_validate({...})``) for parameters whose annotation takes no plain mapping;
  lists get as many items as ``min_items`` asks (at least one, at most ``max_items``); unions
  use their first member; nullable types still get a non-null value.

A type no valid value can be found for (contradictory bounds, an unmatched pattern) stops the
generation with an error that points at the schema.

:func:`source` prints a sample as Python source. :mod:`generator.testplan.contract_plan` turns the
samples into what the contract-test templates print. Everything is deterministic.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from generator.escape import py_literal
from generator.render.layout import bracket
from generator.ir import Api, Model, Operation, Param, TypeRef

FIXED_UUID = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
FIXED_DATETIME = "2022-04-01T00:00:00Z"
FIXED_DATE = "2022-04-01"
FIXED_EMAIL = "analyst@example.com"
FIXED_URI = "https://example.com/"
FIXED_STRING = "string"

_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S*$")
# Characters a path segment keeps unencoded, and never a dot segment: a sample path value must
# reach the server exactly as written so that a routing test means what it says.
_SAFE_SEGMENT = re.compile(r"^[A-Za-z0-9_~-][A-Za-z0-9._~-]*$")
_FORMATS: dict[str, tuple[re.Pattern[str], str]] = {
    "uuid": (_UUID, FIXED_UUID),
    "date-time": (_DATETIME, FIXED_DATETIME),
    "date": (_DATE, FIXED_DATE),
    "email": (_EMAIL, FIXED_EMAIL),
    "uri": (_URI, FIXED_URI),
    "url": (_URI, FIXED_URI),
}
MAX_DEPTH = 6


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


class Samples:
    """Makes sample values for the types of one :class:`Api`."""

    def __init__(self, api: Api) -> None:
        self.api = api
        self.models: dict[str, Model] = {m.name: m for m in api.models}

    # --- values ---------------------------------------------------------------------------

    def value(self, t: TypeRef, *, full: bool = False, instances: bool = False) -> Any:
        """A valid sample for ``t``; with ``full`` every optional model field is filled too.

        Objects are dicts keyed by wire names, or with ``instances`` :class:`Instance` markers
        (rendered as ``Model.model_validate({...})`` by :func:`source`) for parameters whose
        annotation takes model instances only.
        """
        return self._value(t, full, (), instances)

    def _value(self, t: TypeRef, full: bool, stack: tuple[str, ...], inst: bool = False) -> Any:
        if t.has_example and t.example is not None and self.conforms(t.example, t) and not (inst and t.models()):
            return t.example
        kind = t.kind
        if kind == "literal":
            return self._first(t.values, t)
        if kind in ("str", "bytes"):
            return self._string(t)
        if kind == "datetime":
            return FIXED_DATETIME
        if kind == "date":
            return FIXED_DATE
        if kind == "int":
            return self._number(t, integer=True)
        if kind == "float":
            return self._number(t, integer=False)
        if kind == "bool":
            return True
        if kind == "none":
            return None
        if kind == "any":
            return FIXED_STRING
        if kind == "list":
            return self._list(t, full, stack, inst)
        if kind == "dict":
            item = t.args[-1] if t.args else TypeRef("any")
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
        if t.format in _FORMATS:
            candidates.append(_FORMATS[t.format][1])
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
            candidates += [x for x in (_from_pattern(c.pattern, c.min_length or 0),) if x is not None]
        for candidate in candidates:
            if self.conforms(candidate, t):
                return candidate
        raise SampleError("no sample string satisfies the constraints (format, length, pattern)", t.pointer)

    def _number(self, t: TypeRef, *, integer: bool) -> int | float:
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
        item = t.args[0] if t.args else TypeRef("any")
        if count and len(stack) >= MAX_DEPTH:
            count = c.min_items or 0
        return [self._value(item, full, stack, inst) for _ in range(count)]

    def _named(self, t: TypeRef, full: bool, stack: tuple[str, ...], inst: bool) -> Any:
        model = self.models.get(t.name or "")
        if model is None:
            raise SampleError(f"unknown model {t.name!r}", t.pointer)
        if len(stack) > 4 * MAX_DEPTH:  # required fields that recurse forever: no finite sample
            raise SampleError(f"{model.name} has no finite instance (it requires itself)", t.pointer)
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

    # --- validation of examples --------------------------------------------------------------

    def conforms(self, value: Any, t: TypeRef) -> bool:
        """Whether ``value`` is valid JSON data for ``t`` (as far as the IR can tell)."""
        if value is None:
            return t.nullable or t.kind in ("none", "any")
        kind = t.kind
        if kind == "literal":
            return value in t.values
        if kind in ("str", "bytes"):
            return isinstance(value, str) and self._string_ok(value, t)
        if kind == "datetime":
            return isinstance(value, str) and bool(_DATETIME.match(value))
        if kind == "date":
            return isinstance(value, str) and bool(_DATE.match(value))
        if kind == "int":
            return isinstance(value, int) and not isinstance(value, bool) and self._bounds_ok(value, t)
        if kind == "float":
            return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and self._bounds_ok(value, t)
        if kind == "bool":
            return isinstance(value, bool)
        if kind == "none":
            return False
        if kind == "any":
            return True
        if kind == "list":
            c = t.constraints
            if not isinstance(value, list):
                return False
            if c.min_items is not None and len(value) < c.min_items:
                return False
            if c.max_items is not None and len(value) > c.max_items:
                return False
            item = t.args[0] if t.args else TypeRef("any")
            return all(self.conforms(v, item) for v in value)
        if kind == "dict":
            item = t.args[-1] if t.args else TypeRef("any")
            return isinstance(value, dict) and all(isinstance(k, str) and self.conforms(v, item) for k, v in value.items())
        if kind == "union":
            return any(self.conforms(value, member) for member in t.args)
        if kind in ("model", "alias"):
            model = self.models.get(t.name or "")
            if model is None:
                return False
            if model.kind == "alias":
                return model.alias_type is None or self.conforms(value, model.alias_type)
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
                if f.read_only or not self.conforms(item, f.type):
                    return False
            return True
        return False

    @staticmethod
    def _string_ok(value: str, t: TypeRef) -> bool:
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
        fmt = _FORMATS.get(t.format or "")
        return fmt is None or bool(fmt[0].match(value))

    @staticmethod
    def _bounds_ok(value: float, t: TypeRef) -> bool:
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

    # --- calls ----------------------------------------------------------------------------------

    def param_value(self, p: Param, *, full: bool = False) -> Any:
        """The sample of one keyword argument; path values are always safe URL segments.

        Models are passed as dicts where the annotation accepts a ``Mapping`` (request bodies),
        else as model instances."""
        if p.location != "path":
            return self.value(p.type, full=full, instances="Mapping[" not in p.annotation)
        value = self.value(p.type)
        if isinstance(value, bool) or not isinstance(value, (str, int)) or not _SAFE_SEGMENT.match(str(value)):
            value = self._safe_path_value(p)
        return value

    def _safe_path_value(self, p: Param) -> str | int:
        if p.type.kind == "int":
            return int(self._number(p.type, integer=True))
        stem = re.sub(r"[^a-z0-9]+", "-", re.sub(r"_?(id|uuid)$", "", p.py_name.lower())).strip("-") or "id"
        for candidate in (f"{stem}-1", FIXED_UUID, "1"):
            if self.conforms(candidate, p.type) and _SAFE_SEGMENT.match(candidate):
                return candidate
        raise SampleError(f"no URL-safe sample for path parameter {p.wire_name!r}", p.type.pointer)

    def required_kwargs(self, op: Operation) -> dict[str, Any]:
        """Keyword arguments of a call with only the required parameters (client fills account_id)."""
        return {p.py_name: self.param_value(p) for p in op.params if p.required and not p.default_from_client}

    def all_kwargs(self, op: Operation) -> dict[str, Any]:
        """Keyword arguments of a call with every parameter, optional and nested fields included
        (except those the client fills, such as account_id)."""
        return {p.py_name: self.param_value(p, full=True) for p in op.params if not p.default_from_client}


def _from_pattern(pattern: str, min_length: int = 0) -> str | None:
    """A short string matching ``pattern`` (first branch, fewest repetitions, first character of
    each class), padded by repeating the last repeatable item up to ``min_length``; None when
    the pattern uses something this does not handle."""
    import re._parser as sre  # type: ignore[import-not-found]

    def first_of(items: list[tuple[Any, Any]]) -> str | None:
        for op, arg in items:
            name = str(op)
            if name == "LITERAL":
                return chr(arg)
            if name == "RANGE":
                return chr(arg[0])
            if name == "CATEGORY":
                return {"CATEGORY_DIGIT": "1", "CATEGORY_WORD": "a", "CATEGORY_SPACE": " "}.get(str(arg))
        return None

    def build(items: Any, pad: int) -> str | None:
        out = ""
        for op, arg in items:
            name = str(op)
            if name == "LITERAL":
                out += chr(arg)
            elif name == "ANY":
                out += "a"
            elif name == "IN":
                if arg and str(arg[0][0]) == "NEGATE":
                    return None
                char = first_of(arg)
                if char is None:
                    return None
                out += char
            elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
                low, high, sub = arg
                part = build(sub, 0)
                if part is None:
                    return None
                count = low
                while pad > len(out) + len(part) * count and (high is sre.MAXREPEAT or count < high) and part:
                    count += 1
                out += part * count
            elif name in ("SUBPATTERN", "ATOMIC_GROUP"):
                part = build(arg[-1], 0)
                if part is None:
                    return None
                out += part
            elif name == "BRANCH":
                part = build(arg[1][0], 0)
                if part is None:
                    return None
                out += part
            elif name == "AT":
                continue
            else:
                return None
        return out

    try:
        parsed = sre.parse(pattern)
    except (re.error, RecursionError):
        return None
    return build(list(parsed), min_length)


def sample_value(api: Api, t: TypeRef, *, full: bool = False) -> Any:
    return Samples(api).value(t, full=full)


def required_kwargs(api: Api, op: Operation) -> dict[str, Any]:
    return Samples(api).required_kwargs(op)


def all_kwargs(api: Api, op: Operation) -> dict[str, Any]:
    return Samples(api).all_kwargs(op)


def source(value: Any) -> str:
    """Python source of a sample: :func:`py_literal` for data, ``Model.model_validate(...)`` for
    an :class:`Instance` (the model name is a generated class name, never spec text)."""
    if isinstance(value, Instance):
        return f"{value.model}.model_validate({py_literal(value.data)})"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(source(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{py_literal(str(k))}: {source(v)}" for k, v in value.items()) + "}"
    return py_literal(value)


def instances_in(value: Any) -> set[str]:
    """Names of the models a sample instantiates (for the test module's imports)."""
    if isinstance(value, Instance):
        return {value.model} | instances_in(value.data)
    if isinstance(value, (list, tuple)):
        return set().union(*(instances_in(v) for v in value)) if value else set()
    if isinstance(value, dict):
        return set().union(*(instances_in(v) for v in value.values())) if value else set()
    return set()


def kwargs_source(kwargs: dict[str, Any]) -> str:
    """``name=<literal>, ...``: keyword arguments as Python source."""
    return ", ".join(f"{name}={source(value)}" for name, value in kwargs.items())


def laid_out(value: Any, indent: int, head: str = "", tail: str = "") -> str:
    """``head`` + :func:`source` of ``value`` + ``tail``, with its lines broken by
    :func:`generator.layout.bracket` when ``head`` starts at column ``indent``: the elements of
    a display, or the data of an instance, each laid out the same way one level deeper."""
    inner = indent + 4
    if isinstance(value, Instance):
        return bracket(f"{head}{value.model}.model_validate(", [source(value.data)], ")" + tail, indent, exploded=[laid_out(value.data, inner)])
    if isinstance(value, dict) and value:
        keys = [f"{py_literal(str(k))}: " for k in value]
        flat = [k + source(v) for k, v in zip(keys, value.values())]
        return bracket(head + "{", flat, "}" + tail, indent, literal=True, exploded=[laid_out(v, inner, k) for k, v in zip(keys, value.values())])
    if isinstance(value, (list, tuple)) and value:
        return bracket(head + "[", [source(v) for v in value], "]" + tail, indent, literal=True, exploded=[laid_out(v, inner) for v in value])
    return head + source(value) + tail  # a scalar: black does not break it
