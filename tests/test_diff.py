"""The change report: mutations of the real spec, each with its expected kind and verdict."""

from __future__ import annotations

import copy
import io
import json
from collections.abc import Callable
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.cli import main
from generator.release.changes import Change, classify
from generator.release.diff import diff_specs
from generator.release.formats import to_markdown, to_text
from generator.release.report import Report

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "spec" / "cloudforce-one-events.yaml"
CONFIG = ROOT / "spec" / "codegen.toml"
P = "/accounts/{account_id}/cloudforce-one"

Doc = dict[str, Any]


@pytest.fixture(scope="module")
def base() -> Doc:
    return yaml.safe_load(SPEC.read_text("utf-8"))


def write(tmp_path: Path, doc: Doc, name: str = "new.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(doc, sort_keys=False), "utf-8")
    return path


def diff(tmp_path: Path, old: Doc, new: Doc, config: Path = CONFIG) -> Report:
    return diff_specs(write(tmp_path, old, "old.yaml"), write(tmp_path, new, "new.yaml"), config)


# --------------------------------------------------------------------------- mutations


def op(doc: Doc, path: str, method: str) -> Doc:
    return doc["paths"][P + path][method]


def schema(doc: Doc, name: str) -> Doc:
    return doc["components"]["schemas"][name]


def param(doc: Doc, path: str, method: str, name: str) -> Doc:
    return next(p for p in op(doc, path, method)["parameters"] if p.get("name") == name)


def remove_operation(doc: Doc) -> None:
    del doc["paths"][P + "/events/{dataset_id}/revert-do"]


def add_operation(doc: Doc) -> None:
    item = copy.deepcopy(doc["paths"][P + "/events/dataset/{dataset_id}"]["get"])
    item["operationId"] = "get_DatasetStats"
    item["summary"] = "Dataset statistics"
    doc["paths"][P + "/events/dataset/{dataset_id}/stats"] = {"get": item}


def add_query_param(required: bool) -> Callable[[Doc], None]:
    def mutate(doc: Doc) -> None:
        new = {"name": "owner", "in": "query", "required": required, "schema": {"type": "string"}}
        op(doc, "/events/dataset", "get")["parameters"].append(new)

    return mutate


def add_body_field(required: bool) -> Callable[[Doc], None]:
    def mutate(doc: Doc) -> None:
        s = schema(doc, "DatasetWrite")
        s["properties"]["retentionDays"] = {"type": "integer"}
        if required:
            s["required"].append("retentionDays")

    return mutate


def remove_query_param(doc: Doc) -> None:
    o = op(doc, "/events/dataset", "get")
    o["parameters"] = [p for p in o["parameters"] if p.get("name") != "includeDeleted"]


def remove_body_field(doc: Doc) -> None:
    del schema(doc, "GraphQLRequest")["properties"]["operationName"]


def require_query_param(doc: Doc) -> None:
    param(doc, "/events/dataset", "get", "includeDeleted")["required"] = True


def unrequire_body_field(doc: Doc) -> None:
    schema(doc, "DatasetWrite")["required"].remove("isPublic")


def remove_response_field(doc: Doc) -> None:
    s = schema(doc, "Dataset")
    del s["properties"]["isAnalytics"]
    s["required"].remove("isAnalytics")


def unrequire_response_field(doc: Doc) -> None:
    schema(doc, "Dataset")["required"].remove("uuid")


def nullable_response_field(doc: Doc) -> None:
    schema(doc, "Dataset")["properties"]["name"]["type"] = ["string", "null"]


def add_response_field(doc: Doc) -> None:
    schema(doc, "Dataset")["properties"]["description"] = {"type": "string"}


def change_response_field_type(doc: Doc) -> None:
    schema(doc, "SavedQuery")["properties"]["id"] = {"type": "string"}


def change_param_type(doc: Doc) -> None:
    param(doc, "/events/dataset", "get", "includeDeleted")["schema"] = {"type": "string"}


def change_return_type(doc: Doc) -> None:
    content = op(doc, "/events/{dataset_id}/delete", "delete")["responses"]["200"]["content"]
    content["application/json"]["schema"] = {"type": "string"}


def narrow_response_field(doc: Doc) -> None:
    schema(doc, "Event")["properties"]["killChain"]["type"] = "integer"


def widen_response_field(doc: Doc) -> None:
    schema(doc, "SavedQuery")["properties"]["id"]["type"] = "number"


def narrow_param(doc: Doc) -> None:
    param(doc, "/events/{event_id}/relationships", "get", "maxDepth")["schema"]["type"] = "integer"


def widen_request_field(doc: Doc) -> None:
    schema(doc, "QueryAlertCreateRequest")["properties"]["query_id"]["type"] = "number"


def format_enum(doc: Doc) -> list[Any]:
    return param(doc, "/events", "get", "format")["schema"]["enum"]


def remove_request_enum_value(doc: Doc) -> None:
    format_enum(doc).remove("taxii")


def add_request_enum_value(doc: Doc) -> None:
    format_enum(doc).append("csv")


def write_mode_enum(doc: Doc) -> list[Any]:
    return schema(doc, "DatasetListItem")["allOf"][1]["properties"]["indicatorWriteMode"]["enum"]


def add_response_enum_value(doc: Doc) -> None:
    write_mode_enum(doc).append("append_only")


def remove_response_enum_value(doc: Doc) -> None:
    write_mode_enum(doc).remove("create_only")


def remove_shared_enum_value(doc: Doc) -> None:
    schema(doc, "TlpColor")["enum"].remove("white")


def deprecate_operation(doc: Doc) -> None:
    op(doc, "/events/dataset/{dataset_id}", "get")["deprecated"] = True


def change_path(doc: Doc) -> None:
    paths = doc["paths"]
    item = paths.pop(P + "/events/{dataset_id}/revert-do")
    paths[P + "/events/{dataset_id}/revert"] = item


def change_http_method(doc: Doc) -> None:
    item = doc["paths"][P + "/events/dataset/{dataset_id}"]
    item["put"] = item.pop("post")


def change_operation_security(doc: Doc) -> None:
    op(doc, "/events/dataset", "get")["security"] = [{"api_token": []}]


def change_security_scheme(doc: Doc) -> None:
    doc["components"]["securitySchemes"]["api_key"]["name"] = "X-Api-Key"


def remove_model(doc: Doc) -> None:
    # EventUpdateFields is only an allOf part of EventUpdateRequest: inline it there
    fields = doc["components"]["schemas"].pop("EventUpdateFields")
    parts = schema(doc, "EventUpdateRequest")["allOf"]
    parts[:] = [
        fields if p == {"$ref": "#/components/schemas/EventUpdateFields"} else p for p in parts
    ]


def add_model(doc: Doc) -> None:
    doc["components"]["schemas"]["Sighting"] = {
        "type": "object",
        "properties": {"at": {"type": "string"}},
    }


def change_summary(doc: Doc) -> None:
    op(doc, "/events/dataset", "get")["summary"] = "List every dataset of the account"


def change_field_description(doc: Doc) -> None:
    schema(doc, "Event")["properties"]["attacker"]["description"] = "Who did it."


def change_info_version(doc: Doc) -> None:
    doc["info"]["version"] = "2026-12-01"


def add_union_member(doc: Doc) -> None:
    doc["components"]["schemas"]["EventSearchFilterUuid"] = {
        "type": "object",
        "required": ["field", "op", "value"],
        "properties": {
            "field": {"const": "uuid"},
            "op": {"const": "equals"},
            "value": {"type": "string"},
        },
    }
    schema(doc, "EventSearchFilter")["oneOf"].append(
        {"$ref": "#/components/schemas/EventSearchFilterUuid"}
    )


def move_param(doc: Doc) -> None:
    param(doc, "/events/dataset", "get", "includeDeleted")["in"] = "header"


def tighten_constraint(doc: Doc) -> None:
    schema(doc, "DatasetWrite")["properties"]["name"]["minLength"] = 3


def loosen_constraint(doc: Doc) -> None:
    del schema(doc, "DatasetWrite")["properties"]["name"]["minLength"]


def change_base_url(doc: Doc) -> None:
    doc["servers"][0]["url"] = "https://api.cloudflare.com/client/v5"


def rename_operation(doc: Doc) -> None:
    op(doc, "/events/dataset", "get")["operationId"] = "get_DatasetListV2"


def deprecate_body_field(doc: Doc) -> None:
    schema(doc, "DatasetWrite")["properties"]["isPublic"]["deprecated"] = True


def require_response_field(doc: Doc) -> None:
    schema(doc, "SavedQuery")["required"].append("rule_scope")


def require_request_model_field(doc: Doc) -> None:
    schema(doc, "EventCreateItem")["required"].append("insight")


CASES: list[tuple[str, Callable[[Doc], None], str, bool]] = [
    ("operation removed", remove_operation, "operation-removed", True),
    ("operation added", add_operation, "operation-added", False),
    ("required query parameter added", add_query_param(True), "param-added", True),
    ("optional query parameter added", add_query_param(False), "param-added", False),
    ("required body field added", add_body_field(True), "body-field-added", True),
    ("optional body field added", add_body_field(False), "body-field-added", False),
    ("query parameter removed", remove_query_param, "param-removed", True),
    ("body field removed", remove_body_field, "body-field-removed", True),
    ("optional parameter made required", require_query_param, "param-required", True),
    ("required body field made optional", unrequire_body_field, "body-field-optional", False),
    ("request model field made required", require_request_model_field, "field-required", True),
    ("response field removed", remove_response_field, "field-removed", True),
    ("response field made optional", unrequire_response_field, "field-optional", True),
    ("response field made nullable", nullable_response_field, "nullable-added", True),
    ("response field made required", require_response_field, "field-required", False),
    ("response field added", add_response_field, "field-added", False),
    ("response field type changed", change_response_field_type, "type-changed", True),
    ("parameter type changed", change_param_type, "type-changed", True),
    ("return type changed", change_return_type, "type-changed", True),
    ("response field narrowed from float to int", narrow_response_field, "type-narrowed", False),
    ("response field widened from int to float", widen_response_field, "type-widened", True),
    ("parameter narrowed from float to int", narrow_param, "type-narrowed", True),
    ("request field widened from int to float", widen_request_field, "type-widened", False),
    ("request enum value removed", remove_request_enum_value, "enum-value-removed", True),
    ("request enum value added", add_request_enum_value, "enum-value-added", False),
    ("response enum value added", add_response_enum_value, "enum-value-added", False),
    ("response enum value removed", remove_response_enum_value, "enum-value-removed", False),
    ("shared enum value removed", remove_shared_enum_value, "enum-value-removed", True),
    ("request union member added", add_union_member, "union-member-added", False),
    ("operation deprecated", deprecate_operation, "operation-deprecated", False),
    ("body field deprecated", deprecate_body_field, "body-field-deprecated", False),
    ("path changed", change_path, "path-changed", True),
    ("HTTP method changed", change_http_method, "http-method-changed", True),
    ("operation security changed", change_operation_security, "auth-changed", True),
    ("security scheme changed", change_security_scheme, "auth-changed", True),
    ("parameter moved to a header", move_param, "param-moved", True),
    ("request constraint tightened", tighten_constraint, "constraint-changed", True),
    ("request constraint loosened", loosen_constraint, "constraint-changed", False),
    ("base URL changed", change_base_url, "base-url-changed", True),
    ("model removed", remove_model, "model-removed", True),
    ("model added", add_model, "model-added", False),
    ("operationId renamed, unmapped", rename_operation, "operation-removed", True),
    ("summary changed", change_summary, "docs", False),
    ("field description changed", change_field_description, "docs", False),
    ("info.version changed", change_info_version, "docs", False),
]


@pytest.mark.parametrize(
    ("mutate", "kind", "breaking"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_mutation(
    tmp_path: Path, base: Doc, mutate: Callable[[Doc], None], kind: str, breaking: bool
) -> None:
    new = copy.deepcopy(base)
    mutate(new)
    report = diff(tmp_path, base, new)
    found = [(c.kind, c.breaking) for c in report.changes]
    assert (kind, breaking) in found, to_text(report)
    # the verdict of the whole report is the verdict of the mutation: no stray breaking change
    assert bool(report.breaking) == breaking, to_text(report)
    expected_bump = "major" if breaking else ("patch" if kind == "docs" else "minor")
    assert report.bump == expected_bump
    for change in report.changes:
        assert change.pointer.startswith("/"), change
        assert change.location, change


def test_unchanged_round_trip_is_empty(tmp_path: Path, base: Doc) -> None:
    report = diff(tmp_path, base, copy.deepcopy(base))
    assert report.changes == ()
    assert report.bump is None


def test_locations_and_pointers(tmp_path: Path, base: Doc) -> None:
    new = copy.deepcopy(base)
    remove_operation(new)
    add_body_field(True)(new)
    remove_response_field(new)
    report = diff(tmp_path, base, new)
    by_kind = {c.kind: c for c in report.changes}
    removed = by_kind["operation-removed"]
    assert removed.location == "events.revert"
    assert removed.spec == "old"
    assert (
        removed.pointer
        == "/paths/~1accounts~1{account_id}~1cloudforce-one~1events~1{dataset_id}~1revert-do/post"
    )
    added = [c for c in report.changes if c.kind == "body-field-added"]
    assert {c.location for c in added} == {"datasets.create", "datasets.update", "datasets.edit"}
    assert all(c.member == "retention_days" for c in added)
    assert added[0].pointer == "/components/schemas/DatasetWrite/properties/retentionDays"
    assert added[0].where.endswith("(retention_days=)")
    field = next(c for c in report.changes if c.kind == "field-removed" and c.location == "Dataset")
    assert (field.location, field.member, field.scope) == ("Dataset", "is_analytics", "model")
    assert field.pointer == "/components/schemas/Dataset/properties/isAnalytics"
    # a flattened request-body model is reported through the methods' arguments only
    assert not [c for c in report.changes if c.location == "DatasetWrite"]


def test_renames_table_maps_operations_and_models(tmp_path: Path, base: Doc) -> None:
    new = copy.deepcopy(base)
    rename_operation(new)
    schemas = new["components"]["schemas"]
    schemas["DatasetSummary"] = schemas.pop("DatasetListItem")
    text = json.dumps(new).replace(
        "#/components/schemas/DatasetListItem", "#/components/schemas/DatasetSummary"
    )
    new = json.loads(text)
    config = tmp_path / "codegen.toml"
    toml = CONFIG.read_text("utf-8").replace("get_DatasetList =", "get_DatasetListV2 =")
    toml += (
        '\n[renames]\nget_DatasetList = "get_DatasetListV2"\nDatasetListItem = "DatasetSummary"\n'
    )
    config.write_text(toml, "utf-8")
    report = diff(tmp_path, base, new, config)
    kinds = {(c.kind, c.breaking) for c in report.changes}
    assert ("operation-renamed", False) in kinds
    assert ("model-renamed", True) in kinds
    assert not {k for k, _ in kinds} & {
        "operation-removed",
        "operation-added",
        "model-removed",
        "model-added",
    }
    # the return type list[DatasetListItem] -> list[DatasetSummary] is the same type, renamed
    assert not [c for c in report.changes if c.kind == "type-changed"]


def test_renamed_operation_keeps_its_method_name_without_a_type_change(
    tmp_path: Path, base: Doc
) -> None:
    new = copy.deepcopy(base)
    rename_operation(new)
    config = tmp_path / "codegen.toml"
    toml = CONFIG.read_text("utf-8").replace("get_DatasetList =", "get_DatasetListV2 =")
    config.write_text(toml + '\n[renames]\nget_DatasetList = "get_DatasetListV2"\n', "utf-8")
    report = diff(tmp_path, base, new, config)
    assert [(c.kind, c.location) for c in report.changes] == [
        ("operation-renamed", "datasets.list")
    ]
    assert report.bump == "patch"


def test_classify() -> None:
    def change(kind: str, breaking: bool) -> Change:
        return Change(kind, "x", "/", breaking, "m")

    assert classify([]) is None
    assert classify([change("docs", False)]) == "patch"
    assert classify([change("docs", False), change("operation-added", False)]) == "minor"
    assert (
        classify([change("operation-added", False), change("operation-removed", True)]) == "major"
    )


def test_markdown_sections(tmp_path: Path, base: Doc) -> None:
    new = copy.deepcopy(base)
    remove_operation(new)
    add_response_field(new)
    change_summary(new)
    text = to_markdown(diff(tmp_path, base, new))
    assert (
        text.index("## Breaking changes")
        < text.index("## Additions")
        < text.index("## Documentation")
    )
    assert "`events.revert()`" in text


def run(args: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(args)
    return code, out.getvalue(), err.getvalue()


def test_cli_exit_codes_and_formats(tmp_path: Path, base: Doc) -> None:
    new = copy.deepcopy(base)
    remove_operation(new)
    old_path, new_path = write(tmp_path, base, "old.yaml"), write(tmp_path, new, "new.yaml")
    common = [str(old_path), str(new_path), "--config", str(CONFIG)]
    code, out, _ = run(["diff", *common])
    assert code == 0 and "BREAKING" in out and "events.revert()" in out
    code, _, err = run(["diff", *common, "--fail-on-breaking"])
    assert code == 1 and "breaking" in err
    code, out, _ = run(["diff", *common, "--format", "json"])
    data = json.loads(out)
    assert code == 0 and data["bump"] == "major" and data["breaking"] == 1
    assert data["changes"][0]["kind"] == "operation-removed"
    code, out, _ = run(["diff", *common, "--format", "markdown"])
    assert code == 0 and out.startswith("# API changes")
    # nothing breaking: --fail-on-breaking passes
    add = copy.deepcopy(base)
    add_response_field(add)
    code, _, _ = run(
        [
            "diff",
            str(old_path),
            str(write(tmp_path, add, "add.yaml")),
            "--config",
            str(CONFIG),
            "--fail-on-breaking",
        ]
    )
    assert code == 0


def test_cli_bad_input_exits_2(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("openapi: 3.1.0\ninfo: [\n", "utf-8")
    code, _, err = run(["diff", str(SPEC), str(broken), "--config", str(CONFIG)])
    assert code == 2 and "broken.yaml" in err and "Traceback" not in err
    code, _, err = run(["diff", str(SPEC), str(tmp_path / "missing.yaml"), "--config", str(CONFIG)])
    assert code == 2 and "missing.yaml" in err


def test_derived_operation_ids_are_the_generators(tmp_path: Path) -> None:
    """The diff builds each side with the generator's operationIds: a derived id made unique
    (``get_things`` is taken: ``get_things_2``) and an operation in a ``$ref``'d path item
    keep the method names the config gives them."""
    ok = {"200": {"description": "ok"}}
    old: Doc = {
        "openapi": "3.1.0",
        "info": {"title": "Things", "version": "1"},
        "paths": {
            "/things": {"get": {"operationId": "get_things", "responses": ok}},
            "/things/": {"get": {"responses": ok}},
            "/shared": {"$ref": "#/components/pathItems/Shared"},
        },
        "components": {
            "pathItems": {"Shared": {"get": {"operationId": "readShared", "responses": ok}}}
        },
    }
    new = copy.deepcopy(old)
    query = {"name": "q", "in": "query", "schema": {"type": "string"}}
    new["paths"]["/things/"]["get"]["parameters"] = [query]
    new["components"]["pathItems"]["Shared"]["get"]["parameters"] = [query]
    config = tmp_path / "codegen.toml"
    config.write_text(
        '[operations]\nget_things_2 = "things.list_all"\nreadShared = "shared.read"\n', "utf-8"
    )
    report = diff(tmp_path, old, new, config)
    assert sorted((c.kind, c.where) for c in report.changes) == [
        ("param-added", "shared.read(q=)"),
        ("param-added", "things.list_all(q=)"),
    ], to_text(report)


def test_cli_uses_the_project_config_only_for_the_project_spec(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, base: Doc
) -> None:
    """Run from the project folder, ``diff`` of two other documents uses no config (the
    project's names schemes and operations they do not have); for the project's own spec
    it uses spec/codegen.toml, as ``generate`` does."""
    monkeypatch.chdir(ROOT)
    ok = {"200": {"description": "ok"}}
    old: Doc = {
        "openapi": "3.1.0",
        "info": {"title": "Pets", "version": "1"},
        "components": {"securitySchemes": {"key": {"type": "apiKey", "in": "header", "name": "K"}}},
        "security": [{"key": []}],
        "paths": {"/pets": {"get": {"operationId": "listPets", "responses": ok}}},
    }
    new = copy.deepcopy(old)
    new["paths"]["/pets/{id}"] = {
        "get": {
            "operationId": "getPet",
            "parameters": [{"name": "id", "in": "path", "required": True, "schema": {}}],
            "responses": ok,
        }
    }
    code, out, err = run(
        ["diff", str(write(tmp_path, old, "old.yaml")), str(write(tmp_path, new, "new.yaml"))]
    )
    assert code == 0, err
    assert "pets.get()" in out and "method added" in out
    older = copy.deepcopy(base)
    remove_operation(older)  # the project's spec adds it back, under the config's name
    code, out, err = run(["diff", str(write(tmp_path, older, "older.yaml")), str(SPEC)])
    assert code == 0, err
    assert "events.revert(): method added" in out
