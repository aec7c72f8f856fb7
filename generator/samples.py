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

:func:`plan_tests` turns that into what the ``templates/tests`` templates print: per operation,
the keyword arguments (as Python source) of a call with only the required parameters and of a
call with every parameter, the path parameters to blank out, and how to check the result.
Everything is deterministic.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from generator.diagnostics import GenerationError, Location
from generator.escape import py_literal
from generator.ir import Api, Model, Operation, Param, Resource, TypeRef

PRISM_VERSION = "5.14.2"  # @stoplight/prism-cli, as pinned in the repository's package.json

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


def dict_source(kwargs: dict[str, Any]) -> str:
    return source(kwargs)


# --- what the templates print ---------------------------------------------------------------------


@dataclass(frozen=True)
class ResultCheck:
    """How a test checks a method's return value.

    ``kind``: ``model`` (an instance of ``model``), ``model_list`` (a list of them), ``none``,
    ``number``, ``str``, ``bool``, ``list``, ``dict`` or ``any`` (parsed without error is enough).
    """

    kind: str
    model: str | None = None


@dataclass(frozen=True)
class OpCase:
    op: Operation
    accessor: str  # attribute chain below the client: "events.raw"
    name: str  # unique within the test module: the method name without a trailing "_"
    required: str  # keyword arguments (source) of the required-only call
    every: str  # keyword arguments (source) of the call with every parameter
    required_items: str  # the required-only keyword arguments as dict items ('"a": 1, "b": 2')
    explicit: str  # keyword arguments (source) passing what the client would fill (account_id)
    explicit_segments: tuple[str, ...]  # how those values appear as path segments
    path_params: tuple[tuple[str, str], ...]  # (Python, wire) names of every path parameter
    check: ResultCheck
    status_codes: str  # tuple literal of the success statuses
    uses: tuple[str, ...]  # models the required-only arguments instantiate
    uses_every: tuple[str, ...]  # models the every-parameter arguments instantiate


@dataclass(frozen=True)
class ResourceTests:
    resource: Resource
    module: str  # test module name without ".py"
    accessor: str
    cases: tuple[OpCase, ...]
    models: tuple[str, ...]  # model names the module imports
    paginated: tuple[tuple[OpCase, str, str | None], ...]  # (listing, list_all method, item model)


@dataclass(frozen=True)
class RoutingTrap:
    """``static`` has a fixed segment where ``templated`` has a parameter at the same depth, with
    the same method: a router that prefers templates would send ``static``'s call to
    ``templated``. ``evidence`` says what would give such a mistake away (empty when nothing
    observable would: both accept the call and answer with the same type)."""

    static: OpCase
    templated: OpCase
    evidence: str
    shape: tuple[str, ...]  # wire keys the static operation's result object must have
    not_shape: tuple[str, ...]  # up to 5 keys the templated one's would have instead (not all present)


@dataclass(frozen=True)
class InvalidRequest:
    """A call that is valid for the client but breaks the spec, so Prism must reject it."""

    case: OpCase
    kind: str  # "query", "body", "path"
    kwargs: str  # keyword arguments (source), including extra_query/extra_body
    problem: str  # what is wrong, for the test's docstring
    error: str  # exception class name expected (from the status Prism answers with)
    status: int


@dataclass(frozen=True)
class ContractPlan:
    resources: tuple[ResourceTests, ...]
    traps: tuple[RoutingTrap, ...]
    invalid: tuple[InvalidRequest, ...]
    bearer: OpCase | None  # an operation secured by the bearer token
    legacy: OpCase | None  # an operation that also accepts the legacy api_email + api_key pair
    seeds: tuple[int, ...]

    @property
    def cases(self) -> tuple[OpCase, ...]:
        return tuple(c for r in self.resources for c in r.cases)

    @property
    def models(self) -> tuple[str, ...]:
        """What the dynamic tests import: result models and models of required arguments."""
        return tuple(sorted({c.check.model for c in self.cases if c.check.model} | {m for c in self.cases for m in c.uses}))

    @property
    def prism_models(self) -> tuple[str, ...]:
        """What the Prism-behaviour tests import."""
        cases = [b.case for b in self.invalid] + [c for c in (self.bearer, self.legacy) if c is not None]
        return tuple(sorted({m for c in cases for m in c.uses} | ({self.legacy.check.model} if self.legacy and self.legacy.check.model else set())))

    @property
    def trap_models(self) -> tuple[str, ...]:
        cases = [c for t in self.traps for c in (t.static, t.templated)]
        return tuple(sorted({c.check.model for c in cases if c.check.model} | {m for c in cases for m in c.uses}))


DYNAMIC_SEEDS = (1, 2, 3)


