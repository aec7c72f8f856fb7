"""The IR decides names, types and defaults; these tests pin those decisions on small specs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from generator.build.api import build_api
from generator.diagnostics import Diagnostics
from generator.ir import Api, Model, Operation
from generator.load.config import Config, PaginationConfig, load_config
from generator.load.loader import load_spec
from tests.conftest import minimal_spec


@pytest.fixture
def build(write_spec: Callable[..., Path]) -> Callable[..., tuple[Api, Diagnostics]]:
    def run(doc: dict[str, Any], config: Config | None = None) -> tuple[Api, Diagnostics]:
        diagnostics = Diagnostics()
        api = build_api(load_spec(write_spec(doc)), config or Config(), diagnostics)
        return api, diagnostics

    return run


def _op(
    schema_body: dict[str, Any] | None = None,
    response: dict[str, Any] | None = None,
    params: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    op: dict[str, Any] = {
        "operationId": "doThing",
        "tags": ["things"],
        "responses": {"200": {"description": "ok"}},
    }
    if schema_body is not None:
        op["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": schema_body}},
        }
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
            "tags": {
                "type": "array",
                "items": {"type": "object", "properties": {"name": {"type": "string"}}},
            },
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
    api, _ = build(
        minimal_spec(
            paths={"/r": {"get": _op(response={"$ref": "#/components/schemas/Repository"})}},
            components={"schemas": SCHEMAS},
        )
    )
    repo = _model(api, "Repository")
    fields = {f.wire_name: f for f in repo.fields}
    assert (
        fields["id"].annotation == "int" and fields["id"].required and fields["id"].default is None
    )
    assert fields["owner"].annotation == "RepositoryOwner"  # inline object named from its context
    assert (
        fields["createdAt"].py_name == "created_at"
        and fields["createdAt"].annotation == "datetime | None"
    )
    assert (
        fields["tags"].annotation == "list[RepositoryTag] | None"
    )  # array items named in the singular
    # response models accept enum values added later
    assert fields["visibility"].annotation == 'Literal["public", "private"] | str | None'
    assert fields["size"].default == "0"
    assert fields["note"].annotation == "str | None" and fields["note"].default == "None"
    assert fields["json"].py_name == "json_"  # would shadow BaseModel.json
    assert fields["matrix"].annotation == "list[list[int]] | None"
    assert fields["labels"].annotation == "dict[str, str] | None"
    assert repo.extra == "allow" and repo.usage == frozenset({"response"})


def test_request_only_models_are_strict(build: Callable[..., tuple[Api, Diagnostics]]) -> None:
    body = {
        "type": "object",
        "required": ["kind"],
        "properties": {
            "kind": {"type": "string", "enum": ["a", "b"]},
            "when": {"type": "string", "format": "date-time"},
        },
    }
    api, _ = build(minimal_spec(paths={"/r": {"post": _op(schema_body=body)}}))
    op = _only_op(api)
    model = _model(api, "ThingsDoBody")
    assert model.extra == "forbid"
    assert {f.wire_name: f.annotation for f in model.fields}["kind"] == 'Literal["a", "b"]'
    params = {p.wire_name: p for p in op.params}
    assert params["kind"].annotation == 'Literal["a", "b"]'
    assert (
        params["when"].annotation == "datetime | str | NotGiven"
    )  # ISO strings accepted in arguments
    assert (
        op.body is not None
        and op.body.flattened
        and op.body.type_expr == "LazyType(lambda: _models.ThingsDoBody)"
    )


def test_resource_modules_name_models_through_the_lazy_package(
    build: Callable[..., tuple[Api, Diagnostics]],
) -> None:
    """Annotations and endpoint types of resource modules go through ``_models`` (the models
    package, whose submodules load on first access); types that name no model stay eager."""
    item = {"type": "object", "properties": {"n": {"type": "integer"}}}
    params = [{"name": "filter", "in": "query", "schema": {"$ref": "#/components/schemas/Item"}}]
    doc = minimal_spec(
        paths={
            "/r": {
                "post": _op(
                    schema_body={"type": "array", "items": {"$ref": "#/components/schemas/Item"}},
                    response={"type": "array", "items": {"$ref": "#/components/schemas/Item"}},
                    params=params,
                )
            },
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
    assert hints["filter"] == (
        "Item | Mapping[str, Any] | NotGiven",
        "_models.Item | Mapping[str, Any] | NotGiven",
    )
    assert hints["body"] == (
        "Sequence[Item | Mapping[str, Any]]",
        "Sequence[_models.Item | Mapping[str, Any]]",
    )
    assert plain.return_hint == "float" and plain.response_type_expr == "float"  # nothing to defer
    [resource] = api.resources
    assert {"models", "LazyType"} <= resource.helpers and api.models_alias == "_models"


def test_all_of_is_merged_with_ref_and_inline_members(
    build: Callable[..., tuple[Api, Diagnostics]],
) -> None:
    schemas = {
        "Base": {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}},
        "Derived": {
            "allOf": [
                {"$ref": "#/components/schemas/Base"},
                {
                    "type": "object",
                    "required": ["extra"],
                    "properties": {"extra": {"type": "integer"}},
                },
            ]
        },
    }
    api, _ = build(
        minimal_spec(
            paths={"/r": {"get": _op(response={"$ref": "#/components/schemas/Derived"})}},
            components={"schemas": schemas},
        )
    )
    derived = _model(api, "Derived")
    assert [(f.wire_name, f.required) for f in derived.fields] == [("id", True), ("extra", True)]


def test_discriminated_union_by_const(build: Callable[..., tuple[Api, Diagnostics]]) -> None:
    schemas = {
        "Cat": {
            "type": "object",
            "required": ["kind"],
            "properties": {"kind": {"const": "cat"}, "purrs": {"type": "boolean"}},
        },
        "Dog": {"type": "object", "required": ["kind"], "properties": {"kind": {"const": "dog"}}},
        "Pet": {
            "oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}]
        },
    }
    api, _ = build(
        minimal_spec(
            paths={"/r": {"get": _op(response={"$ref": "#/components/schemas/Pet"})}},
            components={"schemas": schemas},
        )
    )
    pet = _model(api, "Pet")
    assert pet.kind == "alias"
    # a callable discriminator: works although response models keep literals open (Literal['cat'] | str)
    assert pet.annotation == (
        'Annotated[Annotated[Cat, _Tag("Cat")] | Annotated[Dog, _Tag("Dog")], _tagged_by("kind", {"cat": "Cat", "dog": "Dog"})]'
    )


def test_recursive_schemas_share_a_module_and_rebuild(
    build: Callable[..., tuple[Api, Diagnostics]],
) -> None:
    schemas = {
        "A": {"type": "object", "properties": {"b": {"$ref": "#/components/schemas/B"}}},
        "B": {"type": "object", "properties": {"a": {"$ref": "#/components/schemas/A"}}},
        "C": {"type": "object", "properties": {"a": {"$ref": "#/components/schemas/A"}}},
    }
    api, _ = build(
        minimal_spec(
            paths={"/r": {"get": _op(response={"$ref": "#/components/schemas/C"})}},
            components={"schemas": schemas},
        )
    )
    modules = {m.name: m for m in api.model_modules}
    assert _model(api, "A").module == _model(api, "B").module
    cycle = modules[_model(api, "A").module]
    assert cycle.needs_rebuild
    assert modules[_model(api, "C").module].imports == ((cycle.name, ("A",)),)


def test_parameters_snake_case_with_wire_names_and_collisions(
    build: Callable[..., tuple[Api, Diagnostics]],
) -> None:
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


def test_client_filled_path_parameters_come_last_and_are_optional(
    build: Callable[..., tuple[Api, Diagnostics]],
) -> None:
    params = [
        {"name": "account_id", "in": "path", "required": True, "schema": {"type": "string"}},
        {"name": "item_id", "in": "path", "required": True, "schema": {"type": "string"}},
    ]
    api, _ = build(
        minimal_spec(paths={"/a/{account_id}/i/{item_id}": {"get": _op(params=params)}}),
        Config(path_defaults={"account_id": "account_id"}),
    )
    op = _only_op(api)
    assert [p.py_name for p in op.params] == ["item_id", "account_id"]
    assert (
        op.params[-1].annotation == "str | None"
        and op.params[-1].default_from_client == "account_id"
    )


def test_envelope_shaped_bodies_are_not_unwrapped(
    build: Callable[..., tuple[Api, Diagnostics]],
) -> None:
    wrapped = {
        "type": "object",
        "required": ["success", "result"],
        "properties": {
            "success": {"type": "boolean"},
            "result": {"type": "object", "properties": {"ok": {"type": "boolean"}}},
        },
    }
    api, _ = build(minimal_spec(paths={"/r": {"get": _op(response=wrapped)}}))
    assert _only_op(api).unwrap_envelope is False


def test_pagination_needs_page_parameters(build: Callable[..., tuple[Api, Diagnostics]]) -> None:
    from generator.diagnostics import GenerationError

    doc = minimal_spec(
        paths={"/r": {"get": _op(response={"type": "array", "items": {"type": "string"}})}}
    )
    with pytest.raises(GenerationError, match="has no query parameters 'page'"):
        build(doc, Config(path="codegen.toml", pagination={"doThing": PaginationConfig("doThing")}))


def test_several_success_responses_become_a_union(
    build: Callable[..., tuple[Api, Diagnostics]],
) -> None:
    op = _op(response={"type": "string"})
    op["responses"]["201"] = {
        "description": "made",
        "content": {"application/json": {"schema": {"type": "integer"}}},
    }
    api, _ = build(minimal_spec(paths={"/r": {"get": op}}))
    assert _only_op(api).return_annotation == "str | int"
    assert _only_op(api).success_codes == (200, 201)


def test_aliases_of_object_models_also_take_mappings_as_arguments(
    build: Callable[..., tuple[Api, Diagnostics]],
) -> None:
    """A JSON-encoded query parameter typed as a union of models (an alias) accepts plain dicts
    in its annotation, as a model-typed one does; an alias of scalars does not."""
    schemas = {
        "Cat": {"type": "object", "required": ["meow"], "properties": {"meow": {"type": "string"}}},
        "Dog": {"type": "object", "required": ["bark"], "properties": {"bark": {"type": "string"}}},
        "Pet": {
            "oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}]
        },
        "Color": {"oneOf": [{"type": "string"}, {"type": "integer"}]},
        "PetA": {"$ref": "#/components/schemas/Pet"},
        "PetB": {"$ref": "#/components/schemas/Pet"},
        "Both": {
            "oneOf": [{"$ref": "#/components/schemas/PetA"}, {"$ref": "#/components/schemas/PetB"}]
        },  # a diamond
        "MaybePet": {
            "oneOf": [
                {"$ref": "#/components/schemas/Cat"},
                {"$ref": "#/components/schemas/Dog"},
                {"type": "null"},
            ]
        },
    }

    def query(name: str, schema: dict[str, Any]) -> dict[str, Any]:
        return {"name": name, "in": "query", "content": {"application/json": {"schema": schema}}}

    params = [
        query("pets", {"type": "array", "items": {"$ref": "#/components/schemas/Pet"}}),
        query("color", {"$ref": "#/components/schemas/Color"}),
        query("both", {"$ref": "#/components/schemas/Both"}),
        query("maybe", {"$ref": "#/components/schemas/MaybePet"}),
    ]
    api, _ = build(
        minimal_spec(
            paths={"/things": {"get": _op(params=params)}}, components={"schemas": schemas}
        )
    )
    [op] = api.operations()
    by_name = {p.py_name: p for p in op.params}
    assert by_name["pets"].annotation == "Sequence[Pet | Mapping[str, Any]] | NotGiven"
    assert by_name["pets"].hint == "Sequence[_models.Pet | Mapping[str, Any]] | NotGiven"
    assert by_name["color"].annotation == "Color | NotGiven"
    assert by_name["both"].annotation == "Both | Mapping[str, Any] | NotGiven"
    assert by_name["maybe"].annotation.startswith("MaybePet | Mapping[str, Any]")


def test_config_method_names_are_used_as_written(
    build: Callable[..., tuple[Api, Diagnostics]],
) -> None:
    """`events.copy` is `copy`: pydantic's reserved attribute names concern models, not resource
    classes, so nothing renames a config name to `copy_`."""
    op = _op()
    op["operationId"] = "copyEvents"
    api, diagnostics = build(
        minimal_spec(paths={"/e": {"post": op}}),
        Config(path="codegen.toml", operations={"copyEvents": "events.copy"}),
    )
    assert [(r.path, o.py_name) for r in api.all_resources() for o in r.operations] == [
        (("events",), "copy")
    ]
    assert not list(diagnostics)


def test_derived_method_names_make_room_for_config_names(
    build: Callable[..., tuple[Api, Diagnostics]],
) -> None:
    """A name the config chose is claimed before any derived one, whatever the order in the spec."""
    first, second = _op(), _op()
    first["operationId"], second["operationId"] = "list", "listEverything"
    doc = minimal_spec(paths={"/a": {"get": first}, "/b": {"get": second}})
    api, _ = build(doc, Config(path="codegen.toml", operations={"listEverything": "things.list"}))
    names = {o.operation_id: o.py_name for o in api.operations()}
    assert names["listEverything"] == "list"
    assert names["list"] != "list"


@pytest.mark.parametrize(
    ("operations", "message"),
    [
        (
            {"doThing": "things.class"},
            "cannot name 'doThing' 'things.class': 'class' is a Python keyword",
        ),
        (
            {"doThing": "things.with_raw_response"},
            "every resource class already has a member 'with_raw_response'",
        ),
        ({"doThing": "things.getThing"}, "'getThing' is not snake_case; write 'get_thing'"),
        ({"doThing": "close.get"}, "the client already has an attribute 'close'"),
        (
            {"doThing": "things.get", "other": "things.get"},
            "things.get is already the method of 'doThing'",
        ),
        (
            {"doThing": "things.sub", "other": "things.sub.get"},
            "things.sub is already the sub-resource things.sub",
        ),
    ],
)
def test_config_names_that_cannot_be_honoured_are_errors(
    build: Callable[..., tuple[Api, Diagnostics]], operations: dict[str, str], message: str
) -> None:
    from generator.diagnostics import GenerationError

    other = _op()
    other["operationId"] = "other"
    doc = minimal_spec(paths={"/r": {"get": _op()}, "/s": {"get": other}})
    text = "[operations]\n" + "".join(f'{k} = "{v}"\n' for k, v in operations.items())
    with pytest.raises(GenerationError) as info:
        build(doc, Config(path="codegen.toml", text=text, operations=operations))
    [diagnostic] = info.value.diagnostics
    assert message in diagnostic.message
    assert diagnostic.location.file == "codegen.toml" and diagnostic.location.line is not None
    assert diagnostic.location.pointer.startswith("/operations/")


def test_type_overrides_make_counts_int_in_models_only(
    build: Callable[..., tuple[Api, Diagnostics]],
) -> None:
    """[type_overrides] narrows `number` properties (and arrays of them) named in the table to `int`;
    other properties of the same schema, non-number properties of a listed name and operation
    arguments keep the document's type. An entry that narrows nothing is warned about."""
    result = {
        "type": "object",
        "required": ["createdCount"],
        "properties": {
            "createdCount": {"type": "number", "example": 3},
            "total": {"type": ["number", "null"]},
            "indexes": {"type": "array", "items": {"type": "number"}},
            "ratio": {"type": "number"},
            "page": {"type": "string"},
        },
    }
    params = [{"name": "createdCount", "in": "query", "schema": {"type": "number"}}]
    overrides = {
        "createdCount": "integer",
        "total": "integer",
        "indexes": "integer",
        "page": "integer",
        "gone": "integer",
    }
    text = "[type_overrides]\n" + "".join(f'{k} = "integer"\n' for k in overrides)
    config = Config(path="codegen.toml", text=text, type_overrides=overrides)
    api, diagnostics = build(
        minimal_spec(paths={"/r": {"get": _op(response=result, params=params)}}), config
    )
    response = _only_op(api).response
    assert response is not None and response.type is not None and response.type.name is not None
    fields = {f.wire_name: f.annotation for f in _model(api, response.type.name).fields}
    assert fields == {
        "createdCount": "int",
        "total": "int | None",
        "indexes": "list[int] | None",
        "ratio": "float | None",
        "page": "str | None",
    }
    assert {p.wire_name: p.annotation for p in _only_op(api).params} == {
        "createdCount": "float | NotGiven"
    }
    stale = {
        d.location.pointer: (d.location.line, d.message)
        for d in diagnostics
        if "type override" in d.message
    }
    assert stale == {  # a property that is not a number, or no property at all: nothing narrowed
        "/type_overrides/page": (
            5,
            "type override 'page' = 'integer' matched no property the document declares 'number'",
        ),
        "/type_overrides/gone": (
            6,
            "type override 'gone' = 'integer' matched no property the document declares 'number'",
        ),
    }


