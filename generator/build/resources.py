"""Resources: the client's tree of operation groups, their names, and what their modules import.

Operations are grouped by resource path (``("events", "raw")`` -> ``client.events.raw``);
each resource gets a unique class name and module, each operation a unique method name
in its resource (a sub-resource's attribute, the pagination and bulk helpers included). The
config's method names are used as written or refused with an error; a derived method named like
a type its class's annotations spell takes a trailing underscore.
"""

from __future__ import annotations

import builtins
import dataclasses
from dataclasses import dataclass
from typing import Any

from generator.build.grouping import method_without_resource
from generator.build.naming import (
    RESOURCE_MEMBERS,
    NameRegistry,
    class_name,
    configured_name_problem,
    method_name,
    module_name,
)
from generator.build.operations import BuiltOperation, RawOperation, build_operation
from generator.build.registry import SchemaRegistry
from generator.build.runtime_names import CLIENT_ATTRIBUTES
from generator.build.typeexpr import IMPORTED_HELPERS
from generator.diagnostics import GenerationError, Location
from generator.ir import Resource
from generator.load.config import Config

Path = tuple[str, ...]
Tree = dict[Path, list[RawOperation]]  # every resource path (parents included) -> its operations


def resource_tree(raw_ops: list[RawOperation]) -> Tree:
    tree: Tree = {}
    for raw in raw_ops:
        for depth in range(1, len(raw.resource_path)):
            tree.setdefault(raw.resource_path[:depth], [])
        tree.setdefault(raw.resource_path, []).append(raw)
    return tree


def resource_class_names(tree: Tree) -> dict[Path, str]:
    """The base class name of each resource (``EventsRaw``; ``EventsRawApi`` when taken)."""
    registry = NameRegistry()
    names: dict[Path, str] = {}
    for path in sorted(tree):
        words = " ".join(path)
        names[path], _ = registry.claim(
            class_name(words), class_name(words + " api"), case_insensitive=True
        )
    return names


def resource_classes(class_names: dict[Path, str]) -> set[str]:
    """The class names the resource modules define (no model may take them)."""
    taken: set[str] = set()
    for base in class_names.values():
        taken |= {
            f"{base}Resource",
            f"Async{base}Resource",
            f"{base}ResourceWithRawResponse",
            f"Async{base}ResourceWithRawResponse",
        }
    return taken


def build_operations(
    registry: SchemaRegistry,
    config: Config,
    raw_ops: list[RawOperation],
    tree: Tree,
    class_names: dict[Path, str],
) -> dict[Path, list[BuiltOperation]]:
    """Every operation, named within its resource (built in document order). The names the
    config chose are claimed first and used as written; derived names make room for them."""
    member_names, configured = _members(tree, raw_ops, config)
    py_names: list[str] = []
    helpers: set[tuple[Path, str]] = set()  # helper names claimed for their operation
    for raw in raw_ops:  # each method, then its helpers: a later derived name makes room
        names = member_names[raw.resource_path]
        py_names.append(_method_of(raw, configured, names, registry))
        for extra, _ in _configured_helpers(config, raw.site.operation_id):
            if names.claim(extra)[0] == extra:
                helpers.add((raw.resource_path, extra))
    shadowed = {  # builtins the members are named like: the annotations spell builtins.<name>
        path: frozenset(n for n in names.taken if n in _BUILTINS)
        for path, names in member_names.items()
    }
    operations: dict[Path, list[BuiltOperation]] = {}
    for raw, py in zip(raw_ops, py_names):
        path = raw.resource_path
        built = build_operation(registry, config, raw, py, class_names[path], shadowed[path])
        _claim_helpers(raw.site.operation_id, member_names[path], config, path, helpers)
        operations.setdefault(path, []).append(built)
    for path, ops in operations.items():
        _unshadow(ops, member_names[path], config)
    return operations


def _method_of(
    raw: RawOperation, configured: dict[str, str], names: NameRegistry, registry: SchemaRegistry
) -> str:
    """The method name of ``raw``: the config's, else derived without the words of its resource
    (``listPets`` on ``pets``: ``list``) and claimed in its class."""
    op_id, method = raw.site.operation_id, raw.site.method
    if op_id in configured:
        return configured[op_id]
    short = method_without_resource(raw.py_name, raw.resource_path)
    py, numbered = names.claim(
        method_name(short), method_name(op_id), method_name(f"{method} {op_id}")
    )
    if numbered:
        where = registry.spec.locate(raw.site.pointer)
        registry.diagnostics.warn(where, f"method name for {op_id!r} numbered as {py!r}")
    return py


