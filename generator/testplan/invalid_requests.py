"""Requests Prism must reject: calls the client accepts but that break the spec.

One invalid query parameter (above its maximum, else outside its enum), one invalid body field
(of the wrong type) and one invalid path parameter (not a UUID), each on the first operation
offering one, with the error Prism answers it with and where Prism reports the violation: in the
``sl-violations`` header when it answers with the operation's own 422 or 400 response, in the
``validation`` list of its own ``application/problem+json`` 422 when the operation declares
neither.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from generator.escape import py_literal
from generator.ir import Operation, Param
from generator.testplan.calls import required_kwargs
from generator.testplan.cases import OpCase
from generator.testplan.sample_source import kwargs_source
from generator.testplan.samples import Samples


@dataclass(frozen=True)
class InvalidRequest:
    """A call that is valid for the client but breaks the spec, so Prism must reject it."""

    case: OpCase
    kind: str  # "query", "body", "path"
    kwargs: str  # keyword arguments (source), including extra_query/extra_body
    problem: str  # what is wrong, for the test's docstring
    error: str  # exception class name expected (from the status Prism answers with)
    status: int
    wire_name: str  # the parameter or body field that breaks the spec
    declared: bool
    """True: Prism answers with the operation's own 422/400 and reports the violation in the
    ``sl-violations`` header; False: Prism makes up its own 422 (problem+json) and reports it in
    the body's ``validation`` list instead (no header)."""

    @property
    def reported_at(self) -> tuple[str, str]:
        """The start of the ``location`` Prism reports the violation at: (kind, name), the name
        of a query parameter lowercased as Prism reports it (``PageSize`` -> ``pagesize``)."""
        return self.kind, self.wire_name.lower() if self.kind == "query" else self.wire_name


def invalid_requests(samples: Samples, cases: Sequence[OpCase]) -> tuple[InvalidRequest, ...]:
    """The invalid query, body and path requests, for those the operations offer."""
    found = (
        _query_above_maximum(cases) or _query_outside_enum(cases),
        _body_of_wrong_type(cases),
        _path_not_uuid(samples, cases),
    )
    return tuple(request for request in found if request is not None)


def _error_for(op: Operation) -> tuple[str, int, bool]:
    """The error Prism answers an invalid request with: the declared 422, else 400, else its own
    422; and whether that response is the operation's own (see :attr:`InvalidRequest.declared`)."""
    declared = {r.status for r in op.error_responses}
    if "422" in declared:
        return "UnprocessableEntityError", 422, True
    if "400" in declared:
        return "BadRequestError", 400, True
    return "UnprocessableEntityError", 422, False


def _first(
    cases: Sequence[OpCase],
    params: Callable[[Operation], Iterable[Param]],
    wanted: Callable[[Param], bool],
) -> tuple[OpCase, Param] | None:
    """The first case with a parameter (among ``params`` of its operation) that is ``wanted``."""
    for case in cases:
        found = next((p for p in params(case.op) if wanted(p)), None)
        if found is not None:
            return case, found
    return None


def _with_extra(
    case: OpCase, kind: str, wire_name: str, extra: str, problem: str
) -> InvalidRequest:
    """The required-only call of ``case`` with ``extra`` keyword arguments."""
    error, status, declared = _error_for(case.op)
    kwargs = ", ".join(part for part in (case.required, extra) if part)
    return InvalidRequest(case, kind, kwargs, problem, error, status, wire_name, declared)


def _query_above_maximum(cases: Sequence[OpCase]) -> InvalidRequest | None:
    found = _first(
        cases,
        lambda op: op.query_params,
        lambda p: p.type.kind in ("int", "float") and p.type.constraints.maximum is not None,
    )
    if found is None:
        return None
    case, p = found
    bad: Any = int(math.floor(p.type.constraints.maximum or 0)) + 1
    return _with_extra(
        case,
        "query",
        p.wire_name,
        f"extra_query={py_literal({p.wire_name: bad})}",
        f"`{p.wire_name}` = {bad} is above its maximum",
    )


def _query_outside_enum(cases: Sequence[OpCase]) -> InvalidRequest | None:
    found = _first(cases, lambda op: op.query_params, lambda p: p.type.kind == "literal")
    if found is None:
        return None
    case, p = found
    return _with_extra(
        case,
        "query",
        p.wire_name,
        f"extra_query={py_literal({p.wire_name: 'not-an-allowed-value'})}",
        f"`{p.wire_name}` is outside its enum",
    )


def _body_of_wrong_type(cases: Sequence[OpCase]) -> InvalidRequest | None:
    found = _first(
        cases,
        lambda op: op.body_params,
        lambda p: p.required and p.type.kind in ("bool", "int", "float"),
    )
    if found is None:
        return None
    case, p = found
    return _with_extra(
        case,
        "body",
        p.wire_name,
        f"extra_body={py_literal({p.wire_name: 'not-a-' + p.type.kind})}",
        f"`{p.wire_name}` has the wrong type",
    )


def _path_not_uuid(samples: Samples, cases: Sequence[OpCase]) -> InvalidRequest | None:
    found = _first(
        cases,
        lambda op: op.path_params,
        lambda p: p.type.format == "uuid" and not p.default_from_client,
    )
    if found is None:
        return None
    case, p = found
    kwargs = required_kwargs(samples, case.op)
    kwargs[p.py_name] = "not-a-uuid"
    error, status, declared = _error_for(case.op)
    problem = f"`{p.wire_name}` is not a UUID"
    return InvalidRequest(
        case, "path", kwargs_source(kwargs), problem, error, status, p.wire_name, declared
    )
