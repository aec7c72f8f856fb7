"""Schemas that contain themselves with nothing in between: a located error.

A schema may refer to itself through a property or an array's items (a tree: each level is a
new object or list). Through ``$ref``, ``allOf``, ``oneOf`` and ``anyOf`` alone it cannot: ``A =
allOf[B]``, ``B = allOf[A]`` merges a schema into itself, ``A = B | str``, ``B = A | int`` is a
union that is an item of itself. Such a cycle is refused here, once, in the bundled document,
so that no later stage has to follow it (merging ``allOf`` would recurse without end).
"""

from __future__ import annotations

from generator.diagnostics import GenerationError
from generator.load.bundling import walked_keys
from generator.load.pointers import JSON, join_pointer
from generator.load.refgraph import is_cyclic, strongly_connected_components
from generator.load.sources import SourceMap

COMPOSITIONS = ("allOf", "oneOf", "anyOf")


def check_composition_cycles(document: dict[str, JSON], sources: SourceMap) -> None:
    """Raise :class:`GenerationError` at the first schema of a cycle through ``$ref`` and the
    composition keywords."""
    graph = _composition_graph(document)
    cycles = [c for c in strongly_connected_components(graph) if is_cyclic(c, graph)]
    if not cycles:
        return
    first = min(min(c) for c in cycles)
    component = next(c for c in cycles if first in c)
    path = " -> ".join(_named(_path_back(first, set(component), graph)))
    raise GenerationError.at(
        sources.locate(first),
        f"schema cycle through $ref/allOf/oneOf/anyOf ({path}): a schema cannot contain "
        "itself without an object property or array items in between",
    )


def _path_back(first: str, component: set[str], graph: dict[str, list[str]]) -> list[str]:
    """The pointers from ``first`` along the cycle back to it (breadth first: a shortest one)."""
    came_from: dict[str, str] = {}
    queue = [first]
    while queue:
        node = queue.pop(0)
        for successor in graph.get(node, ()):
            if successor == first:
                path = [node]
                while path[-1] != first:
                    path.append(came_from[path[-1]])
                return [*reversed(path), first]
            if successor in component and successor not in came_from:
                came_from[successor] = node
                queue.append(successor)
    return [first, first]  # not reached: ``first`` is on a cycle


def _named(pointers: list[str]) -> list[str]:
    """The schemas of a cycle as a reader names them: components by name, the composition
    items that lead from one to the next left out."""
    named = []
    for pointer in pointers:
        head, _, index = pointer.rpartition("/")
        if index.isdigit() and head.rsplit("/", 1)[-1] in COMPOSITIONS:
            continue
        prefix = "/components/schemas/"
        named.append(pointer[len(prefix) :] if pointer.startswith(prefix) else pointer)
    return named


def _composition_graph(document: JSON) -> dict[str, list[str]]:
    """Pointer of each object holding ``$ref`` or a composition -> the pointers it stands for."""
    graph: dict[str, list[str]] = {}
    stack: list[tuple[JSON, list[str | int]]] = [(document, [])]
    seen: set[int] = set()  # YAML aliases share objects: visit each once
    while stack:
        node, where = stack.pop()
        if isinstance(node, list):
            stack.extend((item, [*where, i]) for i, item in enumerate(node))
            continue
        if not isinstance(node, dict) or id(node) in seen:
            continue
        seen.add(id(node))
        edges = _edges(node, join_pointer("", *where))
        if edges:
            graph.setdefault(join_pointer("", *where), []).extend(edges)
        stack.extend((node[key], [*where, key]) for key in walked_keys(node, where))
    return graph


def _edges(node: dict[str, JSON], pointer: str) -> list[str]:
    edges = []
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#"):
        edges.append(ref[1:] or "")
    for key in COMPOSITIONS:
        items = node.get(key)
        if isinstance(items, list):
            edges.extend(join_pointer(pointer, key, i) for i in range(len(items)))
    return edges
