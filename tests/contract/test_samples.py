"""generator/testplan/: sample values from the IR, and the plan the contract-test templates print.

The spec-wide tests validate every sample call against the spec's own JSON Schemas with
jsonschema, independently of Prism (which, in 5.14.2, does not validate ``content``-encoded
query parameters such as ``search``).
"""

from __future__ import annotations

import ast
import dataclasses
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from generator.build.api import build_api
from generator.diagnostics import Diagnostics
from generator.ir import Api, Constraints, Field, Model, Operation, Param, TypeRef
from generator.load.config import load_config
from generator.load.loader import load_spec
from generator.testplan.calls import all_kwargs, param_value, required_kwargs
from generator.testplan.contract_plan import plan_tests
from generator.testplan.formats import FIXED_DATE, FIXED_DATETIME, FIXED_UUID
from generator.testplan.patterns import from_pattern
from generator.testplan.routing import routing_traps
from generator.testplan.sample_source import kwargs_source, source
from generator.testplan.samples import Instance, Samples

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "spec" / "cloudforce-one-events.yaml"
CONFIG = ROOT / "spec" / "codegen.toml"


@cache
def spec_api() -> Api:
    spec = load_spec(SPEC, allow_outside=False, display="spec/cloudforce-one-events.yaml")
    config = load_config(CONFIG, display="spec/codegen.toml")
    return build_api(spec, config, Diagnostics())


@cache
def spec_document() -> dict[str, Any]:
    loaded = yaml.safe_load(SPEC.read_text())
    assert isinstance(loaded, dict)
    return loaded


def make_api(*models: Model) -> Api:
    api = spec_api()
    return dataclasses.replace(api, models=models, resources=(), model_modules=())


def field(name: str, t: TypeRef, required: bool = True, **kw: Any) -> Field:
    return Field(
        py_name=name,
        wire_name=name,
        type=t,
        annotation="Any",
        required=required,
        default=None if required else "None",
        doc="",
        **kw,
    )


S = TypeRef("str")


# --- single values -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("t", "expected"),
    [
        (TypeRef("literal", values=("b", "a")), "b"),
        (TypeRef("str", format="uuid"), FIXED_UUID),
        (TypeRef("str", format="date-time"), FIXED_DATETIME),
        (TypeRef("datetime", format="date-time"), FIXED_DATETIME),
        (TypeRef("date"), FIXED_DATE),
        (TypeRef("str", format="date"), FIXED_DATE),
        (TypeRef("str", format="email"), "analyst@example.com"),
        (TypeRef("str", format="uri"), "https://example.com/"),
        (TypeRef("bool"), True),
        (TypeRef("int"), 1),
        (TypeRef("float", constraints=Constraints(maximum=25000)), 1),
        (TypeRef("int", constraints=Constraints(minimum=5, maximum=10)), 5),
        (TypeRef("int", constraints=Constraints(maximum=-3)), -3),
        (TypeRef("int", constraints=Constraints(exclusive_minimum=1)), 2),
        (TypeRef("float", constraints=Constraints(exclusive_maximum=1)), 0.5),
        (TypeRef("str", constraints=Constraints(min_length=10)), "stringstri"),
        (TypeRef("str", constraints=Constraints(max_length=3)), "str"),
        (TypeRef("str", constraints=Constraints(pattern=r"^[0-9]+$")), "1"),
        (TypeRef("union", args=(TypeRef("none"), TypeRef("int"), S)), 1),
        (TypeRef("list", args=(S,), constraints=Constraints(min_items=2)), ["string", "string"]),
        (TypeRef("list", args=(S,), constraints=Constraints(max_items=0)), []),
        (TypeRef("dict", args=(S, TypeRef("int"))), {"key": 1}),
        (TypeRef("str", nullable=True), "string"),
    ],
)
def test_value_from_type(t: TypeRef, expected: Any) -> None:
    assert Samples(make_api()).value(t) == expected


def test_valid_examples_are_used_and_invalid_ones_ignored() -> None:
    samples = Samples(make_api())
    bounded = Constraints(maximum=25000)
    assert (
        samples.value(TypeRef("float", constraints=bounded, example=100, has_example=True)) == 100
    )
    assert (
        samples.value(TypeRef("float", constraints=bounded, example=30000, has_example=True)) == 1
    )
    assert (
        samples.value(TypeRef("str", format="uuid", example="not-a-uuid", has_example=True))
        == FIXED_UUID
    )
    assert (
        samples.value(TypeRef("literal", values=("x", "y"), example="y", has_example=True)) == "y"
    )
    assert (
        samples.value(TypeRef("literal", values=("x", "y"), example="z", has_example=True)) == "x"
    )
    assert (
        samples.value(TypeRef("int", example=True, has_example=True)) == 1
    )  # a bool is no integer
    assert samples.value(TypeRef("str", nullable=True, example=None, has_example=True)) == "string"


