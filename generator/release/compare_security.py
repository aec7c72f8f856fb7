"""Authentication: the document's security schemes and each operation's requirements.

A removed or changed scheme (anything but its description and ``x-`` extensions) breaks,
and so do changed requirements of an operation: the client it generated sends other
credentials than the API now wants. An added scheme does not break; a changed
description is ``docs``.
"""

from __future__ import annotations

from typing import Any

from generator.ir import Operation
from generator.load.pointers import join_pointer
from generator.release.changes import ChangeList
from generator.release.sides import Side


def compare_security_schemes(old: Side, new: Side, out: ChangeList) -> None:
    old_schemes = _schemes(old)
    new_schemes = _schemes(new)
    for name in sorted(set(old_schemes) | set(new_schemes)):
        pointer = join_pointer("/components/securitySchemes", name)
        extra: dict[str, Any] = {"scope": "client"}
        if name not in new_schemes:
            message = f"security scheme {name!r} removed"
            out.add("auth-changed", "client", pointer, True, message, spec="old", **extra)
            continue
        if name not in old_schemes:
            message = f"security scheme {name!r} added"
            out.add("auth-scheme-added", "client", pointer, False, message, **extra)
            continue
        a, b = old_schemes[name], new_schemes[name]
        if _essential(a) != _essential(b):
            message = f"security scheme {name!r} changed"
            out.add("auth-changed", "client", pointer, True, message, **extra)
        elif isinstance(a, dict) and isinstance(b, dict):
            what = f"description of security scheme {name!r}"
            old_doc, new_doc = str(a.get("description") or ""), str(b.get("description") or "")
            out.docs("client", pointer, what, old_doc, new_doc, **extra)


def compare_requirements(loc: str, old: Operation, new: Operation, out: ChangeList) -> None:
    """The security requirements of one operation."""
    if old.security != new.security:
        out.add(
            "auth-changed",
            loc,
            join_pointer(new.pointer, "security"),
            True,
            f"security requirements changed from {_requirements(old.security)}"
            f" to {_requirements(new.security)}",
        )


def _schemes(side: Side) -> dict[str, Any]:
    """The document's ``components/securitySchemes``."""
    components = side.spec.document.get("components") or {}
    schemes: dict[str, Any] = components.get("securitySchemes") or {}
    return schemes


def _essential(scheme: Any) -> Any:
    """What of a scheme the client depends on."""
    if not isinstance(scheme, dict):
        return scheme
    return {k: v for k, v in scheme.items() if k != "description" and not str(k).startswith("x-")}


def _requirements(requirements: tuple[tuple[str, ...], ...]) -> str:
    if not requirements:
        return "none"
    return " or ".join("+".join(r) or "anonymous" for r in requirements)