def _model_name(annotation: str, api: Api) -> str | None:
    """``annotation`` when it names an object model, else None."""
    return annotation if any(m.name == annotation and m.kind == "object" for m in api.models) else None


def result_check(op: Operation, api: Api) -> ResultCheck:
    t = op.response.type if op.response is not None else None
    models = api.models_by_name
    if t is None or op.return_annotation == "None":
        return ResultCheck("none")
    if t.kind == "model" and t.name in models and models[t.name].kind == "object":
        return ResultCheck("model", t.name)
    if t.kind == "list" and t.args and t.args[0].kind == "model" and t.args[0].name in models and models[t.args[0].name].kind == "object":
        return ResultCheck("model_list", t.args[0].name)
    simple = {"int": "number", "float": "number", "str": "str", "bool": "bool", "list": "list", "dict": "dict"}
    return ResultCheck(simple.get(t.kind, "any"))


def plan_tests(api: Api) -> ContractPlan:
    """Everything the contract-test templates print, for every operation of ``api``."""
    try:
        return _plan(api)
    except SampleError as exc:
        raise GenerationError.at(Location(api.spec_name, exc.pointer), f"cannot make a sample value for the contract tests: {exc}") from None


def _plan(api: Api) -> ContractPlan:
    samples = Samples(api)
    resources: list[ResourceTests] = []
    by_id: dict[str, OpCase] = {}
    for resource in api.all_resources():
        cases: list[OpCase] = []
        for op in resource.operations:
            required = samples.required_kwargs(op)
            every = samples.all_kwargs(op)
            explicit = {p.py_name: samples.param_value(p) for p in op.params if p.default_from_client}
            case = OpCase(
                op=op,
                accessor=resource.accessor or ".".join(resource.path),
                name=op.py_name.rstrip("_"),
                required=kwargs_source(required),
                every=kwargs_source(every),
                required_items=dict_source(required)[1:-1],
                explicit=kwargs_source(explicit),
                explicit_segments=tuple(str(v) for k, v in explicit.items() if any(p.py_name == k and p.location == "path" for p in op.params)),
                path_params=tuple((p.py_name, p.wire_name) for p in op.path_params),
                check=result_check(op, api),
                status_codes="(" + ", ".join(str(code) for code in op.success_codes) + ",)",
                uses=tuple(sorted(instances_in(required))),
                uses_every=tuple(sorted(instances_in(every))),
            )
            cases.append(case)
            by_id[op.operation_id] = case
        if not cases:
            continue
        paginated = tuple(
            (c, c.op.pagination.method, _model_name(c.op.pagination.item_annotation, api))
            for c in cases
            if c.op.pagination is not None
        )
        resources.append(
            ResourceTests(
                resource=resource,
                module=f"test_contract_{resource.module}",
                accessor=resource.accessor or ".".join(resource.path),
                cases=tuple(cases),
                models=tuple(
                    sorted(
                        {c.check.model for c in cases if c.check.model}
                        | {m for _, _, m in paginated if m}
                        | {m for c in cases for m in c.uses + c.uses_every}
                    )
                ),
                paginated=paginated,
            )
        )
    traps = tuple(
        RoutingTrap(by_id[a.operation_id], by_id[b.operation_id], _trap_evidence(samples, api, a, b), *_shapes(api, a, b))
        for a, b in routing_traps(api)
    )
    legacy_schemes = {name for name, _ in api.security.api_key_headers}
    bearer = next((c for c in by_id.values() if c.op.security and api.security.bearer), None)
    legacy = next(
        (c for c in by_id.values() if len(legacy_schemes) == 2 and any(set(req) == legacy_schemes for req in c.op.security)),
        None,
    )
    return ContractPlan(tuple(resources), traps, _invalid_requests(samples, by_id), bearer, legacy, DYNAMIC_SEEDS)


_PLACEHOLDER = re.compile(r"^\{([^}]+)\}$")


def _segments(path: str) -> list[str]:
    return path.strip("/").split("/")


def routing_traps(api: Api) -> list[tuple[Operation, Operation]]:
    """Pairs (static, templated) of operations with the same method whose paths have the same
    depth and agree segment by segment, except that ``static`` has fixed segments where
    ``templated`` has parameters (``GET /events/aggregate`` vs ``GET /events/{event_id}``).

    Each operation is indexed by its shape (method, segments with parameters blanked); the
    templated partners of an operation are found by blanking subsets of its fixed segments,
    so the cost grows with the number of operations, not with its square.
    """
    by_shape: dict[tuple[str, tuple[str | None, ...]], list[Operation]] = {}
    shapes: list[tuple[Operation, tuple[str | None, ...]]] = []
    for op in api.operations():
        shape = tuple(None if _PLACEHOLDER.match(seg) else seg for seg in _segments(op.path))
        by_shape.setdefault((op.http_method, shape), []).append(op)
        shapes.append((op, shape))
    out: list[tuple[Operation, Operation]] = []
    for op, shape in shapes:
        fixed = [i for i, seg in enumerate(shape) if seg is not None]
        if len(fixed) > 12:  # 4,096 lookups; deeper paths are not worth a trap test
            continue
        for mask in range(1, 1 << len(fixed)):
            blanked = list(shape)
            for bit, position in enumerate(fixed):
                if mask >> bit & 1:
                    blanked[position] = None
            for other in by_shape.get((op.http_method, tuple(blanked)), ()):
                out.append((op, other))
    return out


