"""Request bodies -> keyword arguments, and the bulk helper's items.

Which media type of a body is sent (JSON first, then multipart or form, then the first)
and how (:func:`~generator.build.media.body_encoding`); an object model body is
flattened into one keyword argument per writable field (files in multipart bodies typed
``FileInput``); any other body is one ``body`` argument, a text or binary one a
``content`` argument. :func:`bulk` decides the bulk helper's items from the body.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from generator.build.aliases import object_aliases
from generator.build.media import body_encoding, is_json
from generator.build.naming import NameRegistry, param_name
from generator.build.operation_ids import OperationSite
from generator.build.registry import SchemaRegistry
from generator.build.typeexpr import (
    NONE,
    Spelled,
    annotation,
    argument,
    content_argument,
    fields_argument,
    file_argument,
    runtime_type,
    type_expr,
)
from generator.diagnostics import GenerationError
from generator.ir import MODELS_ALIAS, Body, Bulk, Param, TypeRef
from generator.load.config import Config
from generator.load.pointers import join_pointer


@dataclass(frozen=True)
class _Sent:
    """What a request body sends: its chosen media type and schema, and how it is encoded."""

    media: str
    encoding: str
    schema: Any
    schema_pointer: str
    required: bool
    doc: str


def request_body(
    registry: SchemaRegistry,
    site: OperationSite,
    context: str,
    taken: set[str],
    spelled: Spelled,
) -> tuple[Body | None, list[Param]]:
    """The body of an operation and its keyword arguments (``taken``: names of the others)."""
    sent = _sent(registry, site)
    if sent is None:
        return None, []
    if sent.encoding in ("binary", "text"):
        return _content(sent, spelled)
    t = registry.type_of(sent.schema, sent.schema_pointer, context + "Body", context)
    if t.kind == "model" and not t.nullable:
        return _flattened(registry, sent, t, taken, spelled)
    return _whole(registry, sent, t, spelled)


def _sent(registry: SchemaRegistry, site: OperationSite) -> _Sent | None:
    entry = site.node.get("requestBody")
    if entry is None:
        return None
    body, pointer = registry.deref(entry, join_pointer(site.pointer, "requestBody"))
    body = body if isinstance(body, dict) else {}
    content = body.get("content") or {}
    if not isinstance(content, dict) or not content:
        message = "request body without content; the operation sends no body"
        registry.diagnostics.warn(registry.spec.locate(pointer), message)
        return None
    media = next((m for m in content if is_json(m)), None)
    encoding = "json"
    if media is None:
        media = next(
            (m for m in content if body_encoding(m) in ("multipart", "form")), None
        ) or next(iter(content))
        encoding = body_encoding(media)
    media_obj = content.get(media)
    schema = media_obj.get("schema", {}) if isinstance(media_obj, dict) else {}
    schema_pointer = join_pointer(pointer, "content", media, "schema")
    if (
        media.startswith("*/*")
        and (registry.deref(schema, schema_pointer)[0] or {}).get("format") == "binary"
    ):
        encoding = "binary"  # "anything", declared binary
    doc = str(body.get("description") or "").strip()
    return _Sent(media, encoding, schema, schema_pointer, bool(body.get("required")), doc)


def _content(sent: _Sent, spelled: Spelled) -> tuple[Body, list[Param]]:
    """A text or binary body: one ``content`` argument."""
    text = sent.encoding == "text"
    media = sent.media
    if "*" in media:  # a wildcard is not a content type to send
        media = "text/plain" if text else "application/octet-stream"
    t = TypeRef("str" if text else "bytes", pointer=sent.schema_pointer)
    param = Param(
        py_name="content",
        wire_name="content",
        location="body",
        type=t,
        annotation=spelled.annotation(content_argument(text=text, required=sent.required)),
        required=sent.required,
        doc=sent.doc or f"The request body, sent as {media}.",
    )
    return Body(t, NONE.text, sent.required, media, False, sent.doc, encoding=sent.encoding), [
        param
    ]


def _flattened(
    registry: SchemaRegistry, sent: _Sent, t: TypeRef, taken: set[str], spelled: Spelled
) -> tuple[Body, list[Param]]:
    """An object model body: a keyword argument per field it is sent with."""
    draft = registry.drafts[t.name or ""]
    params = []
    names = NameRegistry(taken)
    for f in draft.fields:
        if f.read_only:
            continue
        py, _ = names.claim(param_name(f.wire_name), param_name("body " + f.wire_name))
        aliases = object_aliases(registry, f.type)
        ann = argument(f.type, required=f.required, object_aliases=aliases)
        hint = argument(f.type, required=f.required, models=MODELS_ALIAS, object_aliases=aliases)
        if sent.encoding == "multipart" and _is_file(f.type):
            ann = hint = file_argument(f.type, required=f.required)
        params.append(
            Param(
                py_name=py,
                wire_name=f.wire_name,
                location="body",
                type=f.type,
                annotation=ann.text,
                hint=spelled.annotation(hint),
                required=f.required,
                doc=f.doc,
                deprecated=f.deprecated,
            )
        )
    runtime = NONE if sent.encoding == "multipart" else runtime_type(t, MODELS_ALIAS)
    body = Body(
        t,
        spelled.expression(runtime),
        sent.required,
        sent.media,
        True,
        sent.doc,
        encoding=sent.encoding,
    )
    return body, params


def _whole(
    registry: SchemaRegistry, sent: _Sent, t: TypeRef, spelled: Spelled
) -> tuple[Body, list[Param]]:
    """Any other body: one ``body`` argument (a form of fields, or the body's type)."""
    form = sent.encoding in ("multipart", "form")
    if form and t.kind not in ("dict", "any"):
        message = f"a {sent.media} body that is not an object is sent as a mapping of fields"
        registry.diagnostics.warn(registry.spec.locate(sent.schema_pointer), message)
    if form:
        ann = hint = fields_argument(required=sent.required)
        runtime = NONE
    else:
        aliases = object_aliases(registry, t)
        ann = argument(t, required=sent.required, object_aliases=aliases)
        hint = argument(t, required=sent.required, models=MODELS_ALIAS, object_aliases=aliases)
        runtime = runtime_type(t, MODELS_ALIAS)
    param = Param(
        py_name="body",
        wire_name="body",
        location="body",
        type=t,
        annotation=ann.text,
        hint=spelled.annotation(hint),
        required=sent.required,
        doc=sent.doc or "The request body.",
    )
    body = Body(
        t,
        spelled.expression(runtime),
        sent.required,
        sent.media,
        False,
        sent.doc,
        encoding=sent.encoding,
    )
    return body, [param]


def _is_file(t: TypeRef) -> bool:
    if t.kind == "bytes":
        return True
    return t.kind == "list" and bool(t.args) and t.args[0].kind == "bytes"


def bulk(
    registry: SchemaRegistry,
    config: Config,
    operation_id: str,
    params: list[Param],
    spelled: Spelled,
) -> Bulk | None:
    """The bulk helper of the operation the config names: its items are an array field of
    the body, sent in chunks."""
    cfg = config.bulk
    if cfg is None or cfg.operation_id != operation_id:
        return None
    param = next(
        (p for p in params if p.location == "body" and p.wire_name == cfg.items_field), None
    )
    if param is None or param.type.kind != "list":
        where = config.location("bulk", "items_field")
        raise GenerationError.at(
            where, f"{operation_id} has no array body field {cfg.items_field!r}"
        )
    item = param.type.args[0]
    aliases = object_aliases(registry, item)
    return Bulk(
        method=cfg.method,
        items_field=cfg.items_field,
        items_param=param.py_name,
        item_annotation=annotation(item, request=True, object_aliases=aliases),
        item_type_expr=annotation(item),
        default_chunk_size=cfg.default_chunk_size,
        max_chunk_size=cfg.max_chunk_size,
        item_hint=spelled.annotation(
            type_expr(item, request=True, models=MODELS_ALIAS, object_aliases=aliases)
        ),
        item_type_arg=spelled.expression(type_expr(item, models=MODELS_ALIAS)),
        required_flags=tuple(
            p
            for p in _flag_params(params, param)
            if not p.default_from_client and p.required and p.annotation == "str"
        ),
        client_flags=tuple(p for p in _flag_params(params, param) if p.default_from_client),
    )


def _flag_params(params: list[Param], items: Param) -> list[Param]:
    """The bulk operation's arguments an ingest command can take as flags: everything but the
    items and cookies."""
    places = ("path", "body", "query", "header")
    return [p for p in params if p is not items and p.location in places]
