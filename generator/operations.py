"""Operations of the document -> IR operations (parameters, body, responses, names).

The Python name of each keyword argument, its annotation and its place in the
signature are decided here; so are the request body form, the success type, the
envelope rule and the Endpoint constant's name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from generator.config import Config
from generator.diagnostics import GenerationError
from generator.escape import one_line
from generator.ir import Body, Bulk, Operation, Pagination, Param, Response, TypeRef
from generator.loader import join_pointer
from generator.naming import NameRegistry, class_name, constant, param_name, snake
from generator.schemas import SchemaBuilder
from generator.typeexpr import annotation

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
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


def collect(document: dict[str, Any], config: Config, spec_locate: Any) -> list[RawOperation]:
    """Every operation, with its resource and method name (config first, derived otherwise)."""
    found: list[RawOperation] = []
    ids: dict[str, str] = {}
    for path, item in (document.get("paths") or {}).items():
        if not isinstance(item, dict):
            continue
        for method in HTTP_METHODS:
            node = item.get(method)
            if not isinstance(node, dict):
                continue
            pointer = join_pointer("/paths", path, method)
            op_id = node.get("operationId")
            if not isinstance(op_id, str) or not op_id.strip():
                op_id = f"{method}_{'_'.join(w for w in re.split(r'[^A-Za-z0-9]+', path) if w)}"
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
                tags = node.get("tags") or ["default"]
                resource_path = (snake(str(tags[0])),)
                method_py = op_id
            found.append(RawOperation(op_id, method, path, pointer, node, item, resource_path, method_py))
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
        success, errors, codes = self._responses(raw, context)
        params = self._order([*params, *body_params])
        return_type = success.type if success else None
        return_ann = success.annotation if success else "None"
        envelope = self.config.envelope
        unwrap = True
        if return_type is not None and return_type.kind == "model":
            draft = self.schemas.drafts[return_type.name or ""]
            wires = {f.wire_name for f in draft.fields if f.required}
            if {envelope.success, envelope.result} <= wires:
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
            path=raw.path,
            summary=one_line(str(node.get("summary") or "")),
            description=str(node.get("description") or "").strip(),
            tags=tuple(str(t) for t in node.get("tags") or ()),
            params=tuple(params),
            body=body,
            response=success,
            success_codes=codes,
            error_responses=tuple(errors),
            return_annotation=return_ann,
            response_type_expr=self._runtime_expr(return_type) if return_type else "None",
            unwrap_envelope=unwrap,
            deprecated=deprecated,
            deprecation_message=f"{'.'.join([*raw.resource_path, py_name])}() is deprecated by the API",
            pagination=pagination,
            bulk=bulk,
            pointer=raw.pointer,
            security=tuple(tuple(sorted(req)) for req in security if isinstance(req, dict)),
            model_names=frozenset(models),
        )

    # ------------------------------------------------------------------ parameters
    def _parameters(self, raw: RawOperation, context: str) -> list[Param]:
        merged: dict[tuple[str, str], tuple[dict[str, Any], str]] = {}
        for holder, base in ((raw.path_item, join_pointer("/paths", raw.path)), (raw.node, raw.pointer)):
            for index, entry in enumerate(holder.get("parameters") or []):
                pointer = join_pointer(base, "parameters", index)
                resolved, resolved_pointer = self.schemas.deref(entry, pointer)
                if not isinstance(resolved, dict):
                    continue
                merged[(str(resolved.get("name")), str(resolved.get("in")))] = (resolved, resolved_pointer)
        params = []
        names = NameRegistry()
        for (wire, location), (param, pointer) in merged.items():
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

    @staticmethod
    def _arg_annotation(t: TypeRef, required: bool, client_default: bool = False) -> str:
        text = annotation(t, request=True)
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
        content = body.get("content") or {}
        media = next((m for m in content if _JSON_MEDIA.match(m)), None)
        if media is None:
            media = next(iter(content), "application/json")
            self.diagnostics.warn(
                self.spec.locate(join_pointer(pointer, "content")),
                f"request body of type {media!r} is sent as raw content (bytes or str)",
            )
            t = TypeRef("bytes", pointer=pointer)
            required = bool(body.get("required"))
            param = Param("content", "content", "body", t, "bytes | str" if required else "bytes | str | NotGiven", required, str(body.get("description") or ""))
            return Body(t, "bytes", required, media, False, str(body.get("description") or "")), [param]
        schema = (content.get(media) or {}).get("schema", {})
        schema_pointer = join_pointer(pointer, "content", media, "schema")
        t = self.schemas.type_of(schema, schema_pointer, context + "Body", context)
        required = bool(body.get("required"))
        doc = str(body.get("description") or "").strip()
        if t.kind == "model" and not t.nullable:
            draft = self.schemas.drafts[t.name or ""]
            params = []
            names = NameRegistry(taken)
            for f in draft.fields:
                if f.read_only:
                    continue
                py, _ = names.claim(param_name(f.wire_name), param_name("body " + f.wire_name))
                params.append(
                    Param(
                        py_name=py,
                        wire_name=f.wire_name,
                        location="body",
                        type=f.type,
                        annotation=self._arg_annotation(f.type, f.required),
                        required=f.required,
                        doc=f.doc,
                        deprecated=f.deprecated,
                    )
                )
            return Body(t, self._runtime_expr(t), required, media, True, doc), params
        param = Param(
            py_name="body",
            wire_name="body",
            location="body",
            type=t,
            annotation=self._arg_annotation(t, required),
            required=required,
            doc=doc or "The request body.",
        )
        return Body(t, self._runtime_expr(t), required, media, False, doc), [param]

    # ------------------------------------------------------------------ responses
    def _responses(self, raw: RawOperation, context: str) -> tuple[Response | None, list[Response], tuple[int, ...]]:
        responses = raw.node.get("responses") or {}
        success: list[tuple[str, TypeRef | None, str]] = []
        errors: list[Response] = []
        for status, entry in responses.items():
            status = str(status)
            pointer = join_pointer(raw.pointer, "responses", status)
            resolved, resolved_pointer = self.schemas.deref(entry, pointer)
            resolved = resolved if isinstance(resolved, dict) else {}
            description = str(resolved.get("description") or "").strip()
            t = self._response_type(resolved, resolved_pointer, context, status)
            if status.startswith("2") or status.upper() == "2XX":
                success.append((status, t, description))
            else:
                errors.append(Response(status, description, t, annotation(t, open_enums=True) if t else "None"))
        if not success and "default" in responses:
            default = next(e for e in errors if e.status == "default")
            success.append(("default", default.type, default.description))
        codes = tuple(sorted(int(s) for s, _, _ in success if s.isdigit())) or (200,)
        if not success:
            return None, errors, codes
        types = [t for _, t, _ in success if t is not None]
        if not types:
            return Response(success[0][0], success[0][2], None, "None"), errors, codes
        distinct: list[TypeRef] = []
        for t in types:
            if t not in distinct:
                distinct.append(t)
        t = distinct[0] if len(distinct) == 1 else TypeRef("union", args=tuple(distinct))
        if len(types) < len(success):  # some 2xx carry no body
            t = replace(t, nullable=True)
        return Response(success[0][0], success[0][2], t, annotation(t, open_enums=True)), errors, codes

    def _response_type(self, response: dict[str, Any], pointer: str, context: str, status: str) -> TypeRef | None:
        content = response.get("content") or {}
        if not content:
            return None
        media = next((m for m in content if _JSON_MEDIA.match(m)), None)
        if media is None:
            media = next(iter(content))
            if media.startswith("text/"):
                return TypeRef("str", pointer=pointer)
            return TypeRef("bytes", pointer=pointer)
        schema = (content.get(media) or {}).get("schema")
        if schema is None:
            return TypeRef("any", pointer=pointer)
        suffix = "Response" if status.startswith("2") else f"Error{status}"
        return self.schemas.type_of(schema, join_pointer(pointer, "content", media, "schema"), context + suffix, context)

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
        """The runtime value passed to Endpoint (a type expression valid at run time)."""
        return annotation(t, open_enums=True)

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
            item_annotation=annotation(item, request=True),
            item_type_expr=annotation(item),
            default_chunk_size=cfg.default_chunk_size,
            max_chunk_size=cfg.max_chunk_size,
        )
