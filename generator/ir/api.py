"""The IR of a whole client: its security schemes and the :class:`Api` templates receive."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

from generator.ir.operations import Operation, Resource
from generator.ir.types import MODELS_ALIAS, Model, ModelModule, Requirement


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

    def method_paths(self) -> dict[str, str]:
        """operationId -> the method as Python reaches it (``events.bulk_create``)."""
        return {
            op.operation_id: ".".join([*r.path, op.py_name])
            for r in self.all_resources()
            for op in r.operations
        }

    @cached_property
    def models_by_name(self) -> dict[str, Model]:
        return {m.name: m for m in self.models}

    @property
    def model_module_of(self) -> dict[str, str]:
        return {m.name: m.module for m in self.models}