def test_models_become_wire_keyed_dicts_required_only_or_full() -> None:
    inner = Model(
        kind="object", name="Inner", module="inner", doc="", pointer="", fields=(field("value", S),)
    )
    outer = Model(
        kind="object",
        name="Outer",
        module="outer",
        doc="",
        pointer="",
        fields=(
            Field("dataset_id", "datasetId", S, "str", True, None, ""),
            field("inner", TypeRef("model", name="Inner")),
            field("items", TypeRef("list", args=(TypeRef("model", name="Inner"),)), required=False),
            field("server_set", S, required=False, read_only=True),
        ),
    )
    samples = Samples(make_api(inner, outer))
    t = TypeRef("model", name="Outer")
    assert samples.value(t) == {"datasetId": "string", "inner": {"value": "string"}}
    assert samples.value(t, full=True) == {
        "datasetId": "string",
        "inner": {"value": "string"},
        "items": [{"value": "string"}],
    }
    instance = samples.value(t, instances=True)
    assert instance == Instance("Outer", {"datasetId": "string", "inner": {"value": "string"}})
    assert (
        source(instance)
        == 'Outer.model_validate({"datasetId": "string", "inner": {"value": "string"}})'
    )


def test_aliases_unions_and_recursion() -> None:
    color = Model(
        kind="alias",
        name="Color",
        module="color",
        doc="",
        pointer="",
        alias_type=TypeRef("literal", values=("red", "amber")),
    )
    node = Model(
        kind="object",
        name="Node",
        module="node",
        doc="",
        pointer="",
        fields=(
            field("color", TypeRef("alias", name="Color")),
            field(
                "children", TypeRef("list", args=(TypeRef("model", name="Node"),)), required=False
            ),
        ),
    )
    samples = Samples(make_api(color, node))
    assert samples.value(TypeRef("alias", name="Color")) == "red"
    assert samples.value(TypeRef("model", name="Node"), full=True) == {
        "color": "red",
        "children": [{"color": "red"}],
    }


def test_path_values_are_url_safe() -> None:
    samples = Samples(make_api())

    def path(name: str, t: TypeRef) -> Param:
        return Param(
            py_name=name,
            wire_name=name,
            location="path",
            type=t,
            annotation="str",
            required=True,
            doc="",
        )

    assert (
        param_value(samples, path("dataset_id", TypeRef("str", example="a/b", has_example=True)))
        == "dataset-1"
    )
    assert (
        param_value(samples, path("dataset_id", TypeRef("str", example="..", has_example=True)))
        == "dataset-1"
    )
    assert param_value(samples, path("dataset_id", TypeRef("str", format="uuid"))) == FIXED_UUID
    assert (
        param_value(samples, path("query_id", TypeRef("int", example=42, has_example=True))) == 42
    )
    assert (
        param_value(samples, path("alert_id", TypeRef("int", constraints=Constraints(minimum=3))))
        == 3
    )


def test_path_values_no_url_safe_string_fits_are_valid_and_percent_encoded_later() -> None:
    """A digest (``sha256:...``) or a ``const`` with spaces: the valid value, not an abort."""
    samples = Samples(make_api())
    digest = TypeRef("str", constraints=Constraints(pattern="^sha256:[a-f0-9]{64}$"))
    spaced = TypeRef("literal", values=("this goes in the path",))
    for t in (digest, spaced):
        p = Param(
            py_name="ref",
            wire_name="ref",
            location="path",
            type=t,
            annotation="str",
            required=True,
            doc="",
        )
        value = param_value(samples, p)
        assert samples.conforms(value, t)
    assert (
        param_value(
            samples,
            Param(
                py_name="ref",
                wire_name="ref",
                location="path",
                type=spaced,
                annotation="str",
                required=True,
                doc="",
            ),
        )
        == "this goes in the path"
    )


