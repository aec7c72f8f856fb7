"""Checks on the hand-written OpenAPI document in spec/cloudforce-one-events.yaml."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from openapi_pydantic.v3.v3_1 import OpenAPI
from openapi_spec_validator import validate
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SPEC_PATH = Path(__file__).parent.parent / "spec" / "cloudforce-one-events.yaml"
PREFIX = "/accounts/{account_id}/cloudforce-one"
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
DOC_URI = "urn:cloudforce-one-events-spec"

# (method, path relative to PREFIX, operationId) for all 72 operations: the 47 of the seed and the
# 25 the official SDK reaches beyond them (issue 13).
EXPECTED_OPERATIONS = [
    ("get", "/events", "get_EventListGet"),
    ("get", "/events/aggregate", "get_EventAggregate"),
    ("post", "/events/create", "post_EventCreate"),
    ("post", "/events/create/bulk", "post_EventCreateBulk"),
    ("post", "/events/create/bulk/relationships", "post_DOSEventCreateBulkWithRelationships"),
    ("get", "/events/dataset/{dataset_id}/events/{event_id}", "get_EventRead"),
    ("post", "/events/dataset/{dataset_id}/move", "post_EventMoveToNewDS"),
    ("post", "/events/dataset/{dataset_id}/copy", "post_EventCopyToNewDS"),
    ("delete", "/events/event_tag/{event_id}", "delete_EventTagDelete"),
    ("post", "/events/event_tag/{event_id}/create", "post_EventTagCreate"),
    ("get", "/events/queries", "get_EventQueryList"),
    ("post", "/events/queries/create", "post_EventQueryCreate"),
    ("get", "/events/queries/{query_id}", "get_EventQueryRead"),
    ("post", "/events/queries/{query_id}", "post_EventQueryUpdate"),
    ("patch", "/events/queries/{query_id}", "patch_EventQueryUpdate"),
    ("delete", "/events/queries/{query_id}", "delete_EventQueryDelete"),
    ("get", "/events/queries/alerts", "get_EventQueryAlertList"),
    ("post", "/events/queries/alerts/create", "post_EventQueryAlertCreate"),
    ("get", "/events/queries/alerts/{alert_id}", "get_EventQueryAlertRead"),
    ("post", "/events/queries/alerts/{alert_id}", "post_EventQueryAlertUpdate"),
    ("patch", "/events/queries/alerts/{alert_id}", "patch_EventQueryAlertUpdate"),
    ("delete", "/events/queries/alerts/{alert_id}", "delete_EventQueryAlertDelete"),
    ("get", "/events/raw/{dataset_id}/{event_id}", "get_EventRawReadDS"),
    ("delete", "/events/relate/{event_id}", "delete_EventReferenceDelete"),
    ("post", "/events/relate/{event_id}/create", "post_EventReferenceCreate"),
    ("post", "/events/relationships/create", "post_CreateEventRelationship"),
    ("delete", "/events/{dataset_id}/delete", "delete_EventDelete"),
    ("post", "/events/{dataset_id}/revert-do", "post_EventDoRevert"),
    ("get", "/events/{event_id}", "get_EventReadDeprecated"),
    ("post", "/events/{event_id}", "post_EventUpdate"),
    ("patch", "/events/{event_id}", "patch_EventUpdate"),
    ("get", "/events/{event_id}/raw/{raw_id}", "get_EventRawRead"),
    ("post", "/events/{event_id}/raw/{raw_id}", "post_EventRawUpdate"),
    ("patch", "/events/{event_id}/raw/{raw_id}", "patch_EventRawUpdate"),
    ("get", "/events/{event_id}/relationships", "get_EventRelationships"),
    ("patch", "/events/update/bulk", "patch_EventUpdateBulk"),
    ("post", "/v2/events/graphql", "post_EventGraphQLV2"),
    ("get", "/events/dataset", "get_DatasetList"),
    ("post", "/events/dataset/create", "post_DatasetCreate"),
    ("get", "/events/dataset/{dataset_id}", "get_DatasetRead"),
    ("patch", "/events/dataset/{dataset_id}", "patch_DatasetUpdate"),
    ("post", "/events/dataset/{dataset_id}", "post_DatasetUpdate"),
    ("delete", "/events/dataset/{dataset_id}", "delete_DatasetDelete"),
    ("get", "/events/tags", "get_TagList"),
    ("post", "/events/tags/create", "post_TagCreate"),
    ("patch", "/events/tags/{tag_uuid}", "patch_TagUpdate"),
    ("delete", "/events/tags/{tag_uuid}", "delete_TagDelete"),
    ("get", "/events/indicators", "get_IndicatorList"),
    ("get", "/events/indicators/aggregate", "get_IndicatorAggregate"),
    ("get", "/events/indicator-types", "get_IndicatorTypeList"),
    ("get", "/events/dataset/{dataset_id}/indicators", "get_DatasetIndicatorList"),
    ("get", "/events/dataset/{dataset_id}/indicators/tags", "get_DatasetIndicatorTagList"),
    ("get", "/events/dataset/{dataset_id}/indicators/{indicator_id}", "get_DatasetIndicatorRead"),
    ("get", "/events/tags/{tag_uuid}/indicators", "get_TagIndicatorList"),
    (
        "get",
        "/events/dataset/{dataset_id}/tags/{tag_uuid}/indicators",
        "get_DatasetTagIndicatorList",
    ),
    ("get", "/events/categories", "get_CategoryList"),
    ("get", "/events/categories/catalog", "get_CategoryCatalogList"),
    ("post", "/events/categories/create", "post_CategoryCreate"),
    ("get", "/events/categories/{category_id}", "get_CategoryRead"),
    ("patch", "/events/categories/{category_id}", "patch_CategoryUpdate"),
    ("delete", "/events/categories/{category_id}", "delete_CategoryDelete"),
    ("get", "/events/tags/categories", "get_TagCategoryList"),
    ("post", "/events/tags/categories/create", "post_TagCategoryCreate"),
    ("patch", "/events/tags/categories/{category_uuid}", "patch_TagCategoryUpdate"),
    ("delete", "/events/tags/categories/{category_uuid}", "delete_TagCategoryDelete"),
    ("get", "/events/attackers", "get_AttackerList"),
    ("get", "/events/countries", "get_CountryList"),
    ("get", "/events/targetIndustries", "get_TargetIndustryList"),
    ("get", "/events/targetIndustries/catalog", "get_TargetIndustryCatalogList"),
    ("get", "/events/dataset/{dataset_id}/targetIndustries", "get_DatasetTargetIndustryList"),
    ("get", "/events/graph", "get_GraphNeighbors"),
    ("post", "/events/graphql", "post_EventGraphQL"),
]

# operationIds no source shows verbatim (the SDK has none): derived in the upstream style
ISSUE_13_OPERATION_IDS = {oid for _, _, oid in EXPECTED_OPERATIONS[47:]} - {"post_EventGraphQL"}

INFERRED_OPERATION_IDS = {
    "get_EventQueryAlertList",
    "post_EventQueryAlertCreate",
    "get_EventQueryAlertRead",
    "post_EventQueryAlertUpdate",
    "patch_EventQueryAlertUpdate",
    "delete_EventQueryAlertDelete",
} | ISSUE_13_OPERATION_IDS

# Operations whose declared error statuses are fixed by the facts reference.
EXPECTED_ERROR_STATUSES = {
    "get_EventRead": {"404"},
    "get_EventQueryList": {"500"},
    "get_EventQueryAlertList": {"500"},
    "get_EventQueryRead": {"404"},
    "get_EventQueryAlertRead": {"404"},
    "delete_EventQueryDelete": {"404"},
    "delete_EventQueryAlertDelete": {"404"},
    "patch_EventQueryUpdate": {"400", "404"},
    "post_EventQueryUpdate": {"400", "404"},
    "patch_EventQueryAlertUpdate": {"400", "404"},
    "post_EventQueryAlertUpdate": {"400", "404"},
    "get_EventReadDeprecated": {"404"},
    "delete_DatasetDelete": {"400", "404"},
    "post_TagCreate": {"400", "404"},
    "patch_TagUpdate": {"400", "404"},
    "delete_TagDelete": {"400", "404"},
    "get_EventListGet": {"400"},
    "post_EventCreateBulk": {"400"},
    "patch_EventUpdateBulk": {"400"},
}


@pytest.fixture(scope="module")
def doc() -> dict[str, Any]:
    with SPEC_PATH.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def iter_operations(doc: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in doc["paths"].items():
        for method, op in item.items():
            if method in HTTP_METHODS:
                yield method, path, op


def ops_by_id(doc: dict[str, Any]) -> dict[str, tuple[str, str, dict[str, Any]]]:
    return {op["operationId"]: (method, path, op) for method, path, op in iter_operations(doc)}


def resolve_pointer(doc: Any, ref: str) -> Any:
    assert ref.startswith("#/"), f"only local references are used: {ref}"
    node = doc
    for raw in ref[2:].split("/"):
        key = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, list):
            node = node[int(key)]
        else:
            assert key in node, f"unresolvable $ref {ref}"
            node = node[key]
    return node


def deref(doc: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while isinstance(node, dict) and "$ref" in node:
        node = resolve_pointer(doc, node["$ref"])
    return node


def walk(node: Any, pointer: str = "") -> Iterator[tuple[str, Any]]:
    yield pointer, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from walk(value, f"{pointer}/{str(key).replace('~', '~0').replace('/', '~1')}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from walk(value, f"{pointer}/{index}")


# ------------------------------------------------------------------ validity


def test_document_passes_openapi_spec_validator(doc):
    validate(doc)


def test_document_parses_with_openapi_pydantic_31(doc):
    model = OpenAPI.model_validate(doc)
    assert model.openapi == "3.1.0"


def test_info_and_server(doc):
    assert doc["openapi"] == "3.1.0"
    assert doc["info"]["title"] == "Cloudforce One Threat Events API"
    assert doc["info"]["version"]
    assert doc["info"]["description"].strip()
    assert doc["servers"][0]["url"] == "https://api.cloudflare.com/client/v4"


# ------------------------------------------------------------------ operations


def test_exactly_the_expected_operations(doc):
    expected = {(m, PREFIX + p, oid) for m, p, oid in EXPECTED_OPERATIONS}
    assert len(EXPECTED_OPERATIONS) == 72
    assert len(expected) == 72
    actual = {(m, p, op.get("operationId")) for m, p, op in iter_operations(doc)}
    assert actual == expected


def test_at_least_72_operations(doc):
    assert len(list(iter_operations(doc))) >= 72


def official_sdk_routes() -> dict[str, tuple[str, str]]:
    """Every threat-events method of the installed official ``cloudflare`` SDK -> the (method,
    path) it requests, relative to PREFIX. Found by walking the SDK's resource tree and calling
    each method once (required arguments filled with placeholders) against a transport that
    records the request instead of sending it."""
    import inspect
    import warnings

    import cloudflare
    import httpx
    from cloudflare._resource import SyncAPIResource

    requests: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return httpx.Response(200, json={})

    sdk = cloudflare.Cloudflare(
        api_token="t",
        max_retries=0,
        http_client=httpx.Client(transport=httpx.MockTransport(record)),
    )

    def methods(resource: Any, prefix: tuple[str, ...]) -> Iterator[tuple[str, Any]]:
        for name in sorted(dir(type(resource))):
            if name.startswith(("_", "with_")):
                continue
            attr = inspect.getattr_static(type(resource), name)
            if inspect.isfunction(attr):
                yield ".".join((*prefix, name)), getattr(resource, name)
            elif not isinstance(attr, (staticmethod, classmethod)) and hasattr(attr, "__get__"):
                child = getattr(resource, name)
                if isinstance(child, SyncAPIResource):
                    yield from methods(child, (*prefix, name))

    def placeholder(param: inspect.Parameter) -> Any:
        """A list for list-typed arguments, else a string naming the argument (the SDK checks no
        types; a path argument shows up in the URL as ``P-<name>``)."""
        annotation = str(param.annotation)
        if "Iterable" in annotation or "Sequence" in annotation:
            return ["x"]
        return f"P-{param.name}"

    routes: dict[str, tuple[str, str]] = {}
    for name, method in methods(sdk.cloudforce_one.threat_events, ()):
        required = {
            p.name: placeholder(p)
            for p in inspect.signature(method).parameters.values()
            if p.default is inspect.Parameter.empty and p.kind is not inspect.Parameter.VAR_KEYWORD
        }
        before = len(requests)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            try:
                method(**required)
            except Exception:  # parsing the empty answer may fail: the request is what counts
                pass
        sent = requests[before:]
        assert len(sent) == 1, f"SDK method {name} sent {len(sent)} requests"
        path = sent[0].url.path.removeprefix("/client/v4")
        path = re.sub(r"P-(?:path_)?(\w+)", r"{\1}", path)
        assert path.startswith(PREFIX + "/"), (name, path)
        routes[name] = (sent[0].method.lower(), path[len(PREFIX) :])
    return routes


def test_every_official_sdk_method_has_an_operation(doc):
    """The spec reaches everything the official SDK reaches (issue 13): the SDK's method list is
    derived from the installed package, so a newer SDK with more methods fails this test."""
    routes = official_sdk_routes()
    assert len(routes) >= 54, sorted(routes)  # the walk found the SDK's resources
    ours = {(m, p[len(PREFIX) :]) for m, p, _ in iter_operations(doc)}
    missing = {name: route for name, route in routes.items() if route not in ours}
    assert not missing, f"official SDK methods without an operation: {missing}"


def test_operation_ids_unique(doc):
    ids = [op["operationId"] for _, _, op in iter_operations(doc)]
    assert len(ids) == len(set(ids))


def test_every_path_is_under_account_prefix(doc):
    for path in doc["paths"]:
        assert path.startswith(PREFIX + "/"), path


def test_deprecated_flags(doc):
    deprecated = {op["operationId"] for _, _, op in iter_operations(doc) if op.get("deprecated")}
    assert deprecated == {
        "post_DOSEventCreateBulkWithRelationships",
        "get_EventReadDeprecated",
        # deprecated by the official SDK 5.9.0 (issue 13)
        "get_DatasetIndicatorList",
        "get_DatasetTagIndicatorList",
        "get_CategoryRead",
        "patch_CategoryUpdate",
        "delete_CategoryDelete",
        "patch_TagCategoryUpdate",
        "delete_TagCategoryDelete",
    }


def test_inferred_operation_ids_are_marked(doc):
    marked = {
        op["operationId"] for _, _, op in iter_operations(doc) if op.get("x-operation-id-inferred")
    }
    assert marked == INFERRED_OPERATION_IDS


def test_bulk_create_answers_202(doc):
    _, _, op = ops_by_id(doc)["post_EventCreateBulk"]
    success = {code for code in op["responses"] if code.startswith("2")}
    assert success == {"202"}
    schema = op["responses"]["202"]["content"]["application/json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/BulkCreateResult"}


def test_other_operations_answer_200(doc):
    for _, _, op in iter_operations(doc):
        if op["operationId"] == "post_EventCreateBulk":
            continue
        success = {code for code in op["responses"] if code.startswith("2")}
        assert success == {"200"}, op["operationId"]


def test_every_operation_references_account_id_component(doc):
    for _, _, op in iter_operations(doc):
        refs = [p.get("$ref") for p in op.get("parameters", [])]
        assert "#/components/parameters/AccountId" in refs, op["operationId"]
        inline_account = [p for p in op.get("parameters", []) if p.get("name") == "account_id"]
        assert not inline_account, op["operationId"]


def test_path_parameters_match_templates(doc):
    for method, path, op in iter_operations(doc):
        params = [deref(doc, p) for p in op.get("parameters", [])]
        in_path = {p["name"] for p in params if p["in"] == "path"}
        assert in_path == set(re.findall(r"{([^}]+)}", path)), (method, path)


def test_query_and_alert_ids_are_integers(doc):
    params = doc["components"]["parameters"]
    assert params["QueryId"]["schema"]["type"] == "integer"
    assert params["AlertId"]["schema"]["type"] == "integer"
    for method, path, op in iter_operations(doc):
        for p in op.get("parameters", []):
            p = deref(doc, p)
            if p["name"] in ("query_id", "alert_id"):
                assert p["schema"]["type"] == "integer", (method, path)
    for name in ("SavedQuery", "QueryAlert", "QueryAlertCreateRequest"):
        props = doc["components"]["schemas"][name]["properties"]
        for field in ("id", "account_id", "query_id"):
            if field in props:
                assert props[field]["type"] == "integer", (name, field)


def test_operations_have_summary_description_tags(doc):
    tag_names = {t["name"] for t in doc.get("tags", [])}
    for _, _, op in iter_operations(doc):
        assert op.get("summary", "").strip(), op["operationId"]
        assert op.get("description", "").strip(), op["operationId"]
        assert op.get("tags"), op["operationId"]
        assert set(op["tags"]) <= tag_names, op["operationId"]


def test_security_on_every_operation(doc):
    expected = [{"api_token": []}, {"api_email": [], "api_key": []}]
    assert doc["security"] == expected
    schemes = doc["components"]["securitySchemes"]
    assert schemes["api_token"] == {**schemes["api_token"], "type": "http", "scheme": "bearer"}
    assert schemes["api_email"]["name"] == "X-Auth-Email"
    assert schemes["api_key"]["name"] == "X-Auth-Key"
    for _, _, op in iter_operations(doc):
        assert op.get("security") == expected, op["operationId"]


def test_wrapped_and_empty_bodies(doc):
    ops = ops_by_id(doc)
    wrapped = {
        "delete_EventTagDelete",
        "post_EventTagCreate",
        "delete_EventReferenceDelete",
        "post_EventReferenceCreate",
    }
    for oid, (_, _, op) in ops.items():
        content = op["responses"].get("200", {}).get("content")
        if oid in wrapped:
            assert content["application/json"]["schema"] == {
                "$ref": "#/components/schemas/WrappedSuccess"
            }
        elif oid in ("delete_EventQueryDelete", "delete_EventQueryAlertDelete"):
            assert content is None, oid
        elif content is not None:
            schema = content["application/json"]["schema"]
            assert schema.get("$ref") != "#/components/schemas/WrappedSuccess", oid


def test_delete_bodies_declared(doc):
    ops = ops_by_id(doc)
    for oid, field in (
        ("delete_EventTagDelete", "tags"),
        ("delete_EventReferenceDelete", "events"),
    ):
        body = ops[oid][2]["requestBody"]
        assert body["required"] is True
        schema = deref(doc, body["content"]["application/json"]["schema"])
        assert field in schema["required"], oid


def test_error_responses(doc):
    allowed = {
        "400": "#/components/responses/BadRequest",
        "404": "#/components/responses/NotFound",
        "500": "#/components/responses/InternalServerError",
    }
    for oid, (_, _, op) in ops_by_id(doc).items():
        errors = {code: r for code, r in op["responses"].items() if not code.startswith("2")}
        assert errors, oid
        for code, response in errors.items():
            assert response == {"$ref": allowed[code]}, (oid, code)
        if oid in EXPECTED_ERROR_STATUSES:
            assert set(errors) == EXPECTED_ERROR_STATUSES[oid], oid
    for name in ("BadRequest", "NotFound", "InternalServerError"):
        schema = doc["components"]["responses"][name]["content"]["application/json"]["schema"]
        assert schema == {"$ref": "#/components/schemas/ErrorBody"}


def test_key_types_and_constraints(doc):
    schemas = doc["components"]["schemas"]
    ops = ops_by_id(doc)
    list_params = {p["name"]: p for p in ops["get_EventListGet"][2]["parameters"] if "name" in p}
    assert list_params["pageSize"]["schema"]["maximum"] == 25000
    assert list_params["datasetId"]["schema"]["type"] == "array"
    assert (
        list_params["datasetId"]["style"] == "form" and list_params["datasetId"]["explode"] is True
    )
    for name in ("search", "searchBranches"):
        assert "application/json" in list_params[name]["content"]
    bulk = schemas["EventBulkUpdateRequest"]["properties"]["eventIds"]
    assert (bulk["minItems"], bulk["maxItems"]) == (1, 100)
    assert "date" not in schemas["EventBulkUpdateFields"]["properties"]
    assert schemas["EventRelationshipCreateRequest"]["properties"]["childIds"]["minItems"] == 1
    assert schemas["DatasetWrite"]["properties"]["name"]["minLength"] == 1
    assert schemas["QueryAlertFrequency"]["enum"] == ["immediate", "daily"]
    assert schemas["RelationshipType"]["enum"] == ["related_to", "caused_by", "attributed_to"]
    assert schemas["TlpColor"]["enum"] == ["red", "amber", "green", "white"]
    assert len(schemas["Event"]["properties"]) == 29
    assert len(schemas["Tag"]["properties"]) == 28
    assert len(schemas["EventSearchFilter"]["oneOf"]) == 6
    delete_params = {
        p["name"]: p for p in ops["delete_EventDelete"][2]["parameters"] if "name" in p
    }
    assert delete_params["eventIds"]["required"] is True
    assert delete_params["eventIds"]["schema"]["items"]["minLength"] == 1


def test_component_schemas_described_and_sorted(doc):
    schemas = doc["components"]["schemas"]
    assert list(schemas) == sorted(schemas)
    for name, schema in schemas.items():
        assert "title" not in schema, name
        assert schema.get("description", "").strip(), name


# ------------------------------------------------------------------ references and examples


def test_every_ref_resolves(doc):
    refs = [
        (ptr, node["$ref"]) for ptr, node in walk(doc) if isinstance(node, dict) and "$ref" in node
    ]
    assert refs
    for ptr, ref in refs:
        assert isinstance(ref, str), ptr
        resolve_pointer(doc, ref)


def test_every_component_schema_is_used(doc):
    used = {
        node["$ref"].rsplit("/", 1)[-1]
        for _, node in walk(doc)
        if isinstance(node, dict)
        and isinstance(node.get("$ref"), str)
        and node["$ref"].startswith("#/components/schemas/")
    }
    unused = set(doc["components"]["schemas"]) - used
    assert not unused


SCHEMA_HINTS = {"type", "$ref", "anyOf", "oneOf", "allOf", "const", "enum", "properties", "items"}


def _format_checker() -> jsonschema.FormatChecker:
    checker = jsonschema.FormatChecker()

    @checker.checks("date-time", raises=ValueError)
    def _date_time(value: object) -> bool:
        if not isinstance(value, str):
            return True
        if "T" not in value.upper():
            raise ValueError("date-time needs a time part")
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
        if parsed.tzinfo is None:
            raise ValueError("date-time needs an offset")
        return True

    return checker


def collect_examples(doc: dict[str, Any]) -> list[tuple[str, str, Any]]:
    """(label, pointer of the schema to validate against, example value)."""
    found: list[tuple[str, str, Any]] = []
    for ptr, node in walk(doc):
        if not isinstance(node, dict) or ptr.endswith("/properties"):
            continue
        if "example" in node:
            if "schema" in node:
                found.append((ptr + "/example", ptr + "/schema", node["example"]))
            elif SCHEMA_HINTS & set(node):
                found.append((ptr + "/example", ptr, node["example"]))
            else:
                raise AssertionError(f"example at {ptr} has no schema to check against")
        if "examples" in node and isinstance(node["examples"], dict):
            assert "schema" in node, f"examples at {ptr} have no schema"
            for name, example in node["examples"].items():
                example = deref(doc, example)
                found.append((f"{ptr}/examples/{name}", ptr + "/schema", example["value"]))
    return found


def test_examples_validate_against_their_schemas(doc):
    registry = Registry().with_resource(
        DOC_URI, Resource.from_contents(doc, default_specification=DRAFT202012)
    )
    checker = _format_checker()
    examples = collect_examples(doc)
    assert len(examples) > 50
    for label, schema_ptr, value in examples:
        validator = jsonschema.Draft202012Validator(
            {"$ref": f"{DOC_URI}#{schema_ptr}"}, registry=registry, format_checker=checker
        )
        errors = [e.message for e in validator.iter_errors(value)]
        assert not errors, f"{label}: {errors}"


def test_seed_examples_present(doc):
    ops = ops_by_id(doc)
    bulk = ops["post_EventCreateBulk"][2]
    assert bulk["requestBody"]["content"]["application/json"]["examples"]
    assert bulk["responses"]["202"]["content"]["application/json"]["examples"]
    tag = ops["post_TagCreate"][2]
    request = next(iter(tag["requestBody"]["content"]["application/json"]["examples"].values()))[
        "value"
    ]
    assert request["value"] == "APT28"
    response = next(
        iter(tag["responses"]["200"]["content"]["application/json"]["examples"].values())
    )["value"]
    assert response["uuid"] == "12345678-1234-1234-1234-1234567890ab"


def test_validator_detects_a_bad_example(doc):
    """Guard against the example check silently accepting everything."""
    registry = Registry().with_resource(
        DOC_URI, Resource.from_contents(doc, default_specification=DRAFT202012)
    )
    validator = jsonschema.Draft202012Validator(
        {"$ref": f"{DOC_URI}#/components/schemas/BulkCreateResult"},
        registry=registry,
        format_checker=_format_checker(),
    )
    assert list(validator.iter_errors({"createdEventsCount": 0}))
    assert list(
        validator.iter_errors(
            {
                "createdEventsCount": 0,
                "createdTagsCount": 0,
                "errorCount": 0,
                "queuedIndicatorsCount": 0,
                "createBulkEventsRequestId": "not-a-uuid",
            }
        )
    )
    item = jsonschema.Draft202012Validator(
        {"$ref": f"{DOC_URI}#/components/schemas/EventCreateItem"},
        registry=registry,
        format_checker=_format_checker(),
    )
    bad_date = {
        "category": "c",
        "date": "yesterday",
        "event": "e",
        "raw": {"data": {}},
        "tlp": "amber",
    }
    assert list(item.iter_errors(bad_date))
