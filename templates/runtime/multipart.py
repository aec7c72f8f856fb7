"""Request bodies that are fields: ``multipart/form-data`` (files and text parts) and
``application/x-www-form-urlencoded``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic_core import ValidationError

from .body import format_validation_error
from .endpoint import Endpoint
from .errors import RequestValidationError
from .params import json_text, omitted, scalar_text
from .types import NotGiven, is_model

__all__ = ["body_fields", "encode_form", "encode_multipart"]


def body_fields(
    endpoint: Endpoint[Any], body: object, extra_body: Mapping[str, object] | None
) -> dict[str, object]:
    """The fields of a multipart or form body, validated against the body type when there is one
    (files pass through as given), with ``extra_body`` merged last."""
    if is_model(body):
        fields: dict[str, object] = dict(body.model_dump(by_alias=True, exclude_unset=True))
    elif isinstance(body, Mapping):
        fields = {str(k): v for k, v in body.items() if not isinstance(v, NotGiven)}
    elif omitted(body):
        fields = {}
    else:
        raise RequestValidationError(
            f"Invalid request body for {endpoint.operation_id}: expected a mapping of fields, got "
            f"{type(body).__name__}"
        )
    adapter = endpoint.body_adapter
    if adapter is not None:
        try:
            value = adapter.validate_python(fields)
        except ValidationError as exc:
            raise format_validation_error(
                exc, what=f"request body for {endpoint.operation_id}"
            ) from None
        fields = adapter.dump_python(value, mode="json", by_alias=True, exclude_unset=True)
    fields.update(extra_body or {})
    return fields


def _is_file(value: object) -> bool:
    if isinstance(value, (bytes, bytearray, memoryview)) or callable(getattr(value, "read", None)):
        return True
    return (
        isinstance(value, tuple)
        and len(value) in (2, 3)
        and isinstance(value[0], str)
        and (
            isinstance(value[1], (bytes, bytearray, memoryview))
            or callable(getattr(value[1], "read", None))
        )
    )


def _file_parts(value: object, name: str) -> tuple[str, bytes, str]:
    filename, data, content_type = name, value, "application/octet-stream"
    if isinstance(value, tuple):
        filename, data = str(value[0]), value[1]
        if len(value) == 3:
            content_type = str(value[2])
    read = getattr(data, "read", None)
    if callable(read):
        data = read()
    if isinstance(data, str):
        return filename, data.encode("utf-8"), content_type
    if isinstance(data, (bytes, bytearray, memoryview)):
        return filename, bytes(data), content_type
    raise RequestValidationError(f"file field `{name}`: expected bytes, got {type(data).__name__}")


def _part_text(value: object) -> tuple[str, str | None]:
    if isinstance(value, str):
        return value, None
    if isinstance(value, (Mapping, list, tuple)) or is_model(value):
        return json_text(value), "application/json"
    return scalar_text(value), None


def _disposition_value(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")


def _items(value: object) -> list[object]:
    """The parts one field becomes: a list of files or of scalars repeats the field; a list of
    objects is one JSON part."""
    if isinstance(value, list) or (isinstance(value, tuple) and not _is_file(value)):
        items = list(value)
        if not any(_is_file(i) for i in items) and any(
            isinstance(i, Mapping) or is_model(i) for i in items
        ):
            return [value]
        return items
    return [value]


def _part(boundary: str, name: str, item: object) -> bytes:
    out = bytearray(f"--{boundary}\r\n".encode())
    disposition = f'form-data; name="{_disposition_value(name)}"'
    if _is_file(item):
        filename, payload, content_type = _file_parts(item, name)
        disposition += f'; filename="{_disposition_value(filename)}"'
        out += f"Content-Disposition: {disposition}\r\n".encode()
        out += f"Content-Type: {content_type}\r\n\r\n".encode()
        out += payload
    else:
        text, text_type = _part_text(item)
        out += f"Content-Disposition: {disposition}\r\n".encode()
        if text_type:
            out += f"Content-Type: {text_type}\r\n".encode()
        out += b"\r\n" + text.encode("utf-8")
    out += b"\r\n"
    return bytes(out)


def encode_multipart(
    fields: Mapping[str, object], boundary: str | None = None
) -> tuple[bytes, str]:
    """``multipart/form-data`` bytes and the content type naming the boundary."""
    import os

    boundary = boundary if boundary is not None else os.urandom(16).hex()
    out = bytearray()
    for name, value in fields.items():
        if omitted(value):
            continue
        for item in _items(value):
            if not omitted(item):
                out += _part(boundary, name, item)
    out += f"--{boundary}--\r\n".encode()
    return bytes(out), f"multipart/form-data; boundary={boundary}"


def encode_form(fields: Mapping[str, object]) -> bytes:
    """``application/x-www-form-urlencoded`` bytes: lists repeat the key, objects are JSON text."""
    from urllib.parse import urlencode

    pairs: list[tuple[str, str]] = []
    for name, value in fields.items():
        if omitted(value):
            continue
        if isinstance(value, (list, tuple, set, frozenset)):
            pairs.extend((name, _part_text(item)[0]) for item in value if not omitted(item))
        else:
            pairs.append((name, _part_text(value)[0]))
    return urlencode(pairs).encode("ascii")
