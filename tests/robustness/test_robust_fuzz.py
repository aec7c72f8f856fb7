"""Fuzzing the generator: random schemas and operations full of hostile strings.

Every drawn document either generates a package whose every file compiles, whose every module
imports, and whose ``pyproject.toml`` parses -- or the CLI exits 2 with ``FILE:LINE: /pointer:
message`` lines and no traceback. A payload that would create a marker file if any of it were
ever executed (as Python, as a Jinja expression, as a YAML tag) sits in every string position;
the marker must never appear, neither after generating nor after importing.
"""

from __future__ import annotations

import itertools
import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import tomllib
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.load.loader import load_spec
from generator.load.pointers import join_pointer
from tests.conftest import CliResult
from tests.robustness.support import (
    FIXTURES,
    Generated,
    compile_all,
    credentials,
    import_every_module,
    importable,
    run_mypy,
)

_COUNTER = itertools.count()
# drawn documents hold 10,000-character strings: hypothesis warns that their repr is large
pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr")
_LOCATED = re.compile(r"^\S.*?(:\d+)?: /.*: .+$")


def payloads(marker: Path) -> list[str]:
    """Strings that would create ``marker`` if they escaped into code anywhere."""
    cmd = f"__import__('os').system('touch {marker}')"
    return [
        cmd,
        f'"""\n{cmd}\n"""',
        f"'''\n{cmd}\n'''",
        f'"+{cmd}+"',
        f"'+{cmd}+'",
        f"\n{cmd}\n#",
        f"\\\n{cmd}",
        f"{{{{ {cmd} }}}}",
        f"{{% set x = {cmd} %}}",
        f"{{{{ cycler.__init__.__globals__.os.system('touch {marker}') }}}}",
        f"\x00{cmd}",
        f"\r\n{cmd}",
        f"\u2028{cmd}\u2029",
        f"`{cmd}`",
        f"${{{cmd}}}",
        f"]\n{cmd}\n[",
        f"*/ {cmd} /*",
        f"\\N{{BULLET}}\\x00\\u0000 {cmd}",
        f"!!python/object/apply:os.system ['touch {marker}']",
        f"\"\"\"'''\\\\{{{{ }}}}{{% %}}\x00\n{cmd}",
    ]


NASTY = [
    "", " ", "_", "__init__", "self", "class", "def", "None", "True", "import", "model_config", "model_dump",
    "json", "schema", "copy", "Any", "Literal", "Field", "BaseModel", "Endpoint", "NotGiven", "int", "str",
    "list", "0", "1st", "-1", "a-b", "a b", "a/b", "a.b", "A", "a", "ÜML", "😀", "e\u0301", "日本語", "x" * 10_000,
    "\\", "'", '"', '"""', "'''", "{{", "}}", "{%", "%}", "{#", "#}", "\n", "\t", "\x00", "\x7f", "\u2028",
]  # fmt: skip


def texts(marker: Path) -> st.SearchStrategy[str]:
    hostile = st.sampled_from(payloads(marker) + NASTY)
    return st.one_of(
        hostile,
        st.text(max_size=12),
        st.tuples(hostile, st.text(max_size=6), hostile).map("".join),
    )


