"""One row of a contract-test table per operation: its sample calls and its result check.

An :class:`OpCase` holds the keyword arguments (as Python source and as values) of a call with
only the required parameters and of one with every parameter, what the client would fill in
(``account_id``), the path parameters to blank out, the statuses that mean success, and the
:class:`ResultCheck` the result must pass. Routing traps, invalid requests and the
authentication tests reuse these rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from generator.escape import py_literal
from generator.ir import Api, Operation, Param
from generator.testplan.calls import all_kwargs, client_filled_kwargs, required_kwargs
from generator.testplan.sample_source import instances_in, kwargs_source
from generator.testplan.samples import SampleError, Samples

_PLAIN_KINDS = frozenset({"int", "float", "str", "bool", "list", "dict"})


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
    required_values: dict[str, Any]  # the same as sample values (for render.layout.laid_out)
    every_values: dict[str, Any] | None  # those of the call with every parameter; None: same
    explicit_values: dict[str, Any]  # what the client would fill in (account_id)
    path_params: dict[str, str]  # Python name -> wire name of every path parameter
    check: ResultCheck
    statuses: str | None  # list display of the success statuses; None: just 200
    uses: tuple[str, ...]  # models the required-only arguments instantiate

    @property
    def method(self) -> str:
        """The method's attribute path below the client: ``events.raw.get``."""
        return f"{self.accessor}.{self.op.py_name}"


def object_model(name: str | None, api: Api) -> str | None:
    """``name`` when it names an object model (not an alias, not a type annotation), else None."""
    model = api.models_by_name.get(name or "")
    return name if model is not None and model.kind == "object" else None


def result_check(op: Operation, api: Api) -> ResultCheck:
    t = op.response.type if op.response is not None else None
    if t is None or op.return_annotation == "None":
        return ResultCheck("none")
    if t.kind == "model" and object_model(t.name, api):
        return ResultCheck("model", t.name)
    item = t.args[0] if t.kind == "list" and t.args else None
    if item is not None and item.kind == "model" and object_model(item.name, api):
        return ResultCheck("model_list", item.name)
    return ResultCheck(t.kind if t.kind in _PLAIN_KINDS else "any")


def make_case(
    samples: Samples,
    op: Operation,
    accessor: str,
    dropped: list[tuple[Param, SampleError]] | None = None,
) -> OpCase:
    """The row of one operation, whose resource is at ``accessor`` below the client; optional
    parameters without a valid sample are left out (noted in ``dropped``). Raises
    :class:`SampleError` when a required one has none."""
    required = required_kwargs(samples, op)
    every = all_kwargs(samples, op, dropped)
    codes = tuple(int(code) for code in op.success_codes)
    return OpCase(
        op=op,
        accessor=accessor,
        name=op.py_name.rstrip("_"),
        required=kwargs_source(required),
        required_values=required,
        every_values=None if every == required else every,
        explicit_values=client_filled_kwargs(samples, op),
        path_params={p.py_name: p.wire_name for p in op.path_params},
        check=result_check(op, samples.api),
        statuses=None if codes == (200,) else py_literal(list(codes)),
        uses=tuple(sorted(instances_in(required))),
    )