@pytest.mark.parametrize(
    ("pattern", "min_length"),
    [
        (r"^[A-Z]{3}$", 0),
        (r"^CAPEC-\d+$", 0),
        (r"^(foo|bar)-[a-f0-9]+$", 0),
        (r"^[a-z0-9-]{8,}$", 0),
        (r"^[a-z]+$", 6),
    ],
)
def test_strings_follow_patterns(pattern: str, min_length: int) -> None:
    import re

    made = from_pattern(pattern, min_length)
    assert made is not None and re.search(pattern, made) and len(made) >= min_length
    t = TypeRef("str", constraints=Constraints(pattern=pattern, min_length=min_length or None))
    value = Samples(make_api()).value(t)
    assert re.search(pattern, value) and len(value) >= min_length


def test_impossible_samples_leave_the_operation_out_of_the_tests_with_a_location() -> None:
    api = spec_api()
    op = api.operations()[0]
    bad = TypeRef(
        "int", constraints=Constraints(minimum=5, maximum=1), pointer="/components/schemas/Broken"
    )
    param = Param(
        py_name="broken",
        wire_name="broken",
        location="query",
        type=bad,
        annotation="int",
        required=True,
        doc="",
    )
    resource = dataclasses.replace(
        api.resources[0], operations=(dataclasses.replace(op, params=(param,)),), children=()
    )
    optional = dataclasses.replace(param, py_name="maybe", wire_name="maybe", required=False)
    fine = dataclasses.replace(api.operations()[1], params=(optional,))
    other = dataclasses.replace(api.resources[0], operations=(fine,), children=())
    plan = plan_tests(dataclasses.replace(api, resources=(resource, other)))  # no exception
    assert [c.op.operation_id for c in plan.cases] == [
        fine.operation_id
    ]  # the broken one has no row
    assert (
        plan.cases[0].every_values is None
    )  # the optional one is left out of its every-parameter call
    left_out, dropped = plan.unplanned
    assert (left_out.operation_id, left_out.pointer, left_out.parameter) == (
        op.operation_id,
        "/components/schemas/Broken",
        None,
    )
    assert (
        "no contract test for operation" in left_out.message()
        and "minimum 5 > maximum 1" in left_out.message()
    )
    assert (dropped.operation_id, dropped.parameter) == (fine.operation_id, "maybe")


def test_kwargs_source_is_python() -> None:
    text = kwargs_source(
        {"name": 'it\'s "quoted"\n', "n": 1.5, "flag": True, "items": [{"a": None}]}
    )
    tree = ast.parse(f"f({text})", mode="eval")
    assert isinstance(tree.body, ast.Call)
    values = {kw.arg: ast.literal_eval(kw.value) for kw in tree.body.keywords}
    assert values == {"name": 'it\'s "quoted"\n', "n": 1.5, "flag": True, "items": [{"a": None}]}


# --- the spec ---------------------------------------------------------------------------------------


def test_plan_covers_every_operation_deterministically() -> None:
    api = spec_api()
    plan = plan_tests(api)
    assert {c.op.operation_id for c in plan.cases} == {op.operation_id for op in api.operations()}
    assert len(plan.cases) == 72
    assert plan_tests(api) == plan


def test_routing_traps_include_the_known_ones() -> None:
    pairs = {(a.operation_id, b.operation_id) for a, b in routing_traps(spec_api())}
    assert ("get_EventAggregate", "get_EventReadDeprecated") in pairs
    assert ("get_EventQueryAlertList", "get_EventQueryRead") in pairs
    assert ("post_DatasetCreate", "post_DatasetUpdate") in pairs
    assert (
        "get_DatasetIndicatorTagList",
        "get_DatasetIndicatorRead",
    ) in pairs  # .../indicators/tags
    assert (
        "post_EventGraphQL",
        "post_EventUpdate",
    ) in pairs  # /events/graphql vs /events/{event_id}
    assert (
        "get_EventReadDeprecated",
        "get_EventAggregate",
    ) not in pairs  # templated never counts as static


def test_invalid_requests_break_the_spec() -> None:
    plan = plan_tests(spec_api())
    kinds = {bad.kind: bad for bad in plan.invalid}
    assert set(kinds) == {"query", "body", "path"}
    assert 'extra_query={"pageSize": 25001}' in kinds["query"].kwargs
    assert kinds["query"].error == "BadRequestError"
    # our spec declares a 400: Prism answers with it and reports the violation in sl-violations
    assert kinds["query"].declared and kinds["query"].wire_name == "pageSize"
    assert kinds["query"].reported_at == ("query", "pagesize")  # as Prism reports it
    assert plan.secured is not None and plan.wrong_authorization.startswith("Basic ")
    assert [alt.arguments for alt in plan.alternatives] == [
        ("api_token",),
        ("api_email", "api_key"),
    ]


