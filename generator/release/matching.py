"""Which old operation and model is which new one.

Operations are matched by operationId and models by class name, unless ``[renames]`` in
the config maps an old operationId (or model name, or component schema key) onto a new
one: such a pair is compared as one thing instead of a removal plus an addition. A
rename counts only when the old name is gone from the new API and the new one is not in
the old API.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.ir import Api, Model, Operation
from generator.load.pointers import join_pointer

OperationIndex = dict[str, tuple[str, Operation]]
"""operationId -> (the method as Python, ``events.bulk_create``; the operation)."""


@dataclass(frozen=True)
class Matching:
    old_ops: OperationIndex
    new_ops: OperationIndex
    op_renames: dict[str, str]  # old operationId -> new operationId
    old_models: dict[str, Model]
    new_models: dict[str, Model]
    model_renames: dict[str, str]  # old class name -> new class name

    def rename(self, name: str) -> str:
        """The new name of the old model ``name`` (itself unless renamed)."""
        return self.model_renames.get(name, name)

    def operation_id(self, old_id: str) -> str:
        """The new operationId of the old operation ``old_id`` (itself unless renamed)."""
        return self.op_renames.get(old_id, old_id)


def match(
    old: Api, new: Api, renames: dict[str, str], old_methods: dict[str, str] | None = None
) -> Matching:
    """``old_methods`` (operationId -> method) are the names the old client really had, when
    known (its manifest): a generator or config change can rename a method the spec kept."""
    old_ops, new_ops = operation_index(old, old_methods), operation_index(new)
    op_renames = {
        a: b
        for a, b in renames.items()
        if a in old_ops and a not in new_ops and b in new_ops and b not in old_ops
    }
    old_models = {m.name: m for m in old.models}
    new_models = {m.name: m for m in new.models}
    model_renames: dict[str, str] = {}
    for a, b in renames.items():
        a_name, b_name = _model_name(old, a), _model_name(new, b)
        if a_name and b_name and a_name not in new_models and b_name not in old_models:
            model_renames[a_name] = b_name
    return Matching(old_ops, new_ops, op_renames, old_models, new_models, model_renames)


def operation_index(api: Api, methods: dict[str, str] | None = None) -> OperationIndex:
    names = {**api.method_paths(), **(methods or {})}
    return {op.operation_id: (names[op.operation_id], op) for op in api.operations()}


def _model_name(api: Api, key: str) -> str | None:
    """The class name ``key`` means: a class name, or the key of a component schema."""
    names = {m.name for m in api.models}
    if key in names:
        return key
    pointer = join_pointer("/components/schemas", key)
    return next((m.name for m in api.models if m.pointer == pointer), None)
