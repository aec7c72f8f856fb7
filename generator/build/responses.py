"""Responses -> what a method returns: status codes, how bodies are read, envelope, pagination.

The 2xx responses (else ``default``) are the success: their types merge into one return
type (nullable when some carry no body); the others are error responses. How the runtime
reads each success body (JSON, text or bytes; the ``Accept`` header) becomes Endpoint
keywords. Whether the runtime unwraps the API's envelope, and the item type of a paginated
list, are decided from the return type. A response key that is not a status code (``100`` to
``599``, ``1XX`` to ``5XX`` or ``default``) is ignored with a warning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from generator.build.media import body_encoding, is_json
from generator.build.naming import class_name, status_suffix
from generator.build.operation_ids import OperationSite
from generator.build.registry import SchemaRegistry
from generator.build.typeexpr import Spelled, annotation, type_expr
from generator.diagnostics import GenerationError
from generator.ir import MODELS_ALIAS, Pagination, Param, Response, TypeRef
from generator.load.config import Config
from generator.load.pointers import join_pointer, split_pointer

STATUS_KEY = re.compile(r"^(?:[1-5][0-9][0-9]|[1-5]XX|default)$", re.IGNORECASE)


@dataclass(frozen=True)
class Responses:
    """What an operation answers: ``success`` (several 2xx merged) is what the method returns;
    ``reading`` says how the runtime reads success bodies (Endpoint keywords)."""

    success: Response | None
    errors: tuple[Response, ...]
    codes: tuple[int, ...]
    reading: dict[str, Any]
    every_success: tuple[Response, ...]


@dataclass(frozen=True)
class _Read:
    """One response: its type, and how its body is read ("json", "text", "bytes"; "empty"
    without a body) with which media types."""

    status: str
    type: TypeRef | None
    description: str
    format: str
    media: str | None

    def response(self) -> Response:
        shown = annotation(self.type, open_enums=True) if self.type else "None"
        return Response(self.status, self.description, self.type, shown)


def responses(registry: SchemaRegistry, site: OperationSite, context: str) -> Responses:
    """The responses of an operation (``context``: the class name inline schemas are named after)."""
    entries = (site.node.get("responses") or {}).items()
    read = [
        _read(registry, site, context, str(status), entry)
        for status, entry in entries
        if _is_status(registry, site, str(status))
    ]
    success = [r for r in read if _is_success(r.status)]
    redirects: list[_Read] = []
    if not success:  # the default response is the success
        success = [r for r in read if r.status == "default"]
    if not success:  # else a redirect the document describes as the answer (Twilio's 307 with
        # `redirect_to`): the client does not follow redirects, so that body is what it reads
        success = redirects = [r for r in read if r.status.isdigit() and 300 <= int(r.status) < 400]
    errors = tuple(r.response() for r in read if not _is_success(r.status) and r not in redirects)
    codes = tuple(sorted(int(r.status) for r in success if r.status.isdigit())) or (200,)
    if not success:
        return Responses(None, errors, codes, {}, ())
    every = tuple(r.response() for r in success)
    types = [r.type for r in success if r.type is not None]
    first = success[0]
    if not types:
        return Responses(
            Response(first.status, first.description, None, "None"), errors, codes, {}, every
        )
    distinct: list[TypeRef] = []
    for t in types:
        if t not in distinct:
            distinct.append(t)
    t = distinct[0] if len(distinct) == 1 else TypeRef("union", args=tuple(distinct))
    if len(types) < len(success):  # some 2xx carry no body
        t = replace(t, nullable=True)
    shown = annotation(t, open_enums=True)
    return Responses(
        Response(first.status, first.description, t, shown), errors, codes, _reading(success), every
    )


def _is_status(registry: SchemaRegistry, site: OperationSite, status: str) -> bool:
    if STATUS_KEY.match(status):
        return True
    message = f"response key {status!r} is not a status code (100-599, 1XX-5XX or default); ignored"
    registry.warn(join_pointer(site.pointer, "responses", status), message)
    return False


def _is_success(status: str) -> bool:
    return status.startswith("2") or status.upper() == "2XX"


def _read(
    registry: SchemaRegistry, site: OperationSite, context: str, status: str, entry: Any
) -> _Read:
    pointer = join_pointer(site.pointer, "responses", status)
    resolved, resolved_pointer = registry.deref(entry, pointer)
    resolved = resolved if isinstance(resolved, dict) else {}
    description = str(resolved.get("description") or "").strip()
    t, fmt, media = _body_type(registry, resolved, resolved_pointer, context, status)
    return _Read(status, t, description, fmt, media)


def _body_type(
    registry: SchemaRegistry, response: dict[str, Any], pointer: str, context: str, status: str
) -> tuple[TypeRef | None, str, str | None]:
    """The body's type, how it is read and its media type(s, newline-separated)."""
    content = response.get("content") or {}
    if not isinstance(content, dict) or not content:
        return None, "empty", None
    media = next((m for m in content if is_json(m)), None)
    if media is None:
        media = next(iter(content))
        text = body_encoding(media) in ("text", "form")
        # every media type read the same way is acceptable (image/png and image/jpeg, say)
        same = "\n".join(m for m in content if (body_encoding(m) in ("text", "form")) == text)
        if text:
            return TypeRef("str", pointer=pointer), "text", same
        return TypeRef("bytes", pointer=pointer), "bytes", same
    schema = (content.get(media) or {}).get("schema")
    if schema is None:
        return TypeRef("any", pointer=pointer), "json", media
    resolved, _ = registry.deref(schema, pointer)
    if (
        media.startswith("*/*")
        and isinstance(resolved, dict)
        and resolved.get("format") == "binary"
    ):
        return TypeRef("bytes", pointer=pointer), "bytes", media  # "anything", declared binary
    hint, owner = context + status_suffix(status), context
    if pointer.startswith("/components/responses/") and pointer.count("/") == 3:
        hint = owner = class_name(split_pointer(pointer)[-1])  # a named response: its own name
    schema_pointer = join_pointer(pointer, "content", media, "schema")
    return registry.type_of(schema, schema_pointer, hint, owner), "json", media


