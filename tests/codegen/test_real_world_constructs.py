"""Constructs real published documents use (issue 15), each on a small document written here:
the client generates, imports, builds every model and behaves as the document means.

One package per test, generated into a temporary folder and imported by itself; the last test
type-checks all of them with ``mypy --strict``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

from generator.pipeline import Options, Result, generate
from tests.robustness.support import import_every_module, importable, run_mypy

PACKAGES: list[tuple[Path, str]] = []


def _doc(
    paths: dict[str, Any], schemas: dict[str, Any] | None = None, **extra: Any
) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {"title": "Shop", "version": "1"},
        "servers": [{"url": "https://shop.test"}],
        "paths": paths,
    }
    if schemas:
        doc["components"] = {"schemas": schemas}
    doc.update(extra)
    return doc


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": "ok", "content": {"application/json": {"schema": schema}}}


def _get(op_id: str, schema: dict[str, Any], tag: str = "shop", **more: Any) -> dict[str, Any]:
    return {
        "get": {"operationId": op_id, "tags": [tag], "responses": {"200": _json(schema)}, **more}
    }


@pytest.fixture
def client(tmp_path: Path) -> Iterator[Callable[..., tuple[ModuleType, Result]]]:
    """``client(doc)``: the document generated (no config) and imported, every module and model
    built; yields (package, result)."""
    contexts: list[Any] = []

    def make(doc: dict[str, Any], name: str = "shop.yaml") -> tuple[ModuleType, Result]:
        spec = tmp_path / name
        spec.write_text(yaml.safe_dump(doc, sort_keys=False))
        package = f"corpus_{len(PACKAGES)}"
        out = tmp_path / package
        result = generate(Options(spec, None, out, package_name=package, formatter="ruff"))
        PACKAGES.append((out, package))
        context = importable(out, package)
        contexts.append(context)
        module = context.__enter__()
        import_every_module(module)
        _build_models(module)
        return module, result

    yield make
    for context in contexts:
        context.__exit__(None, None, None)


def _build_models(package: ModuleType) -> None:
    from pydantic import BaseModel, TypeAdapter

    models = package.models
    for name in models.__all__:
        value = getattr(models, name)
        if isinstance(value, type) and issubclass(value, BaseModel):
            value.model_rebuild(force=True)
        else:
            TypeAdapter(value)


def test_a_recursive_union_alias_imports_and_parses_nested_members(
    client: Callable[..., tuple[ModuleType, Result]],
) -> None:
    """DataDog's processors: a oneOf alias one of whose members (same module) lists the alias."""
    schemas = {
        "Processor": {
            "oneOf": [
                {"$ref": "#/components/schemas/Grok"},
                {"$ref": "#/components/schemas/Pipeline"},
            ]
        },
        "Grok": {
            "type": "object",
            "required": ["grok"],
            "properties": {"grok": {"type": "string"}},
        },
        "Pipeline": {
            "type": "object",
            "required": ["processors"],
            "properties": {
                "processors": {"type": "array", "items": {"$ref": "#/components/schemas/Processor"}}
            },
        },
    }
    package, _ = client(
        _doc(
            {"/processors": _get("getProcessor", {"$ref": "#/components/schemas/Processor"})},
            schemas,
        )
    )
    from pydantic import TypeAdapter

    value = TypeAdapter(package.models.Processor).validate_python(
        {"processors": [{"grok": "x"}, {"processors": []}]}
    )
    assert isinstance(value, package.models.Pipeline)
    assert isinstance(value.processors[0], package.models.Grok)
    assert isinstance(value.processors[1], package.models.Pipeline)


def test_untagged_operations_are_grouped_by_path_with_short_method_names(
    client: Callable[..., tuple[ModuleType, Result]],
) -> None:
    """Stripe's document has no tags: no ``client.default``; methods don't repeat the resource."""
    item = {"type": "object", "properties": {"id": {"type": "string"}}}
    by_id = [{"name": "customer", "in": "path", "required": True, "schema": {"type": "string"}}]
    paths = {
        "/v1/customers": {
            "get": {"operationId": "GetCustomers", "responses": {"200": _json(item)}}
        },
        "/v1/customers/{customer}": {
            "parameters": by_id,
            "delete": {"operationId": "DeleteCustomersCustomer", "responses": {"200": _json(item)}},
        },
        "/v1/charges": {"get": {"operationId": "listCharges", "responses": {"200": _json(item)}}},
        "/": {"get": {"operationId": "getRoot", "responses": {"200": _json(item)}}},
    }
    package, result = client(_doc(paths))
    client_class = package.Client
    assert not hasattr(client_class, "default")
    assert {"customers", "charges", "root"} <= set(vars(client_class))
    from_customers = {
        n for n in vars(package.resources.customers.CustomersResource) if not n.startswith("_")
    }
    assert {"get", "delete_customer"} <= from_customers
    assert "list" in vars(package.resources.charges.ChargesResource)
    assert not result.warnings.items