def test_config_names_shadowing_a_builtin_qualify_the_annotations(
    build: Callable[..., tuple[Api, Diagnostics]],
) -> None:
    """`things.list` is kept as configured; the class's annotations then write the builtin it
    shadows as `builtins.list` (a later `-> list[str]` would otherwise name the method)."""
    first, second = _op(response={"type": "array", "items": {"type": "string"}}), _op(
        response={"type": "array", "items": {"type": "string"}}
    )
    first["operationId"], second["operationId"] = "listThings", "listOthers"
    doc = minimal_spec(paths={"/a": {"get": first}, "/b": {"get": second}})
    api, _ = build(
        doc,
        Config(
            path="codegen.toml",
            operations={"listThings": "things.list", "listOthers": "things.list_others"},
        ),
    )
    [resource] = api.resources
    assert {o.py_name: o.return_hint for o in resource.operations} == {
        "list": "builtins.list[str]",
        "list_others": "builtins.list[str]",
    }
    assert {o.py_name: o.return_annotation for o in resource.operations} == {
        "list": "list[str]",
        "list_others": "list[str]",
    }
    assert "builtins" in resource.helpers


def test_derived_names_like_a_builtin_are_kept_and_like_an_import_take_an_underscore(
    build: Callable[..., tuple[Api, Diagnostics]],
) -> None:
    """`listThings` on `things` is `things.list` as the README says (its class's annotations
    write `builtins.list`); a derived `datetime` beside a `-> datetime` annotation would shadow
    the import in the class body, so it is `datetime_`."""
    listing = _op(response={"type": "array", "items": {"type": "string"}})
    listing["operationId"] = "listThings"
    stamp = _op(response={"type": "string", "format": "date-time"})
    stamp["operationId"] = "datetimeThings"
    doc = minimal_spec(paths={"/a": {"get": listing}, "/b": {"get": stamp}})
    api, diagnostics = build(doc)
    [resource] = api.resources
    assert {o.py_name: o.return_hint for o in resource.operations} == {
        "list": "builtins.list[str]",
        "datetime_": "datetime",
    }
    assert not diagnostics.items