def _trap_evidence(samples: Samples, api: Api, static: Operation, templated: Operation) -> str:
    """What would show that ``static``'s call reached ``templated`` instead (empty: nothing)."""
    a, b = result_check(static, api), result_check(templated, api)
    if a != b:
        return f"{templated.operation_id} returns {b.model or b.kind}, not {a.model or a.kind}"
    params = {p.wire_name: p for p in templated.path_params}
    for x, y in zip(_segments(static.path), _segments(templated.path)):
        m = _PLACEHOLDER.match(y)
        if m and not _PLACEHOLDER.match(x) and m.group(1) in params and not samples.conforms(x, params[m.group(1)].type):
            return f"`{x}` is not a valid `{m.group(1)}` of {templated.operation_id}, so Prism would reject the call"
    sent = {p.wire_name for p in static.params if p.required and p.location != "path"}
    missing = sorted(p.wire_name for p in templated.params if p.required and p.location != "path" and p.wire_name not in sent)
    if missing:
        return f"the call lacks `{missing[0]}`, which {templated.operation_id} requires, so Prism would reject it"
    return ""


def _shapes(api: Api, static: Operation, templated: Operation) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Required wire keys of the result object of ``static``, and those of ``templated``'s that
    ``static``'s lacks (empty when the results are not objects or cannot be told apart)."""
    models = api.models_by_name

    def required(op: Operation) -> tuple[str, ...]:
        check = result_check(op, api)
        model = models.get(check.model or "")
        return tuple(f.wire_name for f in model.fields if f.required) if model is not None else ()

    mine, theirs = required(static), required(templated)
    return mine, tuple(k for k in theirs if k not in mine)[:5]


def _error_for(op: Operation) -> tuple[str, int]:
    """The error Prism answers an invalid request with: the declared 422, else 400, else its own 422."""
    declared = {r.status for r in op.error_responses}
    if "422" not in declared and "400" in declared:
        return "BadRequestError", 400
    return "UnprocessableEntityError", 422


def _invalid_requests(samples: Samples, by_id: dict[str, OpCase]) -> tuple[InvalidRequest, ...]:
    """One invalid query parameter (above its maximum, else outside its enum), one invalid body
    field (wrong type) and one invalid path parameter (wrong format), each on the first
    operation offering one."""
    out: list[InvalidRequest] = []
    cases = list(by_id.values())

    def add(case: OpCase, kind: str, extra: str, problem: str) -> None:
        error, status = _error_for(case.op)
        kwargs = ", ".join(part for part in (case.required, extra) if part)
        out.append(InvalidRequest(case, kind, kwargs, problem, error, status))

    for case in cases:
        found = next((p for p in case.op.query_params if p.type.kind in ("int", "float") and p.type.constraints.maximum is not None), None)
        if found is not None:
            bad: Any = int(math.floor(found.type.constraints.maximum or 0)) + 1
            add(case, "query", f"extra_query={py_literal({found.wire_name: bad})}", f"`{found.wire_name}` = {bad} is above its maximum")
            break
    else:
        for case in cases:
            found = next((p for p in case.op.query_params if p.type.kind == "literal"), None)
            if found is not None:
                add(case, "query", f"extra_query={py_literal({found.wire_name: 'not-an-allowed-value'})}", f"`{found.wire_name}` is outside its enum")
                break
    for case in cases:
        found = next((p for p in case.op.body_params if p.required and p.type.kind in ("bool", "int", "float")), None)
        if found is not None:
            add(case, "body", f"extra_body={py_literal({found.wire_name: 'not-a-' + found.type.kind})}", f"`{found.wire_name}` has the wrong type")
            break
    for case in cases:
        found = next((p for p in case.op.path_params if p.type.format == "uuid" and not p.default_from_client), None)
        if found is not None:
            kwargs = samples.required_kwargs(case.op)
            kwargs[found.py_name] = "not-a-uuid"
            error, status = _error_for(case.op)
            out.append(InvalidRequest(case, "path", kwargs_source(kwargs), f"`{found.wire_name}` is not a UUID", error, status))
            break
    return tuple(out)
