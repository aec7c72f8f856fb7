"""Model drafts -> final IR models, grouped into modules by strongly connected components.

Usage decides strictness: a model reached only from request bodies forbids unknown
keys and keeps enums closed (a typo fails before anything is sent); a model reached
from any response keeps unknown keys and accepts enum values added later, so a new
field or value from the API never breaks an old client.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from generator.escape import py_literal
from generator.ir import Field, Model, ModelModule, TypeRef
from generator.build.naming import NameRegistry, module_name
from generator.load.refgraph import is_cyclic, strongly_connected_components
from generator.build.schemas import ModelDraft
from generator.build.typeexpr import annotation, helpers_used


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


def usage(drafts: dict[str, ModelDraft], roots: Iterable[tuple[TypeRef, str]]) -> dict[str, set[str]]:
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


def finalize(drafts: dict[str, ModelDraft], usages: dict[str, set[str]]) -> tuple[list[Model], list[ModelModule]]:
    # --- module grouping: owners, then SCCs of the owner graph
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
    components = strongly_connected_components(owner_graph)
    for component in components:
        first = sorted(component, key=lambda o: (o != drafts[owners[o][0]].owner, o))[0]
        module, _ = registry.claim(module_name(first), module_name(first) + "_models", case_insensitive=True)
        for owner in component:
            module_of_owner[owner] = module

    models: dict[str, Model] = {}
    for name, draft in drafts.items():
        module = module_of_owner[draft.owner]
        used = usages.get(name, set())
        models[name] = _final(draft, module, used)

    # aliases whose expansion reaches themselves through aliases only (a JSON-value type, say)
    # cannot be plain assignments: they become ``TypeAliasType``s that pydantic and mypy resolve lazily
    alias_graph = {n: [d for d in deps_of(drafts[n]) if d in drafts and drafts[d].kind == "alias"] for n in drafts if drafts[n].kind == "alias"}
    for component in strongly_connected_components(alias_graph):
        if is_cyclic(component, alias_graph):
            for n in component:
                models[n] = Model(**{**models[n].__dict__, "recursive": True})

    modules: list[ModelModule] = []
    by_module: dict[str, list[str]] = {}
    for name in drafts:
        by_module.setdefault(models[name].module, []).append(name)
    for module in sorted(by_module):
        names = _topological(sorted(by_module[module]), drafts)
        local = set(names)
        graph = {n: [d for d in deps_of(drafts[n]) if d in local] for n in names}
        cyclic = any(is_cyclic(c, graph) for c in strongly_connected_components(graph))
        defined: set[str] = set()
        ordered: list[Model] = []
        for n in names:
            model = models[n]
            if model.kind == "alias" and model.alias_type is not None and not model.recursive:
                # a name defined later in the module (a model that uses this alias, in a cycle)
                # cannot stand in a plain assignment: ``A | "B"`` raises TypeError at import;
                # a TypeAliasType's value is resolved lazily, when pydantic or mypy needs it
                if any(d not in defined for d in graph[n]):
                    model = Model(**{**model.__dict__, "recursive": True})
                    models[n] = model
            defined.add(n)
            ordered.append(model)
        imports: dict[str, set[str]] = {}
        for n in names:
            for dep in deps_of(drafts[n]):
                if dep not in local:
                    imports.setdefault(models[dep].module, set()).add(dep)
        uses: set[str] = set()
        for model in ordered:
            if any(f.py_name != f.wire_name for f in model.fields):
                uses.add("Field")
            if model.extra == "ignore":
                uses.add("ConfigDict")
            if model.kind == "object":
                uses.add("RequestModel" if model.extra == "forbid" else "APIModel")
            if model.kind == "alias" and model.recursive:
                uses.add("TypeAliasType")
            texts = [f.annotation for f in model.fields] + [model.annotation, model.extra_annotation or ""]
            for f in model.fields:
                if f.default is not None:
                    texts.append(f.default)
            for text in texts:
                uses |= helpers_used(text)
        modules.append(
            ModelModule(
                name=module,
                models=tuple(ordered),
                imports=tuple((m, tuple(sorted(ns))) for m, ns in sorted(imports.items())),
                needs_rebuild=cyclic,
                uses=frozenset(uses),
            )
        )
    return [models[n] for n in sorted(models)], modules


def _no_strings(text: str) -> str:
    return re.sub(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"", "''", text)


def _topological(names: list[str], drafts: dict[str, ModelDraft]) -> list[str]:
    """Dependencies first (iterative DFS post-order); stable for a sorted input."""
    local = set(names)
    out: list[str] = []
    state: dict[str, int] = {}
    for root in names:
        if root in state:
            continue
        stack: list[tuple[str, list[str]]] = [(root, [d for d in deps_of(drafts[root]) if d in local])]
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


def _final(draft: ModelDraft, module: str, used: set[str]) -> Model:
    response = "response" in used or not used
    deps = tuple(deps_of(draft))
    if draft.kind == "alias":
        assert draft.alias_type is not None
        return Model(
            kind="alias",
            name=draft.name,
            module=module,
            doc=_with_notes(draft.doc, draft.alias_type),
            pointer=draft.pointer,
            annotation=annotation(draft.alias_type, open_enums=response),
            alias_type=draft.alias_type,
            usage=frozenset(used),
            deps=deps,
        )
    fields = []
    # a field may not share its name with a type its model's annotations use
    # (the class namespace would shadow the type): ``date: date`` -> ``date_: date``
    texts = [annotation(f.type, open_enums=response) for f in draft.fields]  # as written below
    if isinstance(draft.additional, TypeRef):
        texts.append(annotation(draft.additional, open_enums=response))
    used_names = {name for text in texts for name in re.findall(r"[A-Za-z_]\w*", _no_strings(text))} | {"None"}
    taken = {f.py_name for f in draft.fields}
    for f in draft.fields:
        py_name = f.py_name
        while py_name in used_names or (py_name != f.py_name and py_name in taken):
            py_name += "_"
        text = annotation(f.type, open_enums=response)
        # OpenAPI: a required readOnly property is required in responses only, a required
        # writeOnly one in requests only -- a model used both ways cannot demand either
        required = f.required and not (f.read_only and "request" in used) and not (f.write_only and "response" in used)
        default: str | None
        if required:
            default = None
        elif f.has_default and isinstance(f.default, (str, int, float, bool)) and f.type.kind != "model":
            default = py_literal(f.default)
        else:
            default = "None"
            if not f.type.nullable and f.type.kind not in ("any", "none"):
                text = f"{text} | None"
        fields.append(
            Field(
                py_name=py_name,
                wire_name=f.wire_name,
                type=f.type,
                annotation=text,
                required=required,
                default=default,
                doc=_with_notes(f.doc, f.type),
                deprecated=f.deprecated,
                read_only=f.read_only,
                write_only=f.write_only,
            )
        )
    extra_annotation = None
    if isinstance(draft.additional, TypeRef):
        extra_annotation = annotation(draft.additional, open_enums=response)
    if draft.additional is False:
        extra = "ignore" if response else "forbid"
    elif response or draft.additional is not None:
        extra = "allow"
    else:
        extra = "forbid"  # request-only, extra keys unsaid: a misspelt key fails before sending
    return Model(
        kind="object",
        name=draft.name,
        module=module,
        doc=draft.doc,
        pointer=draft.pointer,
        fields=tuple(fields),
        extra=extra,  # type: ignore[arg-type]
        extra_annotation=extra_annotation if extra == "allow" else None,
        usage=frozenset(used),
        deps=deps,
        recursive=draft.name in deps,
    )


def _with_notes(doc: str, t: TypeRef) -> str:
    """The docstring, plus why the type is looser than the schema (a member typed Any, say)."""
    notes = t.notes()
    if not notes:
        return doc
    loose = "Loosely typed: " + "; ".join(notes) + "."
    return f"{doc}\n\n{loose}" if doc else loose
