"""What the generated contract tests (``templates/tests``) print, planned from the IR.

Per resource, a table of :class:`OpCase` rows: the keyword arguments (as Python source) of a call
with only the required parameters and of one with every parameter, what the client would fill in
(``account_id``), the path parameters to blank out, the statuses that mean success, and the type
the result must have. The generated ``contract_harness.py`` runs each row sync and async, directly
and through ``with_raw_response``, against Prism's static and dynamic modes. Besides the tables:
routing traps (a fixed segment where another operation has a parameter), requests Prism must
reject, and the operations that exercise authentication. Sample values come from
:mod:`generator.testplan.samples`. Everything is deterministic.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from generator.diagnostics import GenerationError, Location
from generator.escape import py_literal
from generator.ir import Api, Operation, Resource
from generator.testplan.samples import SampleError, Samples, instances_in, kwargs_source

PRISM_VERSION = "5.14.2"  # @stoplight/prism-cli, as pinned in the repository's package.json


@dataclass(frozen=True)
class ResultCheck:
    """How a test checks a method's return value.

    ``kind``: ``model`` (an instance of ``model``), ``model_list`` (a list of them), ``none``,
    ``int``, ``float`` (any number), ``str``, ``bool``, ``list``, ``dict`` or ``any`` (parsed
    without error is enough).
    """

    kind: str
    model: str | None = None

    @property
    def expr(self) -> str:
        """The check as the Python expression the harness takes (``returns=``): a class,
        ``list[Model]``, ``None``, or ``object`` for anything that parses."""
        if self.kind == "model":
            return str(self.model)
        if self.kind == "model_list":
            return f"list[{self.model}]"
        return {"none": "None", "any": "object"}.get(self.kind, self.kind)


@dataclass(frozen=True)
class OpCase:
    op: Operation
    accessor: str  # attribute chain below the client: "events.raw"
    name: str  # unique within the resource: the method name without a trailing "_"
    required: str  # keyword arguments (source) of the required-only call
    required_values: dict[str, Any]  # the same as sample values (for :func:`samples.laid_out`)
    every_values: dict[str, Any] | None  # those of the call with every parameter; None: same as required
    explicit_values: dict[str, Any]  # what the client would fill in (account_id)
    path_params: dict[str, str]  # Python name -> wire name of every path parameter
    check: ResultCheck
    statuses: str | None  # list display of the success statuses; None: just 200
    uses: tuple[str, ...]  # models the required-only arguments instantiate
    uses_every: tuple[str, ...]  # models the every-parameter arguments instantiate

    @property
    def method(self) -> str:
        """The method's attribute path below the client: ``events.raw.get``."""
        return f"{self.accessor}.{self.op.py_name}"


@dataclass(frozen=True)
class PagedCase:
    case: OpCase  # the listing operation
    method: str  # attribute path of the auto-paging method below the client: "events.list_all"
    item: str | None  # model of the items, None when they are not an object model


@dataclass(frozen=True)
class ResourceTests:
    resource: Resource
    module: str  # test module name without ".py"
    accessor: str
    cases: tuple[OpCase, ...]
    models: tuple[str, ...]  # model names the module imports
    paginated: tuple[PagedCase, ...]

    @property
    def has_path_params(self) -> bool:
        return any(c.op.path_params for c in self.cases)


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
    simple = {"int": "int", "float": "float", "str": "str", "bool": "bool", "list": "list", "dict": "dict"}
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
            codes = tuple(int(code) for code in op.success_codes)
            case = OpCase(
                op=op,
                accessor=resource.accessor or ".".join(resource.path),
                name=op.py_name.rstrip("_"),
                required=kwargs_source(required),
                required_values=required,
                every_values=None if every == required else every,
                explicit_values=explicit,
                path_params={p.py_name: p.wire_name for p in op.path_params},
                check=result_check(op, api),
                statuses=None if codes == (200,) else py_literal(list(codes)),
                uses=tuple(sorted(instances_in(required))),
                uses_every=tuple(sorted(instances_in(every))),
            )
            cases.append(case)
            by_id[op.operation_id] = case
        if not cases:
            continue
        paginated = tuple(
            PagedCase(c, f"{c.accessor}.{c.op.pagination.method}", _model_name(c.op.pagination.item_annotation, api))
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
                        | {p.item for p in paginated if p.item}
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