def _children(tree: Tree, path: Path) -> list[Path]:
    return [
        child
        for child in sorted(tree)
        if len(child) == len(path) + 1 and child[: len(path)] == path
    ]


def _members(
    tree: Tree, raw_ops: list[RawOperation], config: Config
) -> tuple[dict[Path, NameRegistry], dict[str, str]]:
    """The member names of every resource class, claimed before any derived method name: its
    sub-resources' attributes, then the method names the config chose (operationId -> name). A
    config name is the client's public API: it is used exactly as written, or generation stops
    with an error at its line saying why; it is never adjusted."""
    members: dict[Path, NameRegistry] = {}
    owners: dict[tuple[Path, str], str] = {}
    for path in sorted(tree):
        members[path] = NameRegistry(set(RESOURCE_MEMBERS))
        for child in _children(tree, path):
            members[path].claim(method_name(child[-1]))
            owners[(path, method_name(child[-1]))] = f"the sub-resource {'.'.join(child)}"
    chosen: dict[str, str] = {}
    for raw in raw_ops:
        op_id = raw.site.operation_id
        target = config.operations.get(op_id)
        if target is None:
            continue
        where = config.location("operations", op_id)
        _check_configured(target, where, op_id, client_attributes(config))
        name, path = raw.py_name, raw.resource_path
        if name in members[path].taken:
            owner = owners.get((path, name), "a member of every resource class")
            message = (
                f"cannot name {op_id!r} {target!r}: {'.'.join(path)}.{name} is already {owner}"
            )
            raise GenerationError.at(where, message)
        members[path].claim(name)
        owners[(path, name)] = f"the method of {op_id!r}"
        chosen[op_id] = name
    return members, chosen


def client_attributes(config: Config) -> frozenset[str]:
    """Attribute names of the client that no top-level resource may take: its settings and
    methods, and the attributes ``[client] path_defaults`` gives it (such as ``account_id``)."""
    return CLIENT_ATTRIBUTES | frozenset(config.path_defaults.values())


def _check_configured(target: str, where: Location, op_id: str, taken: frozenset[str]) -> None:
    """Every segment of ``resource[.sub].method`` can be used as written."""
    for index, segment in enumerate(target.split(".")):
        problem = configured_name_problem(segment)
        if problem is None and index == 0 and segment in taken:
            problem = f"the client already has an attribute {segment!r}"
        if problem:
            raise GenerationError.at(where, f"cannot name {op_id!r} {target!r}: {problem}")


def _configured_helpers(config: Config, op_id: str) -> list[tuple[str, Location]]:
    """The helper methods the config gives ``op_id`` (pagination, bulk): name and config line."""
    found = []
    if op_id in config.pagination:
        found.append((config.pagination[op_id].method, config.location("pagination", op_id)))
    if config.bulk is not None and config.bulk.operation_id == op_id:
        found.append((config.bulk.method, config.location("bulk")))
    return found


def _claim_helpers(
    op_id: str, names: NameRegistry, config: Config, path: Path, claimed: set[tuple[Path, str]]
) -> None:
    """The pagination and bulk helper methods the config names must be usable as written and
    free in the resource (``claimed``: those already claimed for their operation)."""
    for extra, where in _configured_helpers(config, op_id):
        problem = configured_name_problem(extra)
        if problem:
            message = f"cannot name the companion of {op_id!r} {extra!r}: {problem}"
            raise GenerationError.at(where, message)
        if (path, extra) in claimed:
            claimed.discard((path, extra))  # once: a second operation naming it collides
        elif not names.claim(extra)[0] == extra:
            raise GenerationError.at(
                where, f"method name {extra!r} is already used in {'.'.join(path)}"
            )