def _registry() -> Registry:
    return Registry().with_resource(
        "urn:spec", Resource.from_contents(spec_document(), default_specification=DRAFT202012)
    )


def _validator(pointer: str) -> jsonschema.protocols.Validator:
    schema = {"$ref": "urn:spec#" + pointer}
    return jsonschema.Draft202012Validator(
        schema, registry=_registry(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def _escape(part: str) -> str:
    return part.replace("~", "~0").replace("/", "~1")


def _wire(value: Any) -> Any:
    if isinstance(value, Instance):
        return _wire(value.data)
    if isinstance(value, list):
        return [_wire(v) for v in value]
    if isinstance(value, dict):
        return {k: _wire(v) for k, v in value.items()}
    return value


def _parameter_pointers(op: Operation) -> dict[tuple[str, str], str]:
    """(location, wire name) -> JSON pointer of the parameter's schema in the spec."""
    doc = spec_document()
    path_item = doc["paths"][op.path]
    base = f"/paths/{_escape(op.path)}"
    out: dict[tuple[str, str], str] = {}
    entries = [(f"{base}/parameters/{i}", p) for i, p in enumerate(path_item.get("parameters", []))]
    entries += [
        (f"{base}/{op.http_method.lower()}/parameters/{i}", p)
        for i, p in enumerate(path_item[op.http_method.lower()].get("parameters", []))
    ]
    for pointer, param in entries:
        if "$ref" in param:
            pointer = param["$ref"][1:]
            param = doc
            for part in pointer.strip("/").split("/"):
                param = param[part.replace("~1", "/").replace("~0", "~")]
        if "schema" in param:
            out[(param["in"], param["name"])] = pointer + "/schema"
        else:
            media = next(iter(param["content"]))
            out[(param["in"], param["name"])] = f"{pointer}/content/{_escape(media)}/schema"
    return out


@pytest.mark.parametrize("mode", ["required", "every"])
def test_every_sample_call_is_valid_against_the_spec(mode: str) -> None:
    api = spec_api()
    samples = Samples(api)
    problems: list[str] = []
    for op in api.operations():
        kwargs = required_kwargs(samples, op) if mode == "required" else all_kwargs(samples, op)
        params = {p.py_name: p for p in op.params}
        pointers = _parameter_pointers(op)
        body: dict[str, Any] = {}
        for name, value in kwargs.items():
            p = params[name]
            if p.location == "body":
                body[p.wire_name] = _wire(value)
                continue
            for error in _validator(pointers[(p.location, p.wire_name)]).iter_errors(_wire(value)):
                problems.append(f"{op.operation_id} {p.location} {p.wire_name}: {error.message}")
        if op.body is not None:
            media = _escape(op.body.content_type)
            pointer = f"/paths/{_escape(op.path)}/{op.http_method.lower()}/requestBody/content/{media}/schema"
            for error in _validator(pointer).iter_errors(body):
                problems.append(
                    f"{op.operation_id} body {list(error.absolute_path)}: {error.message}"
                )
        missing = [
            p.wire_name
            for p in op.params
            if p.required and not p.default_from_client and p.py_name not in kwargs
        ]
        problems += [f"{op.operation_id}: required {name} missing" for name in missing]
    assert not problems, "\n".join(problems)


def test_every_parameter_is_in_the_every_parameter_call() -> None:
    api = spec_api()
    samples = Samples(api)
    for op in api.operations():
        passed = set(all_kwargs(samples, op))
        assert passed == {
            p.py_name for p in op.params if not p.default_from_client
        }, op.operation_id


def test_the_schema_check_above_does_reject_bad_values() -> None:
    ops = {op.operation_id: op for op in spec_api().operations()}
    listing = _parameter_pointers(ops["get_EventListGet"])
    assert list(_validator(listing[("query", "pageSize")]).iter_errors(30000))
    assert list(
        _validator(listing[("query", "search")]).iter_errors(
            [{"field": "bogus", "op": "equals", "value": "x"}]
        )
    )
    move = _parameter_pointers(ops["post_EventMoveToNewDS"])
    assert list(_validator(move[("path", "dataset_id")]).iter_errors("ds-1"))
