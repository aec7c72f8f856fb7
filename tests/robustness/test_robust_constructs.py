"""Single constructs on small documents: what the IR makes of them, and which warnings name
which JSON pointers."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from generator.build.api import build_api
from generator.build.naming import MAX_NAME
from generator.diagnostics import Diagnostics
from generator.ir import Api, Model, Operation
from generator.load.config import Config
from generator.load.loader import load_spec
from tests.conftest import minimal_spec


@pytest.fixture
def build(write_spec: Callable[..., Path]) -> Callable[..., tuple[Api, list[str]]]:
    def run(doc: dict[str, Any] | None = None, raw: str | None = None) -> tuple[Api, list[str]]:
        diagnostics = Diagnostics()
        path = write_spec(doc, raw=raw)
        api = build_api(load_spec(path), Config(), diagnostics, package_name="pkg")
        return api, [f"{d.location.pointer}: {d.message}" for d in diagnostics]

    return run


def _model(api: Api, name: str) -> Model:
    return next(m for m in api.models if m.name == name)


def _op(api: Api) -> Operation:
    (op,) = api.operations()
    return op


def _get(response_schema: dict[str, Any], media: str = "application/json") -> dict[str, Any]:
    return {
        "/r": {
            "get": {
                "operationId": "read",
                "responses": {
                    "200": {"description": "ok", "content": {media: {"schema": response_schema}}}
                },
            }
        }
    }


def test_yaml_is_read_as_yaml_1_2(build: Callable[..., tuple[Api, list[str]]]) -> None:
    raw = """
openapi: 3.1.0
info: {title: T, version: "1"}
paths: {}
components:
  schemas:
    Answer: {enum: [yes, no, on, off]}
    Clock: {enum: [12:30, 017]}
