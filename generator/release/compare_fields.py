"""The fields of a model, matched by Python name and judged by the model's usage.

In a request model, a removed field, an added required field or a field made required
breaks. In a response model, a removed field or a field made optional breaks (code reads
it); an added field does not (models keep unknown keys). Types follow
:mod:`generator.release.compare_types`; a changed default and a deprecation are reported
and never break.
"""

from __future__ import annotations

from generator.ir import Field
from generator.release.changes import ChangeList, Rename
from generator.release.compare_types import type_changes


def compare_fields(
    loc: str,
    at: str,
    usage: frozenset[str],
    old: tuple[Field, ...],
    new: tuple[Field, ...],
    rename: Rename,
    out: ChangeList,
) -> None:
    """The fields of model ``loc`` (at ``at``), used in ``usage``."""
    used = " and ".join(sorted(usage))
    old_fields = {f.py_name: f for f in old}
    new_fields = {f.py_name: f for f in new}
    for name, f in old_fields.items():
        if name not in new_fields:
            out.add(
                "field-removed",
                loc,
                f.type.pointer or at,
                True,
                f"field `{f.wire_name}` removed ({used} model)",
                scope="model",
                member=name,
                spec="old",
            )
    for name, f in new_fields.items():
        pointer = f.type.pointer or at
        if name in old_fields:
            _compare_field(loc, pointer, usage, old_fields[name], f, rename, out)
            continue
        breaking = "request" in usage and f.required
        required = "required" if f.required else "optional"
        message = f"{required} field `{f.wire_name}` added ({used} model)"
        out.add("field-added", loc, pointer, breaking, message, scope="model", member=name)


def _compare_field(
    loc: str,
    pointer: str,
    usage: frozenset[str],
    o: Field,
    f: Field,
    rename: Rename,
    out: ChangeList,
) -> None:
    """One field both models have."""
    used = " and ".join(sorted(usage))
    what = f"field `{f.wire_name}`"
    extra = {"scope": "model", "member": f.py_name}
    if o.wire_name != f.wire_name:
        message = f"`{f.py_name}` is read/written as {f.wire_name!r} instead of {o.wire_name!r}"
        out.add("wire-name-changed", loc, pointer, True, message, **extra)
    if f.required and not o.required:
        message = f"{what} is now required ({used} model)"
        out.add("field-required", loc, pointer, "request" in usage, message, **extra)
    elif o.required and not f.required:
        message = f"{what} is now optional ({used} model)"
        out.add("field-optional", loc, pointer, "response" in usage, message, **extra)
    found = type_changes(o.type, f.type, usage, rename)
    out.types(loc, pointer, found, prefix=f"{what}: ", **extra)
    if not o.required and not f.required and o.default != f.default:
        message = f"default of `{f.wire_name}` changed from {o.default} to {f.default}"
        out.add("default-changed", loc, pointer, False, message, **extra)
    if f.deprecated and not o.deprecated:
        out.add("field-deprecated", loc, pointer, False, f"{what} is deprecated", **extra)
    out.docs(loc, pointer, f"description of {what}", o.doc, f.doc, **extra)