def test_a_helper_name_is_claimed_with_its_operation_before_later_derived_names(
    build: Callable[..., tuple[Api, Diagnostics]],
) -> None:
    """`listThings` pages with `list_all`, so `listAllThings` after it becomes
    `list_all_things` (names are decided before the operations are built, in document order)."""
    params = [
        {"name": "page", "in": "query", "schema": {"type": "integer"}},
        {"name": "pageSize", "in": "query", "schema": {"type": "integer"}},
    ]
    paged = _op(response={"type": "array", "items": {"type": "string"}}, params=params)
    paged["operationId"] = "listThings"
    every = _op(response={"type": "array", "items": {"type": "string"}})
    every["operationId"] = "listAllThings"
    doc = minimal_spec(paths={"/a": {"get": paged}, "/b": {"get": every}})
    config = Config(path="codegen.toml", pagination={"listThings": PaginationConfig("listThings")})
    api, _ = build(doc, config)
    [resource] = api.resources
    assert [o.py_name for o in resource.operations] == ["list", "list_all_things"]
    assert resource.operations[0].pagination is not None
    assert resource.operations[0].pagination.method == "list_all"


def test_config_name_shadowing_an_imported_annotation_name_is_an_error(
    build: Callable[..., tuple[Api, Diagnostics]],
) -> None:
    from generator.diagnostics import GenerationError

    op = _op(response={"type": "string", "format": "date-time"})
    text = '[operations]\ndoThing = "things.datetime"\n'
    with pytest.raises(
        GenerationError, match="the annotations of its resource class use the name 'datetime'"
    ) as info:
        build(
            minimal_spec(paths={"/a": {"get": op}}),
            Config(path="codegen.toml", text=text, operations={"doThing": "things.datetime"}),
        )
    assert info.value.diagnostics[0].location.line == 2


def test_the_ingest_commands_flags_are_decided_in_the_ir() -> None:
    """Our bulk operation: the dataset is a required flag; the account comes from the client's
    default (its environment variable), so it is an optional flag; the items are the input."""
    root = Path(__file__).resolve().parents[2]
    config = load_config(root / "spec" / "codegen.toml")
    api = build_api(load_spec(root / "spec" / "cloudforce-one-events.yaml"), config, Diagnostics())
    assert api.bulk is not None
    bulk = api.bulk[1].bulk
    assert bulk is not None
    assert [p.py_name for p in bulk.required_flags] == ["dataset_id"]
    assert [(p.py_name, p.default_from_client) for p in bulk.client_flags] == [
        ("account_id", "account_id")
    ]
    flags = {p.py_name for p in (*bulk.required_flags, *bulk.client_flags)}
    assert bulk.items_param not in flags and "include_created_events" not in flags
