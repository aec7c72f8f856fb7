"""JSON request bodies: validated against the endpoint's body type, serialized by pydantic-core
straight to bytes (handed to httpx as ``content=``).

The common case, a body of plain data (dicts, lists, scalars) without ``extra_body``, takes one
path: the body's TypedDict mirror (:func:`.wire.wire_type`) validates it and its serializer
writes the bytes, two calls into pydantic-core and no copy in Python. Model instances in the body,
``extra_body``, and any body the mirror rejects take the model path, which words the errors.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import Any

import pydantic_core
from pydantic_core import ValidationError

from .collector import gc_paused
from .endpoint import Endpoint
from .errors import RequestValidationError, validation_problems
from .params import jsonable
from .types import NotGiven

__all__ = ["format_validation_error", "serialize_body"]


def format_validation_error(exc: ValidationError, *, what: str) -> RequestValidationError:
    """One ``<loc>: <msg>`` line per problem, e.g. ``data[3].tlp: Field required``.

    Input values are not repeated in the message.
    """
    problems = validation_problems(exc)
    count = len(problems)
    lines = [f"Invalid {what} ({count} problem{'s' if count != 1 else ''}):", *problems[:20]]
    if count > 20:
        lines.append(f"... and {count - 20} more (see .problems)")
    return RequestValidationError("\n  ".join(lines), problems)


def _plain_data(body: object) -> bool:
    """A cheap guess that ``body`` holds no model instances (they take the model path): looks at
    the body, its values and the first item of its lists."""
    main = sys.modules.get("pydantic.main")
    if main is None:  # no model can exist before pydantic's model machinery is loaded
        return True
    model = main.BaseModel
    if isinstance(body, model):
        return False
    for value in body.values() if isinstance(body, Mapping) else (body,):
        if isinstance(value, model):
            return False
        if isinstance(value, (list, tuple)) and value and isinstance(value[0], model):
            return False
    return True


def _wire_bytes(endpoint: Endpoint[Any], body: object) -> bytes | None:
    """The body through its TypedDict mirror, or ``None`` when there is none or it rejects the
    body (the model path then finds the problem again and words it). The validated copy only
    lives until it is dumped: no collection could free any of it, so the collector is kept out
    (see :mod:`.collector`)."""
    wire = endpoint.body_wire_adapter
    if wire is None:
        return None
    try:
        with gc_paused():
            return wire.serializer.to_json(
                wire.validator.validate_python(body), by_alias=True, exclude_unset=True
            )
    except Exception:  # invalid: the model path words it
        return None


def serialize_body(
    endpoint: Endpoint[Any],
    body: object,
    extra_body: Mapping[str, object] | None = None,
) -> bytes | None:
    """Validate ``body`` against the endpoint's body type and serialize it to JSON bytes.

    A mapping body has its ``NOT_GIVEN`` values dropped first. Validation happens before anything
    is sent; failures raise :class:`RequestValidationError`. Unset optional fields are not sent.
    Returns ``None`` when there is no body at all.
    """
    if isinstance(body, NotGiven):
        if not extra_body:
            return None
        return pydantic_core.to_json(jsonable(extra_body))
    if isinstance(body, Mapping):
        body = {k: v for k, v in body.items() if not isinstance(v, NotGiven)}
    adapter = endpoint.body_adapter
    if adapter is None:
        data: Any = jsonable(body)
    else:
        if not extra_body and _plain_data(body):
            content = _wire_bytes(endpoint, body)
            if content is not None:
                return content
        try:
            with gc_paused():
                value = adapter.validator.validate_python(body)
                if not extra_body:
                    return adapter.serializer.to_json(value, by_alias=True, exclude_unset=True)
        except ValidationError as exc:
            raise format_validation_error(
                exc, what=f"request body for {endpoint.operation_id}"
            ) from None
        data = adapter.dump_python(value, mode="json", by_alias=True, exclude_unset=True)
    if extra_body:
        if not isinstance(data, dict):
            raise RequestValidationError(
                f"extra_body needs a JSON object body; {endpoint.operation_id} sends "
                f"{type(data).__name__}"
            )
        data.update(jsonable(extra_body))
    return pydantic_core.to_json(data)
