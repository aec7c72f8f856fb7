"""Type aliases: named schemas that are no object, allOf of non-objects, object aliases.

A component that is an enum, a union, a scalar or a reference becomes a named alias
(``X = Literal[...]``); members that only refer back to the alias itself are dropped, and
an alias of nothing but itself is ``Any``. An ``allOf`` of non-object schemas is typed as
the one schema it amounts to. :func:`object_aliases` says which aliases stand for object
models, so that arguments of their type accept a mapping, as model-typed ones do.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from generator.build.keywords import allof_passthrough, declared_types, description
from generator.build.registry import ModelDraft, SchemaRegistry
from generator.ir import TypeRef
from generator.load.pointers import join_pointer


def ref_alias(
    registry: SchemaRegistry, schema: dict[str, Any], pointer: str, name: str, owner: str
) -> TypeRef:
    """A named schema that is only a ``$ref``: an alias of its target."""
    target = registry.type_of(schema, pointer, name, owner)
    draft = ModelDraft(
        name, "alias", pointer, owner, description(schema), alias_type=target, done=True
    )
    return registry.add(draft)


def named_alias(
    registry: SchemaRegistry, schema: dict[str, Any], pointer: str, name: str, owner: str
) -> TypeRef:
    """A named schema that is no object: an alias of its type."""
    draft = ModelDraft(
        name, "alias", pointer, owner, description(schema) or _allof_doc(registry, schema)
    )
    ref = registry.add(draft)  # registered before recursing: recursive aliases resolve
    aliased = draft.alias_type = registry.type_of(schema, pointer, name, owner)
    if aliased.kind == "none":  # `X = None` is no type alias (mypy) and `X | None` fails
        aliased = TypeRef("literal", values=(None,), pointer=pointer)
    if aliased.kind == "union":  # `A: {oneOf: [$ref: A, ...]}` adds nothing to A: drop it
        aliased = _without_itself(registry, name, aliased)
    if _only_itself(registry, name, aliased):
        message = "schema is only a reference to itself; typed as Any"
        aliased = registry.loose(pointer, message, TypeRef("any", pointer=pointer))
    draft.alias_type = aliased
    draft.done = True
    return ref


def _without_itself(registry: SchemaRegistry, name: str, union: TypeRef) -> TypeRef:
    args = tuple(a for a in union.args if not _only_itself(registry, name, a))
    if not args or len(args) == len(union.args):
        return union
    if len(args) > 1:
        return replace(union, args=args, tags=())
    return replace(args[0], nullable=args[0].nullable or union.nullable)


def _only_itself(registry: SchemaRegistry, name: str, t: TypeRef) -> bool:
    """``t`` reaches alias ``name`` through nothing but aliases (``A: {allOf: [$ref: A]}``):
    a type with no values of its own."""
    seen: set[str] = set()
    while t.kind == "alias" and t.name and t.name not in seen:
        if t.name == name:
            return True
        seen.add(t.name)
        target = registry.alias_target(t)
        if target is None:
            return False
        t = target
    return False


def _allof_doc(registry: SchemaRegistry, schema: dict[str, Any]) -> str:
    for member in schema.get("allOf") or []:
        resolved, _ = registry.deref(member, "")
        doc = description(resolved)
        if doc:
            return doc
    return ""


def flatten_allof(
    registry: SchemaRegistry, schema: dict[str, Any], pointer: str
) -> tuple[dict[str, Any], str]:
    """An allOf of non-object schemas (or of a single reference) as one schema."""
    members = schema["allOf"]
    rest = {k: v for k, v in schema.items() if k != "allOf"}
    if len(members) == 1 and allof_passthrough(schema):
        member = members[0]
        if isinstance(member, dict) and "$ref" in member:
            reference = dict(member)
            if schema.get("nullable") or "null" in declared_types(schema):
                reference["nullable"] = True
            return reference, join_pointer(pointer, "allOf", 0)
    merged: dict[str, Any] = {}

    def absorb(node: dict[str, Any], seen: frozenset[int]) -> None:
        for member in node.get("allOf") or []:
            resolved, _ = registry.deref(member, "")
            if isinstance(resolved, dict) and id(resolved) not in seen:  # a member may refer back
                absorb(resolved, seen | {id(resolved)})
                merged.update(
                    {
                        k: v
                        for k, v in resolved.items()
                        if k not in ("description", "title", "allOf")
                    }
                )

    absorb(schema, frozenset({id(schema)}))
    merged.update(rest)
    return merged, pointer


def object_aliases(registry: SchemaRegistry, t: TypeRef) -> frozenset[str]:
    """The aliases named in ``t`` that stand for object models: an alias of a model, or of a
    union whose members are such (or ``None``), through aliases, whatever their
    nullability. A mapping validates into them, so arguments of these types accept one."""
    found: set[str] = set()
    stack, seen = [t], set()
    while stack:
        cur = stack.pop()
        stack.extend(cur.args)
        if cur.kind == "alias" and cur.name and cur.name not in seen:
            seen.add(cur.name)
            if _stands_for_objects(registry, cur, ()):
                found.add(cur.name)
    return frozenset(found)


def _stands_for_objects(registry: SchemaRegistry, t: TypeRef, path: tuple[str, ...]) -> bool:
    """``path``: the aliases being expanded above ``t`` (a cycle stands for nothing)."""
    if t.kind == "model":
        draft = registry.drafts.get(t.name or "")
        return draft is not None and draft.kind == "object"
    if t.kind == "union":
        members = [a for a in t.args if a.kind != "none"]
        return bool(members) and all(_stands_for_objects(registry, a, path) for a in members)
    if t.kind == "alias" and t.name and t.name not in path:
        target = registry.alias_target(t)
        return target is not None and _stands_for_objects(registry, target, (*path, t.name))
    return False
