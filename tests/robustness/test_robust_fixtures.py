"""The kitchen-sink documents (OpenAPI 3.0 and 3.1): generated, compiled, imported module by
module, type-checked with ``mypy --strict``, nothing dropped, and every component schema's
instances round-tripped through the generated models."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis_jsonschema import from_schema
from pydantic import TypeAdapter, ValidationError

from generator.build.operation_ids import HTTP_METHODS
from generator.load.pointers import join_pointer
from tests.robustness.support import (
    FIXTURES,
    VALID,
    Generated,
    JsonSchemaMaker,
    compile_all,
    component_pointers,
    credentials,
    custom_formats,
    import_every_module,
    model_of,
    patch_hypothesis_jsonschema,
    run_mypy,
)

Snapshot = Callable[[str, str], None]
# the canonical date-time/date strategies replace hypothesis-jsonschema's own (on purpose)
pytestmark = pytest.mark.filterwarnings("ignore:Overriding standard format")


@pytest.mark.parametrize("name", VALID)
def test_generates_compiles_and_imports_every_module(
    name: str, generated: Callable[[str], Generated]
) -> None:
    g = generated(name)
    assert compile_all(g.out) > 20
    package = importlib.import_module(g.package)
    modules = import_every_module(package)
    assert f"{g.package}.models._base" in modules
    # every operation is a method of its resource class, sync and async
    for resource in g.result.api.all_resources():
        module = importlib.import_module(f"{g.package}.resources.{resource.module}")
        for prefix in ("", "Async"):
            cls = getattr(module, prefix + resource.class_name)
            for op in resource.operations:
                assert callable(getattr(cls, op.py_name)), (resource.class_name, op.py_name)
    # and the client reaches every top-level resource through its accessor
    client = package.Client(**credentials(package))
    for resource in g.result.api.all_resources():
        target: Any = client
        for attr in resource.accessor.split("."):
            target = getattr(target, attr)
        assert type(target).__name__ == resource.class_name


@pytest.mark.parametrize("name", VALID)
def test_nothing_is_dropped(name: str, generated: Callable[[str], Generated]) -> None:
    """Every operation with every response status, every component schema as a model."""
    g = generated(name)
    api, doc = g.result.api, g.document
    ops = {op.pointer: op for op in api.operations()}
    expected = 0
    for path, item in doc["paths"].items():
        if "$ref" in item:
            item_pointer = item["$ref"][1:]
            item = doc["components"]["pathItems"][item_pointer.rsplit("/", 1)[1]]
        else:
            item_pointer = join_pointer("/paths", path)
        for method in HTTP_METHODS:
            if method not in item:
                continue
            expected += 1
            op = ops[join_pointer(item_pointer, method)]
            assert op.path == path and op.http_method == method.upper()
            statuses = set(map(str, item[method]["responses"]))
            errors = {e.status for e in op.error_responses}
            success = {str(c) for c in op.success_codes} | (
                {op.response.status} if op.response else set()
            )
            assert statuses <= errors | success, (op.operation_id, statuses - errors - success)
    assert len(ops) == expected
    named = {m.pointer for m in api.models}
    missing = [p for p in component_pointers(doc) if p not in named]
    assert not missing, missing


@pytest.mark.parametrize("name", VALID)
def test_warnings_name_their_json_pointers(
    name: str, generated: Callable[[str], Generated], snapshot: Snapshot
) -> None:
    warnings = [str(w) for w in generated(name).result.warnings]
    for text in warnings:
        assert f"{name}.yaml:" in text and ": /" in text and "warning: " in text
    snapshot(f"robustness/{name}.warnings.txt", "\n".join(warnings) + "\n")


@pytest.mark.parametrize("name", VALID)
def test_mypy_strict(name: str, generated: Callable[[str], Generated], mypy_cache: Any) -> None:
    g = generated(name)
    result = run_mypy(g.out, g.package, mypy_cache)
    assert result.returncode == 0, result.stdout + result.stderr


# ------------------------------------------------------------------------------ round trips


def _schema_cases() -> list[Any]:
    cases = []
    for name in VALID:
        document = yaml.safe_load((FIXTURES / f"{name}.yaml").read_text())
        for key in document["components"]["schemas"]:
            cases.append(
                pytest.param(
                    name, join_pointer("/components/schemas", str(key)), id=f"{name[-2:]}:{key}"
                )
            )
    return cases


@pytest.mark.parametrize(("name", "pointer"), _schema_cases())
def test_instances_round_trip_through_the_models(
    name: str, pointer: str, generated: Callable[[str], Generated]
) -> None:
    """hypothesis-jsonschema draws valid instances of the component schema; the generated type
    accepts each and dumps it back equal (``mode="json"``, by alias, unset fields left out)."""
    g = generated(name)
    model = model_of(g.result.api, pointer)
    assert model is not None, f"no model for {pointer}"
    models = importlib.import_module(f"{g.package}.models")
    adapter: TypeAdapter[Any] = TypeAdapter(getattr(models, model.name))
    schema = JsonSchemaMaker(g.document, g.result.api).for_pointer(pointer)
    patch_hypothesis_jsonschema()

    @settings(
        max_examples=12, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(from_schema(schema, custom_formats=custom_formats()))
    def round_trip(instance: Any) -> None:
        value = adapter.validate_python(instance)
        assert (
            adapter.dump_python(value, mode="json", by_alias=True, exclude_unset=True) == instance
        )

    round_trip()


@pytest.mark.parametrize(("name", "pointer"), _schema_cases())
def test_request_mirror_sends_what_the_models_send(
    name: str, pointer: str, generated: Callable[[str], Generated]
) -> None:
    """Request bodies given as plain data are validated against TypedDict mirrors of the models
    (``_core.endpoint.wire_type``) and dumped from those; the mirror must send the bytes the model
    would send, and accept what the model accepts (anything it rejects takes the model path)."""
    g = generated(name)
    model = model_of(g.result.api, pointer)
    assert model is not None, f"no model for {pointer}"
    models = importlib.import_module(f"{g.package}.models")
    endpoint = importlib.import_module(f"{g.package}._core.endpoint")
    annotation = getattr(models, model.name)
    adapter: TypeAdapter[Any] = TypeAdapter(annotation)
    mirror: TypeAdapter[Any] = TypeAdapter(endpoint.wire_type(annotation))
    schema = JsonSchemaMaker(g.document, g.result.api).for_pointer(pointer)
    patch_hypothesis_jsonschema()

    def sent(through: TypeAdapter[Any], instance: Any) -> bytes | str:
        try:
            return through.dump_json(
                through.validate_python(instance), by_alias=True, exclude_unset=True
            )
        except ValidationError:
            return "rejected"

    @settings(
        max_examples=12, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(from_schema(schema, custom_formats=custom_formats()))
    def same_bytes(instance: Any) -> None:
        assert sent(mirror, instance) == sent(adapter, instance)

    same_bytes()


@pytest.mark.parametrize("name", VALID)
def test_generation_is_deterministic(
    name: str, generated: Callable[[str], Generated], tmp_path: Any
) -> None:
    """Another process with another hash seed writes the same bytes (names included)."""
    import os
    import subprocess
    import sys

    g = generated(name)
    out = tmp_path / "again"
    env = {**os.environ, "PYTHONHASHSEED": "4242"}
    cmd = [
        sys.executable,
        "-m",
        "generator",
        "generate",
        "--spec",
        str(g.spec),
        "--out",
        str(out),
        "--no-config",
        "--package-name",
        g.package,
    ]
    done = subprocess.run(
        cmd, cwd=FIXTURES.parents[2], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr

    def tree(root: Any) -> dict[str, bytes]:
        return {
            p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*"))
            if p.is_file() and "__pycache__" not in p.parts
        }

    first, second = tree(g.out), tree(out)
    assert sorted(first) == sorted(second)
    assert [p for p in first if first[p] != second[p]] == []
