"""Models (``<package>.models``): which were removed or added, and for each kept one its
name, docstring, kind (class or type alias), unknown-key policy and fields.

Every model is public, so a removed one breaks; an added one does not. A model is judged
by where the API uses it (``Model.usage``): request rules, response rules, or both when it
is used by both or by neither. Models that only serve as flattened request bodies are
compared field by field at the method instead (:mod:`generator.release.compare_params`).
"""

from __future__ import annotations

from generator.ir import Api, Model
from generator.release.changes import ChangeList
from generator.release.compare_fields import compare_fields
from generator.release.compare_types import type_changes
from generator.release.matching import Matching

_KIND = {"object": "a model class", "alias": "a type alias"}


def compare_models(old: Api, new: Api, m: Matching, out: ChangeList) -> None:
    skip = flattened_only(old) & flattened_only(new)
    matched: set[str] = set()
    for name in sorted(m.old_models):
        model = m.old_models[name]
        new_name = m.rename(name)
        if new_name not in m.new_models:
            message = f"model `{name}` removed"
            out.add("model-removed", name, model.pointer, True, message, scope="model", spec="old")
            continue
        matched.add(new_name)
        skip_fields = name in skip and new_name in skip
        _compare_model(m, model, m.new_models[new_name], out, skip_fields=skip_fields)
    for name in sorted(set(m.new_models) - matched):
        model = m.new_models[name]
        message = f"model `{name}` added"
        out.add("model-added", name, model.pointer, False, message, scope="model")


def flattened_only(api: Api) -> set[str]:
    """Models that only serve as flattened request bodies: their fields are the method's
    keyword arguments and are reported there."""
    flattened: set[str] = set()
    elsewhere: set[str] = set()
    for model in api.models:
        elsewhere |= set(model.deps) - {model.name}
    for op in api.operations():
        if op.body is not None and op.body.flattened and op.body.type.kind == "model":
            flattened.add(op.body.type.name or "")
        elif op.body is not None:
            elsewhere |= op.body.type.models()
        for p in op.params:
            elsewhere |= p.type.models()
        if op.response is not None and op.response.type is not None:
            elsewhere |= op.response.type.models()
        for e in op.error_responses:
            if e.type is not None:
                elsewhere |= e.type.models()
    return flattened - elsewhere


def _compare_model(
    m: Matching, old: Model, new: Model, out: ChangeList, *, skip_fields: bool
) -> None:
    loc, at = new.name, new.pointer
    if old.name != new.name:
        message = f"model `{old.name}` renamed to `{new.name}`"
        out.add("model-renamed", loc, at, True, message, scope="model")
    usage = (old.usage | new.usage) or frozenset({"request", "response"})
    out.docs(loc, at, "model docstring", old.doc, new.doc, scope="model")
    if old.kind != new.kind:
        message = f"`{new.name}` changed from {_KIND[old.kind]} to {_KIND[new.kind]}"
        out.add("type-changed", loc, at, True, message, scope="model")
        return
    if old.kind == "alias":
        assert old.alias_type is not None and new.alias_type is not None
        found = type_changes(old.alias_type, new.alias_type, usage, m.rename)
        out.types(loc, at, found, scope="model")
        return
    if old.extra != new.extra and old.usage == new.usage:
        breaking = "request" in usage and new.extra == "forbid"
        message = f"unknown keys: {old.extra!r} -> {new.extra!r}"
        out.add("extra-changed", loc, at, breaking, message, scope="model")
    if not skip_fields:
        compare_fields(loc, at, usage, old.fields, new.fields, m.rename, out)
