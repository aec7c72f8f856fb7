"""Differences between two types, judged by where the type is used.

Two types are "the same type" when their shapes match (:func:`shape`: the kind, the model
or alias after renames, the Python types of enum values, the item type of a list or dict);
anything else is a breaking ``type-changed``. Within one shape:

* nullability: ``None`` newly accepted breaks responses (an old client may not expect it),
  ``None`` no longer accepted breaks requests;
* unions: a removed member breaks requests, an added member breaks responses (the old
  client cannot parse it);
* enum values and constraints: :mod:`generator.release.compare_values`.

``usage`` is the set of ``{"request", "response"}`` the type is used in; a type used by
both is judged by both rules.
"""

from __future__ import annotations

from typing import Any

from generator.build.typeexpr import annotation
from generator.ir import TypeRef
from generator.release.changes import Rename, TypeChange
from generator.release.compare_values import constraint_changes, enum_changes, value_type


def _same(name: str) -> str:
    return name


def shape(t: TypeRef, rename: Rename = _same) -> tuple[Any, ...]:
    """What must be equal for two types to be "the same type" (values and nullability aside)."""
    if t.kind in ("model", "alias"):
        return (t.kind, rename(t.name or ""))
    if t.kind == "literal":
        return ("literal", tuple(sorted({value_type(v) for v in t.values})))
    if t.kind in ("list", "dict"):
        return (t.kind, shape(t.args[0], rename))
    return (t.kind,)


def type_changes(
    old: TypeRef, new: TypeRef, usage: frozenset[str], rename: Rename = _same
) -> list[TypeChange]:
    """Differences between two types used in ``usage`` ({"request", "response"})."""
    request = "request" in usage
    if shape(old, rename) != shape(new, rename):
        message = f"type changed from `{annotation(old)}` to `{annotation(new)}`"
        return [TypeChange("type-changed", True, message, new.pointer)]
    out = _nullability_changes(old, new, usage)
    if old.kind == "literal":
        out.extend(enum_changes(old, new, request))
    elif old.kind in ("list", "dict"):
        out.extend(type_changes(old.args[0], new.args[0], usage, rename))
    elif old.kind == "union":
        out.extend(_union_changes(old, new, usage, rename))
    out.extend(constraint_changes(old, new, request))
    return out


def _nullability_changes(old: TypeRef, new: TypeRef, usage: frozenset[str]) -> list[TypeChange]:
    if old.nullable == new.nullable or old.kind in ("any", "none"):
        return []
    request, response = "request" in usage, "response" in usage
    if new.nullable:
        what = "may now be None" + (" in responses" if response else "")
        return [TypeChange("nullable-added", response, what, new.pointer)]
    what = "no longer accepts None" if request else "is never None any more"
    return [TypeChange("nullable-removed", request, what, new.pointer)]


def _union_changes(
    old: TypeRef, new: TypeRef, usage: frozenset[str], rename: Rename
) -> list[TypeChange]:
    """Members matched by shape and compared; the others removed or added."""
    request, response = "request" in usage, "response" in usage
    new_members = {shape(m, rename): m for m in new.args}
    matched: set[tuple[Any, ...]] = set()
    out: list[TypeChange] = []
    for member in old.args:
        key = shape(member, rename)
        if key in new_members and key not in matched:
            matched.add(key)
            out.extend(type_changes(member, new_members[key], usage, rename))
            continue
        message = f"union member `{annotation(member)}` removed"
        pointer = member.pointer or old.pointer
        out.append(TypeChange("union-member-removed", request, message, pointer, "old"))
    for key, member in new_members.items():
        if key not in matched:
            note = " (an old client cannot parse it)" if response else ""
            message = f"union member `{annotation(member)}` added{note}"
            pointer = member.pointer or new.pointer
            out.append(TypeChange("union-member-added", response, message, pointer))
    return out
