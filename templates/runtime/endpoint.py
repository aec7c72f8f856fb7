"""Static description of one API operation, built once per operation at import time."""

from __future__ import annotations

import re
import types
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar, Union, cast

# typing_extensions' get_args/get_origin see its Required/NotRequired on Python 3.10 too
from typing_extensions import (  # noqa: UP035
    Annotated,
    NotRequired,
    Required,
    TypedDict,
    get_args,
    get_origin,
)

if TYPE_CHECKING:
    from pydantic import TypeAdapter

__all__ = ["Endpoint", "LazyType", "resolve_type"]

T = TypeVar("T")


class _Envelope(TypedDict, Generic[T]):
    """The v4-style envelope of a successful call, as far as parsing needs it.

    The other keys (``errors``, ``messages``, ``result_info``) are skipped, not validated.
    """

    success: Literal[True]
    result: T


_UNRESOLVED: Any = object()


class LazyType:
    """A type given as a function that returns it; the function is called once, on first use.

    Generated resource modules pass their request and response types this way
    (``LazyType(lambda: list[_models.Event])``): importing a resource module then imports no
    model module, and an endpoint resolves its types when it first builds its adapters (the
    first call), never again.
    """

    __slots__ = ("_load", "_value")

    def __init__(self, load: Callable[[], Any]) -> None:
        self._load = load
        self._value: Any = _UNRESOLVED

    def resolve(self) -> Any:
        """The type (calls the function the first time only)."""
        value = self._value
        if value is _UNRESOLVED:
            value = self._value = self._load()
        return value

    def __repr__(self) -> str:
        if self._value is _UNRESOLVED:
            return "LazyType(<not resolved yet>)"
        return f"LazyType({self._value!r})"


def resolve_type(type_: Any) -> Any:
    """``type_`` itself, or the type a :class:`LazyType` stands for."""
    return type_.resolve() if isinstance(type_, LazyType) else type_


def _adapter(type_: Any) -> TypeAdapter[Any]:
    from pydantic import TypeAdapter  # imported on first use: keeps the package import light

    return TypeAdapter(type_)


# --- wire types: request bodies validated as plain data --------------------------------------
#
# Validating a body into model instances and dumping them again costs about twice as much as
# validating the same data as TypedDicts that mirror the models (same fields, aliases,
# constraints and config) and dumping those. The mirror only replaces models it can copy
# exactly (no validators, serializers, computed or excluded fields, no typed extras, no
# recursion); anything else stays the model itself, which is always correct.

_NOT_COPIED = frozenset(
    {
        "title",
        "json_schema_extra",
        "json_schema_mode_override",
        "use_attribute_docstrings",
        "protected_namespaces",
        "defer_build",
        "frozen",
        "validate_assignment",
        "revalidate_instances",
        "model_title_generator",
        "alias_generator",  # the fields carry their resolved aliases
        "plugin_settings",
    }
)


def _copyable(model: Any) -> bool:
    from pydantic import BaseModel

    if not model.__pydantic_complete__:  # defer_build: the fields are final once it is built
        model.model_rebuild(raise_errors=False)
    decorators = model.__pydantic_decorators__
    if (
        decorators.validators
        or decorators.field_validators
        or decorators.root_validators
        or decorators.field_serializers
        or decorators.model_serializers
        or decorators.model_validators
        or decorators.computed_fields
    ):
        return False
    if getattr(model, "__pydantic_root_model__", False) or not model.__pydantic_complete__:
        return False
    if model.__pydantic_generic_metadata__.get("origin") is not None:
        return False
    for cls in model.__mro__:
        if cls is BaseModel:
            break
        names = vars(cls)
        if "model_post_init" in names or "__get_pydantic_core_schema__" in names:
            return False
        if "__pydantic_extra__" in names.get("__annotations__", {}):
            return False
    return all(not (f.validate_default or f.exclude) for f in model.model_fields.values())


def wire_type(
    type_: Any, _memo: dict[Any, Any] | None = None, _active: frozenset[Any] = frozenset()
) -> Any:
    """``type_`` with every model that can be copied exactly replaced by its TypedDict mirror."""
    from pydantic import BaseModel, ConfigDict, Field

    memo: dict[Any, Any] = {} if _memo is None else _memo
    if isinstance(type_, type) and issubclass(type_, BaseModel):
        if type_ in memo:
            return memo[type_]
        if type_ in _active or not _copyable(type_):
            return type_
        active = _active | {type_}
        fields: dict[str, Any] = {}
        for name, info in type_.model_fields.items():
            extra: dict[str, Any] = {}
            if info.alias is not None:
                extra["alias"] = info.alias
            if info.validation_alias is not None and info.validation_alias != info.alias:
                extra["validation_alias"] = info.validation_alias
            if info.serialization_alias is not None and info.serialization_alias != info.alias:
                extra["serialization_alias"] = info.serialization_alias
            if info.discriminator is not None:
                extra["discriminator"] = info.discriminator
            annotation = wire_type(info.annotation, memo, active)
            metadata = [*info.metadata, *([Field(**extra)] if extra else [])]
            if metadata:
                params = (annotation, *metadata)
                annotation = cast(Any, Annotated)[params]
            fields[name] = Required[annotation] if info.is_required() else NotRequired[annotation]
        mirror: Any = cast(Any, TypedDict)(f"{type_.__name__}Wire", fields)
        mirror.__pydantic_config__ = ConfigDict(
            **{k: v for k, v in type_.model_config.items() if k not in _NOT_COPIED}  # type: ignore[typeddict-item]
        )
        memo[type_] = mirror
        return mirror
    origin = get_origin(type_)
    if origin is None or origin is Literal:
        return type_
    args = get_args(type_)
    if origin is Annotated:
        params = (wire_type(args[0], memo, _active), *type_.__metadata__)
        return cast(Any, Annotated)[params]
    if origin is Union or origin is types.UnionType:
        return cast(Any, Union)[tuple(wire_type(a, memo, _active) for a in args)]
    if origin in (list, tuple, set, frozenset, dict) or origin.__module__ == "collections.abc":
        new = tuple(a if a is Ellipsis else wire_type(a, memo, _active) for a in args)
        return origin[new[0] if len(new) == 1 else new]
    return type_  # anything else is validated as declared (correct, just not faster)