def test_error_bodies_are_named_after_their_response_or_status_never_numbered(
    client: Callable[..., tuple[ModuleType, Result]],
) -> None:
    """Spotify's shared ``components/responses``; Twilio's inline per-status error bodies."""
    error = {"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}}}
    responses = {
        "Unauthorized": _json(error),
        "Album": _json({"type": "object", "properties": {"name": {"type": "string"}}}),
    }
    shared = {
        "200": {"$ref": "#/components/responses/Album"},
        "401": {"$ref": "#/components/responses/Unauthorized"},
    }
    paths = {
        "/albums/a": {"get": {"operationId": "getAlbumA", "tags": ["albums"], "responses": shared}},
        "/albums/b": {
            "get": {
                "operationId": "getAlbumB",
                "tags": ["albums"],
                "responses": {**shared, "408": _json(error), "4XX": _json(error)},
            }
        },
    }
    package, _ = client(_doc(paths, components={"responses": responses}))
    names = set(package.models.__all__)
    assert {
        "Unauthorized",
        "Album",
        "AlbumsGetBRequestTimeoutError",
        "AlbumsGetBClientError",
    } <= names
    assert not [n for n in names if n[-1].isdigit() or n.endswith("XX")]


def test_test_planning_never_costs_the_client(
    client: Callable[..., tuple[ModuleType, Result]],
) -> None:
    """A digest, a const with spaces, an impossible length: the client is generated; the
    operation whose value cannot exist gets a warning naming it instead of a contract test."""

    def by(name: str, schema: dict[str, Any]) -> dict[str, Any]:
        return {"parameters": [{"name": name, "in": "path", "required": True, "schema": schema}]}

    ok = {"type": "object", "properties": {"id": {"type": "string"}}}
    paths = {
        "/blobs/{digest}": {
            **by("digest", {"type": "string", "pattern": "^sha256:[a-f0-9]{64}$"}),
            **_get("getBlob", ok, "blobs"),
        },
        "/const/{words}": {
            **by("words", {"const": "this goes in the path"}),
            **_get("getConst", ok, "blobs"),
        },
        "/never/{x}": {
            **by("x", {"type": "string", "minLength": 5, "maxLength": 1}),
            **_get("getNever", ok, "blobs"),
        },
    }
    package, result = client(_doc(paths))
    assert {"get", "get_const", "get_never"} <= set(vars(package.resources.blobs.BlobsResource))
    (warning,) = [str(w) for w in result.warnings]
    assert (
        "/paths/~1never~1{x}/get/parameters/0/schema" in warning
        or "/paths/~1never~1{x}/parameters/0/schema" in warning
    )
    assert (
        "no contract test for operation 'getNever'" in warning
        and "minLength 5 > maxLength 1" in warning
    )
    tests = {f.path: f.content.decode() for f in result.files if f.path.startswith("tests/")}
    blobs = tests["tests/test_contract_blobs.py"]
    samples = tests["tests/samples/test_contract_blobs.json"]
    assert '"sha256:' in samples and '"this goes in the path"' in samples
    assert "getNever" not in blobs and "getNever" not in samples


def test_bundler_style_references_are_inlined_and_extensions_never_imported(
    client: Callable[..., tuple[ModuleType, Result]], tmp_path: Path
) -> None:
    """Multi-file documents as bundlers write them: an operation, a whole ``properties`` map and
    a description by ``$ref``; a percent-encoded fragment; a ``$ref`` inside an ``x-`` value."""
    (tmp_path / "ops").mkdir()
    list_op = {
        "operationId": "listItems",
        "tags": ["items"],
        "responses": {"200": _json({"$ref": "../shop.yaml#/components/schemas/Caf%C3%A9"})},
    }
    (tmp_path / "ops" / "list.yaml").write_text(yaml.safe_dump(list_op))
    (tmp_path / "props.yaml").write_text(
        yaml.safe_dump({"name": {"type": "string"}, "price": {"type": "integer"}})
    )
    (tmp_path / "about.md").write_text("# Shop\n\nSells *things*.\n")
    (tmp_path / "internal.yaml").write_text(
        yaml.safe_dump({"Audit": {"type": "object", "properties": {"who": {"type": "string"}}}})
    )
    schemas = {
        "Café": {
            "type": "object",
            "description": {"$ref": "about.md"},
            "properties": {"$ref": "props.yaml"},
        }
    }
    doc = _doc(
        {"/items": {"get": {"$ref": "ops/list.yaml"}, "x-audit": {"$ref": "internal.yaml#/Audit"}}},
        schemas,
    )
    doc["info"]["description"] = {"$ref": "about.md"}
    package, result = client(doc)
    (model,) = [m for m in result.api.models]
    assert model.name == "Cafe" and [f.wire_name for f in model.fields] == ["name", "price"]
    assert "Sells *things*." in model.doc
    assert "Audit" not in package.models.__all__  # the extension's target is no model
    assert package.resources.items.ItemsResource.list  # the operation is there
    assert not result.warnings.items


def test_an_empty_enum_is_valid_warned_and_typed_from_the_other_keywords(
    client: Callable[..., tuple[ModuleType, Result]],
) -> None:
    """Discord's ``enum: []`` (3.1 allows it; openapi-pydantic does not)."""
    params = [{"name": "action", "in": "query", "schema": {"type": "string", "enum": []}}]
    package, result = client(
        _doc({"/requests": _get("listRequests", {"type": "object"}, "requests", parameters=params)})
    )
    (warning,) = [str(w) for w in result.warnings]
    assert (
        "/paths/~1requests/get/parameters/0/schema/enum: warning: enum: [] admits no value"
        in warning
    )
    (op,) = result.api.operations()
    assert [p.annotation for p in op.params] == ["str | NotGiven"]


def test_a_query_string_written_into_the_path_is_sent_with_every_call(
    client: Callable[..., tuple[ModuleType, Result]],
) -> None:
    """OpenAI's ``/responses/{id}?beta=true``: kept when the call passes query parameters too."""
    import httpx

    params = [
        {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}},
        {"name": "include", "in": "query", "schema": {"type": "string"}},
    ]
    paths = {
        "/responses/{id}?beta=true": _get(
            "getBetaResponse", {"type": "object"}, "responses", parameters=params
        )
    }
    package, _ = client(_doc(paths))
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={})

    api = package.Client(http_client=httpx.Client(transport=httpx.MockTransport(answer)))
    api.responses.get_beta(id="r 1")
    api.responses.get_beta(id="r1", include="usage")
    assert [str(r.url) for r in seen] == [
        "https://shop.test/responses/r%201?beta=true",
        "https://shop.test/responses/r1?beta=true&include=usage",
    ]


