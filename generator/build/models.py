"""Model drafts -> final IR models, grouped into modules by strongly connected components.

Usage decides strictness: a model reached only from request bodies forbids unknown
keys and keeps enums closed (a typo fails before anything is sent); a model reached
from any response keeps unknown keys and accepts enum values added later, so a new
field or value from the API never breaks an old client.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from generator.build.naming import NameRegistry, module_name
from generator.build.registry import FieldDraft, ModelDraft
from generator.build.typeexpr import Expr, optional, type_expr
from generator.escape import py_literal
from generator.ir import Field, Model, ModelModule, TypeRef
from generator.load.refgraph import is_cyclic, strongly_connected_components


def deps_of(draft: ModelDraft) -> list[str]:
    names: set[str] = set()
    for f in draft.fields:
        names |= f.type.models()
    if draft.alias_type is not None:
        names |= draft.alias_type.models()
    if isinstance(draft.additional, TypeRef):
        names |= draft.additional.models()
    names.discard("")
    return sorted(names)


def usage(
    drafts: dict[str, ModelDraft], roots: Iterable[tuple[TypeRef, str]]
) -> dict[str, set[str]]:
    """Which of "request"/"response" reaches each model."""
    found: dict[str, set[str]] = {name: set() for name in drafts}
    stack: list[tuple[str, str]] = []
    for t, kind in roots:
        stack.extend((name, kind) for name in t.models())
    while stack:
        name, kind = stack.pop()
        if name not in drafts or kind in found[name]:
            continue
        found[name].add(kind)
        stack.extend((dep, kind) for dep in deps_of(drafts[name]))
    return found


def finalize(
    drafts: dict[str, ModelDraft], usages: dict[str, set[str]]
) -> tuple[list[Model], list[ModelModule]]:
    """The models of every draft, and the modules they are grouped into."""
    module_of_owner = _module_of_owner(drafts)
    models: dict[str, Model] = {}
    helpers: dict[str, frozenset[str]] = {}  # typing helpers each model's annotations need
    for name, draft in drafts.items():
        models[name], helpers[name] = _final(
            draft, module_of_owner[draft.owner], usages.get(name, set())
        )
    _mark_recursive_aliases(drafts, models)
    by_module: dict[str, list[str]] = {}
    for name in drafts:
        by_module.setdefault(models[name].module, []).append(name)
    modules = [
        _module(module, by_module[module], drafts, models, usages, helpers)
        for module in sorted(by_module)
    ]
    return [models[n] for n in sorted(models)], modules


def _module_of_owner(drafts: dict[str, ModelDraft]) -> dict[str, str]:
    """Models are grouped by owner (component or operation); owners that refer to each other
    in a cycle share a module, named after the first of them."""
    owners: dict[str, list[str]] = {}
    for name, draft in drafts.items():
        owners.setdefault(draft.owner, []).append(name)
    owner_graph: dict[str, list[str]] = {}
    for owner, names in owners.items():
        targets: list[str] = []
        for name in names:
            for dep in deps_of(drafts[name]):
                dep_owner = drafts[dep].owner if dep in drafts else None
                if dep_owner and dep_owner != owner and dep_owner not in targets:
                    targets.append(dep_owner)
        owner_graph[owner] = targets
    registry = NameRegistry({"__init__"})
    module_of_owner: dict[str, str] = {}
    for component in strongly_connected_components(owner_graph):
        first = min(component)
        module, _ = registry.claim(
            module_name(first), module_name(first) + "_models", case_insensitive=True
        )
        for owner in component:
            module_of_owner[owner] = module
    return module_of_owner


def _mark_recursive_aliases(drafts: dict[str, ModelDraft], models: dict[str, Model]) -> None:
    """Aliases whose expansion reaches themselves through aliases only (a JSON-value type, say)
    cannot be plain assignments: they become ``TypeAliasType``s that pydantic and mypy resolve
    lazily."""
    aliases = [n for n in drafts if drafts[n].kind == "alias"]
    alias_graph = {
        n: [d for d in deps_of(drafts[n]) if d in drafts and drafts[d].kind == "alias"]
        for n in aliases
    }
    for component in strongly_connected_components(alias_graph):
        if is_cyclic(component, alias_graph):
            for n in component:
                models[n] = replace(models[n], recursive=True)


def _module(
    module: str,
    members: list[str],
    drafts: dict[str, ModelDraft],
    models: dict[str, Model],
    usages: dict[str, set[str]],
    helpers: dict[str, frozenset[str]],
) -> ModelModule:
    """One module: its models in dependency order, what it imports from the others."""
    names = _topological(sorted(members), drafts)
    local = set(names)
    graph = {n: [d for d in deps_of(drafts[n]) if d in local] for n in names}
    ordered = _forward_references(names, graph, models)
    imports: dict[str, set[str]] = {}
    for n in names:
        for dep in deps_of(drafts[n]):
            if dep not in local:
                imports.setdefault(models[dep].module, set()).add(dep)
    uses: set[str] = set()
    for model in ordered:
        uses |= helpers[model.name] | _base_names(model)
    return ModelModule(
        name=module,
        models=tuple(ordered),
        imports=tuple((m, tuple(sorted(ns))) for m, ns in sorted(imports.items())),
        needs_rebuild=any(is_cyclic(c, graph) for c in strongly_connected_components(graph)),
        uses=frozenset(uses),
    )


def _forward_references(
    names: list[str],
    graph: dict[str, list[str]],
    models: dict[str, Model],
) -> list[Model]:
    """The module's models in order. An alias naming a model defined after it (in a cycle:
    DataDog's processors) cannot be a plain assignment, where ``A | "B"`` raises TypeError at
    import: it becomes a TypeAliasType, whose value pydantic and mypy resolve lazily."""
    defined: set[str] = set()
    ordered: list[Model] = []
    for n in names:
        model = models[n]
        if model.kind == "alias" and model.alias_type is not None and not model.recursive:
            if any(d not in defined for d in graph[n]):
                model = models[n] = replace(model, recursive=True)
        defined.add(n)
        ordered.append(model)
    return ordered


def _base_names(model: Model) -> set[str]:
    """The pydantic and runtime names a model's definition uses."""
    uses: set[str] = set()
    if any(f.py_name != f.wire_name for f in model.fields):
        uses.add("Field")
    if model.extra == "ignore":
        uses.add("ConfigDict")
    if model.kind == "object":
        uses.add("RequestModel" if model.extra == "forbid" else "APIModel")
    if model.kind == "alias" and model.recursive:
        uses.add("TypeAliasType")
    return uses