def schema_strategy(
    text: st.SearchStrategy[str], refs: list[str], version: str
) -> st.SearchStrategy[Any]:
    scalar_values = st.one_of(
        text,
        st.integers(-5, 5),
        st.booleans(),
        st.none(),
        st.floats(allow_nan=False, allow_infinity=False),
    )
    doc = st.fixed_dictionaries(
        {}, optional={"description": text, "title": text, "example": scalar_values}
    )
    leaves: list[st.SearchStrategy[Any]] = [
        st.builds(
            lambda d, f, default: {**d, "type": "string", **f, **default},
            doc,
            st.sampled_from(
                [
                    {},
                    {"format": "date-time"},
                    {"format": "date"},
                    {"format": "uuid"},
                    {"format": "binary"},
                    {"format": "byte"},
                    {"format": "email"},
                ]
            ),
            st.one_of(st.just({}), text.map(lambda t: {"default": t})),
        ),
        st.builds(
            lambda d, t: {**d, "type": t}, doc, st.sampled_from(["integer", "number", "boolean"])
        ),
        st.builds(
            lambda d, values: {**d, "enum": values},
            doc,
            st.lists(scalar_values, min_size=1, max_size=4),
        ),
        (
            st.builds(lambda d, value: {**d, "const": value}, doc, scalar_values)
            if version.startswith("3.1")
            else st.just({"type": "string"})
        ),
        st.just({}),
    ]
    if refs:
        leaves.append(
            st.sampled_from(refs).map(
                lambda name: {"$ref": join_pointer("#/components/schemas", name)}
            )
        )
    nullable = (
        (lambda s: {**s, "nullable": True})
        if version.startswith("3.0")
        else (lambda s: {"anyOf": [s, {"type": "null"}]})
    )

    def extend(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
        props = st.dictionaries(text, children, max_size=4)
        objects = st.builds(
            lambda d, p, req, extra: {
                **d,
                "type": "object",
                "properties": p,
                **({"required": sorted(p)[:req]} if req and p else {}),
                **extra,
            },
            doc,
            props,
            st.integers(0, 2),
            st.sampled_from([{}, {"additionalProperties": False}, {"additionalProperties": True}]),
        )
        return st.one_of(
            objects,
            st.builds(lambda d, items: {**d, "type": "array", "items": items}, doc, children),
            st.builds(
                lambda d, v: {**d, "type": "object", "additionalProperties": v}, doc, children
            ),
            st.builds(
                lambda kind, members: {kind: members},
                st.sampled_from(["oneOf", "anyOf", "allOf"]),
                st.lists(children, min_size=1, max_size=3),
            ),
            objects.map(nullable),
        )

    return st.recursive(st.one_of(leaves), extend, max_leaves=6)


@st.composite
def documents(draw: st.DrawFn, marker: Path) -> dict[str, Any]:
    version = draw(st.sampled_from(["3.0.3", "3.1.0"]))
    text = texts(marker)
    names = draw(st.lists(text, max_size=3, unique=True))
    schemas: dict[str, Any] = {}
    for name in names:
        schemas[name] = draw(schema_strategy(text, names, version))
    schema = schema_strategy(text, names, version)
    tags = draw(st.lists(text, max_size=2, unique=True))
    paths: dict[str, Any] = {}
    for i in range(draw(st.integers(0, 3))):
        segment = draw(text).replace("{", "(").replace("}", ")").replace("/", "|")
        with_id = draw(st.booleans())
        path = f"/p{i}/{segment}" + ("/{id}" if with_id else "")
        item: dict[str, Any] = {}
        for method in draw(
            st.lists(
                st.sampled_from(["get", "post", "put", "delete", "patch"]),
                min_size=1,
                max_size=2,
                unique=True,
            )
        ):
            op: dict[str, Any] = {
                "summary": draw(text),
                "description": draw(text),
                "responses": {
                    draw(st.sampled_from(["200", "201", "2XX", "default"])): {
                        "description": draw(text),
                        "content": {
                            draw(
                                st.sampled_from(
                                    ["application/json", "text/plain", "application/octet-stream"]
                                )
                            ): {"schema": draw(schema)}
                        },
                    },
                    "4XX": {"description": draw(text)},
                },
            }
            if draw(st.booleans()):
                op["operationId"] = draw(text)
            if tags and draw(st.booleans()):
                op["tags"] = [draw(st.sampled_from(tags))]
            params = []
            if with_id:
                params.append(
                    {
                        "name": "id",
                        "in": "path",
                        "required": True,
                        "description": draw(text),
                        "schema": {"type": "string"},
                    }
                )
            for name in draw(st.lists(text, max_size=3, unique=True)):
                params.append(
                    {
                        "name": name,
                        "in": draw(st.sampled_from(["query", "header", "cookie"])),
                        "description": draw(text),
                        "schema": draw(schema),
                    }
                )
            if params:
                op["parameters"] = params
            if method in ("post", "put", "patch") and draw(st.booleans()):
                media = draw(
                    st.sampled_from(
                        [
                            "application/json",
                            "multipart/form-data",
                            "application/x-www-form-urlencoded",
                            "application/octet-stream",
                            "text/plain",
                        ]
                    )
                )
                op["requestBody"] = {
                    "description": draw(text),
                    "required": draw(st.booleans()),
                    "content": {media: {"schema": draw(schema)}},
                }
            item[method] = op
        paths[path] = item
    return {
        "openapi": version,
        "info": {"title": draw(text), "version": draw(text), "description": draw(text)},
        "servers": [{"url": "https://api.test/" + draw(text), "description": draw(text)}],
        "tags": [{"name": t, "description": draw(text)} for t in tags],
        "paths": paths,
        "components": {"schemas": schemas},
    }


def _write(doc: dict[str, Any], folder: Path, as_json: bool) -> Path:
    if as_json:
        path = folder / "openapi.json"
        path.write_text(json.dumps(doc))
    else:
        path = folder / "openapi.yaml"
        path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False))
    return path


def _check_generation(
    result: CliResult, out: Path, package: str, marker: Path, mypy_cache: Path | None = None
) -> None:
    assert "Traceback" not in result.err
    assert not marker.exists(), "spec text was executed while generating"
    if result.code == 2:  # a clean refusal: located messages only
        assert result.err and not out.exists()
        for line in result.err.splitlines():
            assert _LOCATED.match(line), line
        return
    assert result.code == 0, result.err
    compile_all(out)
    tomllib.loads((out / "pyproject.toml").read_text())
    with importable(out, package) as module:
        import_every_module(module)
        module.Client(**credentials(module))
    assert not marker.exists(), "spec text was executed while importing"
    if mypy_cache is not None:
        typed = run_mypy(out, package, mypy_cache)
        assert typed.returncode == 0, typed.stdout[-3000:]


