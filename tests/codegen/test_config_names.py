"""The config is an interface: what it names must exist in the document, be written where the
error says (file, line, key), and never collide with what the client already has."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from generator.build.api import build_api
from generator.build.config_names import check_config
from generator.diagnostics import Diagnostics, GenerationError
from generator.ir import Api
from generator.load.config import load_config
from generator.load.config_lines import dotted, line_of
from generator.load.loader import load_spec
from tests.conftest import minimal_spec


def _get(op_id: str, tag: str) -> dict[str, Any]:
    return {
        "get": {"operationId": op_id, "tags": [tag], "responses": {"200": {"description": "ok"}}}
    }


DOC = minimal_spec(
    paths={
        "/accounts/{account_id}/pets": _get("listPets", "pets"),
        "/accounts/{account_id}": _get("getAccount", "account_id"),
    },
    components={"securitySchemes": {"OAuth2Security": {"type": "oauth2", "flows": {}}}},
)


@pytest.fixture
def build(tmp_path: Path, write_spec: Callable[..., Path]) -> Callable[[dict[str, Any], str], Api]:
    def run(doc: dict[str, Any], toml: str) -> Api:
        config_path = tmp_path / "codegen.toml"
        config_path.write_text(toml)
        spec = load_spec(write_spec(doc))
        config = load_config(config_path)
        api = build_api(spec, config, Diagnostics())
        check_config(config, spec.document, api)
        return api

    return run


def _error(fn: Callable[[], object]) -> str:
    with pytest.raises(GenerationError) as raised:
        fn()
    return str(raised.value)


def test_a_path_default_attribute_keeps_a_resource_of_the_same_name_off_it(
    build: Callable[[dict[str, Any], str], Api],
) -> None:
    api = build(DOC, '[client]\npath_defaults = { account_id = "account_id" }\n')
    assert sorted(r.attr for r in api.resources) == ["account_id_", "pets"]
    assert [s.argument for s in api.schemes] == ["oauth2_security"]


def test_a_configured_resource_cannot_take_a_path_default_attribute(
    build: Callable[[dict[str, Any], str], Api],
) -> None:
    toml = (
        '[client]\npath_defaults = { account_id = "account_id" }\n\n'
        '[operations]\ngetAccount = "account_id.get"\n'
    )
    message = _error(lambda: build(DOC, toml))
    assert message.startswith("codegen.toml:5: /operations/getAccount: ")
    assert "the client already has an attribute 'account_id'" in message


@pytest.mark.parametrize(
    ("attribute", "reason"),
    [
        ("timeout", "already a setting of the client"),
        ("oauth2_security", "already the argument of the security scheme 'OAuth2Security'"),
        ("account-id", "not a Python identifier"),
    ],
)
def test_a_path_default_attribute_must_be_free_on_the_client(
    build: Callable[[dict[str, Any], str], Api], attribute: str, reason: str
) -> None:
    toml = f'[client]\npath_defaults = {{ account_id = "{attribute}" }}\n'
    message = _error(lambda: build(DOC, toml))
    assert message.startswith("codegen.toml:2: /client/path_defaults/account_id: "), message
    assert reason in message


def test_names_the_document_has_pass(build: Callable[[dict[str, Any], str], Api]) -> None:
    doc = minimal_spec(
        paths=DOC["paths"],
        components={
            "schemas": {"Pet": {"type": "object", "properties": {"n": {"type": "number"}}}}
        },
    )
    toml = (
        '[resources]\npets = "Pets."\n\n[type_overrides]\nn = "integer"\n\n'
        '[renames]\nlistAllPets = "listPets"\nAnimal = "Pet"\n'
    )
    api = build(doc, toml)
    assert next(r for r in api.resources if r.attr == "pets").doc == "Pets."


@pytest.mark.parametrize(
    ("text", "keys", "line"),
    [
        (
            '[operations]\nlistPets = "a.b"\n\n[pagination.listPets]\nx = 1\n',
            ("pagination", "listPets"),
            4,
        ),
        (
            '[operations]\nlistPets = "a.b"\n\n[pagination.listPets]\nx = 1\n',
            ("operations", "listPets"),
            2,
        ),
        ("[pagination.listPets]\nx = 1\n", ("pagination", "listPets", "x"), 2),
        ('[resources]\n"events.raw" = "x"\nevents = "y"\n', ("resources", "events.raw"), 2),
        ('[client]\npath_defaults = { a = "b" }\n', ("client", "path_defaults", "a"), 2),
        ('[auth]\nschemes.key.env = "X"\n', ("auth", "schemes", "key", "env"), 2),
        ('[package]\ndescription = """\nname = 1\n"""\nname = "p"\n', ("package", "name"), 5),
        ("[package]\n", ("operations", "x"), None),
    ],
)
def test_errors_point_at_the_line_of_the_key_in_its_table(
    text: str, keys: tuple[str, ...], line: int | None
) -> None:
    assert line_of(text, keys) == line


def test_dotted_keys_are_split_outside_quotes() -> None:
    assert dotted('a."b.c" . d') == ("a", "b.c", "d")
    assert dotted("a b") is None


@pytest.mark.parametrize(
    ("toml", "expected"),
    [
        (
            'operations = "x"\n',
            "codegen.toml:1: /operations: [operations] must be a table, got a string",
        ),
        (
            "[package]\nname = 5\n",
            "codegen.toml:2: /package/name: package.name must be a string, got an integer",
        ),
        (
            '[client]\npath_defaults = "id"\n',
            "codegen.toml:2: /client/path_defaults: client.path_defaults must be a table, got a string",
        ),
        (
            "[client]\npath_defaults = { id = 3 }\n",
            "codegen.toml:2: /client/path_defaults/id: client.path_defaults.id must be a string, got an integer",
        ),
        (
            "[auth]\nschemes.x = 3\n",
            "codegen.toml:2: /auth/schemes/x: auth.schemes.x must be a table, got an integer",
        ),
        (
            "[pagination.listPets]\npage_param = 4\n",
            "codegen.toml:2: /pagination/listPets/page_param: pagination.listPets.page_param must be a string, got an integer",
        ),
        (
            '[bulk]\noperation = "x"\nitems_field = "y"\nmax_chunk_size = true\n',
            "codegen.toml:4: /bulk/max_chunk_size: bulk.max_chunk_size must be an integer, got a boolean",
        ),
        (
            "[package]\nversion = [1]\n",
            "codegen.toml:2: /package/version: package.version must be a string, got an array",
        ),
        (
            "[pagination.listPets]\npage_parm = 'p'\n",
            "codegen.toml:2: /pagination/listPets/page_parm: unknown key 'page_parm' in [pagination.listPets] (did you mean 'page_param'?)",
        ),
    ],
)
def test_a_value_of_the_wrong_type_is_an_error_at_its_line(
    tmp_path: Path, toml: str, expected: str
) -> None:
    path = tmp_path / "codegen.toml"
    path.write_text(toml)
    with pytest.raises(GenerationError) as raised:
        load_config(path)
    assert str(raised.value) == expected
