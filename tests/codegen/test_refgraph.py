"""Strongly connected components order references: dependencies come first."""

from generator.load.refgraph import is_cyclic, strongly_connected_components


def test_acyclic_graph_is_ordered_dependencies_first() -> None:
    graph = {"a": ["b"], "b": ["c"], "c": []}
    assert strongly_connected_components(graph) == [["c"], ["b"], ["a"]]


def test_mutual_recursion_forms_one_component() -> None:
    graph = {"a": ["b"], "b": ["a", "c"], "c": []}
    components = strongly_connected_components(graph)
    assert components[0] == ["c"]
    assert sorted(components[1]) == ["a", "b"]
    assert is_cyclic(components[1], graph)


def test_self_reference_is_cyclic_and_single_node_is_not() -> None:
    graph = {"a": ["a"], "b": []}
    comps = strongly_connected_components(graph)
    assert is_cyclic(["a"], graph)
    assert not is_cyclic(["b"], graph)
    assert sorted(map(tuple, comps)) == [("a",), ("b",)]


def test_deep_chain_does_not_hit_the_recursion_limit() -> None:
    n = 20_000
    graph = {i: [i + 1] for i in range(n)}
    graph[n] = []
    components = strongly_connected_components(graph)
    assert len(components) == n + 1
    assert components[0] == [n]


def test_edges_to_unknown_nodes_are_ignored() -> None:
    assert strongly_connected_components({"a": ["missing"]}) == [["a"]]
