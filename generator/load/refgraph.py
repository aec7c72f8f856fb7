"""A directed graph of references and its strongly connected components.

Used twice: by the loader, to reject ``$ref`` chains that only point at each other,
and by the IR builder, to group mutually recursive schemas into one module and to
order modules so that every import points at a module that is already complete.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from typing import TypeVar

N = TypeVar("N", bound=Hashable)


def strongly_connected_components(graph: Mapping[N, Iterable[N]]) -> list[list[N]]:
    """Tarjan's algorithm, iterative (deep graphs must not hit the recursion limit).

    Components come out in reverse topological order: a component appears after every
    component it points to, so emitting them in this order defines dependencies
    before their users. Within a component nodes keep the graph's iteration order,
    and nodes are visited in that order too, so the result is deterministic for a
    deterministically ordered mapping.
    """
    index: dict[N, int] = {}
    low: dict[N, int] = {}
    on_stack: set[N] = set()
    stack: list[N] = []
    result: list[list[N]] = []
    counter = 0
    order = {node: i for i, node in enumerate(graph)}

    for root in graph:
        if root in index:
            continue
        work: list[tuple[N, list[N], int]] = [(root, _successors(graph, root), 0)]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, succ, i = work[-1]
            if i < len(succ):
                work[-1] = (node, succ, i + 1)
                nxt = succ[i]
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, _successors(graph, nxt), 0))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component: list[N] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                component.sort(key=lambda n: order.get(n, len(order)))
                result.append(component)
    return result


def _successors(graph: Mapping[N, Iterable[N]], node: N) -> list[N]:
    return [n for n in graph.get(node, ()) if n in graph]


def is_cyclic(component: list[N], graph: Mapping[N, Iterable[N]]) -> bool:
    """True when the component is a real cycle (several nodes, or one that points at itself)."""
    if len(component) > 1:
        return True
    node = component[0]
    return node in set(graph.get(node, ()))