def _topological(names: list[str], drafts: dict[str, ModelDraft]) -> list[str]:
    """Dependencies first (iterative DFS post-order); stable for a sorted input."""
    local = set(names)
    out: list[str] = []
    state: dict[str, int] = {}
    for root in names:
        if root in state:
            continue
        stack: list[tuple[str, list[str]]] = [
            (root, [d for d in deps_of(drafts[root]) if d in local])
        ]
        state[root] = 1
        while stack:
            node, pending = stack[-1]
            if pending:
                nxt = pending.pop(0)
                if nxt not in state:
                    state[nxt] = 1
                    stack.append((nxt, [d for d in deps_of(drafts[nxt]) if d in local]))
                continue
            stack.pop()
            state[node] = 2
            out.append(node)
    return out


def _final(draft: ModelDraft, module: str, used: set[str]) -> tuple[Model, frozenset[str]]:
    """The model of ``draft`` and the typing helpers its annotations need."""
    response = "response" in used or not used
    if draft.kind == "alias":
        assert draft.alias_type is not None
        aliased = type_expr(draft.alias_type, open_enums=response)
        model = Model(
            kind="alias",
            name=draft.name,
            module=module,
            doc=_with_notes(draft.doc, draft.alias_type),
            pointer=draft.pointer,
            annotation=aliased.text,
            alias_type=draft.alias_type,
            usage=frozenset(used),
            deps=tuple(deps_of(draft)),
        )
        return model, aliased.helpers
    return _object_model(draft, module, used, response)


def _object_model(
    draft: ModelDraft, module: str, used: set[str], response: bool
) -> tuple[Model, frozenset[str]]:
    annotations = [type_expr(f.type, open_enums=response) for f in draft.fields]
    extra_keys = (
        type_expr(draft.additional, open_enums=response)
        if isinstance(draft.additional, TypeRef)
        else None
    )
    # a field may not share its name with a type its model's annotations use
    # (the class namespace would shadow the type): ``date: date`` -> ``date_: date``
    spelled = {"None"}.union(
        *(a.names for a in annotations), extra_keys.names if extra_keys else ()
    )
    taken = {f.py_name for f in draft.fields}
    fields = [
        _field(f, a, spelled, taken, used) for f, a in zip(draft.fields, annotations, strict=True)
    ]
    if draft.additional is False:
        extra = "ignore" if response else "forbid"
    elif response or draft.additional is not None:
        extra = "allow"
    else:
        extra = "forbid"  # request-only, extra keys unsaid: a misspelt key fails before sending
    helpers = frozenset().union(*(a.helpers for a in annotations))
    if extra == "allow" and extra_keys is not None:
        helpers |= extra_keys.helpers
    deps = tuple(deps_of(draft))
    model = Model(
        kind="object",
        name=draft.name,
        module=module,
        doc=draft.doc,
        pointer=draft.pointer,
        fields=tuple(fields),
        extra=extra,  # type: ignore[arg-type]
        extra_annotation=extra_keys.text if extra_keys is not None and extra == "allow" else None,
        usage=frozenset(used),
        deps=deps,
        recursive=draft.name in deps,
    )
    return model, helpers


def _field(
    f: FieldDraft, annotated: Expr, spelled: set[str], taken: set[str], used: set[str]
) -> Field:
    py_name = f.py_name
    while py_name in spelled or (py_name != f.py_name and py_name in taken):
        py_name += "_"
    # OpenAPI: a required readOnly property is required in responses only, a required
    # writeOnly one in requests only -- a model used both ways cannot demand either
    required = (
        f.required
        and not (f.read_only and "request" in used)
        and not (f.write_only and "response" in used)
    )
    default: str | None
    if required:
        default = None
    elif (
        f.has_default and isinstance(f.default, (str, int, float, bool)) and f.type.kind != "model"
    ):
        default = py_literal(f.default)
    else:
        default = "None"
        if not f.type.nullable and f.type.kind not in ("any", "none"):
            annotated = optional(annotated)
    return Field(
        py_name=py_name,
        wire_name=f.wire_name,
        type=f.type,
        annotation=annotated.text,
        required=required,
        default=default,
        doc=_with_notes(f.doc, f.type),
        deprecated=f.deprecated,
        read_only=f.read_only,
        write_only=f.write_only,
    )


def _with_notes(doc: str, t: TypeRef) -> str:
    """The docstring, plus why the type is looser than the schema (a member typed Any, say)."""
    notes = t.notes()
    if not notes:
        return doc
    loose = "Loosely typed: " + "; ".join(notes) + "."
    return f"{doc}\n\n{loose}" if doc else loose
