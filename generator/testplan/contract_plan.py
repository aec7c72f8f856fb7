"""What the generated contract tests (``templates/tests``) print, planned from the IR.

Per resource, a table of :class:`~generator.testplan.cases.OpCase` rows and its auto-paging
methods; the generated ``contract_harness.py`` runs each row sync and async, directly and through
``with_raw_response``, against Prism's static and dynamic modes. Besides the tables: routing
traps (:mod:`~generator.testplan.routing`), requests Prism must reject
(:mod:`~generator.testplan.invalid_requests`), the operations that exercise authentication, the
seeds of the dynamic mode and the Prism version the tests expect. Everything is deterministic.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.escape import py_literal
from generator.ir import Api, Param, Resource, SecurityScheme
from generator.testplan.cases import OpCase, make_case, object_model
from generator.testplan.invalid_requests import InvalidRequest, invalid_requests
from generator.testplan.routing import RoutingTrap, plan_traps
from generator.testplan.samples import SampleError, Samples

PRISM_VERSION = "5.14.2"  # @stoplight/prism-cli, as pinned in the repository's package.json
DYNAMIC_SEEDS = (1, 2, 3)


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
class Alternative:
    """A call made by a client holding only the credentials of one alternative of a ``security``
    requirement: Prism must accept it."""

    case: OpCase
    arguments: tuple[str, ...]  # the client's credential arguments it is given
    name: str  # test function name suffix


@dataclass(frozen=True)
class ContractPlan:
    resources: tuple[ResourceTests, ...]
    traps: tuple[RoutingTrap, ...]
    invalid: tuple[InvalidRequest, ...]
    secured: OpCase | None  # an operation whose first alternative is the Authorization header
    wrong_authorization: str  # an Authorization header that satisfies none of its alternatives
    alternatives: tuple[Alternative, ...]  # each way of authenticating, on an operation
    seeds: tuple[int, ...]
    unplanned: tuple[Unplanned, ...] = ()
    credentials: tuple[tuple[str, str], ...] = ()  # (argument, sample value source) per scheme

    @property
    def cases(self) -> tuple[OpCase, ...]:
        return tuple(c for r in self.resources for c in r.cases)

    @property
    def prism_models(self) -> tuple[str, ...]:
        """What the Prism-behaviour tests import."""
        alternatives = [a.case for a in self.alternatives]
        cases = [b.case for b in self.invalid] + alternatives
        cases += [self.secured] if self.secured is not None else []
        checked = {c.check.model for c in alternatives if c.check.model}
        return tuple(sorted({m for c in cases for m in c.uses} | checked))

    @property
    def trap_models(self) -> tuple[str, ...]:
        cases = [c for t in self.traps for c in (t.static, t.templated)]
        checked = {c.check.model for c in cases if c.check.model}
        return tuple(sorted(checked | {m for c in cases for m in c.uses}))


@dataclass(frozen=True)
class Unplanned:
    """A test value no valid sample could be made for: the operation's row is left out
    (``parameter`` None: a required value is missing) or the optional parameter is."""

    operation_id: str
    pointer: str
    reason: str
    parameter: str | None = None

    def message(self) -> str:
        what = (
            f"optional parameter {self.parameter!r} left out of"
            if self.parameter
            else "no contract test for"
        )
        return f"{what} operation {self.operation_id!r}: cannot make a sample value: {self.reason}"


def plan_tests(api: Api) -> ContractPlan:
    """Everything the contract-test templates print, for every operation of ``api``. Test
    planning never stops a generation: what cannot be sampled is left out and listed in
    :attr:`ContractPlan.unplanned` (the pipeline warns about each)."""
    samples = Samples(api)
    resources: list[ResourceTests] = []
    by_id: dict[str, OpCase] = {}
    unplanned: list[Unplanned] = []
    for resource in api.all_resources():
        accessor = resource.accessor or ".".join(resource.path)
        cases = []
        for op in resource.operations:
            dropped: list[tuple[Param, SampleError]] = []
            try:
                cases.append(make_case(samples, op, accessor, dropped))
            except SampleError as exc:
                unplanned.append(Unplanned(op.operation_id, exc.pointer, str(exc)))
            unplanned += [
                Unplanned(op.operation_id, e.pointer, str(e), p.wire_name) for p, e in dropped
            ]
        by_id.update((c.op.operation_id, c) for c in cases)
        if cases:
            resources.append(_resource_tests(api, resource, accessor, cases))
    secured, wrong = _secured(api, list(by_id.values()))
    return ContractPlan(
        resources=tuple(resources),
        traps=plan_traps(samples, by_id),
        invalid=invalid_requests(samples, list(by_id.values())),
        secured=secured,
        wrong_authorization=wrong,
        alternatives=_alternatives(api, list(by_id.values())),
        seeds=DYNAMIC_SEEDS,
        unplanned=tuple(unplanned),
        credentials=tuple((s.argument, _credential(s)) for s in api.schemes),
    )


def _resource_tests(
    api: Api, resource: Resource, accessor: str, cases: list[OpCase]
) -> ResourceTests:
    """The test module of one resource: its rows, its paginated methods, what it imports."""
    paginated = tuple(
        PagedCase(
            c,
            f"{c.accessor}.{c.op.pagination.method}",
            object_model(c.op.pagination.item_annotation, api),
        )
        for c in cases
        if c.op.pagination is not None
    )
    # the models the checks name; those the samples instantiate are looked up by load_samples
    models = {c.check.model for c in cases if c.check.model} | {p.item for p in paginated if p.item}
    return ResourceTests(
        resource=resource,
        module=f"test_contract_{resource.module}",
        accessor=accessor,
        cases=tuple(cases),
        models=tuple(sorted(models)),
        paginated=paginated,
    )


def _credential(scheme: SecurityScheme) -> str:
    """The Python source of a sample credential of ``scheme``."""
    if scheme.kind == "basic":
        return '("test-user", "test-password")'
    if scheme.prefix.lower() == "digest ":  # Prism checks the fields of a Digest header
        return py_literal('username="test", realm="test", nonce="n1", uri="r1", response="0f"')
    return py_literal(f"test-{scheme.argument.replace('_', '-')}")


def _secured(api: Api, cases: list[OpCase]) -> tuple[OpCase | None, str]:
    """An operation whose first alternative is sent in the ``Authorization`` header only (what a
    test can spoil with ``extra_headers``), and a header value none of its alternatives accepts."""
    schemes = {s.key: s for s in api.schemes}
    for case in cases:
        security = case.op.security
        if not security or () in security:
            continue
        first = [schemes[key] for key in security[0]]
        if all(s.kind != "api_key" and s.wire_name == "Authorization" for s in first):
            basic = any(s.kind == "basic" for s in first)
            return case, "Bearer not-a-valid-token" if basic else "Basic dGVzdDp0ZXN0"
    return None, ""


def _alternatives(api: Api, cases: list[OpCase]) -> tuple[Alternative, ...]:
    """One call per distinct alternative with two or more ways to authenticate, each made by a
    client holding only that alternative's credentials."""
    arguments = {s.key: s.argument for s in api.schemes}
    found: dict[tuple[str, ...], OpCase] = {}
    for case in cases:
        if len(case.op.security) < 2:
            continue
        for requirement in case.op.security:
            if requirement and requirement not in found:
                found[requirement] = case
    return tuple(
        Alternative(
            case,
            tuple(arguments[key] for key in requirement),
            "_and_".join(arguments[key] for key in requirement),
        )
        for requirement, case in found.items()
    )
