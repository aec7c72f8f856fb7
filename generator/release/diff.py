"""Compare two OpenAPI documents at the level of the generated Python API.

Both documents go through the generator's own pipeline (loader -> :func:`build_api`) and
the two IRs are compared: resources and methods (matched by operationId), keyword
arguments (path/query/header parameters and flattened body fields), return types, models
(matched by class name) with their fields, and enums. Every difference is a
:class:`Change` with a kind, a location (``events.bulk_create``, ``Event``), a JSON
pointer into the new document (into the old one for removals) and a verdict.

The verdict ("breaking") answers: can a program that works today stop working? Either
because its code no longer fits the regenerated client (a removed method, a new required
argument, a narrower type) or because the client it has stops working against the changed
API (a moved path, a new auth scheme). The rules, by where a type is used:

* requests (arguments, request-only models): adding something optional, widening
  (nullable, an enum value, a union member) or loosening a constraint is not breaking;
  adding something required, removing anything, narrowing or tightening is.
* responses (return types, response models): models keep unknown fields and enums are
  open (``Literal[...] | str``), so an added field or enum value is not breaking, and
  neither is a removed enum value (the old client still accepts every value). A removed
  field, a field made optional or nullable, or a new union member (the old client cannot
  parse it) is breaking.
* a model used by both (or by neither) is judged by both rules.
* any other type change (``int`` -> ``str``, another model) is breaking.
* a model removed from the package is breaking: every model is public
  (``<package>.models``).
* deprecations are reported and not breaking; description/summary changes are ``docs``.

Renames are a removal plus an addition unless ``[renames]`` in the config maps the old
operationId (or model name / component schema key) onto the new one.

:func:`classify` turns a list of changes into a semver bump: ``major`` when something
breaks, ``minor`` for additions, ``patch`` when only documentation changed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any, Literal

from generator.build.api import build_api
from generator.load.config import Config, load_config
from generator.diagnostics import Diagnostics, GenerationError
from generator.ir import Api, Constraints, Field, Model, Operation, Param, TypeRef
from generator.load.loader import LoadedSpec, load_spec
from generator.load.pointers import join_pointer
from generator.build.operations import HTTP_METHODS
from generator.build.typeexpr import annotation

Level = Literal["major", "minor", "patch"]
Scope = Literal["operation", "model", "client"]
FORMATS = ("text", "json", "markdown")

# Non-breaking kinds that do not change what the generated client can do.
PATCH_KINDS = frozenset({"docs", "operation-renamed"})

Rename = Callable[[str], str]


@dataclass(frozen=True)
class Change:
    """One difference between the old and the new generated API."""

    kind: str
    location: str  # method (``events.bulk_create``), model (``Event``) or ``client``
    pointer: str  # JSON pointer into the new document, or the old one when ``spec == "old"``
    breaking: bool
    message: str
    scope: Scope = "operation"
    member: str = ""  # the argument or field concerned, if any
    spec: Literal["old", "new"] = "new"

    @property
    def level(self) -> Level:
        if self.breaking:
            return "major"
        return "patch" if self.kind in PATCH_KINDS else "minor"

    @property
    def where(self) -> str:
        """Location and member as Python: ``events.create(severity=)``, ``Event.uuid``."""
        if not self.member:
            return self.location if self.scope != "operation" else f"{self.location}()"
        if self.scope == "model":
            return f"{self.location}.{self.member}"
        if self.member == "return":
            return f"{self.location}() -> return"
        return f"{self.location}({self.member}=)"

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["level"] = self.level
        data["where"] = self.where
        return data


@dataclass(frozen=True)
class SpecInfo:
    path: str
    title: str
    version: str  # info.version
    sha256: str

    @classmethod
    def of(cls, side: Side) -> SpecInfo:
        return cls(side.display, side.api.title, side.api.version, side.api.spec_sha256)


@dataclass(frozen=True)
class Report:
    old: SpecInfo
    new: SpecInfo
    changes: tuple[Change, ...]
    notes: tuple[str, ...] = ()

    @property
    def bump(self) -> Level | None:
        return classify(self.changes)

    @property
    def breaking(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.breaking)

    def as_dict(self) -> dict[str, Any]:
        return {
            "old": asdict(self.old),
            "new": asdict(self.new),
            "bump": self.bump,
            "breaking": len(self.breaking),
            "notes": list(self.notes),
            "changes": [c.as_dict() for c in self.changes],
        }


def classify(changes: Iterable[Change]) -> Level | None:
    """The semver bump a list of changes calls for; None when nothing changed."""
    levels = {c.level for c in changes}
    order: tuple[Level, ...] = ("major", "minor", "patch")
    return next((level for level in order if level in levels), None)


# --------------------------------------------------------------------------- loading


@dataclass(frozen=True)
class Side:
    """One document and the IR the generator builds from it."""

    display: str
    spec: LoadedSpec
    api: Api


def operation_ids(document: dict[str, Any]) -> set[str]:
    """Every operationId of a bundled document (derived ones included, as the builder does)."""
    ids: set[str] = set()
    for path, item in (document.get("paths") or {}).items():
        if not isinstance(item, dict):
            continue
        for method in HTTP_METHODS:
            node = item.get(method)
            if not isinstance(node, dict):
                continue
            op_id = node.get("operationId")
            if not isinstance(op_id, str) or not op_id.strip():
                op_id = f"{method}_{'_'.join(w for w in re.split(r'[^A-Za-z0-9]+', path) if w)}"
            ids.add(op_id)
    return ids


def config_for(config: Config, ids: set[str]) -> Config:
    """``config`` restricted to the operations a document has.

    The config describes the newest document; an older one may lack operations it names
    (which the generator would refuse). An operation renamed in ``[renames]`` takes the
    settings of its new operationId, so that both get the same Python name.
    """
    operations = dict(config.operations)
    pagination = dict(config.pagination)
    bulk = config.bulk
    for old_id, new_id in config.renames.items():
        if old_id in ids and new_id not in ids:
            if new_id in operations and old_id not in operations:
                operations[old_id] = operations[new_id]
            if new_id in pagination and old_id not in pagination:
                pagination[old_id] = replace(pagination[new_id], operation_id=old_id)
            if bulk is not None and bulk.operation_id == new_id:
                bulk = replace(bulk, operation_id=old_id)
    return replace(
        config,
        operations={k: v for k, v in operations.items() if k in ids},
        pagination={k: v for k, v in pagination.items() if k in ids},
        bulk=bulk if bulk is not None and bulk.operation_id in ids else None,
    )


def build_side(
    path: Path,
    config: Config,
    *,
    display: str | None = None,
    allow_external_refs: bool = False,
    package_name: str | None = None,
) -> Side:
    """Load ``path`` and build its IR with ``config`` (see :func:`config_for`).

    Raises :class:`GenerationError` when the document cannot be read or built.
    """
    display = display or str(path)
    spec = load_spec(path, allow_outside=allow_external_refs, display=display)
    return side_of(spec, config, display=display, package_name=package_name)


def side_of(
    spec: LoadedSpec, config: Config, *, display: str, package_name: str | None = None
) -> Side:
    tolerant = config_for(config, operation_ids(spec.document))
    try:
        api = build_api(spec, tolerant, Diagnostics(), package_name=package_name)
    except GenerationError:
        if not tolerant.pagination and tolerant.bulk is None:
            raise
        # helpers the config asks for may not fit this document; they are not compared
        api = build_api(
            spec,
            replace(tolerant, pagination={}, bulk=None),
            Diagnostics(),
            package_name=package_name,
        )
    return Side(display, spec, api)


def diff_specs(
    old: Path,
    new: Path,
    config: Path | Config | None = None,
    *,
    old_config: Path | Config | None = None,
    allow_external_refs: bool = False,
) -> Report:
    """The change report from document ``old`` to document ``new``.

    ``config`` names the new client's methods (and holds ``[renames]``); ``old_config``,
    when given, is the one the old client was generated with (default: ``config``).
    """
    config = _config(config)
    before = config if old_config is None else replace(_config(old_config), renames=config.renames)
    old_side = build_side(old, before, allow_external_refs=allow_external_refs)
    new_side = build_side(new, config, allow_external_refs=allow_external_refs)
    return diff_sides(old_side, new_side, config.renames)


def _config(config: Path | Config | None) -> Config:
    if isinstance(config, Config):
        return config
    return load_config(config, display=str(config) if config else None)


def diff_sides(old: Side, new: Side, renames: dict[str, str] | None = None) -> Report:
    changes = _Differ(old, new, renames or {}).run()
    return Report(SpecInfo.of(old), SpecInfo.of(new), tuple(_sorted(changes)))


def _sorted(changes: list[Change]) -> list[Change]:
    order = {"major": 0, "minor": 1, "patch": 2}
    unique = list(dict.fromkeys(changes))
    return sorted(
        unique, key=lambda c: (order[c.level], c.location, c.member, c.kind, c.message, c.pointer)
    )


# --------------------------------------------------------------------------- types


@dataclass(frozen=True)
class _TypeChange:
    kind: str
    breaking: bool
    message: str
    pointer: str
    spec: Literal["old", "new"] = "new"


def _ann(t: TypeRef) -> str:
    return annotation(t)


def _base(value: Any) -> str:
    return type(value).__name__


def _shape(t: TypeRef, rename: Rename) -> tuple[Any, ...]:
    """What must be equal for two types to be "the same type" (values and nullability aside)."""
    if t.kind in ("model", "alias"):
        return (t.kind, rename(t.name or ""))
    if t.kind == "literal":
        return ("literal", tuple(sorted({_base(v) for v in t.values})))
    if t.kind in ("list", "dict"):
        return (t.kind, _shape(t.args[0], rename))
    return (t.kind,)


_LOWER = ("minimum", "exclusive_minimum", "min_length", "min_items")
_UPPER = ("maximum", "exclusive_maximum", "max_length", "max_items")


def _constraint_change(old: Constraints, new: Constraints) -> tuple[bool, list[str]] | None:
    """(tightened, descriptions) when the constraints differ."""
    if old == new:
        return None
    tightened = False
    parts = []
    for name in (*_LOWER, *_UPPER, "pattern"):
        a, b = getattr(old, name), getattr(new, name)
        if a == b:
            continue
        parts.append(f"{name} {a!r} -> {b!r}")
        if b is None:
            continue
        if name == "pattern" or a is None:
            tightened = True
        elif name in _LOWER and b > a:
            tightened = True
        elif name in _UPPER and b < a:
            tightened = True
    return tightened, parts


def type_changes(
    old: TypeRef, new: TypeRef, usage: frozenset[str], rename: Rename = lambda n: n
) -> list[_TypeChange]:
    """Differences between two types used in ``usage`` ({"request", "response"})."""
    request = "request" in usage
    response = "response" in usage
    out: list[_TypeChange] = []
    if _shape(old, rename) != _shape(new, rename):
        return [
            _TypeChange(
                "type-changed",
                True,
                f"type changed from `{_ann(old)}` to `{_ann(new)}`",
                new.pointer,
            )
        ]
    if old.nullable != new.nullable and old.kind not in ("any", "none"):
        if new.nullable:
            what = "may now be None" + (" in responses" if response else "")
            out.append(_TypeChange("nullable-added", response, what, new.pointer))
        else:
            what = "no longer accepts None" if request else "is never None any more"
            out.append(_TypeChange("nullable-removed", request, what, new.pointer))
    if old.kind == "literal":
        old_keys = {(_base(v), v) for v in old.values}
        new_keys = {(_base(v), v) for v in new.values}
        removed = [v for v in old.values if (_base(v), v) not in new_keys]
        added = [v for v in new.values if (_base(v), v) not in old_keys]
        for v in removed:
            note = "" if request else " (responses accept any value: not breaking)"
            out.append(
                _TypeChange(
                    "enum-value-removed",
                    request,
                    f"enum value {v!r} removed{note}",
                    old.pointer,
                    "old",
                )
            )
        for v in added:
            out.append(
                _TypeChange("enum-value-added", False, f"enum value {v!r} added", new.pointer)
            )
    elif old.kind in ("list", "dict"):
        out.extend(type_changes(old.args[0], new.args[0], usage, rename))
    elif old.kind == "union":
        new_members = {_shape(m, rename): m for m in new.args}
        matched: set[tuple[Any, ...]] = set()
        for member in old.args:
            key = _shape(member, rename)
            if key in new_members and key not in matched:
                matched.add(key)
                out.extend(type_changes(member, new_members[key], usage, rename))
            else:
                out.append(
                    _TypeChange(
                        "union-member-removed",
                        request,
                        f"union member `{_ann(member)}` removed",
                        member.pointer or old.pointer,
                        "old",
                    )
                )
        for key, member in new_members.items():
            if key not in matched:
                note = " (an old client cannot parse it)" if response else ""
                out.append(
                    _TypeChange(
                        "union-member-added",
                        response,
                        f"union member `{_ann(member)}` added{note}",
                        member.pointer or new.pointer,
                    )
                )
    constraints = _constraint_change(old.constraints, new.constraints)
    if constraints is not None:
        tightened, parts = constraints
        verb = "tightened" if tightened else "loosened"
        out.append(
            _TypeChange(
                "constraint-changed",
                request and tightened,
                f"constraints {verb}: {', '.join(parts)}",
                new.pointer,
            )
        )
    return out


# --------------------------------------------------------------------------- the differ


def _op_index(api: Api) -> dict[str, tuple[str, Operation]]:
    return {
        op.operation_id: (".".join([*r.path, op.py_name]), op)
        for r in api.all_resources()
        for op in r.operations
    }


def _flattened_only(api: Api) -> set[str]:
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


def _param_pointer(p: Param) -> str:
    pointer = p.type.pointer
    for suffix in ("/schema", "/content"):
        if suffix in pointer and "/parameters/" in pointer:
            pointer = pointer[: pointer.rindex(suffix)]
    return pointer


def _noun(p: Param) -> tuple[str, str]:
    """(kind prefix, human noun) of a keyword argument."""
    if p.location == "body" and p.py_name in ("body", "content") and p.wire_name == p.py_name:
        return "body", "request body argument"
    if p.location == "body":
        return "body-field", "body field"
    return "param", f"{p.location} parameter"


class _Differ:
    def __init__(self, old: Side, new: Side, renames: dict[str, str]) -> None:
        self.old = old
        self.new = new
        self.renames = renames
        self.changes: list[Change] = []
        self.old_ops = _op_index(old.api)
        self.new_ops = _op_index(new.api)
        self.op_renames = {
            a: b
            for a, b in renames.items()
            if a in self.old_ops
            and a not in self.new_ops
            and b in self.new_ops
            and b not in self.old_ops
        }
        self.old_models = {m.name: m for m in old.api.models}
        self.new_models = {m.name: m for m in new.api.models}
        self.model_renames: dict[str, str] = {}
        for a, b in renames.items():
            a_name, b_name = self._model_name(old.api, a), self._model_name(new.api, b)
            if (
                a_name
                and b_name
                and a_name not in self.new_models
                and b_name not in self.old_models
            ):
                self.model_renames[a_name] = b_name

    @staticmethod
    def _model_name(api: Api, key: str) -> str | None:
        names = {m.name for m in api.models}
        if key in names:
            return key
        pointer = join_pointer("/components/schemas", key)
        return next((m.name for m in api.models if m.pointer == pointer), None)

    def rename(self, name: str) -> str:
        return self.model_renames.get(name, name)

    def add(
        self, kind: str, location: str, pointer: str, breaking: bool, message: str, **extra: Any
    ) -> None:
        self.changes.append(Change(kind, location, pointer, breaking, message, **extra))

    def docs(
        self, location: str, pointer: str, what: str, old: str, new: str, **extra: Any
    ) -> None:
        if old != new:
            verb = "added" if not old else "removed" if not new else "changed"
            self.add("docs", location, pointer, False, f"{what} {verb}", **extra)

    # ------------------------------------------------------------------ run
    def run(self) -> list[Change]:
        self._client()
        self._operations()
        self._models()
        return self.changes

    # ------------------------------------------------------------------ client level
    def _client(self) -> None:
        old, new = self.old.api, self.new.api
        if old.version != new.version:
            self.add(
                "docs",
                "client",
                "/info/version",
                False,
                f"info.version {old.version!r} -> {new.version!r}",
                scope="client",
            )
        self.docs("client", "/info/title", "API title", old.title, new.title, scope="client")
        self.docs(
            "client",
            "/info/description",
            "API description",
            old.description,
            new.description,
            scope="client",
        )
        if old.base_url != new.base_url:
            self.add(
                "base-url-changed",
                "client",
                "/servers/0/url",
                True,
                f"default base URL changed from {old.base_url!r} to {new.base_url!r}",
                scope="client",
            )
        old_schemes = (self.old.spec.document.get("components") or {}).get("securitySchemes") or {}
        new_schemes = (self.new.spec.document.get("components") or {}).get("securitySchemes") or {}

        def essential(scheme: Any) -> Any:
            if not isinstance(scheme, dict):
                return scheme
            return {
                k: v
                for k, v in scheme.items()
                if k != "description" and not str(k).startswith("x-")
            }

        for name in sorted(set(old_schemes) | set(new_schemes)):
            pointer = join_pointer("/components/securitySchemes", name)
            if name not in new_schemes:
                self.add(
                    "auth-changed",
                    "client",
                    pointer,
                    True,
                    f"security scheme {name!r} removed",
                    scope="client",
                    spec="old",
                )
            elif name not in old_schemes:
                self.add(
                    "auth-scheme-added",
                    "client",
                    pointer,
                    False,
                    f"security scheme {name!r} added",
                    scope="client",
                )
            elif essential(old_schemes[name]) != essential(new_schemes[name]):
                self.add(
                    "auth-changed",
                    "client",
                    pointer,
                    True,
                    f"security scheme {name!r} changed",
                    scope="client",
                )
            else:
                a, b = old_schemes[name], new_schemes[name]
                if isinstance(a, dict) and isinstance(b, dict):
                    self.docs(
                        "client",
                        pointer,
                        f"description of security scheme {name!r}",
                        str(a.get("description") or ""),
                        str(b.get("description") or ""),
                        scope="client",
                    )
        old_docs = {r.path: r for r in old.all_resources()}
        for r in new.all_resources():
            if r.path in old_docs:
                self.docs(
                    ".".join(r.path),
                    "/tags",
                    "resource docstring",
                    old_docs[r.path].doc,
                    r.doc,
                    scope="client",
                )

    # ------------------------------------------------------------------ operations
    def _operations(self) -> None:
        matched: set[str] = set()
        for op_id in sorted(self.old_ops):
            location, op = self.old_ops[op_id]
            new_id = self.op_renames.get(op_id, op_id)
            if new_id not in self.new_ops:
                self.add(
                    "operation-removed",
                    location,
                    op.pointer,
                    True,
                    f"method removed ({op.http_method} {op.path}, {op_id})",
                    spec="old",
                )
                continue
            matched.add(new_id)
            self._operation(location, op, *self.new_ops[new_id])
        for op_id in sorted(set(self.new_ops) - matched):
            location, op = self.new_ops[op_id]
            self.add(
                "operation-added",
                location,
                op.pointer,
                False,
                f"method added ({op.http_method} {op.path}, {op_id})",
            )

    def _operation(self, old_loc: str, old: Operation, loc: str, new: Operation) -> None:
        at = new.pointer
        if old.operation_id != new.operation_id:
            self.add(
                "operation-renamed",
                loc,
                at,
                False,
                f"operationId {old.operation_id!r} renamed to {new.operation_id!r}",
            )
        if old_loc != loc:
            self.add("method-renamed", loc, at, True, f"method `{old_loc}()` is now `{loc}()`")
        if old.http_method != new.http_method:
            self.add(
                "http-method-changed",
                loc,
                at,
                True,
                f"HTTP method changed from {old.http_method} to {new.http_method}",
            )
        if old.path != new.path:
            self.add("path-changed", loc, at, True, f"path changed from {old.path} to {new.path}")
        if old.security != new.security:
            self.add(
                "auth-changed",
                loc,
                join_pointer(at, "security"),
                True,
                f"security requirements changed from {_security(old.security)}"
                f" to {_security(new.security)}",
            )
        if new.deprecated and not old.deprecated:
            self.add(
                "operation-deprecated",
                loc,
                join_pointer(at, "deprecated"),
                False,
                "method deprecated",
            )
        elif old.deprecated and not new.deprecated:
            self.add("operation-undeprecated", loc, at, False, "method no longer deprecated")
        self.docs(loc, join_pointer(at, "summary"), "summary", old.summary, new.summary)
        self.docs(
            loc, join_pointer(at, "description"), "description", old.description, new.description
        )
        self._params(loc, old, new)
        self._response(loc, old, new)

    def _params(self, loc: str, old: Operation, new: Operation) -> None:
        old_params = {p.py_name: p for p in old.params}
        new_params = {p.py_name: p for p in new.params}
        for name, p in old_params.items():
            if name not in new_params:
                prefix, noun = _noun(p)
                self.add(
                    f"{prefix}-removed",
                    loc,
                    _param_pointer(p) or old.pointer,
                    True,
                    f"{noun} `{p.wire_name}` removed",
                    member=name,
                    spec="old",
                )
        for name, p in new_params.items():
            prefix, noun = _noun(p)
            pointer = _param_pointer(p) or new.pointer
            if name not in old_params:
                required = "required" if p.required else "optional"
                self.add(
                    f"{prefix}-added",
                    loc,
                    pointer,
                    p.required,
                    f"{required} {noun} `{p.wire_name}` added",
                    member=name,
                )
                continue
            o = old_params[name]
            if o.location != p.location:
                self.add(
                    "param-moved",
                    loc,
                    pointer,
                    True,
                    f"`{name}` moved from the {o.location} to the {p.location}",
                    member=name,
                )
            elif o.wire_name != p.wire_name:
                self.add(
                    "wire-name-changed",
                    loc,
                    pointer,
                    True,
                    f"`{name}` is sent as {p.wire_name!r} instead of {o.wire_name!r}",
                    member=name,
                )
            if p.required and not o.required:
                self.add(
                    f"{prefix}-required",
                    loc,
                    pointer,
                    True,
                    f"{noun} `{p.wire_name}` is now required",
                    member=name,
                )
            elif o.required and not p.required:
                self.add(
                    f"{prefix}-optional",
                    loc,
                    pointer,
                    False,
                    f"{noun} `{p.wire_name}` is now optional",
                    member=name,
                )
            for t in type_changes(o.type, p.type, frozenset({"request"}), self.rename):
                self.add(
                    t.kind,
                    loc,
                    t.pointer or pointer,
                    t.breaking,
                    f"{noun} `{p.wire_name}`: {t.message}",
                    member=name,
                    spec=t.spec,
                )
            if p.deprecated and not o.deprecated:
                self.add(
                    f"{prefix}-deprecated",
                    loc,
                    pointer,
                    False,
                    f"{noun} `{p.wire_name}` is deprecated",
                    member=name,
                )
            self.docs(
                loc, pointer, f"description of {noun} `{p.wire_name}`", o.doc, p.doc, member=name
            )

    def _response(self, loc: str, old: Operation, new: Operation) -> None:
        a = old.response.type if old.response else None
        b = new.response.type if new.response else None
        pointer = join_pointer(new.pointer, "responses")
        if a is None and b is not None:
            self.add(
                "response-added",
                loc,
                b.pointer or pointer,
                False,
                f"now returns `{_ann(b)}` instead of None",
                member="return",
            )
        elif a is not None and b is None:
            self.add(
                "response-removed",
                loc,
                pointer,
                True,
                f"returns None instead of `{_ann(a)}`",
                member="return",
            )
        elif a is not None and b is not None:
            for t in type_changes(a, b, frozenset({"response"}), self.rename):
                self.add(
                    t.kind,
                    loc,
                    t.pointer or pointer,
                    t.breaking,
                    f"return type: {t.message}",
                    member="return",
                    spec=t.spec,
                )
        if old.response and new.response:
            status = new.response.status
            self.docs(
                loc,
                join_pointer(pointer, status, "description"),
                "response description",
                old.response.description,
                new.response.description,
            )

    # ------------------------------------------------------------------ models
    def _models(self) -> None:
        skip = _flattened_only(self.old.api) & _flattened_only(self.new.api)
        matched: set[str] = set()
        for name in sorted(self.old_models):
            model = self.old_models[name]
            new_name = self.rename(name)
            if new_name not in self.new_models:
                self.add(
                    "model-removed",
                    name,
                    model.pointer,
                    True,
                    f"model `{name}` removed",
                    scope="model",
                    spec="old",
                )
                continue
            matched.add(new_name)
            self._model(
                model, self.new_models[new_name], skip_fields=name in skip and new_name in skip
            )
        for name in sorted(set(self.new_models) - matched):
            model = self.new_models[name]
            self.add(
                "model-added", name, model.pointer, False, f"model `{name}` added", scope="model"
            )

    def _model(self, old: Model, new: Model, *, skip_fields: bool) -> None:
        loc, at = new.name, new.pointer
        if old.name != new.name:
            self.add(
                "model-renamed",
                loc,
                at,
                True,
                f"model `{old.name}` renamed to `{new.name}`",
                scope="model",
            )
        usage = (old.usage | new.usage) or frozenset({"request", "response"})
        self.docs(loc, at, "model docstring", old.doc, new.doc, scope="model")
        if old.kind != new.kind:
            what = {"object": "a model class", "alias": "a type alias"}
            self.add(
                "type-changed",
                loc,
                at,
                True,
                f"`{new.name}` changed from {what[old.kind]} to {what[new.kind]}",
                scope="model",
            )
            return
        if old.kind == "alias":
            assert old.alias_type is not None and new.alias_type is not None
            for t in type_changes(old.alias_type, new.alias_type, usage, self.rename):
                self.add(
                    t.kind, loc, t.pointer or at, t.breaking, t.message, scope="model", spec=t.spec
                )
            return
        if old.extra != new.extra and old.usage == new.usage:
            breaking = "request" in usage and new.extra == "forbid"
            self.add(
                "extra-changed",
                loc,
                at,
                breaking,
                f"unknown keys: {old.extra!r} -> {new.extra!r}",
                scope="model",
            )
        if skip_fields:
            return
        self._fields(loc, at, usage, old.fields, new.fields)

    def _fields(
        self,
        loc: str,
        at: str,
        usage: frozenset[str],
        old: tuple[Field, ...],
        new: tuple[Field, ...],
    ) -> None:
        request = "request" in usage
        response = "response" in usage
        used = " and ".join(sorted(usage))
        old_fields = {f.py_name: f for f in old}
        new_fields = {f.py_name: f for f in new}
        for name, f in old_fields.items():
            if name not in new_fields:
                self.add(
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
            extra = {"scope": "model", "member": name}
            if name not in old_fields:
                breaking = request and f.required
                required = "required" if f.required else "optional"
                self.add(
                    "field-added",
                    loc,
                    pointer,
                    breaking,
                    f"{required} field `{f.wire_name}` added ({used} model)",
                    **extra,
                )
                continue
            o = old_fields[name]
            if o.wire_name != f.wire_name:
                self.add(
                    "wire-name-changed",
                    loc,
                    pointer,
                    True,
                    f"`{name}` is read/written as {f.wire_name!r} instead of {o.wire_name!r}",
                    **extra,
                )
            if f.required and not o.required:
                self.add(
                    "field-required",
                    loc,
                    pointer,
                    request,
                    f"field `{f.wire_name}` is now required ({used} model)",
                    **extra,
                )
            elif o.required and not f.required:
                self.add(
                    "field-optional",
                    loc,
                    pointer,
                    response,
                    f"field `{f.wire_name}` is now optional ({used} model)",
                    **extra,
                )
            for t in type_changes(o.type, f.type, usage, self.rename):
                self.add(
                    t.kind,
                    loc,
                    t.pointer or pointer,
                    t.breaking,
                    f"field `{f.wire_name}`: {t.message}",
                    scope="model",
                    member=name,
                    spec=t.spec,
                )
            if not o.required and not f.required and o.default != f.default:
                self.add(
                    "default-changed",
                    loc,
                    pointer,
                    False,
                    f"default of `{f.wire_name}` changed from {o.default} to {f.default}",
                    **extra,
                )
            if f.deprecated and not o.deprecated:
                self.add(
                    "field-deprecated",
                    loc,
                    pointer,
                    False,
                    f"field `{f.wire_name}` is deprecated",
                    **extra,
                )
            self.docs(loc, pointer, f"description of field `{f.wire_name}`", o.doc, f.doc, **extra)


def _security(requirements: tuple[tuple[str, ...], ...]) -> str:
    if not requirements:
        return "none"
    return " or ".join("+".join(r) or "anonymous" for r in requirements)


# --------------------------------------------------------------------------- output


def _info(info: SpecInfo) -> str:
    return f"{info.path} (info.version {info.version}, sha256 {info.sha256[:12]})"


def _summary(report: Report) -> str:
    if not report.changes:
        return "No changes to the generated API."
    n, b = len(report.changes), len(report.breaking)
    return f"{n} change{'s' if n != 1 else ''}, {b} breaking; version bump: {report.bump}."


def to_text(report: Report) -> str:
    lines = [f"{_info(report.old)} -> {_info(report.new)}", _summary(report), *report.notes]
    if report.changes:
        lines.append("")
    for c in report.changes:
        verdict = "BREAKING" if c.breaking else c.level
        spec = report.old.path if c.spec == "old" else report.new.path
        lines.append(f"{verdict:<9} {c.where}: {c.message}")
        lines.append(f"{'':<9} {c.kind} at {spec}#{c.pointer}")
    return "\n".join(lines) + "\n"


def to_json(report: Report) -> str:
    return json.dumps(report.as_dict(), indent=2, sort_keys=True) + "\n"


_SECTIONS: tuple[tuple[str, Callable[[Change], bool]], ...] = (
    ("Breaking changes", lambda c: c.breaking),
    ("Additions and other changes", lambda c: c.level == "minor"),
    ("Documentation and other non-API changes", lambda c: c.level == "patch"),
)


def _md(text: str) -> str:
    return text.replace("\n", " ").replace("|", "\\|")


def to_markdown(report: Report, heading: int = 1, *, title: bool = True, specs: bool = True) -> str:
    """The report in Markdown; sections use ``heading + 1`` hashes. ``title``: start with
    a heading; ``specs``: name both documents with their info.version and sha256."""
    lines: list[str] = []
    old, new = report.old, report.new
    if title:
        lines += [f"{'#' * heading} API changes", ""]
    if specs:
        lines += [
            f"From `{old.path}` (info.version `{old.version}`, sha256 `{old.sha256}`) "
            f"to `{new.path}` (info.version `{new.version}`, sha256 `{new.sha256}`).",
            "",
        ]
    lines.append(_summary(report))
    for note in report.notes:
        lines += ["", _md(note)]
    for name, pick in _SECTIONS:
        picked = [c for c in report.changes if pick(c)]
        if not picked:
            continue
        lines += ["", f"{'#' * (heading + 1)} {name}", ""]
        for c in picked:
            lines.append(
                f"- `{c.where}`: {_md(c.message)} ({c.kind}; `{c.pointer}` in the {c.spec} spec)"
            )
    return "\n".join(lines) + "\n"


def render(report: Report, fmt: str = "text") -> str:
    if fmt == "json":
        return to_json(report)
    if fmt == "markdown":
        return to_markdown(report)
    return to_text(report)
