"""Hostile and broken documents: exit 2 with file, line and pointer, bounded time and memory,
nothing written, never a traceback (issue 14). The messages are pinned as snapshots in
tests/snapshots/hostile/ (`make snapshots` rewrites them); the limits are in
generator/load/limits.py and README.md."""

from __future__ import annotations

import json
import resource
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.load import limits
from tests.codegen.ownership_support import child_env
from tests.conftest import CliResult

Cli = Callable[[list[str]], CliResult]
HEAD = "openapi: 3.1.0\ninfo: {title: Hostile, version: '1'}\npaths: {}\n"
DOCS: dict[str, Callable[[], tuple[str, str]]] = {}


def doc(name: str, suffix: str = "yaml") -> Callable[[Callable[[], str]], Callable[[], str]]:
    def register(fn: Callable[[], str]) -> Callable[[], str]:
        DOCS[name] = lambda: (fn(), suffix)
        return fn

    return register


@doc("billion_laughs_schemas")
def _() -> str:
    """~1 KB: nine levels of nine aliases each, 9**9 schemas once expanded."""
    lines = ['    a: &a {type: string, description: "lol"}']
    for prev, name in zip("abcdefghi", "bcdefghij"):
        props = ", ".join(f"p{i}: *{prev}" for i in range(9))
        lines.append(f"    {name}: &{name} {{type: object, properties: {{{props}}}}}")
    return HEAD + "components:\n  schemas:\n" + "\n".join(lines) + "\n"


@doc("billion_laughs_example")
def _() -> str:
    lines = ['        a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi"):
        lines.append(f"        {name}: &{name} [{','.join([f'*{prev}'] * 9)}]")
    return (
        HEAD
        + "components:\n  schemas:\n    S:\n      type: object\n      example:\n"
        + "\n".join(lines)
        + "\n"
    )


@doc("alias_inside_itself")
def _() -> str:
    return HEAD + "components:\n  schemas:\n    S: &s\n      type: object\n      example: [*s]\n"


@doc("alias_nests_too_deep")
def _() -> str:
    nested = "[" * 150 + "1" + "]" * 150
    return (
        HEAD
        + f"x-deep: &d {nested}\nx-deeper: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[*d]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n"
    )


@doc("yaml_nested_5000_deep")
def _() -> str:
    return HEAD + "x-deep: " + "[" * 5000 + "]" * 5000 + "\n"


@doc("yaml_nested_300_deep_block")
def _() -> str:
    return (
        HEAD
        + "x-deep:\n"
        + "".join("  " * (i + 1) + f"k{i}:\n" for i in range(300))
        + "  " * 301
        + "end: 1\n"
    )


@doc("json_nested_5000_deep", "json")
def _() -> str:
    return (
        '{"openapi": "3.1.0", "info": {"title": "H", "version": "1"}, "paths": {},\n"x-deep": '
        + "[" * 5000
        + "]" * 5000
        + "}\n"
    )


@doc("json_nested_300_deep", "json")
def _() -> str:
    return (
        '{"openapi": "3.1.0", "info": {"title": "H", "version": "1"}, "paths": {},\n"x-deep": '
        + "[" * 300
        + "]" * 300
        + "}\n"
    )


@doc("yaml_integer_5000_digits")
def _() -> str:
    return (
        HEAD
        + "components:\n  schemas:\n    A:\n      type: integer\n      maximum: "
        + "9" * 5000
        + "\n"
    )


@doc("yaml_integer_key_5000_digits")
def _() -> str:
    return HEAD + "x-codes:\n  ? " + "1" * 5000 + "\n  : too long a key\n"


@doc("json_integer_5000_digits", "json")
def _() -> str:
    body = {"openapi": "3.1.0", "info": {"title": "H", "version": "1"}, "paths": {}}
    text = json.dumps(body, indent=1)[:-2]
    return text + ',\n "x-big": ' + "7" * 5000 + "\n}\n"


def _schemas(schemas: dict[str, object]) -> str:
    op = {
        "get": {
            "operationId": "getA",
            "responses": {
                "200": {
                    "description": "ok",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/A"}}},
                }
            },
        }
    }
    return json.dumps(
        {
            "openapi": "3.1.0",
            "info": {"title": "H", "version": "1"},
            "paths": {"/a": op},
            "components": {"schemas": schemas},
        },
        indent=1,
    )


@doc("allof_cycle", "json")
def _() -> str:
    return _schemas(
        {
            "A": {
                "type": "object",
                "properties": {"x": {"type": "string"}},
                "allOf": [{"$ref": "#/components/schemas/B"}],
            },
            "B": {"allOf": [{"$ref": "#/components/schemas/A"}, {"type": "object"}]},
        }
    )


@doc("allof_self_reference", "json")
def _() -> str:
    return _schemas({"A": {"allOf": [{"$ref": "#/components/schemas/A"}]}})


@doc("oneof_cycle", "json")
def _() -> str:
    return _schemas(
        {
            "A": {"oneOf": [{"$ref": "#/components/schemas/B"}, {"type": "string"}]},
            "B": {"oneOf": [{"$ref": "#/components/schemas/A"}, {"type": "integer"}]},
        }
    )


@doc("anyof_cycle_through_inline_schema", "json")
def _() -> str:
    inline = {"anyOf": [{"allOf": [{"$ref": "#/components/schemas/A"}]}, {"type": "null"}]}
    return _schemas({"A": {"anyOf": [inline, {"type": "string"}]}})


@pytest.mark.parametrize("name", sorted(DOCS))
def test_hostile_document_exits_2_located_and_writes_nothing(
    name: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    cli: Cli,
    snapshot: Callable[[str, str], None],
) -> None:
    monkeypatch.chdir(tmp_path)
    text, suffix = DOCS[name]()
    spec = tmp_path / f"openapi.{suffix}"
    spec.write_text(text)
    result = cli(["generate", "--spec", spec.name, "--out", "out"])
    assert result.code == 2, result.err
    assert "Traceback" not in result.err
    first = result.err.splitlines()[0]
    assert first.startswith(f"openapi.{suffix}:") and ": /" in first, first
    assert not (tmp_path / "out").exists()
    snapshot(f"hostile/{name}.txt", result.err)


def test_recursive_schemas_through_properties_and_items_are_fine(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Cli
) -> None:
    monkeypatch.chdir(tmp_path)
    node = {
        "type": "object",
        "properties": {
            "children": {"type": "array", "items": {"$ref": "#/components/schemas/A"}},
            "parent": {"allOf": [{"$ref": "#/components/schemas/A"}]},
        },
    }
    (tmp_path / "openapi.json").write_text(_schemas({"A": node}))
    result = cli(["generate", "--spec", "openapi.json", "--out", "out"])
    assert result.code == 0, result.err


def test_a_document_at_the_depth_limit_is_generated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Cli
) -> None:
    """The limit is one the whole pipeline can follow: nested property schemas up to it."""
    monkeypatch.chdir(tmp_path)
    schema: dict[str, object] = {"type": "object", "example": [[[1]]]}
    levels = (limits.MAX_DEPTH - 4 - 3) // 2  # /components/schemas/A, then properties/p each
    for _ in range(levels):
        schema = {"type": "object", "properties": {"p": schema}}
    (tmp_path / "openapi.json").write_text(_schemas({"A": schema}))
    result = cli(["generate", "--spec", "openapi.json", "--out", "out"])
    assert result.code == 0, result.err
    assert f", {levels} models)" in result.out


