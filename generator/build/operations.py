"""Operations of the document -> IR operations (parameters, body, responses, names).

The Python name of each keyword argument, its annotation and its place in the
signature are decided here; so are the request body form, the success type, the
envelope rule and the Endpoint constant's name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import parse_qsl

from generator.load.config import Config
from generator.diagnostics import GenerationError
from generator.escape import one_line, py_literal
from generator.ir import MODELS_ALIAS, Body, Bulk, Operation, Pagination, Param, Response, TypeRef
from generator.load.pointers import join_pointer
from generator.build.grouping import resource_of
from generator.build.operation_ids import operation_sites
from generator.build.naming import NameRegistry, class_name, constant, param_name, status_suffix
from generator.build.schemas import SchemaBuilder
from generator.build.typeexpr import annotation

PATH_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")  # as the runtime's Endpoint reads a path template
_JSON_MEDIA = re.compile(r"^application/([\w.+-]+\+)?json(;.*)?$|^\*/\*$")


@dataclass(frozen=True)
class RawOperation:
    """An operation as found in the document, before naming."""

    operation_id: str
    method: str
    path: str
    pointer: str
    node: dict[str, Any]
    path_item: dict[str, Any]
    resource_path: tuple[str, ...]
    py_name: str
    item_pointer: str = ""  # where the path item's own keys are (a $ref'd path item lives elsewhere)


def collect(document: dict[str, Any], config: Config, spec_locate: Any) -> list[RawOperation]:
    """Every operation, with its resource and method name (config first, derived otherwise)."""
    found: list[RawOperation] = []
    ids: dict[str, str] = {}
    for site in operation_sites(document):
        op_id, pointer = site.operation_id, site.pointer
        if op_id in ids:
            raise GenerationError.at(
                spec_locate(join_pointer(pointer, "operationId")),
                f"duplicate operationId {op_id!r} (also at {ids[op_id]})",
            )
        ids[op_id] = pointer
        target = config.operations.get(op_id)
        if target:
            *resource, method_py = target.split(".")
            resource_path = tuple(resource)
        else:
            resource_path = (resource_of(site.node.get("tags"), site.path),)
            method_py = op_id
        found.append(
            RawOperation(
                op_id, site.method, site.path, pointer, site.node, site.path_item, resource_path, method_py, site.item_pointer
            )
        )
    for op_id in config.operations:
        if op_id not in ids:
            raise GenerationError.at(
                config.location("operations", op_id), f"config names operation {op_id!r}, which the spec does not have"
            )
    for section, table in (("pagination", config.pagination), ("bulk", {config.bulk.operation_id: 0} if config.bulk else {})):
        for op_id in table:
            if op_id not in ids:
                raise GenerationError.at(
                    config.location(section, op_id) if section == "pagination" else config.location("bulk", "operation"),
                    f"config names operation {op_id!r}, which the spec does not have",
                )
    return found


class OperationBuilder:
    def __init__(self, schemas: SchemaBuilder, config: Config) -> None:
        self.schemas = schemas
        self.config = config
        self.spec = schemas.spec
        self.doc = schemas.doc
        self.diagnostics = schemas.diagnostics

    # ------------------------------------------------------------------ main
    def build(self, raw: RawOperation, py_name: str, owner_class: str) -> Operation:
        node = raw.node
        context = class_name(owner_class + " " + py_name)
        params = self._parameters(raw, context)
        body, body_params = self._body(raw, context, {p.py_name for p in params})
        success, errors, codes, reading, all_success = self._responses(raw, context)
        params = self._order([*params, *body_params])
        return_type = success.type if success else None
        return_ann = success.annotation if success else "None"
        return_hint = annotation(return_type, open_enums=True, models=MODELS_ALIAS) if return_type else "None"
        envelope = self.config.envelope
        unwrap = True
        if return_type is not None and return_type.kind == "model":
            draft = self.schemas.drafts[return_type.name or ""]
            # a declared body with envelope keys of its own (WrappedSuccess, or a result
            # with `success` and `errors`) is what the runtime would mistake for the envelope
            wires = {f.wire_name for f in draft.fields}
            if envelope.success in wires and wires & {envelope.result, envelope.errors, envelope.messages}:
                unwrap = False
        pagination = self._pagination(raw, params, return_type)
        bulk = self._bulk(raw, body, params)
        deprecated = bool(node.get("deprecated"))
        models: set[str] = set()
        for p in params:
            models |= p.type.models()
        if body:
            models |= body.type.models()
        if return_type:
            models |= return_type.models()
        security = node.get("security", self.doc.get("security", []))
        return Operation(
            operation_id=raw.operation_id,
            py_name=py_name,
            const_name="_" + constant(py_name),
            http_method=raw.method.upper(),
            path=raw.path.partition("?")[0],
            fixed_query=fixed_query(raw.path),
            summary=one_line(str(node.get("summary") or "")),
            description=str(node.get("description") or "").strip(),
            tags=tuple(str(t) for t in node.get("tags") or ()),
            params=tuple(params),
            body=body,
            response=success,
            success_codes=codes,
            error_responses=tuple(errors),
            return_annotation=return_ann,
            return_hint=return_hint,
            response_type_expr=self._runtime_expr(return_type) if return_type else "None",
            unwrap_envelope=unwrap,
            deprecated=deprecated,
            deprecation_message=f"{'.'.join([*raw.resource_path, py_name])}() is deprecated by the API",
            pagination=pagination,
            bulk=bulk,
            pointer=raw.pointer,
            security=tuple(tuple(sorted(req)) for req in security if isinstance(req, dict)),
            model_names=frozenset(models),
            endpoint_extras=self._endpoint_extras(body, params, reading, fixed_query(raw.path)),
            success_responses=all_success,
        )

    @staticmethod
    def _endpoint_extras(body: Body | None, params: list[Param], reading: dict[str, Any], fixed: tuple[tuple[str, str], ...] = ()) -> tuple[tuple[str, str], ...]:
        pairs = "".join(f"({py_literal(name)}, {py_literal(value)}), " for name, value in fixed)
        extras: list[tuple[str, str]] = [("fixed_query", f"({pairs.rstrip()})")] if fixed else []
        if body is not None and body.encoding != "json":
            extras.append(("content_type", py_literal(body.content_type)))
            extras.append(("body_encoding", py_literal(body.encoding)))
        for key in ("accept", "response_format"):
            if key in reading:
                extras.append((key, py_literal(reading[key])))
        if "status_formats" in reading:
            formats = sorted(reading["status_formats"].items())
            extras.append(("status_formats", "{" + ", ".join(f"{code}: {py_literal(fmt)}" for code, fmt in formats) + "}"))
        styles: dict[str, list[Any]] = {}
        for p in params:
            if p.location != "query" or p.json_encoded:
                continue
            if (p.style, p.explode) != ("form", True) or p.type.kind in ("model", "dict"):
                styles[p.wire_name] = [p.style, p.explode]
        if styles:
            extras.append(("query_styles", "{" + ", ".join(f"{py_literal(k)}: ({py_literal(v[0])}, {v[1]!r})" for k, v in styles.items()) + "}"))
        return tuple(extras)

    # ------------------------------------------------------------------ parameters
    def _parameters(self, raw: RawOperation, context: str) -> list[Param]:
        merged: dict[tuple[str, str], tuple[dict[str, Any], str]] = {}
        for holder, base in ((raw.path_item, raw.item_pointer or join_pointer("/paths", raw.path)), (raw.node, raw.pointer)):
            for index, entry in enumerate(holder.get("parameters") or []):
                pointer = join_pointer(base, "parameters", index)
                resolved, resolved_pointer = self.schemas.deref(entry, pointer)
                if not isinstance(resolved, dict):
                    continue
                merged[(str(resolved.get("name")), str(resolved.get("in")))] = (resolved, resolved_pointer)
        declared = {name for name, location in merged if location == "path"}
        for placeholder in PATH_PLACEHOLDER.findall(raw.path):
            if placeholder not in declared:
                self.diagnostics.warn(
                    self.spec.locate(raw.pointer),
                    f"path placeholder {{{placeholder}}} has no parameter; taken as a required string",
                )
                merged[(placeholder, "path")] = ({"name": placeholder, "in": "path", "required": True, "schema": {"type": "string"}}, raw.pointer)
                declared.add(placeholder)
        for name in sorted(declared - set(PATH_PLACEHOLDER.findall(raw.path))):
            self.diagnostics.warn(
                self.spec.locate(merged[(name, "path")][1]), f"path parameter {name!r} is not in the path {raw.path!r}; it is ignored"
            )
            del merged[(name, "path")]
        params = []
        names = NameRegistry()
        for (wire, location), (param, pointer) in merged.items():
            if location == "header" and wire.lower() in ("accept", "content-type", "authorization"):
                self.diagnostics.warn(
                    self.spec.locate(pointer), f"header parameter {wire!r} is ignored (OpenAPI: the client sets it itself)"
                )
                continue
            if location not in ("path", "query", "header", "cookie"):
                self.diagnostics.warn(self.spec.locate(pointer), f"parameter in {location!r} is not an OpenAPI location; ignored")
                continue
            json_encoded = False
            schema: Any = param.get("schema", {})
            schema_pointer = join_pointer(pointer, "schema")
            content = param.get("content")
            if isinstance(content, dict) and content:
                media, media_obj = next(iter(content.items()))
                schema = (media_obj or {}).get("schema", {})
                schema_pointer = join_pointer(pointer, "content", media, "schema")
                json_encoded = bool(_JSON_MEDIA.match(media))
            t = self.schemas.type_of(schema, schema_pointer, class_name(context + " " + wire), context)
            required = bool(param.get("required")) or location == "path"
            default_attr = self.config.path_defaults.get(wire) if location == "path" else None
            py, _ = names.claim(param_name(wire), param_name(f"{location} {wire}"))
            style = str(param.get("style") or ("simple" if location in ("path", "header") else "form"))
            explode = bool(param.get("explode", style == "form"))
            if style == "deepObject" and location == "query":
                json_encoded = False
            params.append(
                Param(
                    py_name=py,
                    wire_name=wire,
                    location=location,  # type: ignore[arg-type]
                    type=t,
                    annotation=self._arg_annotation(t, required and default_attr is None, default_attr is not None),
                    hint=self._arg_annotation(t, required and default_attr is None, default_attr is not None, MODELS_ALIAS),
                    required=required and default_attr is None,
                    doc=str(param.get("description") or "").strip(),
                    default_from_client=default_attr,
                    json_encoded=json_encoded,
                    style=style,
                    explode=explode,
                    deprecated=bool(param.get("deprecated")),
                )
            )
        return params

    def _arg_annotation(self, t: TypeRef, required: bool, client_default: bool = False, models: str = "") -> str:
        """The annotation of a keyword argument (``models``: see :func:`annotation`); an alias of
        object models may be given as a mapping, as a model may."""
        text = annotation(t, request=True, models=models, object_aliases=self.schemas.object_aliases(t))
        if client_default:
            return f"{text} | None"
        if not required:
            return f"{text} | NotGiven"
        return text

    # ------------------------------------------------------------------ body
    def _body(self, raw: RawOperation, context: str, taken: set[str]) -> tuple[Body | None, list[Param]]:
        entry = raw.node.get("requestBody")
        if entry is None:
            return None, []
        pointer = join_pointer(raw.pointer, "requestBody")
        body, pointer = self.schemas.deref(entry, pointer)
        body = body if isinstance(body, dict) else {}
        content = body.get("content") or {}
        if not isinstance(content, dict) or not content:
            self.diagnostics.warn(self.spec.locate(pointer), "request body without content; the operation sends no body")
            return None, []
        required = bool(body.get("required"))
        doc = str(body.get("description") or "").strip()
        media = next((m for m in content if _JSON_MEDIA.match(m)), None)
        encoding = "json"
        if media is None:
            media = next((m for m in content if body_encoding(m) in ("multipart", "form")), None) or next(iter(content))
            encoding = body_encoding(media)
        media_obj = content.get(media)
        schema = media_obj.get("schema", {}) if isinstance(media_obj, dict) else {}
        schema_pointer = join_pointer(pointer, "content", media, "schema")
        if media.startswith("*/*") and (self.schemas.deref(schema, schema_pointer)[0] or {}).get("format") == "binary":
            encoding = "binary"  # "anything", declared binary
        if encoding in ("binary", "text"):
            if "*" in media:  # a wildcard is not a content type to send
                media = "text/plain" if encoding == "text" else "application/octet-stream"
            text = encoding == "text"
            t = TypeRef("str" if text else "bytes", pointer=schema_pointer)
            param = Param(
                py_name="content",
                wire_name="content",
                location="body",
                type=t,
                annotation=("str" if text else "bytes | str") + ("" if required else " | NotGiven"),
                required=required,
                doc=doc or f"The request body, sent as {media}.",
            )
            return Body(t, "None", required, media, False, doc, encoding=encoding), [param]
        t = self.schemas.type_of(schema, schema_pointer, context + "Body", context)
        form = encoding in ("multipart", "form")
        if t.kind == "model" and not t.nullable:
            draft = self.schemas.drafts[t.name or ""]
            params = []
            names = NameRegistry(taken)
            for f in draft.fields:
                if f.read_only:
                    continue
                py, _ = names.claim(param_name(f.wire_name), param_name("body " + f.wire_name))
                ann = self._arg_annotation(f.type, f.required)
                hint = self._arg_annotation(f.type, f.required, models=MODELS_ALIAS)
                if encoding == "multipart" and _is_file(f.type):
                    ann = hint = _file_annotation(f.type, f.required)
                params.append(
                    Param(
                        py_name=py,
                        wire_name=f.wire_name,
                        location="body",
                        type=f.type,
                        annotation=ann,
                        hint=hint,
                        required=f.required,
                        doc=f.doc,
                        deprecated=f.deprecated,
                    )
                )
            type_expr = "None" if encoding == "multipart" else self._runtime_expr(t)
            return Body(t, type_expr, required, media, True, doc, encoding=encoding), params
        if form and t.kind not in ("dict", "any"):
            self.diagnostics.warn(self.spec.locate(schema_pointer), f"a {media} body that is not an object is sent as a mapping of fields")
        param = Param(
            py_name="body",
            wire_name="body",
            location="body",
            type=t,
            annotation=("Mapping[str, Any]" + ("" if required else " | NotGiven")) if form else self._arg_annotation(t, required),
            hint=("Mapping[str, Any]" + ("" if required else " | NotGiven")) if form else self._arg_annotation(t, required, models=MODELS_ALIAS),
            required=required,
            doc=doc or "The request body.",
        )
        return Body(t, "None" if form else self._runtime_expr(t), required, media, False, doc, encoding=encoding), [param]

    # ------------------------------------------------------------------ responses
    def _responses(
        self, raw: RawOperation, context: str
    ) -> tuple[Response | None, list[Response], tuple[int, ...], dict[str, Any], tuple[Response, ...]]:
        """The success response (several 2xx merge into a union), the error responses, the
        success codes, and how the runtime reads each success body (Endpoint keywords)."""
        responses = raw.node.get("responses") or {}
        success: list[tuple[str, TypeRef | None, str, str, str | None]] = []
        errors: list[Response] = []
        for status, entry in responses.items():
            status = str(status)
            pointer = join_pointer(raw.pointer, "responses", status)
            resolved, resolved_pointer = self.schemas.deref(entry, pointer)
            resolved = resolved if isinstance(resolved, dict) else {}
            description = str(resolved.get("description") or "").strip()
            t, fmt, media = self._response_type(resolved, resolved_pointer, context, status)
            if status.startswith("2") or status.upper() == "2XX":
                success.append((status, t, description, fmt, media))
            else:
                errors.append(Response(status, description, t, annotation(t, open_enums=True) if t else "None"))
        if not success and "default" in responses:
            default = next(e for e in errors if e.status == "default")
            entry_pointer = join_pointer(raw.pointer, "responses", "default")
            resolved, resolved_pointer = self.schemas.deref(responses["default"], entry_pointer)
            _, fmt, media = self._response_type(resolved if isinstance(resolved, dict) else {}, resolved_pointer, context, "default")
            success.append(("default", default.type, default.description, fmt, media))
        codes = tuple(sorted(int(s) for s, *_ in success if s.isdigit())) or (200,)
        if not success:
            return None, errors, codes, {}, ()
        every = tuple(Response(s, d, t, annotation(t, open_enums=True) if t else "None") for s, t, d, _, _ in success)
        types = [t for _, t, *_ in success if t is not None]
        if not types:
            return Response(success[0][0], success[0][2], None, "None"), errors, codes, {}, every
        distinct: list[TypeRef] = []
        for t in types:
            if t not in distinct:
                distinct.append(t)
        t = distinct[0] if len(distinct) == 1 else TypeRef("union", args=tuple(distinct))
        if len(types) < len(success):  # some 2xx carry no body
            t = replace(t, nullable=True)
        reading: dict[str, Any] = {}
        default_format = next(fmt for _, st, _, fmt, _ in success if st is not None)
        if default_format != "json":
            reading["response_format"] = default_format
        per_status = {int(s): fmt for s, _, _, fmt, _ in success if s.isdigit() and fmt != default_format}
        if per_status:
            reading["status_formats"] = per_status
        medias = [m for *_, ms in success if ms for m in ms.split("\n")]
        if any(not _JSON_MEDIA.match(m) for m in medias) or any(fmt in ("text", "bytes") for *_, fmt, _ in success):
            reading["accept"] = ", ".join(dict.fromkeys(medias))
        return Response(success[0][0], success[0][2], t, annotation(t, open_enums=True)), errors, codes, reading, every

    def _response_type(self, response: dict[str, Any], pointer: str, context: str, status: str) -> tuple[TypeRef | None, str, str | None]:
        """The body's type, how it is read ("json", "text", "bytes"; "empty" without a body)
        and its media type."""
        content = response.get("content") or {}
        if not isinstance(content, dict) or not content:
            return None, "empty", None
        media = next((m for m in content if _JSON_MEDIA.match(m)), None)
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
        resolved, _ = self.schemas.deref(schema, pointer)
        if media.startswith("*/*") and isinstance(resolved, dict) and resolved.get("format") == "binary":
            return TypeRef("bytes", pointer=pointer), "bytes", media  # "anything", declared binary
        hint, owner = context + status_suffix(status), context
        if pointer.startswith("/components/responses/") and pointer.count("/") == 3:  # a named response: its own name
            hint = owner = class_name(pointer.rsplit("/", 1)[1].replace("~1", "/").replace("~0", "~"))
        return self.schemas.type_of(schema, join_pointer(pointer, "content", media, "schema"), hint, owner), "json", media

    # ------------------------------------------------------------------ helpers
    @staticmethod
    def _order(params: list[Param]) -> list[Param]:
        """Path parameters first, then required, then optional; client-filled last."""

        def rank(p: Param) -> int:
            if p.default_from_client:
                return 3
            if p.location == "path":
                return 0
            return 1 if p.required else 2

        return sorted(params, key=rank)

    def _runtime_expr(self, t: TypeRef) -> str:
        """The runtime value passed to Endpoint: a type expression valid at run time, wrapped in a
        ``LazyType`` when it names models (they load on the endpoint's first call, not when the
        resource module is imported)."""
        text = annotation(t, open_enums=True, models=MODELS_ALIAS)
        return f"LazyType(lambda: {text})" if t.models() else text

    def _pagination(self, raw: RawOperation, params: list[Param], result: TypeRef | None) -> Pagination | None:
        cfg = self.config.pagination.get(raw.operation_id)
        if cfg is None:
            return None
        page = next((p for p in params if p.wire_name == cfg.page_param and p.location == "query"), None)
        size = next((p for p in params if p.wire_name == cfg.size_param and p.location == "query"), None)
        where = self.config.location("pagination", raw.operation_id)
        if page is None or size is None:
            raise GenerationError.at(where, f"{raw.operation_id} has no query parameters {cfg.page_param!r} and {cfg.size_param!r}")
        item = self._items_type(result, cfg.items)
        if item is None:
            raise GenerationError.at(where, f"cannot find a list of items at {cfg.items or '(the body)'!r} in the response of {raw.operation_id}")
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
            item_hint=annotation(item, open_enums=True, models=MODELS_ALIAS),
        )

    def _items_type(self, result: TypeRef | None, items: str) -> TypeRef | None:
        t = result
        for part in [p for p in items.split(".") if p]:
            if t is None or t.kind != "model":
                return None
            draft = self.schemas.drafts[t.name or ""]
            t = next((f.type for f in draft.fields if f.wire_name == part), None)
        if t is None or t.kind != "list":
            return None
        return t.args[0]

    def _bulk(self, raw: RawOperation, body: Body | None, params: list[Param]) -> Bulk | None:
        cfg = self.config.bulk
        if cfg is None or cfg.operation_id != raw.operation_id:
            return None
        where = self.config.location("bulk", "items_field")
        param = next((p for p in params if p.location == "body" and p.wire_name == cfg.items_field), None)
        if body is None or param is None or param.type.kind != "list":
            raise GenerationError.at(where, f"{raw.operation_id} has no array body field {cfg.items_field!r}")
        item = param.type.args[0]
        return Bulk(
            method=cfg.method,
            items_field=cfg.items_field,
            items_param=param.py_name,
            item_annotation=annotation(item, request=True, object_aliases=self.schemas.object_aliases(item)),
            item_type_expr=annotation(item),
            default_chunk_size=cfg.default_chunk_size,
            max_chunk_size=cfg.max_chunk_size,
            item_hint=annotation(item, request=True, models=MODELS_ALIAS, object_aliases=self.schemas.object_aliases(item)),
            item_type_arg=annotation(item, models=MODELS_ALIAS),
        )


def body_encoding(media: str) -> str:
    """How a body of this media type is sent: json, multipart, form, text or binary."""
    base = media.split(";")[0].strip().lower()
    if _JSON_MEDIA.match(base):
        return "json"
    if base.startswith("multipart/"):
        return "multipart"
    if base == "application/x-www-form-urlencoded":
        return "form"
    if base.startswith("text/") or base.endswith(("+xml", "/xml")):
        return "text"
    return "binary"


def _is_file(t: TypeRef) -> bool:
    if t.kind == "bytes":
        return True
    return t.kind == "list" and bool(t.args) and t.args[0].kind == "bytes"


def _file_annotation(t: TypeRef, required: bool) -> str:
    text = "Sequence[FileInput]" if t.kind == "list" else "FileInput"
    if t.nullable:
        text += " | None"
    return text if required else f"{text} | NotGiven"


def fixed_query(path: str) -> tuple[tuple[str, str], ...]:
    """The query a document wrote into a path (``/responses/{id}?beta=true`` -> ``beta=true``):
    the Endpoint sends it on every call, beside the call's own parameters."""
    return tuple(parse_qsl(path.partition("?")[2], keep_blank_values=True))
