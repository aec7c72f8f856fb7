"""Routing traps: a fixed path segment where another operation has a parameter, same method.

A router that let the parameter win would send the first operation's call to the second. Each
trap says what would give such a mistake away (a different result type, a segment that is no
valid value of the parameter, a required parameter the call lacks) and which keys tell the two
results apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from generator.ir import Api, Operation
from generator.testplan.cases import OpCase
from generator.testplan.samples import Samples

_PLACEHOLDER = re.compile(r"^\{([^}]+)\}$")
MAX_FIXED_SEGMENTS = 12
"""Paths with more fixed segments (4,096 lookups) are not worth a trap test."""
MAX_NOT_SHAPE = 5


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
    # up to MAX_NOT_SHAPE keys the templated one's would have instead (not all present)
    not_shape: tuple[str, ...]


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
        if len(fixed) > MAX_FIXED_SEGMENTS:
            continue
        for mask in range(1, 1 << len(fixed)):
            blanked = list(shape)
            for bit, position in enumerate(fixed):
                if mask >> bit & 1:
                    blanked[position] = None
            for other in by_shape.get((op.http_method, tuple(blanked)), ()):
                out.append((op, other))
    return out


def plan_traps(samples: Samples, by_id: dict[str, OpCase]) -> tuple[RoutingTrap, ...]:
    """Every routing trap of the API, between the rows planned for its operations (a trap
    with an operation that has no row is not planned)."""
    traps = []
    for a, b in routing_traps(samples.api):
        if a.operation_id not in by_id or b.operation_id not in by_id:
            continue
        static, templated = by_id[a.operation_id], by_id[b.operation_id]
        evidence = _evidence(samples, static, templated)
        traps.append(RoutingTrap(static, templated, evidence, *_shapes(samples, static, templated)))
    return tuple(traps)


def _evidence(samples: Samples, static: OpCase, templated: OpCase) -> str:
    """What would show that ``static``'s call reached ``templated`` instead (empty: nothing)."""
    a, b, other = static.check, templated.check, templated.op
    if a != b:
        return f"{other.operation_id} returns {b.model or b.kind}, not {a.model or a.kind}"
    params = {p.wire_name: p for p in other.path_params}
    for x, y in zip(_segments(static.op.path), _segments(other.path)):
        m = _PLACEHOLDER.match(y)
        if (
            m
            and not _PLACEHOLDER.match(x)
            and m.group(1) in params
            and not samples.conforms(x, params[m.group(1)].type)
        ):
            return f"`{x}` is not a valid `{m.group(1)}` of {other.operation_id}, so Prism would reject the call"
    sent = {p.wire_name for p in static.op.params if p.required and p.location != "path"}
    missing = sorted(
        p.wire_name
        for p in other.params
        if p.required and p.location != "path" and p.wire_name not in sent
    )
    if missing:
        return f"the call lacks `{missing[0]}`, which {other.operation_id} requires, so Prism would reject it"
    return ""


def _shapes(
    samples: Samples, static: OpCase, templated: OpCase
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Required wire keys of the result object of ``static``, and those of ``templated``'s that
    ``static``'s lacks (empty when the results are not objects or cannot be told apart)."""

    def required(case: OpCase) -> tuple[str, ...]:
        model = samples.models.get(case.check.model or "")
        return tuple(f.wire_name for f in model.fields if f.required) if model is not None else ()

    mine, theirs = required(static), required(templated)
    return mine, tuple(k for k in theirs if k not in mine)[:MAX_NOT_SHAPE]