PATH_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")
"""Matches one ``{name}`` placeholder of a path template."""


@dataclass(frozen=True, eq=False)
class Endpoint(Generic[T]):
    """One operation: route, request/response types and how to read the response.

    ``response_type`` is anything :class:`pydantic.TypeAdapter` accepts, or ``None`` when the
    success response has no body (the call then returns ``None``); ``body_type`` likewise for the
    request body. Either may be a :class:`LazyType`, resolved once, when the endpoint first needs
    it. ``path`` is relative to the client's base URL; its ``{placeholders}`` use the wire names of
    the path parameters. Adapters are built lazily, once per endpoint, and shared by every call.
    """

    operation_id: str
    method: str
    path: str
    response_type: Any
    body_type: Any = None
    json_query: frozenset[str] = frozenset()
    unwrap_envelope: bool = True
    deprecated: str | None = None
    success_codes: frozenset[int] = frozenset({200})
    # -- bodies that are not JSON, and how success bodies are read
    content_type: str = "application/json"
    """Media type of the request body (its ``Content-Type`` header when not JSON)."""
    body_encoding: str = "json"
    """How the body is encoded, as the generator decided from the media type: ``json``,
    ``multipart``, ``form``, ``text`` or ``binary`` (see ``encode_body``)."""
    accept: str | None = None
    """``Accept`` header of the call when the success responses are not (only) JSON."""
    response_format: str = "json"
    """How a success body is read: ``json`` (validated into ``response_type``), ``text`` (str),
    ``bytes`` or ``empty`` (``None``)."""
    status_formats: Mapping[int, str] = field(default_factory=dict)
    """``response_format`` of the success statuses that differ (a 204 without a body, say)."""
    query_styles: Mapping[str, tuple[str, bool]] = field(default_factory=dict)
    """(style, explode) of query parameters not sent as ``form``/exploded scalars and lists."""
    fixed_query: tuple[tuple[str, str], ...] = ()
    """Query pairs the document wrote into the path (``/responses/{id}?beta=true``): always sent,
    before the call's own parameters."""
    security: tuple[tuple[str, ...], ...] | None = None
    """The operation's own security requirement (scheme keys per alternative; ``()``: none),
    or ``None`` for the document's (the client's settings)."""
    arguments: tuple[str, ...] = ()
    """The Python names of the method's parameters (to suggest one for a misspelt keyword)."""

    def format_of(self, status_code: int) -> str:
        return self.status_formats.get(status_code, self.response_format)

    @cached_property
    def resolved_response_type(self) -> Any:
        """``response_type``, a :class:`LazyType` resolved (once)."""
        return resolve_type(self.response_type)

    @cached_property
    def resolved_body_type(self) -> Any:
        """``body_type``, a :class:`LazyType` resolved (once)."""
        return resolve_type(self.body_type)

    @cached_property
    def response_adapter(self) -> TypeAdapter[T] | None:
        if self.response_type is None:
            return None
        return cast("TypeAdapter[T]", _adapter(self.resolved_response_type))

    @cached_property
    def envelope_adapter(self) -> TypeAdapter[dict[str, Any]] | None:
        """Validates a whole ``{"success": true, "result": <response type>, ...}`` body at once."""
        if self.response_type is None or not self.unwrap_envelope:
            return None
        envelope: Any = _Envelope
        return cast("TypeAdapter[dict[str, Any]]", _adapter(envelope[self.resolved_response_type]))

    @cached_property
    def body_adapter(self) -> TypeAdapter[Any] | None:
        if self.body_type is None:
            return None
        return _adapter(self.resolved_body_type)

    @cached_property
    def body_wire_adapter(self) -> TypeAdapter[Any] | None:
        """The body type with its models mirrored as TypedDicts (see :func:`wire_type`): validates
        plain data about twice as fast; ``None`` when there is nothing to mirror."""
        if self.body_type is None:
            return None
        body_type = self.resolved_body_type
        wire = wire_type(body_type)
        return None if wire == body_type else _adapter(wire)

    @cached_property
    def path_params(self) -> tuple[str, ...]:
        """Wire names of the path placeholders, in order."""
        return tuple(PATH_PLACEHOLDER.findall(self.path))

    def is_success(self, status_code: int) -> bool:
        """A declared success code, or any 2xx (an undeclared 2xx is not an error)."""
        return status_code in self.success_codes or 200 <= status_code < 300
