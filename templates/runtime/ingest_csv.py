"""CSV input of the ingest command: columns named after the item model's fields.

Columns are named after fields, by wire name or snake_case name. An empty cell leaves the field
unset. A field that holds an object or a list of objects is written as JSON in its cell; an
object may instead be spread over dotted columns, one per key (``raw.data``, ``raw.source``). A
list of text is either ``;``-separated or a JSON array. Other cells are passed as text and
converted by validation (dates in ISO 8601, numbers).

The header is checked once against the model: every unknown column is named, with the closest
field. Rows become records with :meth:`CsvLayout.record`.
"""

from __future__ import annotations

import datetime
import difflib
import json
import types
import typing
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

__all__ = ["CellError", "CsvLayout", "csv_conventions"]

Shape = str
"""How a cell is read: ``text`` as is, ``list`` (``;``-separated or a JSON array), ``json``, or
``auto`` (JSON when it starts with ``{`` or ``[``, else text)."""


class CellError(ValueError):
    """A row that cannot become a record (the message names the column)."""


def _unwrap_optional(annotation: Any) -> Any:
    origin = typing.get_origin(annotation)
    if origin is typing.Union or origin is types.UnionType:
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return _unwrap_optional(args[0])
    return annotation


def _model_of(annotation: Any) -> type[BaseModel] | None:
    annotation = _unwrap_optional(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def _shape(annotation: Any) -> Shape:
    annotation = _unwrap_optional(annotation)
    if annotation is Any:
        return "auto"
    if _model_of(annotation) is not None:
        return "json"
    origin = typing.get_origin(annotation)
    if origin is typing.Union or origin is types.UnionType:
        return "auto"
    if origin in (list, set, tuple, frozenset, Sequence):
        args = typing.get_args(annotation)
        return "list" if args and _unwrap_optional(args[0]) is str else "json"
    if origin is dict or annotation is dict:
        return "json"
    return "text"


def _field(model: type[BaseModel], name: str) -> tuple[str, Any] | None:
    """(wire key, annotation) of the field called ``name`` (wire or Python name)."""
    for py_name, info in model.model_fields.items():
        if name == py_name or name == info.alias:
            return info.alias or py_name, info.annotation
    return None


def _closest(model: type[BaseModel], name: str) -> str | None:
    names = [info.alias or py for py, info in model.model_fields.items()]
    names += [py for py, info in model.model_fields.items() if info.alias and info.alias != py]
    found = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
    if not found:
        lowered = {n.lower(): n for n in names}
        found = difflib.get_close_matches(name.lower(), list(lowered), n=1, cutoff=0.6)
        found = [lowered[f] for f in found]
    return found[0] if found else None


@dataclass(frozen=True)
class Column:
    name: str
    keys: tuple[str, ...]
    shape: Shape


def _column(model: type[BaseModel] | None, name: str) -> Column | str:
    """Where a CSV column goes in the record and how its cells are read, or why it cannot be."""
    parts = name.split(".")
    keys: list[str] = []
    shape: Shape = "text"
    for depth, part in enumerate(parts):
        if model is None:  # inside a free-form object (or no model): the rest are plain keys
            keys.extend(parts[depth:])
            return Column(name, tuple(keys), "auto" if shape != "text" else "text")
        found = _field(model, part)
        if found is None:
            closest = _closest(model, part)
            where = ".".join(parts[:depth] + [closest]) if closest else None
            return f"{name!r} (did you mean {where!r}?)" if where else f"{name!r} (no such field)"
        key, annotation = found
        keys.append(key)
        shape = _shape(annotation)
        model = _model_of(annotation)
    return Column(name, tuple(keys), shape)


class CsvLayout:
    """The columns of one CSV header, checked against the item model (``None``: free-form)."""

    def __init__(self, header: Sequence[str], model: type[BaseModel] | None) -> None:
        names = [name.strip() for name in header]
        if any(not name for name in names):
            raise CellError("the CSV header has an empty column name")
        repeated = sorted({name for name in names if names.count(name) > 1})
        if repeated:
            raise CellError(f"the CSV header repeats column(s) {', '.join(map(repr, repeated))}")
        columns = [_column(model, name) for name in names]
        unknown = [column for column in columns if isinstance(column, str)]
        if unknown:
            raise CellError(f"unknown column(s) in the CSV header: {', '.join(unknown)}")
        self.columns = [column for column in columns if isinstance(column, Column)]
        self._order = sorted(range(len(self.columns)), key=lambda i: len(self.columns[i].keys))

    def record(self, row: Sequence[str]) -> dict[str, object]:
        """The record of one data row; raises CellError naming the column."""
        if len(row) > len(self.columns):
            raise CellError(f"{len(row)} values for {len(self.columns)} columns in the header")
        record: dict[str, object] = {}
        for i in self._order:
            if i >= len(row) or row[i] == "":
                continue
            column = self.columns[i]
            target = record
            for key in column.keys[:-1]:
                inner = target.setdefault(key, {})
                if not isinstance(inner, dict):
                    raise CellError(
                        f"column {column.name!r} sets a key inside {key!r}, "
                        "which another column sets to a non-object"
                    )
                target = inner
            value = _cell(column, row[i])
            last = column.keys[-1]
            previous = target.get(last)
            if isinstance(previous, dict) and isinstance(value, dict):
                target[last] = {**value, **previous}
            else:
                target[last] = value
        return record


def _cell(column: Column, text: str) -> object:
    if column.shape == "list" and not text.lstrip().startswith("["):
        return [part.strip() for part in text.split(";") if part.strip()]
    if column.shape in ("list", "json") or (
        column.shape == "auto" and text.lstrip()[:1] in ("{", "[")
    ):
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise CellError(f"column {column.name!r}: invalid JSON: {exc.msg}") from None
    return text


def csv_conventions(model: Any) -> list[tuple[str, str]]:
    """(column, how its cells are written) for every field of the item type."""
    rows: list[tuple[str, str]] = []
    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        return rows
    for py_name, info in model.model_fields.items():
        wire = info.alias or py_name
        nested = _model_of(info.annotation)
        required = " (required)" if info.is_required() else ""
        if nested is not None:
            rows.append((wire, f"JSON object, or one {wire}.<key> column per key{required}"))
            for sub_py, sub in nested.model_fields.items():
                sub_required = f" (required in {wire})" if sub.is_required() else ""
                rows.append((f"{wire}.{sub.alias or sub_py}", _how(sub.annotation) + sub_required))
        else:
            rows.append((wire, _how(info.annotation) + required))
    return rows


def _how(annotation: Any) -> str:
    shape = _shape(annotation)
    if shape == "list":
        return "text list: ';'-separated, or a JSON array"
    if shape == "json":
        inner = _unwrap_optional(annotation)
        return "JSON array" if typing.get_origin(inner) in (list, Sequence) else "JSON object"
    if shape == "auto":
        return "JSON, or text"
    inner = _unwrap_optional(annotation)
    if inner is datetime.datetime:
        return "date-time, ISO 8601"
    if inner is datetime.date:
        return "date, ISO 8601"
    if inner is bool:
        return "true or false"
    if inner in (int, float):
        return "number"
    return "text"
