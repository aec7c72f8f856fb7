"""The sample arguments of a contract-test module as JSON data.

Samples are data, and can be large (a Kubernetes object with every optional field filled is
hundreds of lines): as Python literals they were most of what black had to format in a test
module. So each test module's samples go to ``tests/samples/<module>.json``, which needs no
formatter, and the module reads them with the harness's ``load_samples``.

Below ``operations``, one entry per operation, keyed by operationId: ``required`` (always), ``every`` (only when it
differs from ``required``), ``explicit`` (only when the client fills something in), and
``models``: a JSON pointer into the entry -> model name, for each value the harness builds with
``Model.model_validate`` (what the Python source printed as ``Model.model_validate({...})``).
Values are written as :func:`generator.escape.py_literal` prints them: keys as strings, tuples as
lists, NaN and infinities as Python's ``json`` reads them, anything else JSON has no type for (a
date a YAML example holds) as its ``str``.
"""

from __future__ import annotations

import json
from typing import Any

from generator.load.pointers import join_pointer
from generator.testplan.cases import OpCase
from generator.testplan.samples import Instance


def _plain(value: Any, pointer: str, models: dict[str, str]) -> Any:
    """``value`` as JSON data; every :class:`Instance` in it noted in ``models`` by pointer."""
    if isinstance(value, Instance):
        models[pointer] = value.model
        return _plain(value.data, pointer, models)
    if isinstance(value, dict):
        return {str(k): _plain(v, join_pointer(pointer, str(k)), models) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v, join_pointer(pointer, i), models) for i, v in enumerate(value)]
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value  # json writes NaN/Infinity, which Python's json reads back
    return str(value)


def operation_samples(case: OpCase) -> dict[str, Any]:
    """The entry of one row: its sample arguments, and where the model instances go."""
    models: dict[str, str] = {}
    entry: dict[str, Any] = {"required": _plain(case.required_values, "/required", models)}
    if case.every_values is not None:
        entry["every"] = _plain(case.every_values, "/every", models)
    if case.explicit_values:
        entry["explicit"] = _plain(case.explicit_values, "/explicit", models)
    if models:
        entry["models"] = models
    return entry


def samples_json(cases: tuple[OpCase, ...], comment: str) -> str:
    """The JSON file of a test module's rows; ``comment`` (what generated it) comes first."""
    operations = {c.op.operation_id: operation_samples(c) for c in cases}
    data = {"$comment": comment, "operations": operations}
    return json.dumps(data, indent=1, ensure_ascii=False, allow_nan=True) + "\n"
