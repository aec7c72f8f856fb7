"""Guesses of how a list operation pages, from its query parameters and response shape.

A guess is only written as a ``[pagination.<operationId>]`` table when the generator can honour
it: a page-number parameter and a size parameter in the query (both integers), and a list of items in the
response (the response itself, or a field of it, or a field of one of its fields). Cursor-only
and offset/limit listings are reported as comments: ``[pagination]`` pages by page number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from generator.ir import Api, Model, Operation, TypeRef

_PAGE = {"page", "pagenumber", "pageno", "pagenum", "pageindex"}
_SIZE = {"perpage", "pagesize", "size", "limit", "pagelimit", "maxresults", "count", "top"}
_CURSOR = {
    "cursor", "startingafter", "after", "pagetoken", "nexttoken", "continuationtoken",
    "continue", "marker", "startcursor", "nextpagetoken", "pagecursor", "pageafter",
}  # fmt: skip
_OFFSET = {"offset", "skip", "start", "startindex"}
_ITEMS = ("data", "items", "results", "result", "records", "entries", "values", "list")
_TOTAL_PAGES = {"totalpages", "pagecount", "pages", "numpages"}
_TOTAL_COUNT = {"totalcount", "total", "totalresults", "totalitems", "totalsize", "totalrecords"}
_NEXT_CURSOR = {
    "nextcursor", "cursor", "nextpagetoken", "nexttoken", "next", "after", "endcursor",
    "continuationtoken", "continue", "nextpage",
}  # fmt: skip


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


@dataclass(frozen=True)
class PagingGuess:
    """How ``operation_id`` seems to page; ``supported`` when ``[pagination]`` can say it."""

    operation_id: str
    style: str  # "page", "cursor" or "offset"
    params: tuple[str, ...]  # the query parameters (wire names) that page it
    items: str | None  # dotted path of the items in the result ("" for the result itself)
    total_pages: str = ""
    total_count: str = ""
    cursor_param: str = ""
    cursor_path: str = ""

    @property
    def supported(self) -> bool:
        return self.style == "page" and self.items is not None


def guess(api: Api, op: Operation) -> PagingGuess | None:
    """The paging of ``op`` (a GET), or ``None`` when its query names no paging parameter."""
    if op.http_method.upper() != "GET":
        return None
    query = {_norm(p.wire_name): p for p in op.params if p.location == "query"}
    numbers = {n: p.wire_name for n, p in query.items() if p.type.kind == "int"}
    page = next((numbers[n] for n in numbers if n in _PAGE), None)
    size = next((numbers[n] for n in numbers if n in _SIZE), None)
    # a "page" that is not a number is a cursor (Stripe's search, OpenAI's usage)
    cursor = next(
        (p.wire_name for n, p in query.items() if n in _CURSOR or (n in _PAGE and not page)),
        None,
    )
    offset = next((numbers[n] for n in numbers if n in _OFFSET), None)
    shape = _Shape(api, op.response.type if op.response else None)
    op_id, items = op.operation_id, shape.items()
    if page and size:
        cursor_path = shape.find_str(_NEXT_CURSOR) if cursor else ""
        return PagingGuess(
            op_id,
            "page",
            (page, size),
            items,
            total_pages=shape.find_int(_TOTAL_PAGES),
            total_count=shape.find_int(_TOTAL_COUNT),
            cursor_param=cursor or "",
            cursor_path=cursor_path,
        )
    if cursor:
        found = shape.find_str(_NEXT_CURSOR)
        return PagingGuess(op_id, "cursor", (cursor,), items, cursor_path=found)
    if offset and size:
        return PagingGuess(op_id, "offset", (offset, size), items)
    return None


class _Shape:
    """The fields of a response, one level of nesting deep."""

    def __init__(self, api: Api, result: TypeRef | None) -> None:
        self.models = {m.name: m for m in api.models}
        self.result = result

    def _model(self, t: TypeRef | None) -> Model | None:
        if t is None or t.kind != "model":
            return None
        model = self.models.get(t.name or "")
        return model if model is not None and model.kind == "object" else None

    def _fields(self) -> list[tuple[str, TypeRef]]:
        """(dotted path, type) of the result's fields and of its fields' fields."""
        top = self._model(self.result)
        if top is None:
            return []
        out: list[tuple[str, TypeRef]] = []
        for f in top.fields:
            out.append((f.wire_name, f.type))
        for f in top.fields:
            inner = self._model(f.type)
            if inner is not None:
                out.extend((f"{f.wire_name}.{g.wire_name}", g.type) for g in inner.fields)
        return out

    def items(self) -> str | None:
        """Where the list of items is: ``""`` for the result, else a dotted path."""
        if self.result is not None and self.result.kind == "list":
            return ""
        lists = [path for path, t in self._fields() if t.kind == "list"]
        for name in _ITEMS:
            for path in lists:
                if _norm(path.rsplit(".", 1)[-1]) == name:
                    return path
        return lists[0] if len(lists) == 1 else None

    def find_int(self, names: set[str]) -> str:
        return self._find(names, {"int", "float"})

    def find_str(self, names: set[str]) -> str:
        return self._find(names, {"str"})

    def _find(self, names: set[str], kinds: set[str]) -> str:
        for path, t in self._fields():
            if t.kind in kinds and _norm(path.rsplit(".", 1)[-1]) in names:
                return path
        return ""
