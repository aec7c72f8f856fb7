"""A method's keyword arguments: path, query and header parameters, the request body
argument and the fields of a flattened request body.

Arguments are matched by Python name. Removing one breaks, and so does adding a required
one, making one required, moving it (query -> header) or sending it under another wire
name; an added optional argument is not breaking. Types are judged as request types
(:mod:`generator.release.compare_types`).
"""

from __future__ import annotations

from generator.ir import Operation, Param
from generator.release.changes import ChangeList, Rename
from generator.release.compare_types import type_changes

_REQUEST = frozenset({"request"})


def compare_params(
    loc: str, old: Operation, new: Operation, rename: Rename, out: ChangeList
) -> None:
    old_params = {p.py_name: p for p in old.params}
    new_params = {p.py_name: p for p in new.params}
    for name, p in old_params.items():
        if name not in new_params:
            prefix, noun = argument_kind(p)
            pointer = _param_pointer(p) or old.pointer
            message = f"{noun} `{p.wire_name}` removed"
            out.add(f"{prefix}-removed", loc, pointer, True, message, member=name, spec="old")
    for name, p in new_params.items():
        pointer = _param_pointer(p) or new.pointer
        if name in old_params:
            _compare_param(loc, pointer, old_params[name], p, rename, out)
            continue
        prefix, noun = argument_kind(p)
        required = "required" if p.required else "optional"
        message = f"{required} {noun} `{p.wire_name}` added"
        out.add(f"{prefix}-added", loc, pointer, p.required, message, member=name)


def argument_kind(p: Param) -> tuple[str, str]:
    """(kind prefix, human noun) of a keyword argument."""
    if p.location == "body" and p.py_name in ("body", "content") and p.wire_name == p.py_name:
        return "body", "request body argument"
    if p.location == "body":
        return "body-field", "body field"
    return "param", f"{p.location} parameter"


def _compare_param(
    loc: str, pointer: str, o: Param, p: Param, rename: Rename, out: ChangeList
) -> None:
    """One argument both methods have."""
    name = p.py_name
    prefix, noun = argument_kind(p)
    what = f"{noun} `{p.wire_name}`"
    if o.location != p.location:
        message = f"`{name}` moved from the {o.location} to the {p.location}"
        out.add("param-moved", loc, pointer, True, message, member=name)
    elif o.wire_name != p.wire_name:
        message = f"`{name}` is sent as {p.wire_name!r} instead of {o.wire_name!r}"
        out.add("wire-name-changed", loc, pointer, True, message, member=name)
    if p.required and not o.required:
        out.add(f"{prefix}-required", loc, pointer, True, f"{what} is now required", member=name)
    elif o.required and not p.required:
        message = f"{what} is now optional"
        out.add(f"{prefix}-optional", loc, pointer, False, message, member=name)
    found = type_changes(o.type, p.type, _REQUEST, rename)
    out.types(loc, pointer, found, prefix=f"{what}: ", member=name)
    if p.deprecated and not o.deprecated:
        message = f"{what} is deprecated"
        out.add(f"{prefix}-deprecated", loc, pointer, False, message, member=name)
    out.docs(loc, pointer, f"description of {what}", o.doc, p.doc, member=name)


def _param_pointer(p: Param) -> str:
    """Where a parameter is declared (not its schema or content)."""
    pointer = p.type.pointer
    for suffix in ("/schema", "/content"):
        if suffix in pointer and "/parameters/" in pointer:
            pointer = pointer[: pointer.rindex(suffix)]
    return pointer