def _reading(success: list[_Read]) -> dict[str, Any]:
    """Endpoint keywords for reading success bodies that are not all JSON."""
    reading: dict[str, Any] = {}
    default_format = next(r.format for r in success if r.type is not None)
    if default_format != "json":
        reading["response_format"] = default_format
    per_status = {
        int(r.status): r.format
        for r in success
        if r.status.isdigit() and r.format != default_format
    }
    if per_status:
        reading["status_formats"] = per_status
    medias = [m for r in success if r.media for m in r.media.split("\n")]
    if any(not is_json(m) for m in medias) or any(r.format in ("text", "bytes") for r in success):
        reading["accept"] = ", ".join(dict.fromkeys(medias))
    return reading


def unwraps_envelope(registry: SchemaRegistry, config: Config, result: TypeRef | None) -> bool:
    """Whether the runtime takes the ``result`` out of the API's envelope. A declared body with
    envelope keys of its own (WrappedSuccess, or a result with ``success`` and ``errors``) is
    what the runtime would mistake for the envelope: it is returned whole."""
    envelope = config.envelope
    if envelope is None:
        return False
    if result is None or result.kind != "model":
        return True
    wires = {f.wire_name for f in registry.drafts[result.name or ""].fields}
    return not (
        envelope.success in wires and wires & {envelope.result, envelope.errors, envelope.messages}
    )


def pagination(
    registry: SchemaRegistry,
    config: Config,
    operation_id: str,
    params: list[Param],
    result: TypeRef | None,
    spelled: Spelled,
) -> Pagination | None:
    """The page iterator of an operation the config names as paginated."""
    cfg = config.pagination.get(operation_id)
    if cfg is None:
        return None
    page = next(
        (p for p in params if p.wire_name == cfg.page_param and p.location == "query"), None
    )
    size = next(
        (p for p in params if p.wire_name == cfg.size_param and p.location == "query"), None
    )
    where = config.location("pagination", operation_id)
    if page is None or size is None:
        raise GenerationError.at(
            where,
            f"{operation_id} has no query parameters {cfg.page_param!r} and {cfg.size_param!r}",
        )
    item = _items_type(registry, result, cfg.items)
    if item is None:
        raise GenerationError.at(
            where,
            f"cannot find a list of items at {cfg.items or '(the body)'!r} in the response of {operation_id}",
        )
    if cfg.cursor_param and not any(
        p.wire_name == cfg.cursor_param and p.location == "query" for p in params
    ):
        raise GenerationError.at(
            where, f"{operation_id} has no query parameter {cfg.cursor_param!r} (cursor_param)"
        )
    if cfg.cursor_path and not cfg.cursor_param:
        raise GenerationError.at(where, "cursor_path needs cursor_param (the query parameter)")
    maximum = size.type.constraints.maximum
    return Pagination(
        method=cfg.method,
        page_param=cfg.page_param,
        size_param=cfg.size_param,
        items_path=cfg.items,
        total_pages_path=cfg.total_pages,
        total_count_path=cfg.total_count,
        default_page_size=cfg.default_page_size,
        item_annotation=annotation(item, open_enums=True),
        page_py=page.py_name,
        item_hint=spelled.annotation(type_expr(item, open_enums=True, models=MODELS_ALIAS)),
        max_page_size=int(maximum) if maximum is not None and maximum >= 1 else None,
        cursor_param=cfg.cursor_param,
        cursor_path=cfg.cursor_path,
    )


def _items_type(registry: SchemaRegistry, result: TypeRef | None, items: str) -> TypeRef | None:
    """The item type of the list at dotted path ``items`` of the result."""
    t = result
    for part in [p for p in items.split(".") if p]:
        if t is None or t.kind != "model":
            return None
        draft = registry.drafts[t.name or ""]
        t = next((f.type for f in draft.fields if f.wire_name == part), None)
    if t is None or t.kind != "list":
        return None
    return t.args[0]