def _unshadow(ops: list[BuiltOperation], names: NameRegistry, config: Config) -> None:
    """A method named like a builtin its class's annotations use (``def list(...)`` beside
    ``-> list[Pet]``) keeps its name: the annotations spell ``builtins.list`` (see
    :class:`~generator.build.typeexpr.Spelled`). A method named like another name they use
    (``date``, ``Any``) would shadow it in the class body: such a derived name takes a trailing
    underscore, and a name the config chose is an error at the config line."""
    used: set[str] = set()
    for built in ops:
        used |= built.spelled.in_class
    for index, built in enumerate(ops):
        op = built.operation
        if op.py_name not in used:
            continue
        if op.operation_id in config.operations:
            message = (
                f"cannot name {op.operation_id!r} {config.operations[op.operation_id]!r}: the "
                f"annotations of its resource class use the name {op.py_name!r}, which the method "
                "would shadow"
            )
            raise GenerationError.at(config.location("operations", op.operation_id), message)
        new, _ = names.claim(op.py_name + "_", op.py_name + "_op")
        message = op.deprecation_message.replace(f".{op.py_name}()", f".{new}()")
        renamed = dataclasses.replace(op, py_name=new, deprecation_message=message)
        ops[index] = dataclasses.replace(built, operation=renamed)


_BUILTINS = frozenset(name for name in dir(builtins) if not name.startswith("_"))


@dataclass
class _Modules:
    """What naming the resource modules needs: the tree, its operations and class names,
    the docs of tags and of the config, and the module names handed out so far."""

    tree: Tree
    operations: dict[Path, list[BuiltOperation]]
    class_names: dict[Path, str]
    resource_docs: dict[str, str]
    tag_docs: dict[str, str]
    names: NameRegistry
    client_attributes: frozenset[str]


def resources(
    tree: Tree,
    operations: dict[Path, list[BuiltOperation]],
    class_names: dict[Path, str],
    config: Config,
    document: dict[str, Any],
) -> tuple[Resource, ...]:
    """The top-level resources, their sub-resources inside."""
    tags = document.get("tags") or []
    tag_docs = {
        str(t.get("name")): str(t.get("description") or "") for t in tags if isinstance(t, dict)
    }
    modules = _Modules(
        tree,
        operations,
        class_names,
        config.resource_docs,
        tag_docs,
        NameRegistry({"__init__"}),
        client_attributes(config),
    )
    return tuple(_resource(modules, path) for path in sorted(tree) if len(path) == 1)


def _resource(modules: _Modules, path: Path) -> Resource:
    children = [_resource(modules, child) for child in _children(modules.tree, path)]
    built = modules.operations.get(path, [])
    ops = [b.operation for b in built]
    tag_doc = next(
        (modules.tag_docs[t] for op in ops for t in op.tags if modules.tag_docs.get(t)), ""
    )
    doc = modules.resource_docs.get(".".join(path)) or tag_doc
    words = "_".join(path)
    module, _ = modules.names.claim(
        module_name(words), module_name(words + "_resource"), case_insensitive=True
    )
    return Resource(
        helpers=_helpers(built)
        | ({"TYPE_CHECKING"} if children else set()),  # sub-resources load lazily
        attr=_attr(path, modules.client_attributes),
        accessor=".".join(
            _attr(path[: i + 1], modules.client_attributes) for i in range(len(path))
        ),
        path=path,
        class_name=modules.class_names[path] + "Resource",
        module=module,
        doc=doc or f"Operations on {' '.join(path)}.",
        operations=tuple(ops),
        children=tuple(children),
    )


def _attr(path: Path, taken: frozenset[str]) -> str:
    """Attribute name of the resource at ``path`` on its parent (the client for top level,
    whose own attributes ``taken`` it keeps clear of)."""
    name = method_name(path[-1])
    if len(path) == 1 and name in taken:
        name += "_"
    return name


def _helpers(ops: list[BuiltOperation]) -> frozenset[str]:
    """What a resource module imports: typing and runtime helpers, and ``models`` (the lazily
    loading models package, as ``MODELS_ALIAS``) when it names any model. No model module itself
    is imported: the module refers to models only through the package."""
    helpers: set[str] = set()
    for built in ops:
        op = built.operation
        helpers |= built.spelled.in_module & IMPORTED_HELPERS
        if op.model_names:
            helpers.add("models")
        if op.pagination is not None:
            helpers.add("PageIterator")
        if op.bulk is not None:
            helpers.add("bulk")
        if any(not p.required and not p.default_from_client for p in op.params):
            helpers.add("NotGiven")
        if op.deprecated:
            helpers.add("deprecated")
    return frozenset(helpers)
