"""The intermediate representation: everything the templates need, already decided.

Plain frozen dataclasses. :mod:`generator.build.api` creates them from a bundled spec;
templates only format them. Python names, annotations, defaults and import lists
are computed by the builder so that the templates contain no naming or typing
decisions.

Three modules, in the order they build on each other: :mod:`generator.ir.types` (types, fields,
models), :mod:`generator.ir.operations` (parameters, bodies, responses, resources),
:mod:`generator.ir.api` (security schemes and the whole :class:`Api`). Import from here.
"""

from __future__ import annotations

from generator.ir.api import Api, SecurityScheme
from generator.ir.operations import Body, Bulk, Operation, Pagination, Param, Resource, Response
from generator.ir.types import (
    MODELS_ALIAS,
    Constraints,
    Field,
    Model,
    ModelModule,
    Requirement,
    TypeKind,
    TypeRef,
)

__all__ = [
    "Api",
    "Body",
    "Bulk",
    "Constraints",
    "Field",
    "MODELS_ALIAS",
    "Model",
    "ModelModule",
    "Operation",
    "Pagination",
    "Param",
    "Requirement",
    "Resource",
    "Response",
    "SecurityScheme",
    "TypeKind",
    "TypeRef",
]
