"""The generated contract tests (generated/tests/) cover every operation of the spec, sync and async.

What pytest collects is what counts: a subprocess collects generated/tests with a small plugin
that records, for every test item, its ``@pytest.mark.operation("<operationId>", "<variant>")``,
whether it is a coroutine, the table row it runs (``call`` / ``pages``: the method path) and the
names its function refers to. Every operationId of the spec must have the four variants
(required parameters only, every parameter, with_raw_response, empty path parameter) sync and
async, and each test must exercise that operation's method.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from collections import defaultdict
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from generator.build.api import build_api
from generator.diagnostics import Diagnostics
from generator.load.config import load_config
from generator.load.loader import load_spec

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "spec" / "cloudforce-one-events.yaml"
GENERATED_TESTS = ROOT / "generated" / "tests"
VARIANTS = ("required", "every", "raw", "empty_path")
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

PLUGIN = """
import inspect, json, os

def pytest_collection_finish(session):
    items = []
    for item in session.items:
        mark = item.get_closest_marker("operation")
        params = item.callspec.params if hasattr(item, "callspec") else {}
        row = params.get("call") or params.get("pages")
        items.append({
            "nodeid": item.nodeid,
            "operation": list(mark.args) if mark else None,
            "async": inspect.iscoroutinefunction(item.function),
            "method": getattr(row, "method", None),
            "names": list(item.function.__code__.co_names),
        })
    with open(os.environ["CF1_COLLECTED"], "w") as out:
        json.dump(items, out)
"""


def spec_operation_ids() -> set[str]:
    doc = yaml.safe_load(SPEC.read_text())
    return {
        op["operationId"]
        for item in doc["paths"].values()
        for method, op in item.items()
        if method in METHODS
    }


@cache
def method_paths() -> dict[str, tuple[str, str | None]]:
    """operationId -> (the method's path below the client, that of its auto-paging method)."""
    spec = load_spec(SPEC, allow_outside=False, display="spec/cloudforce-one-events.yaml")
    api = build_api(
        spec,
        load_config(ROOT / "spec" / "codegen.toml", display="spec/codegen.toml"),
        Diagnostics(),
    )
    paths: dict[str, tuple[str, str | None]] = {}
    for resource in api.all_resources():
        accessor = resource.accessor or ".".join(resource.path)
        for op in resource.operations:
            pages = f"{accessor}.{op.pagination.method}" if op.pagination is not None else None
            paths[op.operation_id] = (f"{accessor}.{op.py_name}", pages)
    return paths


@cache
def collected() -> tuple[dict[str, Any], ...]:
    """Every test item pytest collects from generated/tests (no Prism needed to collect)."""
    with tempfile.TemporaryDirectory(prefix="cf1-collect-") as tmp:
        plugin_dir = Path(tmp)
        (plugin_dir / "cf1_collect_plugin.py").write_text(PLUGIN)
        target = plugin_dir / "items.json"
        env = {
            **os.environ,
            "CF1_COLLECTED": str(target),
            "PYTHONPATH": os.pathsep.join([tmp, os.environ.get("PYTHONPATH", "")]),
        }
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                "--collect-only",
                "-q",
                "-p",
                "cf1_collect_plugin",
                "-p",
                "no:cacheprovider",
                str(GENERATED_TESTS),
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert (
            done.returncode == 0
        ), f"collecting generated/tests failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        return tuple(json.loads(target.read_text()))


def collect() -> dict[tuple[str, str, str], list[dict[str, Any]]]:
    """(operationId, variant, "sync" | "async") -> the collected test items."""
    found: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
    for item in collected():
        if item["operation"]:
            op_id, variant = item["operation"]
            found[(op_id, variant, "async" if item["async"] else "sync")].append(item)
    return found


def test_every_collected_test_names_its_operation() -> None:
    unmarked = [item["nodeid"] for item in collected() if not item["operation"]]
    assert collected() and not unmarked, f"tests without @pytest.mark.operation: {unmarked}"


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
    covered = sum(
        1
        for op_id in operations
        if all(found.get((op_id, v, f)) for v in VARIANTS for f in ("sync", "async"))
    )
    print(
        f"generated contract tests: {covered}/{len(operations)} operations covered, sync and async ({len(collected())} collected tests)"
    )
    assert not missing, f"{covered}/{len(operations)} operations covered; missing:\n" + "\n".join(
        missing
    )
    assert covered == len(operations) > 0, f"{covered}/{len(operations)} operations covered"


def test_marked_tests_call_the_operation_method() -> None:
    """A table row must name the operation's method (its full path below the client; an
    auto-paging row, the paging method); any other test must refer to the method."""
    paths = method_paths()
    wrong = []
    for (op_id, variant, flavour), items in collect().items():
        method, pages = paths.get(op_id, ("?", None))
        for item in items:
            if variant == "auth":
                continue
            if item["method"] is not None:
                ok = item["method"] == (pages if variant == "pages" else method)
            else:
                ok = method.rpartition(".")[2] in item["names"]
            if not ok:
                wrong.append(
                    f"{item['nodeid']} ({op_id} {variant} {flavour}) does not call {method}()"
                )
    assert not wrong, "\n".join(wrong)


def test_routing_dynamic_and_prism_checks_exist() -> None:
    found = collect()
    variants = {variant for _, variant, _ in found}
    assert {
        "routing",
        "dynamic",
        "pages",
        "invalid_query",
        "invalid_body",
        "invalid_path",
        "auth",
    } <= variants
    routed = {op_id for op_id, variant, _ in found if variant == "routing"}
    assert {"get_EventAggregate", "get_EventQueryAlertList", "post_DatasetCreate"} <= routed
    dynamic = {op_id for op_id, variant, _ in found if variant == "dynamic"}
    assert dynamic == spec_operation_ids()


def test_prism_version_matches_package_json() -> None:
    """The generated conftest names the Prism that `npm ci` installs."""
    pinned = json.loads((ROOT / "package.json").read_text())["devDependencies"][
        "@stoplight/prism-cli"
    ]
    locked = json.loads((ROOT / "package-lock.json").read_text())["packages"][
        "node_modules/@stoplight/prism-cli"
    ]["version"]
    conftest = (GENERATED_TESTS / "conftest.py").read_text()
    match = re.search(r'^PRISM_VERSION = "([^"]+)"', conftest, re.M)
    assert match is not None
    assert match.group(1) == pinned == locked