"""
    api, _ = build(raw=raw)
    assert (
        _model(api, "Answer").annotation == 'Literal["yes", "no", "on", "off"] | str'
    )  # not booleans
    assert (
        _model(api, "Clock").annotation == 'Literal["12:30", 17] | int | str'
    )  # not 750, not octal


def test_nullable_reference_idiom_is_the_reference(
    build: Callable[..., tuple[Api, list[str]]],
) -> None:
    schemas = {
        "User": {"type": "object", "properties": {"name": {"type": "string"}}},
        "Repo": {
            "type": "object",
            "properties": {
                "owner": {
                    "allOf": [{"$ref": "#/components/schemas/User"}],
                    "nullable": True,
                    "description": "who",
                }
            },
        },
        "Short": {"allOf": [{"type": "string"}, {"maxLength": 3}]},
    }
    api, warnings = build(
        minimal_spec(
            openapi="3.0.3",
            paths=_get({"$ref": "#/components/schemas/Repo"}),
            components={"schemas": schemas},
        )
    )
    owner = next(f for f in _model(api, "Repo").fields if f.wire_name == "owner")
    assert owner.annotation == "User | None" and owner.doc == "who"  # not a copy of User
    assert _model(api, "Short").annotation == "str"
    assert "RepoOwner" not in {m.name for m in api.models} and not warnings


def test_loose_members_are_warned_and_documented(
    build: Callable[..., tuple[Api, list[str]]],
) -> None:
    schemas = {
        "Odd": {
            "type": "object",
            "properties": {
                "pair": {"type": "array", "prefixItems": [{"type": "string"}, {"type": "integer"}]},
                "shape": {"enum": [{"a": 1}, [2]]},
                "never": False,
                "count": {"type": "integer", "default": "four"},
            },
        },
    }  # a schema that is only a reference to itself is a load error (tests/codegen/test_hostile_input.py)
    api, warnings = build(
        minimal_spec(
            paths=_get({"$ref": "#/components/schemas/Odd"}), components={"schemas": schemas}
        )
    )
    assert warnings == [
        "/components/schemas/Odd/properties/pair: tuple-typed array (prefixItems) typed as a list of Any",
        "/components/schemas/Odd/properties/shape: enum of non-scalar values typed as Any",
        "/components/schemas/Odd/properties/never: schema 'false' admits nothing; typed as Any",
        "/components/schemas/Odd/properties/count: default 'four' does not match the property's type; the field defaults to None",
    ]
    fields = {f.wire_name: f for f in _model(api, "Odd").fields}
    assert fields["pair"].annotation == "list[Any] | None"
    assert "Loosely typed: tuple-typed array" in fields["pair"].doc
    assert fields["count"].annotation == "int | None" and fields["count"].default == "None"


def test_long_names_are_cut_deterministically(build: Callable[..., tuple[Api, list[str]]]) -> None:
    long_tag, long_prop = "t" * 10_000, "p" * 10_000
    paths = {
        "/r": {
            "get": {
                "operationId": "o" * 10_000,
                "tags": [long_tag],
                "responses": {"200": {"description": "ok"}},
            }
        }
    }
    schemas = {
        "Thing": {
            "type": "object",
            "properties": {long_prop: {"type": "object", "properties": {"x": {"type": "string"}}}},
        }
    }
    api, _ = build(minimal_spec(paths=paths, components={"schemas": schemas}))
    (resource,) = api.resources
    assert len(resource.module) <= MAX_NAME + 1 and len(_op(api).py_name) <= MAX_NAME + 1
    inline = next(m for m in api.models if m.name.startswith("ThingP"))
    assert len(inline.name) <= MAX_NAME and inline.module == "thing"
    field = _model(api, "Thing").fields[0]
    assert len(field.py_name) <= MAX_NAME and field.wire_name == long_prop


def test_path_placeholders_and_ignored_headers(build: Callable[..., tuple[Api, list[str]]]) -> None:
    op = {
        "operationId": "read",
        "parameters": [
            {"name": "Accept", "in": "header", "schema": {"type": "string"}},
            {"name": "gone", "in": "path", "required": True, "schema": {"type": "string"}},
        ],
        "responses": {"200": {"description": "ok"}},
    }
    api, warnings = build(minimal_spec(paths={"/things/{id}": {"get": op}}))
    assert [(p.wire_name, p.location, p.required) for p in _op(api).params] == [
        ("id", "path", True)
    ]
    assert warnings == [
        "/paths/~1things~1{id}/get: path placeholder {id} has no parameter; taken as a required string",
        "/paths/~1things~1{id}/get/parameters/1: path parameter 'gone' is not in the path '/things/{id}'; it is ignored",
        "/paths/~1things~1{id}/get/parameters/0: header parameter 'Accept' is ignored (OpenAPI: the client sets it itself)",
    ]


def test_wildcard_binary_bodies_and_responses(build: Callable[..., tuple[Api, list[str]]]) -> None:
    binary = {"type": "string", "format": "binary"}
    paths = {
        "/up": {
            "post": {
                "operationId": "up",
                "requestBody": {"content": {"*/*": {"schema": binary}}},
                "responses": {"200": {"description": "ok", "content": {"*/*": {"schema": binary}}}},
            }
        }
    }
    api, _ = build(minimal_spec(paths=paths))
    op = _op(api)
    assert op.body is not None and op.body.encoding == "binary" and op.return_annotation == "bytes"
    assert dict(op.endpoint_extras) == {
        "content_type": '"application/octet-stream"',
        "body_encoding": '"binary"',
        "accept": '"*/*"',
        "response_format": '"bytes"',
    }


def test_read_only_required_fields_bind_responses_only(
    build: Callable[..., tuple[Api, list[str]]],
) -> None:
    schemas = {"Item": {"type": "object", "required": ["id", "name", "secret"], "properties": {
        "id": {"type": "integer", "readOnly": True}, "name": {"type": "string"}, "secret": {"type": "string", "writeOnly": True}}}}  # fmt: skip
    paths = {"/items": {"post": {"operationId": "create", "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Item"}}}},
             "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Item"}}}}}}}}  # fmt: skip
    api, _ = build(minimal_spec(paths=paths, components={"schemas": schemas}))
    fields = {f.wire_name: f.required for f in _model(api, "Item").fields}
    assert fields == {
        "id": False,
        "name": True,
        "secret": False,
    }  # used both ways: neither may be demanded
    assert [p.py_name for p in _op(api).params] == ["name", "secret"]  # id is never sent


def test_webhooks_and_derived_operation_ids(build: Callable[..., tuple[Api, list[str]]]) -> None:
    ok = {"responses": {"200": {"description": "ok"}}}
    doc = minimal_spec(
        paths={"/a-b": {"get": ok}, "/a_b": {"get": ok}}, webhooks={"ping": {"post": ok}}
    )
    api, warnings = build(doc)
    assert sorted(op.operation_id for op in api.operations()) == [
        "get_a_b",
        "get_a_b_2",
    ]  # no operationId: derived, unique
    assert warnings == [
        "/webhooks: 1 webhook(s) not generated: the API sends them, a client does not call them"
    ]


def test_the_one_member_beside_null_takes_the_union_s_name(
    build: Callable[..., tuple[Api, list[str]]],
) -> None:
    """OpenAI's ``anyOf: [{oneOf: [A, B], discriminator}, {type: null}]``: no ``...Variant1``."""
    a = {"type": "object", "required": ["type"], "properties": {"type": {"const": "a"}}}
    b = {"type": "object", "required": ["type"], "properties": {"type": {"const": "b"}}}
    env = {
        "anyOf": [
            {
                "oneOf": [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}],
                "discriminator": {"propertyName": "type"},
            },
            {"type": "null"},
        ]
    }
    schemas = {"A": a, "B": b, "Call": {"type": "object", "properties": {"environment": env}}}
    api, warnings = build(
        minimal_spec(
            paths=_get({"$ref": "#/components/schemas/Call"}), components={"schemas": schemas}
        )
    )
    names = {m.name for m in api.models}
    assert "CallEnvironment" in names and not any("Variant" in n for n in names) and not warnings
    field = _model(api, "Call").fields[0]
    assert field.annotation == "CallEnvironment | None"
