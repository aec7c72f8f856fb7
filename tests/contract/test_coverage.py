"""The generated contract tests (generated/tests/) cover every operation of the spec, sync and async.

Read statically (AST): each test carries ``@pytest.mark.operation("<operationId>", "<variant>")``.
Every operationId of the spec must have the four variants (required parameters only, every
parameter, with_raw_response, empty path parameter) as a plain function and as an ``async def``,
and each of those functions must call the operation's method.
"""

from __future__ import annotations

import ast
import json
import re
from collections import defaultdict
from functools import cache
from pathlib import Path

import yaml

from generator.build import build_api
from generator.config import load_config
from generator.diagnostics import Diagnostics
from generator.loader import load_spec

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "spec" / "cloudforce-one-events.yaml"
GENERATED_TESTS = ROOT / "generated" / "tests"
VARIANTS = ("required", "every", "raw", "empty_path")
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def spec_operation_ids() -> set[str]:
    doc = yaml.safe_load(SPEC.read_text())
    return {op["operationId"] for item in doc["paths"].values() for method, op in item.items() if method in METHODS}


@cache
def method_names() -> dict[str, str]:
    spec = load_spec(SPEC, allow_outside=False, display="spec/cloudforce-one-events.yaml")
    api = build_api(spec, load_config(ROOT / "spec" / "codegen.toml", display="spec/codegen.toml"), Diagnostics())
    return {op.operation_id: op.py_name for op in api.operations()}


def _marks(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> list[tuple[str, str]]:
    found = []
    for deco in fn.decorator_list:
        if isinstance(deco, ast.Call) and ast.unparse(deco.func) == "pytest.mark.operation":
            args = [a.value for a in deco.args if isinstance(a, ast.Constant)]
            if len(args) == 2:
                found.append((str(args[0]), str(args[1])))
    return found


def _called_attributes(fn: ast.AST) -> set[str]:
    return {node.func.attr for node in ast.walk(fn) if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)}


def collect() -> dict[tuple[str, str, str], list[ast.FunctionDef | ast.AsyncFunctionDef]]:
    """(operationId, variant, "sync" | "async") -> the test functions."""
    found: dict[tuple[str, str, str], list[ast.FunctionDef | ast.AsyncFunctionDef]] = defaultdict(list)
    for path in sorted(GENERATED_TESTS.glob("test_*.py")):
        for node in ast.parse(path.read_text(), str(path)).body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("test_"):
                flavour = "async" if isinstance(node, ast.AsyncFunctionDef) else "sync"
                for op_id, variant in _marks(node):
                    found[(op_id, variant, flavour)].append(node)
    return found


def test_generated_tests_cover_every_operation_sync_and_async() -> None:
    operations = spec_operation_ids()
    found = collect()
    missing = sorted(
        f"{op_id} {variant} ({flavour})"
        for op_id in operations
        for variant in VARIANTS
        for flavour in ("sync", "async")
        if not found.get((op_id, variant, flavour))
    )
    covered = sum(1 for op_id in operations if all(found.get((op_id, v, f)) for v in VARIANTS for f in ("sync", "async")))
    tests = sum(len(fns) for fns in found.values())
    print(f"generated contract tests: {covered}/{len(operations)} operations covered, sync and async ({tests} marked test functions)")
    assert not missing, f"{covered}/{len(operations)} operations covered; missing:\n" + "\n".join(missing)
    assert covered == len(operations) > 0, f"{covered}/{len(operations)} operations covered"


def test_marked_tests_call_the_operation_method() -> None:
    names = method_names()
    wrong = []
    for (op_id, variant, flavour), fns in collect().items():
        method = names.get(op_id)
        for fn in fns:
            if variant in ("pages", "auth"):
                continue
            if method is None or method not in _called_attributes(fn):
                wrong.append(f"{fn.name} ({op_id} {variant} {flavour}) does not call .{method}()")
    assert not wrong, "\n".join(wrong)


def test_routing_dynamic_and_prism_checks_exist() -> None:
    found = collect()
    variants = {variant for _, variant, _ in found}
    assert {"routing", "dynamic", "invalid_query", "invalid_body", "invalid_path", "auth"} <= variants
    routed = {op_id for op_id, variant, _ in found if variant == "routing"}
    assert {"get_EventAggregate", "get_EventQueryAlertList", "post_DatasetCreate"} <= routed
    dynamic = {op_id for op_id, variant, _ in found if variant == "dynamic"}
    assert dynamic == spec_operation_ids()


def test_prism_version_matches_package_json() -> None:
    """The generated conftest names the Prism that `npm ci` installs."""
    pinned = json.loads((ROOT / "package.json").read_text())["devDependencies"]["@stoplight/prism-cli"]
    locked = json.loads((ROOT / "package-lock.json").read_text())["packages"]["node_modules/@stoplight/prism-cli"]["version"]
    conftest = (GENERATED_TESTS / "conftest.py").read_text()
    match = re.search(r'^PRISM_VERSION = "([^"]+)"', conftest, re.M)
    assert match is not None
    assert match.group(1) == pinned == locked
