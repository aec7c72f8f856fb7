"""The operations of a document and their operationIds, derived where the document has none.

Decided once, for the generator and for the change report (:mod:`generator.release`):
which keys of a path item are operations (a path item may be a ``$ref``), and the id of an
operation without ``operationId``: ``<method>_<path words>`` (``get_events_dataset_id``),
numbered (``_2``, ``_3``...) while it equals an explicit id or one derived before it.
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
class DocumentOperation:
    """An operation as the document has it, with its operationId (explicit or derived)."""

    operation_id: str
    method: str
    path: str
    pointer: str  # of the operation object
    item_pointer: str  # where the path item's own keys are (a $ref'd path item lives elsewhere)
    node: dict[str, Any]
    path_item: dict[str, Any]  # the path item, a $ref resolved


def document_operations(document: dict[str, Any]) -> list[DocumentOperation]:
    """Every operation in document order. Explicit ids are kept as written (duplicates
    included: the generator refuses them); derived ones are unique."""
    found = list(_walk(document))
    taken = {op_id for *_, op_id in found if op_id is not None}
    out: list[DocumentOperation] = []
    for method, path, item_pointer, item, op_id in found:
        if op_id is None:
            op_id = derived_operation_id(method, path, taken)
        taken.add(op_id)
        pointer = join_pointer(item_pointer, method)
        out.append(
            DocumentOperation(op_id, method, path, pointer, item_pointer, item[method], item)
        )
    return out


def operation_ids(document: dict[str, Any]) -> set[str]:
    """Every operationId of a document, derived ones included."""
    return {op.operation_id for op in document_operations(document)}


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
