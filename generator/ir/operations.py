"""The IR of operations: parameters, bodies, responses, paging, bulk, and the resources that
hold them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from generator.ir.types import Requirement, TypeRef


@dataclass(frozen=True)
class Param:
    py_name: str
    wire_name: str
    location: Literal["path", "query", "header", "cookie", "body"]
    type: TypeRef
    annotation: str  # as a keyword argument, including "| NotGiven" when optional (as documented)
    required: bool
    doc: str
    hint: str = ""  # the annotation as the resource module writes it (models via MODELS_ALIAS)
    default_from_client: str | None = None  # client attribute that fills it (account_id)
    json_encoded: bool = False
    style: str = "form"
    explode: bool = True
    deprecated: bool = False

    def __post_init__(self) -> None:
        if not self.hint:  # a parameter whose annotation names no model is written as documented
            object.__setattr__(self, "hint", self.annotation)


@dataclass(frozen=True)
class Body:
    """A request body. ``flattened`` bodies (objects: JSON, multipart, form) become keyword
    arguments (``params``); otherwise the method takes the whole body as one parameter (``body``,
    or ``content`` for binary and text bodies). ``encoding`` says how the runtime sends it."""

    type: TypeRef
    type_expr: (
        str  # the Python source passed as Endpoint.body_type (a LazyType when it names models)
    )
    required: bool
    content_type: str
    flattened: bool
    doc: str
    encoding: str = "json"  # json | multipart | form | text | binary: how the runtime sends it


@dataclass(frozen=True)
class Response:
    status: str
    description: str
    type: TypeRef | None
    annotation: str


@dataclass(frozen=True)
class Pagination:
    method: str
    page_param: str
    size_param: str
    items_path: str
    total_pages_path: str
    total_count_path: str
    default_page_size: int
    item_annotation: str
    page_py: str  # Python name of the page parameter (omitted from list_all)
    item_hint: str  # item_annotation as the resource module writes it
    max_page_size: int | None = None  # the size parameter's documented maximum
    cursor_param: str = ""  # query parameter taking the previous page's result_info.cursor
    cursor_path: str = ""  # dotted path of the next cursor in the result (else result_info's)


@dataclass(frozen=True)
class Bulk:
    method: str
    items_field: str  # wire name in the body
    items_param: str  # Python name of the items keyword
    item_annotation: str
    item_type_expr: str  # the item type as documented
    default_chunk_size: int
    max_chunk_size: int
    item_hint: str  # item_annotation as the resource module writes it
    item_type_arg: str  # the item type passed to the bulk helper (evaluated per call)
    required_flags: tuple[Param, ...] = ()
    """Arguments the ingest command takes as required flags (required strings: --dataset-id)."""
    client_flags: tuple[Param, ...] = ()
    """Arguments the client fills from its defaults (account_id): optional flags of the ingest
    command, read from the environment variable of the default when not given."""


@dataclass(frozen=True)
class Operation:
    operation_id: str
    py_name: str
    const_name: str  # module-level Endpoint constant
    http_method: str
    path: str  # template with wire-name placeholders
    summary: str
    description: str
    tags: tuple[str, ...]
    params: tuple[Param, ...]  # keyword arguments in signature order (body fields included)
    body: Body | None
    response: Response | None  # the success response the method returns
    success_codes: tuple[int, ...]
    error_responses: tuple[Response, ...]
    return_annotation: str  # as documented
    return_hint: str  # return_annotation as the resource module writes it
    response_type_expr: (
        str  # Python source passed as Endpoint.response_type (LazyType when it names models)
    )
    unwrap_envelope: bool
    deprecated: bool
    deprecation_message: str
    pagination: Pagination | None
    bulk: Bulk | None
    pointer: str
    security: tuple[Requirement, ...]  # what the call sends (its own, else the document's)
    model_names: frozenset[str]
    # extra keywords of the Endpoint constant, as (name, Python source): content_type, accept,
    # response_format, status_formats, query_styles -- only those that differ from the defaults
    endpoint_extras: tuple[tuple[str, str], ...] = ()
    success_responses: tuple[
        Response, ...
    ] = ()  # every 2xx (or default) response, in document order
    fixed_query: tuple[
        tuple[str, str], ...
    ] = ()  # pairs written into the document's path (?beta=true)

    @property
    def cookie_params(self) -> tuple[Param, ...]:
        return tuple(p for p in self.params if p.location == "cookie")

    @property
    def path_params(self) -> tuple[Param, ...]:
        return tuple(p for p in self.params if p.location == "path")

    @property
    def query_params(self) -> tuple[Param, ...]:
        return tuple(p for p in self.params if p.location == "query")

    @property
    def header_params(self) -> tuple[Param, ...]:
        return tuple(p for p in self.params if p.location in ("header", "cookie"))

    @property
    def body_params(self) -> tuple[Param, ...]:
        return tuple(p for p in self.params if p.location == "body")


@dataclass(frozen=True)
class Resource:
    """A group of operations reached as ``client.<attr>``; may nest (``client.events.raw``)."""

    attr: str  # attribute name on the parent
    path: tuple[str, ...]  # ("events", "raw")
    class_name: str  # "EventsRaw"
    module: str  # module under resources/
    doc: str
    operations: tuple[Operation, ...]
    children: tuple[Resource, ...]
    helpers: frozenset[str] = (
        frozenset()
    )  # typing/runtime names the module needs ("models": the models package)
    accessor: str = ""  # attribute chain below the client: "events.raw" (attrs, not path words)

    def walk(self) -> list[Resource]:
        out = [self]
        for child in self.children:
            out.extend(child.walk())
        return out

    @property
    def model_names(self) -> frozenset[str]:
        names: set[str] = set()
        for op in self.operations:
            names |= op.model_names
        return frozenset(names)
