"""The operations of a document and the operationId of each, derived when the document has none.

An operation without an operationId (or with a blank one) is named ``<method>_<path words>``
(``get /things/{id}`` -> ``get_things_id``), followed by ``_2``, ``_3``... when an explicit
operationId or an earlier operation already holds that name. The builder
(:func:`generator.build.operations.collect`) and the change report (:mod:`generator.release`)
both walk the document with :func:`operation_sites`, so the two always agree on every id.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from generator.load.pointers import join_pointer, resolve_pointer

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@dataclass(frozen=True)
class OperationSite:
    """Where an operation is in the document, and its operationId (explicit or derived)."""

    operation_id: str
    method: str
    path: str
    pointer: str  # of the operation object
    node: dict[str, Any]
    path_item: dict[str, Any]  # with the keys of the path item a ``$ref`` names
    item_pointer: str  # where the path item's own keys are (a $ref'd path item lives elsewhere)


def operation_sites(document: dict[str, Any]) -> list[OperationSite]:
    """Every operation of ``document`` in document order.

    Explicit operationIds are returned as written, duplicates included (the builder
    reports those); derived ones never collide with another id.
    """
    paths = document.get("paths") or {}
    explicit = {
        o.get("operationId")
        for i in paths.values()
        if isinstance(i, dict)
        for o in i.values()
        if isinstance(o, dict)
    }
    taken: set[str] = set()
    found: list[OperationSite] = []
    for path, item in paths.items():
        if not isinstance(item, dict):
            continue
        item, item_pointer = _path_item(document, path, item)
        for method in HTTP_METHODS:
            node = item.get(method)
            if not isinstance(node, dict):
                continue
            op_id = node.get("operationId")
            if not isinstance(op_id, str) or not op_id.strip():
                op_id = _derived(method, path, taken, explicit)
            taken.add(op_id)
            pointer = join_pointer(item_pointer, method)
            found.append(OperationSite(op_id, method, path, pointer, node, item, item_pointer))
    return found


def _path_item(
    document: dict[str, Any], path: str, item: dict[str, Any]
) -> tuple[dict[str, Any], str]:
    """The path item with the keys of the one its ``$ref`` names (components/pathItems),
    and where its keys are."""
    item_pointer = join_pointer("/paths", path)
    ref = item.get("$ref")
    if isinstance(ref, str) and ref.startswith("#"):
        try:
            target = resolve_pointer(document, ref[1:])
        except KeyError:
            target = None
        if isinstance(target, dict):
            return {**target, **{k: v for k, v in item.items() if k != "$ref"}}, ref[1:]
    return item, item_pointer


def _derived(method: str, path: str, taken: set[str], explicit: set[Any]) -> str:
    derived = f"{method}_{'_'.join(w for w in re.split(r'[^A-Za-z0-9]+', path) if w)}"
    op_id, n = derived, 2
    while op_id in taken or op_id in explicit:
        op_id, n = f"{derived}_{n}", n + 1
    return op_id
