"""The intermediate representation: everything the templates need, already decided.

Plain frozen dataclasses. :mod:`generator.build.api` creates them from a bundled spec;
templates only format them. Python names, annotations, defaults and import lists
are computed by the builder so that the templates contain no naming or typing
decisions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

TypeKind = Literal[
    "str", "int", "float", "bool", "datetime", "date", "bytes", "any", "none",
    "model", "alias", "literal", "list", "dict", "union",
]  # fmt: skip

Requirement = tuple[str, ...]
"""The keys of the security schemes one alternative of a ``security`` list needs together."""


@dataclass(frozen=True)
class Constraints:
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: float | None = None
    exclusive_maximum: float | None = None
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    min_items: int | None = None
    max_items: int | None = None


@dataclass(frozen=True)
class TypeRef:
    """A Python type, structurally: enough to render annotations and to make sample values.

    ``name`` is the class or alias name for ``model``/``alias``; ``args`` are the item
    type (list), the value type (dict) or the members (union); ``values`` the allowed
    values of a ``literal``. ``format`` and ``constraints`` come from the schema.
    """

    kind: TypeKind
    name: str | None = None
    args: tuple[TypeRef, ...] = ()
    values: tuple[Any, ...] = ()
    nullable: bool = False
    format: str | None = None
    constraints: Constraints = Constraints()
    example: Any = None
    has_example: bool = False
    discriminator: str | None = None
    pointer: str = ""
    # a tagged union: (discriminator value, member model name) pairs, members in ``args`` order
    tags: tuple[tuple[Any, str], ...] = ()
    # some member does not require the discriminator: data without it tries every member
    tag_optional: bool = False
    note: str = ""  # why this part is typed more loosely than the schema says (also a warning)

    def notes(self) -> list[str]:
        """Every ``note`` of this type and the types inside it."""
        found = [self.note] if self.note else []
        for arg in self.args:
            found.extend(n for n in arg.notes() if n not in found)
        return found

    def models(self) -> set[str]:
        """Names of every generated model or alias this type mentions."""
        found: set[str] = set()
        if self.kind in ("model", "alias") and self.name:
            found.add(self.name)
        for arg in self.args:
            found |= arg.models()
        return found


@dataclass(frozen=True)
class Field:
    py_name: str
    wire_name: str
    type: TypeRef
    annotation: str
    required: bool
    default: str | None  # Python source of the default, None when required
    doc: str
    deprecated: bool = False
    read_only: bool = False
    write_only: bool = False


@dataclass(frozen=True)
class Model:
    """A generated type: a pydantic model (``object``), or a type alias for an enum,
    union or other non-object schema (``alias``)."""

    kind: Literal["object", "alias"]
    name: str
    module: str
    doc: str
    pointer: str
    fields: tuple[Field, ...] = ()
    annotation: str = ""  # the aliased type, for kind == "alias"
    alias_type: TypeRef | None = None
    extra: Literal["allow", "forbid", "ignore"] = "allow"
    extra_annotation: str | None = None  # typed additionalProperties
    usage: frozenset[str] = frozenset()  # "request" / "response"
    deps: tuple[str, ...] = ()  # names of models this one refers to
    recursive: bool = False


@dataclass(frozen=True)
class ModelModule:
    """One module of ``models/``: a strongly connected component of the schema graph."""

    name: str
    models: tuple[Model, ...]
    imports: tuple[tuple[str, tuple[str, ...]], ...]  # (module, names) of other model modules
    needs_rebuild: bool
    uses: frozenset[str]  # typing helpers needed: "Any", "Literal", "datetime", ...


MODELS_ALIAS = "_models"
"""The name under which resource modules refer to the ``models`` package
(``from .. import models as _models``), whose submodules load on first attribute access: their
annotations and request/response types say ``_models.Event``, so importing a resource imports no
model, while type checkers and ``typing.get_type_hints`` still resolve every name. Generated
members never start with an underscore, so no method or attribute can shadow it."""


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


@dataclass(frozen=True)
class SecurityScheme:
    """One entry of ``components.securitySchemes``: a keyword argument of the client.

    ``kind``: ``api_key`` (sent under ``wire_name`` in ``place``), ``basic`` (a
    ``(username, password)`` pair), ``http`` (``Authorization: <prefix><value>``; bearer and any
    other scheme) or ``oauth2`` (a bearer access token; ``token_provider``: a callable is accepted
    too, for the ``clientCredentials`` flow).
    """

    key: str  # the name in components.securitySchemes
    argument: str  # the keyword argument of Client
    env: str  # the environment variable read when the argument is not passed
    kind: Literal["api_key", "basic", "http", "oauth2"]
    place: Literal["header", "query", "cookie"] = "header"
    wire_name: str = "Authorization"
    prefix: str = ""  # written before the value: "Bearer ", "Basic ", "Digest "
    token_provider: bool = False
    description: str = ""

    @property
    def sends(self) -> str:
        """What the client sends for this scheme, for docstrings."""
        if self.kind == "api_key":
            return f"an API key, as the {self.place} ``{self.wire_name}``"
        if self.kind == "basic":
            return "a ``(username, password)`` pair, as HTTP basic auth (``username:password`` in the environment)"
        if self.token_provider:
            return "an access token, sent as a bearer token (or a callable returning one, called again after a 401)"
        return f"sent as ``Authorization: {self.prefix}<value>``"

    @property
    def annotation(self) -> str:
        """The argument's type in the client's signature."""
        if self.kind == "basic":
            return "tuple[str, str] | None"
        if self.token_provider:
            return "str | Callable[[], str] | None"
        return "str | None"


@dataclass(frozen=True)
class Api:
    title: str
    version: str  # the document's info.version
    description: str
    openapi_version: str
    package: str
    distribution: str
    package_version: str
    package_description: str
    base_url: str
    spec_name: str
    spec_sha256: str
    generator_version: str
    resources: tuple[Resource, ...]
    models: tuple[Model, ...]
    model_modules: tuple[ModelModule, ...]
    path_defaults: tuple[tuple[str, str], ...]  # (path param wire name, client attribute)
    env: dict[str, str] = field(default_factory=dict)  # base_url and each path default attribute
    schemes: tuple[SecurityScheme, ...] = ()
    security: tuple[Requirement, ...] = ()  # the document's requirement (alternatives in order)
    credentials_required: bool = False  # every operation needs credentials
    error_class: str = "APIClientError"  # base class of every error of the package
    generator_name: str = "cf1-codegen"  # named in every file header
    bulk: tuple[Resource, Operation] | None = None
    models_alias: str = MODELS_ALIAS
    integer_pointers: tuple[str, ...] = ()  # the `number` schemas [type_overrides] made `int`
    prism_edits: tuple[tuple[str, str, str], ...] = ()  # (edit, pointer, name): build/served_forms
    contract_spec: str = ""  # what Prism serves the contract tests if not the spec copy (tests/)

    @property
    def environment(self) -> tuple[str, ...]:
        """Every environment variable the client reads: credentials, path defaults, base URL."""
        defaults = [env for name, env in sorted(self.env.items()) if name != "base_url"]
        return (*(s.env for s in self.schemes), *defaults, self.env.get("base_url", ""))

    @property
    def example_arguments(self) -> str:
        """Keyword arguments of ``Client(...)`` in examples: every credential and path default."""
        parts = [
            f'{s.argument}=("user", "...")' if s.kind == "basic" else f'{s.argument}="..."'
            for s in self.schemes
        ]
        parts += [f'{name}="..."' for name in sorted(self.env) if name != "base_url"]
        return ", ".join(parts)

    def all_resources(self) -> list[Resource]:
        out: list[Resource] = []
        for r in self.resources:
            out.extend(r.walk())
        return out

    def operations(self) -> list[Operation]:
        return [op for r in self.all_resources() for op in r.operations]

    @cached_property
    def models_by_name(self) -> dict[str, Model]:
        return {m.name: m for m in self.models}

    @property
    def model_module_of(self) -> dict[str, str]:
        return {m.name: m.module for m in self.models}