def test_an_allof_with_one_inline_member_is_that_object(
    client: Callable[..., tuple[ModuleType, Result]],
) -> None:
    """Box's ``{type: object, allOf: [{properties: ...}]}``: a model, not Any under a false
    "reference to itself" warning; ``allOf: [$ref]`` stays the reference."""
    entry = {"type": "object", "properties": {"id": {"type": "string"}}}
    schemas = {
        "Entry": entry,
        "Page": {
            "type": "object",
            "description": "A page.",
            "allOf": [
                {
                    "properties": {
                        "entries": {
                            "type": "array",
                            "items": {"$ref": "#/components/schemas/Entry"},
                        }
                    }
                }
            ],
        },
        "Described": {
            "description": "An entry, described.",
            "allOf": [{"$ref": "#/components/schemas/Entry"}],
        },
    }
    paths = {
        "/pages": _get("getPage", {"$ref": "#/components/schemas/Page"}, "pages"),
        "/d": _get("getD", {"$ref": "#/components/schemas/Described"}, "pages"),
    }
    package, result = client(_doc(paths, schemas))
    assert not result.warnings.items
    page = package.models.Page.model_validate({"entries": [{"id": "a"}]})
    assert isinstance(page.entries[0], package.models.Entry)
    assert {m.name: m.kind for m in result.api.models}["Page"] == "object"


def test_a_discriminator_the_payload_may_omit_falls_back_to_trying_the_members(
    client: Callable[..., tuple[ModuleType, Result]],
) -> None:
    """Spotify's ``item: oneOf [Track, Episode], discriminator: type`` where ``type`` is not
    required: tagged by the members' own values when present, every member tried when absent."""

    def member(kind: str, extra: str) -> dict[str, Any]:
        return {
            "type": "object",
            "required": [extra],
            "properties": {"type": {"type": "string", "enum": [kind]}, extra: {"type": "string"}},
        }

    schemas = {
        "Track": member("track", "album"),
        "Episode": member("episode", "show"),
        "Item": {
            "oneOf": [
                {"$ref": "#/components/schemas/Track"},
                {"$ref": "#/components/schemas/Episode"},
            ],
            "discriminator": {"propertyName": "type"},
        },
    }
    package, result = client(
        _doc({"/item": _get("getItem", {"$ref": "#/components/schemas/Item"}, "items")}, schemas)
    )
    from pydantic import TypeAdapter, ValidationError

    item = TypeAdapter(package.models.Item)
    assert isinstance(
        item.validate_python({"type": "episode", "show": "s"}), package.models.Episode
    )
    assert isinstance(item.validate_python({"show": "s"}), package.models.Episode)  # no tag: tried
    assert isinstance(item.validate_python({"album": "a"}), package.models.Track)
    with pytest.raises(ValidationError):
        item.validate_python({"type": "track", "show": "s"})  # a tag present still routes
    assert not result.warnings.items


def test_every_package_of_this_module_is_mypy_strict_clean(tmp_path: Path) -> None:
    assert PACKAGES, "run with the tests above"
    for out, package in PACKAGES:
        done = run_mypy(out, package, tmp_path / "mypy-cache")
        assert done.returncode == 0, f"{package}:\n{done.stdout}{done.stderr}"