@pytest.fixture(scope="module")
def marker(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("canary") / "pwned"
    yield path
    assert not path.exists()


def test_fuzzed_documents_generate_or_fail_cleanly(
    tmp_path_factory: pytest.TempPathFactory,
    marker: Path,
    cli: Callable[[list[str]], CliResult],
    mypy_cache: Path,
) -> None:
    """Every eighth generated package is also type-checked with ``mypy --strict``."""
    outcomes: dict[int, int] = {0: 0, 2: 0}

    @settings(
        max_examples=int(__import__("os").environ.get("FUZZ_EXAMPLES", "40")),
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(documents(marker), st.booleans())
    def run(doc: dict[str, Any], as_json: bool) -> None:
        folder = tmp_path_factory.mktemp("fuzz")
        spec = _write(doc, folder, as_json)
        number = next(_COUNTER)
        package = f"fuzzed_{number}"
        out = folder / "out"
        result = cli(
            [
                "generate",
                "--spec",
                str(spec),
                "--out",
                str(out),
                "--no-config",
                "--package-name",
                package,
            ]
        )
        try:
            _check_generation(result, out, package, marker, mypy_cache if number % 8 == 0 else None)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        outcomes[result.code] = outcomes.get(result.code, 0) + 1

    run()
    assert outcomes[0] >= 20, outcomes  # most drawn documents are valid and must generate


def _plant(node: Any, payload: str, key: str = "") -> Any:
    """The kitchen sink with ``payload`` in every free-text position: descriptions, titles,
    summaries, examples, string defaults and enum values, property names, operationIds, tag
    names, parameter names (not path ones) and a path segment."""
    if isinstance(node, list):
        if key == "enum" and all(isinstance(v, str) or v is None for v in node):
            return [*node, payload, payload + "2"]
        if key == "tags" and all(isinstance(v, str) for v in node):
            return [v + payload for v in node]
        return [_plant(v, payload) for v in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for k, v in node.items():
        if k == "properties" and isinstance(v, dict):
            out[k] = {name + payload: _plant(s, payload) for name, s in v.items()}
            continue
        if k == "required" and isinstance(v, list):
            out[k] = [name + payload for name in v]
            continue
        if k == "paths":
            out[k] = {
                (
                    p.replace(
                        "/",
                        "/" + payload.replace("/", "|").replace("{", "(").replace("}", ")") + "x/",
                        1,
                    )
                    if i == 0
                    else p
                ): _plant(item, payload)
                for i, (p, item) in enumerate(v.items())
            }
            continue
        value = _plant(v, payload, k)
        if k in ("description", "title", "summary", "operationId") and isinstance(value, str):
            value = value + payload
        elif k in ("example", "default", "const", "propertyName") and isinstance(value, str):
            value = value + payload
        elif (
            k == "name" and isinstance(value, str) and node.get("in") != "path" and key != "servers"
        ):
            value = value + payload
        out[k] = value
    if "mapping" in out and isinstance(out["mapping"], dict):
        out["mapping"] = {k + payload: v for k, v in out["mapping"].items()}
    return out


@pytest.mark.parametrize("name", ["kitchen_sink_30", "kitchen_sink_31"])
def test_payload_in_every_string_position(
    name: str,
    tmp_path: Path,
    marker: Path,
    cli: Callable[[list[str]], CliResult],
    mypy_cache: Path,
    generated: Callable[[str], Generated],
) -> None:
    """Every payload at once, in every free-text position of a kitchen sink: the client still
    generates (every operation and model of the clean document), compiles, imports and
    type-checks, and nothing ran."""
    clean = generated(name).result.api
    payload = "".join(payloads(marker))
    doc = _plant(load_spec(FIXTURES / f"{name}.yaml").document, payload)
    spec = _write(doc, tmp_path, as_json=True)
    package = f"planted_{name[-2:]}"
    out = tmp_path / "out"
    result = cli(
        [
            "generate",
            "--spec",
            str(spec),
            "--out",
            str(out),
            "--no-config",
            "--package-name",
            package,
        ]
    )
    assert result.code == 0, result.err
    _check_generation(result, out, package, marker)
    assert f"({len(clean.operations())} operations, {len(clean.models)} models)" in result.out
    manifest = json.loads((out / "codegen-manifest.json").read_text())
    assert manifest["spec_sha256"] != clean.spec_sha256
    typed = run_mypy(out, package, mypy_cache)
    assert typed.returncode == 0, typed.stdout[-3000:]
    assert not marker.exists()
