"""The IR decides names, types and defaults; these tests pin those decisions on small specs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from generator.build.api import build_api
from generator.load.config import Config, PaginationConfig
from generator.diagnostics import Diagnostics
from generator.ir import Api, Model, Operation
from generator.load.loader import load_spec
from tests.conftest import minimal_spec


@pytest.fixture
def build(write_spec: Callable[..., Path]) -> Callable[..., tuple[Api, Diagnostics]]:
    def run(doc: dict[str, Any], config: Config | None = None) -> tuple[Api, Diagnostics]:
        diagnostics = Diagnostics()
        api = build_api(load_spec(write_spec(doc)), config or Config(), diagnostics)
        return api, diagnostics

    return run


def _op(schema_body: dict[str, Any] | None = None, response: dict[str, Any] | None = None, params: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    op: dict[str, Any] = {"operationId": "doThing", "tags": ["things"], "responses": {"200": {"description": "ok"}}}
    if schema_body is not None:
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": schema_body}}}
    if response is not None:
        op["responses"]["200"]["content"] = {"application/json": {"schema": response}}
    if params:
        op["parameters"] = params
    return op


def _model(api: Api, name: str) -> Model:
    return next(m for m in api.models if m.name == name)


def _only_op(api: Api) -> Operation:
    [op] = api.operations()
    return op


SCHEMAS = {
    "Repository": {
        "type": "object",
        "required": ["id", "owner"],
        "properties": {
            "id": {"type": "integer", "format": "int64"},
            "owner": {"type": "object", "properties": {"login": {"type": "string"}}},
            "createdAt": {"type": "string", "format": "date-time"},
            "tags": {"type": "array", "items": {"type": "object", "properties": {"name": {"type": "string"}}}},
            "visibility": {"type": "string", "enum": ["public", "private"]},
            "size": {"type": "number", "default": 0},
            "note": {"type": ["string", "null"]},
            "json": {"type": "string"},
            "matrix": {"type": "array", "items": {"type": "array", "items": {"type": "integer"}}},
            "labels": {"type": "object", "additionalProperties": {"type": "string"}},
        },
    }
}


def test_component_fields_types_and_names(build: Callable[..., tuple[Api, Diagnostics]]) -> None:
    api, _ = build(minimal_spec(paths={"/r": {"get": _op(response={"$ref": "#/components/schemas/Repository"})}}, components={"schemas": SCHEMAS}))
    repo = _model(api, "Repository")
    fields = {f.wire_name: f for f in repo.fields}
    assert fields["id"].annotation == "int" and fields["id"].required and fields["id"].default is None
    assert fields["owner"].annotation == "RepositoryOwner"  # inline object named from its context
    assert fields["createdAt"].py_name == "created_at" and fields["createdAt"].annotation == "datetime | None"
    assert fields["tags"].annotation == "list[RepositoryTag] | None"  # array items named in the singular
    # response models accept enum values added later
    assert fields["visibility"].annotation == 'Literal["public", "private"] | str | None'
    assert fields["size"].default == "0"
    assert fields["note"].annotation == "str | None" and fields["note"].default == "None"
    assert fields["json"].py_name == "json_"  # would shadow BaseModel.json
    assert fields["matrix"].annotation == "list[list[int]] | None"
    assert fields["labels"].annotation == "dict[str, str] | None"
    assert repo.extra == "allow" and repo.usage == frozenset({"response"})


def test_request_only_models_are_strict(build: Callable[..., tuple[Api, Diagnostics]]) -> None:
    body = {"type": "object", "required": ["kind"], "properties": {"kind": {"type": "string", "enum": ["a", "b"]}, "when": {"type": "string", "format": "date-time"}}}
    api, _ = build(minimal_spec(paths={"/r": {"post": _op(schema_body=body)}}))
    op = _only_op(api)
    model = _model(api, "ThingsDoBody")
    assert model.extra == "forbid"
    assert {f.wire_name: f.annotation for f in model.fields}["kind"] == 'Literal["a", "b"]'
    params = {p.wire_name: p for p in op.params}
    assert params["kind"].annotation == 'Literal["a", "b"]'
    assert params["when"].annotation == "datetime | str | NotGiven"  # ISO strings accepted in arguments
    assert op.body is not None and op.body.flattened and op.body.type_expr == "LazyType(lambda: _models.ThingsDoBody)"


def test_resource_modules_name_models_through_the_lazy_package(build: Callable[..., tuple[Api, Diagnostics]]) -> None:
    """Annotations and endpoint types of resource modules go through ``_models`` (the models
    package, whose submodules load on first access); types that name no model stay eager."""
    item = {"type": "object", "properties": {"n": {"type": "integer"}}}
    params = [{"name": "filter", "in": "query", "schema": {"$ref": "#/components/schemas/Item"}}]
    doc = minimal_spec(
        paths={
            "/r": {"post": _op(schema_body={"type": "array", "items": {"$ref": "#/components/schemas/Item"}}, response={"type": "array", "items": {"$ref": "#/components/schemas/Item"}}, params=params)},
            "/n": {"get": {**_op(response={"type": "number"}), "operationId": "count"}},
        },
        components={"schemas": {"Item": item}},
    )
    api, _ = build(doc)
    ops = {op.operation_id: op for op in api.operations()}
    op, plain = ops["doThing"], ops["count"]
    assert op.return_annotation == "list[Item]" and op.return_hint == "list[_models.Item]"
    assert op.response_type_expr == "LazyType(lambda: list[_models.Item])"
    assert op.body is not None and op.body.type_expr == "LazyType(lambda: list[_models.Item])"
    hints = {p.wire_name: (p.annotation, p.hint) for p in op.params}
    assert hints["filter"] == ("Item | Mapping[str, Any] | NotGiven", "_models.Item | Mapping[str, Any] | NotGiven")
    assert hints["body"] == ("Sequence[Item | Mapping[str, Any]]", "Sequence[_models.Item | Mapping[str, Any]]")
    assert plain.return_hint == "float" and plain.response_type_expr == "float"  # nothing to defer
    [resource] = api.resources
    assert {"models", "LazyType"} <= resource.helpers and api.models_alias == "_models"


def test_all_of_is_merged_with_ref_and_inline_members(build: Callable[..., tuple[Api, Diagnostics]]) -> None:
    schemas = {
        "Base": {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}},
        "Derived": {"allOf": [{"$ref": "#/components/schemas/Base"}, {"type": "object", "required": ["extra"], "properties": {"extra": {"type": "integer"}}}]},
    }
    api, _ = build(minimal_spec(paths={"/r": {"get": _op(response={"$ref": "#/components/schemas/Derived"})}}, components={"schemas": schemas}))
    derived = _model(api, "Derived")
    assert [(f.wire_name, f.required) for f in derived.fields] == [("id", True), ("extra", True)]


def test_discriminated_union_by_const(build: Callable[..., tuple[Api, Diagnostics]]) -> None:
    schemas = {
        "Cat": {"type": "object", "required": ["kind"], "properties": {"kind": {"const": "cat"}, "purrs": {"type": "boolean"}}},
        "Dog": {"type": "object", "required": ["kind"], "properties": {"kind": {"const": "dog"}}},
        "Pet": {"oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}]},
    }
    api, _ = build(minimal_spec(paths={"/r": {"get": _op(response={"$ref": "#/components/schemas/Pet"})}}, components={"schemas": schemas}))
    pet = _model(api, "Pet")
    assert pet.kind == "alias"
    # a callable discriminator: works although response models keep literals open (Literal['cat'] | str)
    assert pet.annotation == (
        'Annotated[Annotated[Cat, _Tag("Cat")] | Annotated[Dog, _Tag("Dog")], _tagged_by("kind", {"cat": "Cat", "dog": "Dog"})]'
    )


def test_recursive_schemas_share_a_module_and_rebuild(build: Callable[..., tuple[Api, Diagnostics]]) -> None:
    schemas = {
        "A": {"type": "object", "properties": {"b": {"$ref": "#/components/schemas/B"}}},
        "B": {"type": "object", "properties": {"a": {"$ref": "#/components/schemas/A"}}},
        "C": {"type": "object", "properties": {"a": {"$ref": "#/components/schemas/A"}}},
    }
    api, _ = build(minimal_spec(paths={"/r": {"get": _op(response={"$ref": "#/components/schemas/C"})}}, components={"schemas": schemas}))
    modules = {m.name: m for m in api.model_modules}
    assert _model(api, "A").module == _model(api, "B").module
    cycle = modules[_model(api, "A").module]
    assert cycle.needs_rebuild
    assert modules[_model(api, "C").module].imports == ((cycle.name, ("A",)),)


def test_parameters_snake_case_with_wire_names_and_collisions(build: Callable[..., tuple[Api, Diagnostics]]) -> None:
    params = [
        {"name": "thing_id", "in": "path", "required": True, "schema": {"type": "string"}},
        {"name": "pageSize", "in": "query", "schema": {"type": "integer", "maximum": 100}},
        {"name": "from", "in": "query", "schema": {"type": "string"}},
        {"name": "timeout", "in": "query", "schema": {"type": "number"}},
    ]
    body = {"type": "object", "properties": {"pageSize": {"type": "string"}}}
    doc = minimal_spec(paths={"/t/{thing_id}": {"post": _op(schema_body=body, params=params)}})
    api, _ = build(doc)
    names = {(p.location, p.wire_name): p.py_name for p in _only_op(api).params}
    assert names == {
        ("path", "thing_id"): "thing_id",
        ("query", "pageSize"): "page_size",
        ("query", "from"): "from_",
        ("query", "timeout"): "timeout_",
        ("body", "pageSize"): "body_page_size",  # collision resolved by context, not a number
    }


def test_client_filled_path_parameters_come_last_and_are_optional(build: Callable[..., tuple[Api, Diagnostics]]) -> None:
    params = [
        {"name": "account_id", "in": "path", "required": True, "schema": {"type": "string"}},
        {"name": "item_id", "in": "path", "required": True, "schema": {"type": "string"}},
    ]
    api, _ = build(minimal_spec(paths={"/a/{account_id}/i/{item_id}": {"get": _op(params=params)}}), Config(path_defaults={"account_id": "account_id"}))
    op = _only_op(api)
    assert [p.py_name for p in op.params] == ["item_id", "account_id"]
    assert op.params[-1].annotation == "str | None" and op.params[-1].default_from_client == "account_id"


def test_envelope_shaped_bodies_are_not_unwrapped(build: Callable[..., tuple[Api, Diagnostics]]) -> None:
    wrapped = {"type": "object", "required": ["success", "result"], "properties": {"success": {"type": "boolean"}, "result": {"type": "object", "properties": {"ok": {"type": "boolean"}}}}}
    api, _ = build(minimal_spec(paths={"/r": {"get": _op(response=wrapped)}}))
    assert _only_op(api).unwrap_envelope is False


def test_pagination_needs_page_parameters(build: Callable[..., tuple[Api, Diagnostics]]) -> None:
    from generator.diagnostics import GenerationError

    doc = minimal_spec(paths={"/r": {"get": _op(response={"type": "array", "items": {"type": "string"}})}})
    with pytest.raises(GenerationError, match="has no query parameters 'page'"):
        build(doc, Config(path="codegen.toml", pagination={"doThing": PaginationConfig("doThing")}))


def test_several_success_responses_become_a_union(build: Callable[..., tuple[Api, Diagnostics]]) -> None:
    op = _op(response={"type": "string"})
    op["responses"]["201"] = {"description": "made", "content": {"application/json": {"schema": {"type": "integer"}}}}
    api, _ = build(minimal_spec(paths={"/r": {"get": op}}))
    assert _only_op(api).return_annotation == "str | int"
    assert _only_op(api).success_codes == (200, 201)


def test_aliases_of_object_models_also_take_mappings_as_arguments(build: Callable[..., tuple[Api, Diagnostics]]) -> None:
    """A JSON-encoded query parameter typed as a union of models (an alias) accepts plain dicts
    in its annotation, as a model-typed one does; an alias of scalars does not."""
    schemas = {
        "Cat": {"type": "object", "required": ["meow"], "properties": {"meow": {"type": "string"}}},
        "Dog": {"type": "object", "required": ["bark"], "properties": {"bark": {"type": "string"}}},
        "Pet": {"oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}]},
        "Color": {"oneOf": [{"type": "string"}, {"type": "integer"}]},
        "PetA": {"$ref": "#/components/schemas/Pet"},
        "PetB": {"$ref": "#/components/schemas/Pet"},
        "Both": {"oneOf": [{"$ref": "#/components/schemas/PetA"}, {"$ref": "#/components/schemas/PetB"}]},  # a diamond
        "MaybePet": {"oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}, {"type": "null"}]},
    }

    def query(name: str, schema: dict[str, Any]) -> dict[str, Any]:
        return {"name": name, "in": "query", "content": {"application/json": {"schema": schema}}}

    params = [
        query("pets", {"type": "array", "items": {"$ref": "#/components/schemas/Pet"}}),
        query("color", {"$ref": "#/components/schemas/Color"}),
        query("both", {"$ref": "#/components/schemas/Both"}),
        query("maybe", {"$ref": "#/components/schemas/MaybePet"}),
    ]
    api, _ = build(minimal_spec(paths={"/things": {"get": _op(params=params)}}, components={"schemas": schemas}))
    [op] = api.operations()
    by_name = {p.py_name: p for p in op.params}
    assert by_name["pets"].annotation == "Sequence[Pet | Mapping[str, Any]] | NotGiven"
    assert by_name["pets"].hint == "Sequence[_models.Pet | Mapping[str, Any]] | NotGiven"
    assert by_name["color"].annotation == "Color | NotGiven"
    assert by_name["both"].annotation == "Both | Mapping[str, Any] | NotGiven"
    assert by_name["maybe"].annotation.startswith("MaybePet | Mapping[str, Any]")
