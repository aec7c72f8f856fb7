"""Operations of the document -> IR operations.

:func:`collect` decides where each operation goes in the client (its resource and method
name: the config's, else its first tag and its operationId). :func:`build_operation`
puts one together from its parameters (:mod:`~generator.build.parameters`), body
(:mod:`~generator.build.bodies`) and responses (:mod:`~generator.build.responses`), and
decides the Endpoint constant: its name and the keywords that differ from the defaults.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from generator.build.bodies import bulk, request_body
from generator.build.grouping import resource_of
from generator.build.naming import class_name, constant
from generator.build.operation_ids import OperationSite, operation_sites
from generator.build.parameters import parameters, signature_order
from generator.build.registry import SchemaRegistry
from generator.build.responses import pagination, responses, unwraps_envelope
from generator.build.security import requirements, sendable
from generator.build.typeexpr import NONE, Spelled, runtime_type, type_expr
from generator.diagnostics import GenerationError, Location
from generator.escape import one_line, py_literal, tuple_literal
from generator.ir import MODELS_ALIAS, Body, Operation, Param, Requirement, TypeRef
from generator.load.config import Config
from generator.load.pointers import join_pointer


@dataclass(frozen=True)
class RawOperation:
    """An operation of the document (``site``) and where it goes in the client."""

    site: OperationSite
    resource_path: tuple[str, ...]
    py_name: str  # the method name asked for (config or operationId), before naming


@dataclass(frozen=True)
class BuiltOperation:
    """An IR operation and the names its code spells in the resource module."""

    operation: Operation
    spelled: Spelled


def collect(
    document: dict[str, Any], config: Config, spec_locate: Callable[[str], Location]
) -> list[RawOperation]:
    """Every operation, with its resource and method name (config first, derived otherwise)."""
    found: list[RawOperation] = []
    ids: dict[str, str] = {}  # operationId -> pointer
    for site in operation_sites(document):
        op_id = site.operation_id
        if op_id in ids:
            raise GenerationError.at(
                spec_locate(join_pointer(site.pointer, "operationId")),
                f"duplicate operationId {op_id!r} (also at {ids[op_id]})",
            )
        ids[op_id] = site.pointer
        target = config.operations.get(op_id)
        if target:
            *resource, method_py = target.split(".")
            found.append(RawOperation(site, tuple(resource), method_py))
        else:
            found.append(
                RawOperation(site, (resource_of(site.node.get("tags"), site.path),), op_id)
            )
    _check_config_names(config, ids)
    return found


def _check_config_names(config: Config, ids: dict[str, str]) -> None:
    """Every operation the config names is in the document."""
    named = [(op_id, ("operations", op_id)) for op_id in config.operations]
    named += [(op_id, ("pagination", op_id)) for op_id in config.pagination]
    if config.bulk:
        named.append((config.bulk.operation_id, ("bulk", "operation")))
    for op_id, keys in named:
        if op_id not in ids:
            message = f"config names operation {op_id!r}, which the spec does not have"
            raise GenerationError.at(config.location(*keys), message)


def build_operation(
    registry: SchemaRegistry,
    config: Config,
    raw: RawOperation,
    py_name: str,
    owner_class: str,
    shadowed: frozenset[str] = frozenset(),
) -> BuiltOperation:
    """The IR operation of ``raw``, a method ``py_name`` of resource class ``owner_class``
    (whose members are named like the builtins in ``shadowed``)."""
    site, spelled = raw.site, Spelled(shadowed)
    context = class_name(owner_class + " " + py_name)
    own_params = parameters(registry, config, site, context, spelled)
    body, body_params = request_body(
        registry, site, context, {p.py_name for p in own_params}, spelled
    )
    answers = responses(registry, site, context)
    params = signature_order([*own_params, *body_params])
    result = answers.success.type if answers.success else None
    node = site.node
    known = sendable(registry.doc, config)
    document_security = requirements(registry.doc.get("security"), known) or ()
    own_security = requirements(node.get("security"), known)
    operation = Operation(
        operation_id=site.operation_id,
        py_name=py_name,
        const_name="_" + constant(py_name),
        http_method=site.method.upper(),
        path=site.path.partition("?")[0],
        fixed_query=fixed_query(site.path),
        summary=one_line(str(node.get("summary") or "")),
        description=str(node.get("description") or "").strip(),
        tags=tuple(str(t) for t in node.get("tags") or ()),
        params=tuple(params),
        body=body,
        response=answers.success,
        success_codes=answers.codes,
        error_responses=answers.errors,
        return_annotation=answers.success.annotation if answers.success else "None",
        return_hint=spelled.annotation(
            type_expr(result, open_enums=True, models=MODELS_ALIAS) if result else NONE
        ),
        response_type_expr=spelled.expression(
            runtime_type(result, MODELS_ALIAS) if result else NONE
        ),
        unwrap_envelope=unwraps_envelope(registry, config, result),
        deprecated=bool(node.get("deprecated")),
        deprecation_message=f"{'.'.join([*raw.resource_path, py_name])}() is deprecated by the API",
        pagination=pagination(registry, config, site.operation_id, params, result, spelled),
        bulk=bulk(registry, config, site.operation_id, params, spelled),
        pointer=site.pointer,
        security=document_security if own_security is None else own_security,
        model_names=_model_names(params, body, result),
        endpoint_extras=_endpoint_extras(body, params, answers.reading, fixed_query(site.path))
        + _security_extras(own_security, document_security),
        success_responses=answers.every_success,
    )
    return BuiltOperation(operation, spelled)


def _model_names(params: list[Param], body: Body | None, result: TypeRef | None) -> frozenset[str]:
    models: set[str] = set()
    for p in params:
        models |= p.type.models()
    if body is not None:
        models |= body.type.models()
    if result is not None:
        models |= result.models()
    return frozenset(models)


def _security_extras(
    own: tuple[Requirement, ...] | None, document: tuple[Requirement, ...]
) -> tuple[tuple[str, str], ...]:
    """``security=`` when the operation's requirement is not the document's."""
    if own is not None and own != document:
        return (("security", tuple_literal(own)),)
    return ()


def _endpoint_extras(
    body: Body | None,
    params: list[Param],
    reading: dict[str, Any],
    fixed: tuple[tuple[str, str], ...] = (),
) -> tuple[tuple[str, str], ...]:
    """Keywords of the Endpoint constant that differ from its defaults, as Python site."""
    extras: list[tuple[str, str]] = []
    if fixed:
        pairs = "".join(f"({py_literal(name)}, {py_literal(value)}), " for name, value in fixed)
        extras.append(("fixed_query", f"({pairs.rstrip()})"))
    if body is not None and body.encoding != "json":
        extras.append(("content_type", py_literal(body.content_type)))
        extras.append(("body_encoding", py_literal(body.encoding)))
    for key in ("accept", "response_format"):
        if key in reading:
            extras.append((key, py_literal(reading[key])))
    if "status_formats" in reading:
        formats = sorted(reading["status_formats"].items())
        extras.append(
            (
                "status_formats",
                "{" + ", ".join(f"{code}: {py_literal(fmt)}" for code, fmt in formats) + "}",
            )
        )
    styles: dict[str, tuple[str, bool]] = {}
    for p in params:
        if p.location != "query" or p.json_encoded:
            continue
        if (p.style, p.explode) != ("form", True) or p.type.kind in ("model", "dict"):
            styles[p.wire_name] = (p.style, p.explode)
    if styles:
        shown = ", ".join(
            f"{py_literal(k)}: ({py_literal(style)}, {explode!r})"
            for k, (style, explode) in styles.items()
        )
        extras.append(("query_styles", "{" + shown + "}"))
    return tuple(extras)


def fixed_query(path: str) -> tuple[tuple[str, str], ...]:
    """The query a document wrote into a path (``/responses/{id}?beta=true`` -> ``beta=true``):
    the Endpoint sends it on every call, beside the call's own parameters."""
    return tuple(parse_qsl(path.partition("?")[2], keep_blank_values=True))