def test_the_alias_bomb_is_refused_within_a_small_memory_budget(tmp_path: Path) -> None:
    """In a child process limited to 1 GiB of address space (before the limits it grew past
    3.7 GB): refused with the located error, not a MemoryError."""
    text, _ = DOCS["billion_laughs_schemas"]()
    (tmp_path / "bomb.yaml").write_text(text)
    assert len(text) < 1200

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    done = subprocess.run(
        [sys.executable, "-m", "generator", "--spec", "bomb.yaml", "--out", "out"],
        cwd=tmp_path,
        env=child_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=limit,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert "the document expands to more than 2,000,000 nodes" in done.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("raised", "expected"),
    [
        (
            RecursionError("maximum recursion depth exceeded"),
            "openapi.json: /: nested too deeply for the generator (Python's recursion limit)\n",
        ),
        (
            MemoryError(),
            "openapi.json: /: the generator ran out of memory; the document is too large\n",
        ),
        (
            RuntimeError("a bug"),
            "openapi.json: /: internal error of the generator (RuntimeError: a bug); please report it to the generator's maintainers "
            "(with the input file, or a part of it that fails); --debug shows the traceback\n",
        ),
    ],
)
def test_unexpected_errors_are_one_line_naming_the_file(
    raised: BaseException, expected: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Cli
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "openapi.json").write_text(_schemas({"A": {"type": "string"}}))

    def broken(*args: object, **kwargs: object) -> None:
        raise raised

    monkeypatch.setattr("generator.pipeline.build_api", broken)
    result = cli(["generate", "--spec", "openapi.json", "--out", "out"])
    assert (result.code, result.err) == (2, expected)
    assert not (tmp_path / "out").exists()
    if type(raised) is RuntimeError:
        debug = cli(["generate", "--spec", "openapi.json", "--out", "out", "--debug"])
        assert debug.code == 2
        assert debug.err.startswith("Traceback (most recent call last):")
        assert "RuntimeError: a bug" in debug.err and debug.err.endswith(
            "(with the input file, or a part of it that fails)\n"
        )


def _invalid_but_parseable() -> str:
    params = [
        {"name": "id", "in": "path", "required": False, "schema": {"type": "string"}},
        {"name": "limit", "in": "query", "schema": {"type": "integer", "default": "ten"}},
        {
            "name": "since",
            "in": "query",
            "schema": {"type": "string", "format": "date", "default": "2024-01-01"},
        },
    ]
    responses = {
        "200": {"description": "ok"},
        "success": {"description": "odd"},
        "4XX": {"description": "range"},
        "600": {"description": "no"},
    }
    op = {"operationId": "getA", "parameters": params, "responses": responses}
    props = {"size": {"type": "integer", "default": "big"}}
    schemas = {"A": {"type": "object", "properties": props}}
    doc = {
        "openapi": "3.1.0",
        "info": {"title": "H", "version": "1"},
        "paths": {"/a/{id}": {"get": op}},
        "components": {"schemas": schemas},
    }
    return json.dumps(doc, indent=1)


def test_invalid_but_parseable_input_is_warned_with_pointers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Cli, snapshot: Callable[[str, str], None]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "openapi.json").write_text(_invalid_but_parseable())
    result = cli(["generate", "--spec", "openapi.json", "--out", "out"])
    assert result.code == 0, result.err
    warnings = result.err.splitlines()
    assert len(warnings) == 5 and all(": warning: " in w for w in warnings)
    snapshot("hostile/invalid_but_parseable_warnings.txt", result.err)
    strict = cli(["generate", "--spec", "openapi.json", "--out", "strict", "--fail-on-warning"])
    assert strict.code == 2
    assert strict.err.splitlines()[:5] == warnings
    assert (
        strict.err.splitlines()[5]
        == "openapi.json: /: 5 warning(s) and --fail-on-warning: nothing written"
    )
    assert not (tmp_path / "strict").exists()
