"""Every bad input exits 2 with `PATH:LINE: /pointer: message`, no traceback, nothing written.

The messages are pinned as snapshots in tests/snapshots/errors/ (`make snapshots` rewrites them).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from tests.conftest import CliResult, minimal_spec

OP = {"get": {"operationId": "listPets", "responses": {"200": {"description": "ok"}}}}

CASES: dict[str, Callable[[Path], list[str]]] = {}


def case(name: str) -> Callable[[Callable[[Path], list[str]]], Callable[[Path], list[str]]]:
    def register(fn: Callable[[Path], list[str]]) -> Callable[[Path], list[str]]:
        CASES[name] = fn
        return fn

    return register


def _dump(path: Path, doc: object) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path


@case("unreadable_file")
def _(tmp: Path) -> list[str]:
    return ["--spec", str(tmp / "missing.yaml")]


@case("yaml_syntax_error")
def _(tmp: Path) -> list[str]:
    spec = tmp / "openapi.yaml"
    spec.write_text("openapi: 3.1.0\ninfo:\n  title: [unclosed\n  version: 1\npaths: {}\n")
    return ["--spec", str(spec)]


@case("json_syntax_error")
def _(tmp: Path) -> list[str]:
    spec = tmp / "openapi.json"
    spec.write_text('{\n  "openapi": "3.1.0",\n  "info": {"title": "T",, "version": "1"}\n}\n')
    return ["--spec", str(spec)]


@case("not_openapi")
def _(tmp: Path) -> list[str]:
    return ["--spec", str(_dump(tmp / "openapi.yaml", {"swagger": "2.0", "info": {}}))]


@case("rejected_by_openapi_pydantic")
def _(tmp: Path) -> list[str]:
    doc = minimal_spec(
        paths={"/pets": {"get": {"operationId": "x", "responses": {"200": {"description": 5}}}}}
    )
    return ["--spec", str(_dump(tmp / "openapi.yaml", doc))]


@case("missing_ref_target")
def _(tmp: Path) -> list[str]:
    doc = minimal_spec(
        components={
            "schemas": {
                "Pet": {
                    "type": "object",
                    "properties": {"owner": {"$ref": "#/components/schemas/Owner"}},
                }
            }
        }
    )
    return ["--spec", str(_dump(tmp / "openapi.yaml", doc))]


@case("missing_ref_file")
def _(tmp: Path) -> list[str]:
    doc = minimal_spec(components={"schemas": {"Pet": {"$ref": "pet.yaml#/Pet"}}})
    return ["--spec", str(_dump(tmp / "openapi.yaml", doc))]


@case("ref_leaves_folder")
def _(tmp: Path) -> list[str]:
    _dump(tmp / "secret.yaml", {"X": {"type": "string"}})
    doc = minimal_spec(components={"schemas": {"Pet": {"$ref": "../secret.yaml#/X"}}})
    return ["--spec", str(_dump(tmp / "api" / "openapi.yaml", doc))]


@case("duplicate_operation_id")
def _(tmp: Path) -> list[str]:
    doc = minimal_spec(paths={"/pets": OP, "/cats": OP})
    return ["--spec", str(_dump(tmp / "openapi.yaml", doc))]


@case("config_names_unknown_operation")
def _(tmp: Path) -> list[str]:
    spec = _dump(tmp / "openapi.yaml", minimal_spec(paths={"/pets": OP}))
    config = tmp / "codegen.toml"
    config.write_text('[operations]\nlistPets = "pets.list"\ngetPet = "pets.get"\n')
    return ["--spec", str(spec), "--config", str(config)]


@case("config_name_cannot_be_honoured")
def _(tmp: Path) -> list[str]:
    toys = {"get": {"operationId": "listToys", "responses": {"200": {"description": "ok"}}}}
    spec = _dump(tmp / "openapi.yaml", minimal_spec(paths={"/pets": OP, "/pets/toys": toys}))
    config = tmp / "codegen.toml"
    config.write_text('[operations]\nlistToys = "pets.toys.list"\nlistPets = "pets.toys"\n')
    return ["--spec", str(spec), "--config", str(config)]


@case("config_type_override_unknown")
def _(tmp: Path) -> list[str]:
    spec = _dump(tmp / "openapi.yaml", minimal_spec(paths={"/pets": OP}))
    config = tmp / "codegen.toml"
    config.write_text('[type_overrides]\ncount = "integer"\ntotal = "int"\n')
    return ["--spec", str(spec), "--config", str(config)]


def _config_case(tmp: Path, doc: dict[str, object], toml: str) -> list[str]:
    spec = _dump(tmp / "openapi.yaml", doc)
    config = tmp / "codegen.toml"
    config.write_text(toml)
    return ["--spec", str(spec), "--config", str(config)]


PETS = {"/pets": OP, "/pets/{petId}": {"get": {**OP["get"], "operationId": "getPet"}}}


@case("config_unknown_key")
def _(tmp: Path) -> list[str]:
    toml = '[package]\nname = "pets"\n\n[auth]\nenv_prefix = "PETS"\nenv_prefx = "PET"\n'
    return _config_case(tmp, minimal_spec(paths=PETS), toml)


@case("config_two_operations_one_method")
def _(tmp: Path) -> list[str]:
    toml = '[operations]\nlistPets = "pets.get"\ngetPet = "pets.get"\n'
    return _config_case(tmp, minimal_spec(paths=PETS), toml)


@case("config_pagination_unknown_operation")
def _(tmp: Path) -> list[str]:
    # the error is at the [pagination.listPet] header, not at a line of [operations]
    toml = '[operations]\nlistPets = "pets.list"\n\n[pagination.listPet]\npage_param = "page"\n'
    return _config_case(tmp, minimal_spec(paths=PETS), toml)


@case("config_scheme_unknown")
def _(tmp: Path) -> list[str]:
    doc = minimal_spec(
        paths=PETS,
        components={
            "securitySchemes": {"ApiKeyAuth": {"type": "apiKey", "in": "header", "name": "X-Key"}}
        },
    )
    return _config_case(tmp, doc, '[auth.schemes.ApiKey]\nargument = "api_key"\n')


@case("config_path_default_unknown_parameter")
def _(tmp: Path) -> list[str]:
    toml = '[client]\npath_defaults = { pet_id = "pet_id" }\n'
    return _config_case(tmp, minimal_spec(paths=PETS), toml)


@case("config_resource_doc_unknown")
def _(tmp: Path) -> list[str]:
    toml = '[operations]\nlistPets = "pets.list"\n\n[resources]\npets = "Pets."\n"pets.toy" = "Toys."\n'
    return _config_case(tmp, minimal_spec(paths=PETS), toml)


@case("config_type_override_names_nothing")
def _(tmp: Path) -> list[str]:
    pet = {"type": "object", "properties": {"count": {"type": "number"}}}
    doc = minimal_spec(paths=PETS, components={"schemas": {"Pet": pet}})
    return _config_case(tmp, doc, '[type_overrides]\ncount = "integer"\ncounts = "integer"\n')


@case("config_rename_to_nothing")
def _(tmp: Path) -> list[str]:
    toml = '[renames]\nlistAllPets = "listPets"\nfetchPet = "getPets"\n'
    return _config_case(tmp, minimal_spec(paths=PETS), toml)


def _overlay_case(tmp: Path, name: str, text: str) -> list[str]:
    spec = _dump(tmp / "openapi.yaml", minimal_spec(paths={"/pets": OP}))
    template = tmp / "templates" / name
    template.parent.mkdir(parents=True, exist_ok=True)
    template.write_text(text)
    return ["--spec", str(spec), "--templates", str(tmp / "templates")]


@case("overlay_matches_no_template")
def _(tmp: Path) -> list[str]:
    return _overlay_case(tmp, "package/README.md.jinj", "# {{ api.title }}\n")


@case("overlay_template_fails_at_its_line")
def _(tmp: Path) -> list[str]:
    text = "{{ header(api, '<!--') }}\n# {{ api.title }}\n\n{{ api.no_such_field }}\n"
    return _overlay_case(tmp, "package/README.md.jinja", text)


@case("overlay_template_syntax_error")
def _(tmp: Path) -> list[str]:
    text = "{{ header(api, '<!--') }}\n{% for r in api.resources %}\n- {{ r.attr }}\n"
    return _overlay_case(tmp, "package/api.md.jinja", text)


@case("overlay_included_template_fails")
def _(tmp: Path) -> list[str]:
    # a template the overlay includes fails: the error is at the line of the included file
    _overlay_case(tmp, "package/py.typed.jinja", "{{ 1 // 0 }}\n")
    text = "{{ header(api, '<!--') }}\n{% include 'package/py.typed.jinja' %}\n"
    return _overlay_case(tmp, "package/README.md.jinja", text)


@case("config_syntax_error")
def _(tmp: Path) -> list[str]:
    spec = _dump(tmp / "openapi.yaml", minimal_spec(paths={"/pets": OP}))
    config = tmp / "codegen.toml"
    config.write_text('[operations]\nlistPets = "pets.list\n')
    return ["--spec", str(spec), "--config", str(config)]


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_input_exits_2_with_location_and_writes_nothing(
    name: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    cli: Callable[[list[str]], CliResult],
    snapshot: Callable[[str, str], None],
) -> None:
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("earlier generation")
    manifest = '{"files": {"keep.txt": "0"}}\n'  # as if an earlier generation wrote keep.txt
    (out / "codegen-manifest.json").write_text(manifest)
    args = CASES[name](tmp_path)
    result = cli(["generate", *args, "--out", str(out)])
    assert result.code == 2, result.err
    assert "Traceback" not in result.err
    first = result.err.splitlines()[0]
    path, _, rest = first.partition(": ")
    assert path and rest.startswith("/"), first  # PATH[:LINE]: /json/pointer: message
    assert (out / "keep.txt").read_text() == "earlier generation"
    assert (out / "codegen-manifest.json").read_text() == manifest
    assert sorted(p.name for p in out.iterdir()) == ["codegen-manifest.json", "keep.txt"]
    snapshot(f"errors/{name}.txt", result.err.replace(str(tmp_path), "<tmp>"))


def test_warnings_are_fatal_with_fail_on_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Callable[[list[str]], CliResult]
) -> None:
    monkeypatch.chdir(tmp_path)
    doc = minimal_spec(
        paths={
            "/pets": {
                "get": {
                    "operationId": "listPets",
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {
                                "application/json": {
                                    "schema": {"type": "array", "prefixItems": [{"type": "string"}]}
                                }
                            },
                        }
                    },
                }
            }
        }
    )
    spec = _dump(tmp_path / "openapi.yaml", doc)
    out = tmp_path / "out"
    ok = cli(["generate", "--spec", str(spec), "--out", str(out)])
    assert ok.code == 0, ok.err
    assert "warning: tuple-typed array" in ok.err
    assert "/paths/~1pets/get/responses/200/content/application~1json/schema" in ok.err
    strict = cli(
        ["generate", "--spec", str(spec), "--out", str(tmp_path / "strict"), "--fail-on-warning"]
    )
    assert strict.code == 2
    assert not (tmp_path / "strict").exists()
