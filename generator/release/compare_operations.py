"""Methods: which were removed or added, and for each kept one its name, HTTP method,
path, authentication, deprecation, arguments and return type.

A removed method breaks, an added one does not. A kept method breaks when its Python name,
HTTP method or path changes (an old client calls a route that is gone) or its return type
narrows (judged as a response type, :mod:`generator.release.compare_types`). Deprecation is
reported and never breaks; a renamed operationId that keeps its method (``[renames]``) is a
patch-level change.
"""

from __future__ import annotations

from generator.build.typeexpr import annotation
from generator.ir import Operation
from generator.load.pointers import join_pointer
from generator.release.changes import ChangeList
from generator.release.compare_params import compare_params
from generator.release.compare_security import compare_requirements
from generator.release.compare_types import type_changes
from generator.release.matching import Matching

_RESPONSE = frozenset({"response"})


def compare_operations(m: Matching, out: ChangeList) -> None:
    matched: set[str] = set()
    for op_id in sorted(m.old_ops):
        location, op = m.old_ops[op_id]
        new_id = m.operation_id(op_id)
        if new_id not in m.new_ops:
            message = f"method removed ({op.http_method} {op.path}, {op_id})"
            out.add("operation-removed", location, op.pointer, True, message, spec="old")
            continue
        matched.add(new_id)
        _compare_operation(m, location, op, *m.new_ops[new_id], out)
    for op_id in sorted(set(m.new_ops) - matched):
        location, op = m.new_ops[op_id]
        message = f"method added ({op.http_method} {op.path}, {op_id})"
        out.add("operation-added", location, op.pointer, False, message)


def _compare_operation(
    m: Matching, old_loc: str, old: Operation, loc: str, new: Operation, out: ChangeList
) -> None:
    at = new.pointer
    if old.operation_id != new.operation_id:
        message = f"operationId {old.operation_id!r} renamed to {new.operation_id!r}"
        out.add("operation-renamed", loc, at, False, message)
    if old_loc != loc:
        out.add("method-renamed", loc, at, True, f"method `{old_loc}()` is now `{loc}()`")
    if old.http_method != new.http_method:
        message = f"HTTP method changed from {old.http_method} to {new.http_method}"
        out.add("http-method-changed", loc, at, True, message)
    if old.path != new.path:
        out.add("path-changed", loc, at, True, f"path changed from {old.path} to {new.path}")
    compare_requirements(loc, old, new, out)
    if new.deprecated and not old.deprecated:
        pointer = join_pointer(at, "deprecated")
        out.add("operation-deprecated", loc, pointer, False, "method deprecated")
    elif old.deprecated and not new.deprecated:
        out.add("operation-undeprecated", loc, at, False, "method no longer deprecated")
    out.docs(loc, join_pointer(at, "summary"), "summary", old.summary, new.summary)
    out.docs(loc, join_pointer(at, "description"), "description", old.description, new.description)
    compare_params(loc, old, new, m.rename, out)
    _compare_response(m, loc, old, new, out)


def _compare_response(
    m: Matching, loc: str, old: Operation, new: Operation, out: ChangeList
) -> None:
    a = old.response.type if old.response else None
    b = new.response.type if new.response else None
    pointer = join_pointer(new.pointer, "responses")
    if a is None and b is not None:
        message = f"now returns `{annotation(b)}` instead of None"
        out.add("response-added", loc, b.pointer or pointer, False, message, member="return")
    elif a is not None and b is None:
        message = f"returns None instead of `{annotation(a)}`"
        out.add("response-removed", loc, pointer, True, message, member="return")
    elif a is not None and b is not None:
        found = type_changes(a, b, _RESPONSE, m.rename)
        out.types(loc, pointer, found, prefix="return type: ", member="return")
    if old.response and new.response:
        out.docs(
            loc,
            join_pointer(pointer, new.response.status, "description"),
            "response description",
            old.response.description,
            new.response.description,
        )
