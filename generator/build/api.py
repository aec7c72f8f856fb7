"""Bundled spec + config -> :class:`~generator.ir.Api`. The IR's single entry point.

Ties the build together: operations are collected and grouped into resources
(:mod:`~generator.build.resources`), schemas typed on the way
(:mod:`~generator.build.schemas`), models finalized once their usage is known
(:mod:`~generator.build.models`). The package name, the client's environment variables,
base URL and security are decided here.
"""

from __future__ import annotations

from typing import Any

from generator import __version__
from generator.build.models import finalize, usage
from generator.build.naming import class_name, package_from_title
from generator.build.operations import BuiltOperation, collect
from generator.build.registry import SchemaRegistry
from generator.build.resources import (
    build_operations,
    resource_class_names,
    resource_classes,
    resource_tree,
    resources,
)
from generator.build.schemas import new_registry
from generator.build.security import env_prefix, requirements, security_schemes, sendable
from generator.build.served_forms import prism_edits
from generator.diagnostics import Diagnostics, GenerationError
from generator.escape import one_line
from generator.ir import Api, Operation, Resource, TypeRef
from generator.load.config import TYPE_OVERRIDES, Config
from generator.load.loader import LoadedSpec


def build_api(
    spec: LoadedSpec, config: Config, diagnostics: Diagnostics, *, package_name: str | None = None
) -> Api:
    document = spec.document
    info = document.get("info") or {}
    title = str(info.get("title") or "API")
    package = package_name or config.package_name or package_from_title(title)
    if not package.isidentifier():
        raise GenerationError.at(
            config.location("package", "name"),
            f"package name {package!r} is not a Python identifier",
        )
    raw_ops = collect(document, config, spec.locate)
    _warn_webhooks(spec, diagnostics)
    tree = resource_tree(raw_ops)
    class_names = resource_class_names(tree)
    registry = new_registry(spec, diagnostics, resource_classes(class_names), config.type_overrides)
    operations = build_operations(registry, config, raw_ops, tree, class_names)
    models, modules = finalize(registry.drafts, usage(registry.drafts, _usage_roots(operations)))
    _unused_overrides(registry, config, diagnostics)
    pointers = tuple(sorted({p for found in registry.overridden.values() for p in found}))
    top = resources(tree, operations, class_names, config, document)
    prefix = env_prefix(config, package)
    schemes = security_schemes(spec, config, prefix, diagnostics)
    security = requirements(document.get("security"), sendable(document, config)) or ()
    every = [op for r in top for each in r.walk() for op in each.operations]
    edits = prism_edits(spec, diagnostics)
    return Api(
        title=title,
        version=str(info.get("version") or ""),
        description=str(info.get("description") or "").strip(),
        openapi_version=spec.openapi_version,
        package=package,
        distribution=config.distribution or package.replace("_", "-"),
        package_version=config.version,
        package_description=config.description or one_line(title + " client"),
        base_url=_base_url(document),
        spec_name=spec.path.name,
        spec_sha256=spec.sha256,
        generator_version=__version__,
        resources=top,
        models=tuple(models),
        model_modules=tuple(modules),
        path_defaults=tuple(sorted(config.path_defaults.items())),
        env=_environment(config, prefix),
        schemes=schemes,
        security=security,
        credentials_required=bool(every)
        and all(() not in op.security and op.security for op in every),
        error_class=config.error_class or class_name(package) + "Error",
        bulk=_bulk(top),
        integer_pointers=pointers,
        prism_edits=edits,
        contract_spec=CONTRACT_SPEC if pointers or edits else "",
    )


def _environment(config: Config, prefix: str) -> dict[str, str]:
    """The environment variable of the base URL and of each path default attribute."""
    return {
        "base_url": config.auth.base_url_env or f"{prefix}_BASE_URL",
        **{attr: f"{prefix}_{attr.upper()}" for attr in sorted(set(config.path_defaults.values()))},
    }


# The spec as the client reads it ([type_overrides] applied, what response examples break and the
# client reads differently changed as build/served_examples.py says, form array encodings written
# out as build/served_forms.py says), served by Prism to the contract tests when either applies; written beside
# them by generator/render/contract_spec.py.
CONTRACT_SPEC = "contract-spec.json"


def _unused_overrides(registry: SchemaRegistry, config: Config, diagnostics: Diagnostics) -> None:
    """A ``[type_overrides]`` entry that narrowed nothing (the property is gone, or no longer a
    ``number``) is reported, so that a newer document does not silently make it stale."""
    for wire, kind in config.type_overrides.items():
        if wire not in registry.overridden:
            diagnostics.warn(
                config.location("type_overrides", wire),
                f"type override {wire!r} = {kind!r} matched no property the document declares "
                f"{TYPE_OVERRIDES[kind]!r}",
            )


def _warn_webhooks(spec: LoadedSpec, diagnostics: Diagnostics) -> None:
    webhooks = spec.document.get("webhooks")
    if isinstance(webhooks, dict) and webhooks:
        diagnostics.warn(
            spec.locate("/webhooks"),
            f"{len(webhooks)} webhook(s) not generated: the API sends them, a client does not call them",
        )


def _usage_roots(
    operations: dict[tuple[str, ...], list[BuiltOperation]],
) -> list[tuple[TypeRef, str]]:
    """The types each operation sends ("request") and receives ("response")."""
    roots: list[tuple[TypeRef, str]] = []
    for ops in operations.values():
        for op in (built.operation for built in ops):
            roots.extend((p.type, "request") for p in op.params)
            if op.body is not None:
                roots.append((op.body.type, "request"))
            if op.response is not None and op.response.type is not None:
                roots.append((op.response.type, "response"))
            roots.extend((e.type, "response") for e in op.error_responses if e.type is not None)
    return roots


def _bulk(top: tuple[Resource, ...]) -> tuple[Resource, Operation] | None:
    """The resource and operation of the bulk helper (the last, should there be several)."""
    bulk = None
    for resource in [r for root in top for r in root.walk()]:
        for op in resource.operations:
            if op.bulk is not None:
                bulk = (resource, op)
    return bulk


def _base_url(document: dict[str, Any]) -> str:
    servers = document.get("servers") or []
    if not servers or not isinstance(servers[0], dict):
        return ""
    url = str(servers[0].get("url") or "")
    for name, variable in (servers[0].get("variables") or {}).items():
        if isinstance(variable, dict) and "default" in variable:
            url = url.replace("{" + name + "}", str(variable["default"]))
    return url.rstrip("/")
