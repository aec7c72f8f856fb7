"""Wire types: request bodies validated as plain data.

Validating a body into model instances and dumping them again costs about twice as much as
validating the same data as TypedDicts that mirror the models (same fields, aliases,
constraints and config) and dumping those. The mirror only replaces models it can copy
exactly (no validators, serializers, computed or excluded fields, no typed extras, no
recursion); anything else stays the model itself, which is always correct.

Dates: a ``datetime`` field of a mirrored model accepts a string that is already what pydantic
would send for it (a valid date and time, written the way pydantic writes it: see
:data:`CANONICAL_DATETIME`) as the string itself; any other value (a ``datetime``, a timestamp,
another spelling) is parsed as before. Such a string is checked by one regular expression,
calendar included (month lengths, leap years), instead of being parsed into a ``datetime`` and
written out again, and the same bytes are sent.
"""

from __future__ import annotations

import datetime as _dt
import types
from typing import Any, Literal, Union, cast

# typing_extensions' get_args/get_origin see its Required/NotRequired on Python 3.10 too
from typing_extensions import (  # noqa: UP035
    Annotated,
    NotRequired,
    Required,
    TypedDict,
    get_args,
    get_origin,
)

__all__ = ["CANONICAL_DATETIME", "wire_type"]

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

_YEAR = r"(?:000[1-9]|00[1-9]\d|0[1-9]\d\d|[1-9]\d{3})"
_LEAP_YEAR = r"(?:\d\d(?:0[48]|[2468][048]|[13579][26])|(?:0[48]|[2468][048]|[13579][26])00)"
_DAY = (
    rf"(?:{_YEAR}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])"
    r"|(?:0[469]|11)-(?:0[1-9]|[12]\d|30)|02-(?:0[1-9]|1\d|2[0-8]))"
    rf"|{_LEAP_YEAR}-02-29)"
)
_MICROSECONDS = r"\.(?:[1-9]\d{5}|0[1-9]\d{4}|00[1-9]\d{3}|000[1-9]\d\d|0000[1-9]\d|00000[1-9])"
_OFFSET = r"(?:Z|[+-](?:(?:0[1-9]|1\d|2[0-3]):[0-5]\d|00:(?:0[1-9]|[1-5]\d)))"
CANONICAL_DATETIME = rf"^{_DAY}T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:{_MICROSECONDS})?{_OFFSET}?$"
"""A date and time exactly as pydantic writes one: ``YYYY-MM-DDTHH:MM:SS``, six digits of
microseconds unless there are none, then ``Z`` for UTC, ``±HH:MM`` for another offset, or
nothing (naive). Only real dates match (year 1 to 9999, month lengths, leap years)."""

# a config that changes how datetimes are validated or written keeps the plain datetime
_DATES_AS_DECLARED = frozenset(
    {"strict", "regex_engine", "ser_json_temporal", "val_temporal_unit", "json_encoders"}
)


def _canonical_or_datetime() -> Any:
    from pydantic import Field, Strict, StringConstraints

    written = Annotated[str, Strict(), StringConstraints(pattern=CANONICAL_DATETIME)]
    return Annotated[written | _dt.datetime, Field(union_mode="left_to_right")]


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


def _mirror(model: Any, memo: dict[Any, Any], active: frozenset[Any]) -> Any:
    """The TypedDict mirror of ``model`` (which :func:`_copyable` accepted)."""
    from pydantic import ConfigDict, Field

    dates = not _DATES_AS_DECLARED.intersection(model.model_config)
    fields: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        extra: dict[str, Any] = {}
        if info.alias is not None:
            extra["alias"] = info.alias
        if info.validation_alias is not None and info.validation_alias != info.alias:
            extra["validation_alias"] = info.validation_alias
        if info.serialization_alias is not None and info.serialization_alias != info.alias:
            extra["serialization_alias"] = info.serialization_alias
        if info.discriminator is not None:
            extra["discriminator"] = info.discriminator
        annotation = wire_type(info.annotation, memo, active, dates and not info.metadata)
        metadata = [*info.metadata, *([Field(**extra)] if extra else [])]
        if metadata:
            params = (annotation, *metadata)
            annotation = cast(Any, Annotated)[params]
        fields[name] = Required[annotation] if info.is_required() else NotRequired[annotation]
    mirror: Any = cast(Any, TypedDict)(f"{model.__name__}Wire", fields)
    mirror.__pydantic_config__ = ConfigDict(
        **{k: v for k, v in model.model_config.items() if k not in _NOT_COPIED}  # type: ignore[typeddict-item]
    )
    return mirror


def wire_type(
    type_: Any,
    _memo: dict[Any, Any] | None = None,
    _active: frozenset[Any] = frozenset(),
    _dates: bool = False,
) -> Any:
    """``type_`` with every model that can be copied exactly replaced by its TypedDict mirror
    (and, inside a mirror, each plain ``datetime`` by the canonical string or a datetime)."""
    from pydantic import BaseModel

    memo: dict[Any, Any] = {} if _memo is None else _memo
    if isinstance(type_, type) and issubclass(type_, BaseModel):
        if type_ in memo:
            return memo[type_]
        if type_ in _active or not _copyable(type_):
            return type_
        memo[type_] = mirror = _mirror(type_, memo, _active | {type_})
        return mirror
    if type_ is _dt.datetime:
        return _canonical_or_datetime() if _dates else type_
    origin = get_origin(type_)
    if origin is None or origin is Literal:
        return type_
    args = get_args(type_)
    if origin is Annotated:  # metadata may constrain or reshape a datetime: keep it declared
        params = (wire_type(args[0], memo, _active), *type_.__metadata__)
        return cast(Any, Annotated)[params]
    if origin is Union or origin is types.UnionType:
        return cast(Any, Union)[tuple(wire_type(a, memo, _active, _dates) for a in args)]
    if origin in (list, tuple, set, frozenset, dict) or origin.__module__ == "collections.abc":
        keyed = len(args) == 2 and args[1] is not Ellipsis and origin is not tuple  # a mapping
        new = tuple(
            a if a is Ellipsis else wire_type(a, memo, _active, _dates and not (keyed and i == 0))
            for i, a in enumerate(args)
        )
        return origin[new[0] if len(new) == 1 else new]
    return type_  # anything else is validated as declared (correct, just not faster)
