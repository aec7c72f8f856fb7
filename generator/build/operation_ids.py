"""The operations of a document and their operationIds, derived where the document has none.

Decided once, for the builder (:func:`generator.build.operations.collect`) and the change
report (:mod:`generator.release`), which both walk the document with :func:`operation_sites`
and so always agree on every id: which keys of a path item are operations (a path item may
be a ``$ref``), and the id of an operation without ``operationId`` (or with a blank one):
``<method>_<path words>`` (``get /things/{id}`` -> ``get_things_id``), numbered ``_2``,
``_3``... while an explicit operationId anywhere in the document, or an id derived before
it, holds that name.
"""

from __future__ import annotations

import re
from collections.abc import Container, Iterator
from dataclasses import dataclass
from typing import Any

from generator.load.pointers import join_pointer, resolve_pointer

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def derived_operation_id(method: str, path: str, taken: Container[str] = frozenset()) -> str:
    """The operationId of ``method path`` without one: the first of ``get_a_b``,
    ``get_a_b_2``... not in ``taken``."""
    base = f"{method}_{'_'.join(w for w in re.split(r'[^A-Za-z0-9]+', path) if w)}"
    op_id, n = base, 2
    while op_id in taken:
        op_id, n = f"{base}_{n}", n + 1
    return op_id


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
    """Every operation of ``document`` in document order. Explicit operationIds are returned
    as written, duplicates included (the builder reports those); derived ones never collide
    with another id."""
    found = list(_walk(document))
    taken = {op_id for *_, op_id in found if op_id is not None}
    out: list[OperationSite] = []
    for method, path, item_pointer, item, op_id in found:
        if op_id is None:
            op_id = derived_operation_id(method, path, taken)
        taken.add(op_id)
        pointer = join_pointer(item_pointer, method)
        out.append(OperationSite(op_id, method, path, pointer, item[method], item, item_pointer))
    return out


def _walk(document: dict[str, Any]) -> Iterator[tuple[str, str, str, dict[str, Any], str | None]]:
    """(method, path, item pointer, path item, explicit operationId or None) of each operation."""
    for path, item in (document.get("paths") or {}).items():
        if not isinstance(item, dict):
            continue
        item, item_pointer = _path_item(document, path, item)
        for method in HTTP_METHODS:
            node = item.get(method)
            if isinstance(node, dict):
                op_id = node.get("operationId")
                explicit = op_id if isinstance(op_id, str) and op_id.strip() else None
                yield method, path, item_pointer, item, explicit


def _path_item(
    document: dict[str, Any], path: str, item: dict[str, Any]
) -> tuple[dict[str, Any], str]:
    """The path item and where its keys are: a ``$ref`` (components/pathItems) is followed,
    keys beside it win."""
    ref = item.get("$ref")
    if isinstance(ref, str) and ref.startswith("#"):
        try:
            target = resolve_pointer(document, ref[1:])
        except KeyError:
            target = None
        if isinstance(target, dict):
            return {**target, **{k: v for k, v in item.items() if k != "$ref"}}, ref[1:]
    return item, join_pointer("/paths", path)
