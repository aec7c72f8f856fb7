"""Bundled spec + config -> :class:`~generator.ir.Api`. The IR's single entry point."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from generator import __version__
from generator.load.config import AuthConfig, Config
from generator.diagnostics import Diagnostics, GenerationError
from generator.escape import one_line
from generator.ir import Api, Operation, Resource, Security, TypeRef
from generator.load.loader import LoadedSpec
from generator.build.models import finalize, usage
from generator.build.grouping import method_without_resource
from generator.build.naming import NameRegistry, class_name, method_name, module_name, snake
from generator.build.operations import OperationBuilder, RawOperation, collect
from generator.build.schemas import SchemaBuilder
from generator.build.typeexpr import helpers_used


def build_api(spec: LoadedSpec, config: Config, diagnostics: Diagnostics, *, package_name: str | None = None) -> Api:
    document = spec.document
    info = document.get("info") or {}
    title = str(info.get("title") or "API")
    package = package_name or config.package_name or module_name(title)
    if not package.isidentifier():
        raise GenerationError.at(config.location("package", "name"), f"package name {package!r} is not a Python identifier")
    raw_ops = collect(document, config, spec.locate)
    webhooks = document.get("webhooks")
    if isinstance(webhooks, dict) and webhooks:
        diagnostics.warn(
            spec.locate("/webhooks"),
            f"{len(webhooks)} webhook(s) not generated: the API sends them, a client does not call them",
        )

    tree: dict[tuple[str, ...], list[RawOperation]] = {}
    for raw in raw_ops:
        for depth in range(1, len(raw.resource_path)):
            tree.setdefault(raw.resource_path[:depth], [])
        tree.setdefault(raw.resource_path, []).append(raw)

    class_names: dict[tuple[str, ...], str] = {}
    registry = NameRegistry()
    for path in sorted(tree):
        base, _ = registry.claim(class_name(" ".join(path)), class_name(" ".join(path) + " api"), case_insensitive=True)
        class_names[path] = base
    taken = set()
    for base in class_names.values():
        taken |= {f"{base}Resource", f"Async{base}Resource", f"{base}ResourceWithRawResponse", f"Async{base}ResourceWithRawResponse"}
    schemas = SchemaBuilder(spec, diagnostics, taken)
    schemas.register_components()
    builder = OperationBuilder(schemas, config)

    operations: dict[tuple[str, ...], list[Operation]] = {}
    member_names: dict[tuple[str, ...], NameRegistry] = {}
    for path in sorted(tree):
        member_names[path] = NameRegistry({"with_raw_response", "with_streaming_response"})
        for child in sorted(tree):
            if len(child) == len(path) + 1 and child[: len(path)] == path:
                member_names[path].claim(method_name(child[-1]))
    for raw in raw_ops:
        names = member_names[raw.resource_path]
        short = raw.py_name if raw.operation_id in config.operations else method_without_resource(raw.py_name, raw.resource_path)
        py, numbered = names.claim(method_name(short), method_name(raw.operation_id), method_name(f"{raw.method} {raw.operation_id}"))
        if numbered:
            diagnostics.warn(spec.locate(raw.pointer), f"method name for {raw.operation_id!r} numbered as {py!r}")
        op = builder.build(raw, py, class_names[raw.resource_path])
        for extra in (op.pagination.method if op.pagination else None, op.bulk.method if op.bulk else None):
            if extra and not names.claim(extra)[0] == extra:
                raise GenerationError.at(config.location("pagination" if op.pagination else "bulk"), f"method name {extra!r} is already used in {'.'.join(raw.resource_path)}")
        operations.setdefault(raw.resource_path, []).append(op)
    for path, ops in operations.items():
        _unshadow(ops, member_names[path], set(config.operations))

    roots: list[tuple[TypeRef, str]] = []
    for ops in operations.values():
        for op in ops:
            roots.extend((p.type, "request") for p in op.params)
            if op.body is not None:
                roots.append((op.body.type, "request"))
            if op.response is not None and op.response.type is not None:
                roots.append((op.response.type, "response"))
            roots.extend((e.type, "response") for e in op.error_responses if e.type is not None)
    models, modules = finalize(schemas.drafts, usage(schemas.drafts, roots))

    tag_docs = {str(t.get("name")): str(t.get("description") or "") for t in document.get("tags") or [] if isinstance(t, dict)}
    module_registry = NameRegistry({"__init__"})

    def make(path: tuple[str, ...]) -> Resource:
        children = [make(child) for child in sorted(tree) if len(child) == len(path) + 1 and child[: len(path)] == path]
        ops = operations.get(path, [])
        doc = config.resource_docs.get(".".join(path)) or next(
            (tag_docs[t] for op in ops for t in op.tags if tag_docs.get(t)), ""
        )
        module, _ = module_registry.claim(module_name("_".join(path)), module_name("_".join(path) + "_resource"), case_insensitive=True)
        return Resource(
            helpers=_resource_helpers(ops) | ({"TYPE_CHECKING"} if children else set()),  # sub-resources load lazily
            attr=_attr(path),
            accessor=".".join(_attr(path[: i + 1]) for i in range(len(path))),
            path=path,
            class_name=class_names[path] + "Resource",
            module=module,
            doc=doc or f"Operations on {' '.join(path)}.",
            operations=tuple(ops),
            children=tuple(children),
        )

    resources = tuple(make(path) for path in sorted(tree) if len(path) == 1)
    bulk = None
    for resource in [r for top in resources for r in top.walk()]:
        for op in resource.operations:
            if op.bulk is not None:
                bulk = (resource, op)
    auth = config.auth if config.path else _default_auth(package)
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
        resources=resources,
        models=tuple(models),
        model_modules=tuple(modules),
        path_defaults=tuple(sorted(config.path_defaults.items())),
        env={
            "api_token": auth.api_token_env,
            "api_email": auth.api_email_env,
            "api_key": auth.api_key_env,
            "account_id": auth.account_id_env,
            "base_url": auth.base_url_env,
        },
        security=_security(document),
        bulk=bulk,
    )


def _unshadow(ops: list[Operation], names: NameRegistry, configured: set[str]) -> None:
    """A method named like a type its class's annotations use (``def str(...)`` beside ``-> str``)
    would shadow it in the class body: such a derived name takes a trailing underscore. Names the
    config chose are left alone (mypy --strict on the generated code says if one clashes)."""
    used: set[str] = set()
    for op in ops:
        texts = [p.hint for p in op.params] + [op.return_hint]  # as the class body spells them
        if op.pagination is not None:
            texts.append(op.pagination.item_hint)
        if op.bulk is not None:
            texts.append(op.bulk.item_hint)
        for text in texts:  # names looked up in the class body, not attributes (`_models.X`)
            used |= set(re.findall(r"(?<![\w.])[A-Za-z_]\w*", _STRINGS.sub("''", text)))
    for index, op in enumerate(ops):
        if op.py_name in used and op.operation_id not in configured:
            new, _ = names.claim(op.py_name + "_", op.py_name + "_op")
            message = op.deprecation_message.replace(f".{op.py_name}()", f".{new}()")
            ops[index] = dataclasses.replace(op, py_name=new, deprecation_message=message)


_STRINGS = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")


# attributes of the generated Client a top-level resource may not shadow
_CLIENT_ATTRIBUTES = frozenset({"close", "aclose", "base_url", "account_id", "timeout", "max_retries", "retry_unsafe"})


def _attr(path: tuple[str, ...]) -> str:
    """Attribute name of the resource at ``path`` on its parent (the client for top level)."""
    name = method_name(path[-1])
    if len(path) == 1 and name in _CLIENT_ATTRIBUTES:
        name += "_"
    return name


def _resource_helpers(ops: list[Operation]) -> frozenset[str]:
    """What a resource module imports: typing and runtime helpers, and ``models`` (the lazily
    loading models package, as ``MODELS_ALIAS``) when it names any model. No model module itself
    is imported: the module refers to models only through the package."""
    helpers: set[str] = set()
    for op in ops:
        if op.model_names:
            helpers.add("models")
        texts = [p.hint for p in op.params] + [op.return_hint, op.response_type_expr]
        if op.body is not None:
            texts.append(op.body.type_expr)
        if op.pagination is not None:
            texts.append(op.pagination.item_hint)
            helpers.add("PageIterator")
        if op.bulk is not None:
            texts += [op.bulk.item_hint, op.bulk.item_type_arg]
            helpers.add("bulk")
        for text in texts:
            helpers |= helpers_used(text)
            if text.startswith("LazyType("):
                helpers.add("LazyType")
        if any(not p.required and not p.default_from_client for p in op.params):
            helpers.add("NotGiven")
        if op.deprecated:
            helpers.add("deprecated")
    return frozenset(helpers)


def _default_auth(package: str) -> AuthConfig:
    prefix = snake(package).upper()
    return AuthConfig(
        api_token_env=f"{prefix}_API_TOKEN",
        api_email_env=f"{prefix}_API_EMAIL",
        api_key_env=f"{prefix}_API_KEY",
        account_id_env=f"{prefix}_ACCOUNT_ID",
        base_url_env=f"{prefix}_BASE_URL",
    )


def _base_url(document: dict[str, Any]) -> str:
    servers = document.get("servers") or []
    if not servers or not isinstance(servers[0], dict):
        return ""
    url = str(servers[0].get("url") or "")
    for name, variable in (servers[0].get("variables") or {}).items():
        if isinstance(variable, dict) and "default" in variable:
            url = url.replace("{" + name + "}", str(variable["default"]))
    return url.rstrip("/")


def _security(document: dict[str, Any]) -> Security:
    schemes = (document.get("components") or {}).get("securitySchemes") or {}
    bearer = False
    headers: list[tuple[str, str]] = []
    for name, scheme in schemes.items():
        if not isinstance(scheme, dict):
            continue
        if scheme.get("type") == "http" and str(scheme.get("scheme", "")).lower() == "bearer":
            bearer = True
        if scheme.get("type") == "apiKey" and scheme.get("in") == "header":
            headers.append((str(name), str(scheme.get("name"))))
    return Security(bearer=bearer or not headers, api_key_headers=tuple(headers))
