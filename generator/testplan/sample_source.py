"""Sample values as Python source: data as literals, model instances as ``Model.model_validate``.

What the contract tests print for a sample, on one line; the models a sample instantiates (for
the test module's imports). Where the lines of a long sample break is the renderer's business
(:func:`generator.render.layout.laid_out`).
"""

from __future__ import annotations

from typing import Any

from generator.escape import py_literal
from generator.testplan.samples import Instance


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


def kwargs_source(kwargs: dict[str, Any]) -> str:
    """``name=<literal>, ...``: keyword arguments as Python source."""
    return ", ".join(f"{name}={source(value)}" for name, value in kwargs.items())


def instances_in(value: Any) -> set[str]:
    """Names of the models a sample instantiates (for the test module's imports)."""
    if isinstance(value, Instance):
        return {value.model} | instances_in(value.data)
    if isinstance(value, (list, tuple)):
        return set().union(*(instances_in(v) for v in value)) if value else set()
    if isinstance(value, dict):
        return set().union(*(instances_in(v) for v in value.values())) if value else set()
    return set()
