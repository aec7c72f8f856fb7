"""``python -m generator init`` writes a starting config that loads and generates as it is, pins
what the generator derives (package, credential arguments, method names), guesses page/size
paging, and never replaces a file it was not told to."""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import tomllib
import yaml

from tests.conftest import ROOT, CliResult, minimal_spec

CORPUS = ROOT.parent / "shared" / "corpus"


def _client_arguments(out: Path) -> list[str]:
    """The keyword arguments of the generated ``Client.__init__``."""
    client = next(out.glob("*/_client.py"))
    tree = ast.parse(client.read_text("utf-8"))
    cls = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Client")
    init = next(n for n in cls.body if isinstance(n, ast.FunctionDef) and n.name == "__init__")
    return [a.arg for a in init.args.kwonlyargs]


@pytest.mark.parametrize("document", ["petstore3.yaml", "spotify.yaml"])
def test_the_written_config_generates_the_same_client_surface(
    document: str, tmp_path: Path, cli: Callable[[list[str]], CliResult]
) -> None:
    spec = CORPUS / document
    assert spec.is_file(), f"the corpus is expected beside the checkout: {spec}"
    config = tmp_path / "codegen.toml"
    made = cli(["init", "--spec", str(spec), "--out", str(config)])
    assert made.code == 0, made.err
    assert f"wrote {config}" in made.out
    settings = tomllib.loads(config.read_text("utf-8"))
    assert set(settings) <= {"package", "client", "auth", "operations", "pagination"}
    bare, configured = tmp_path / "bare", tmp_path / "configured"
    for out, extra in ((bare, ["--no-config"]), (configured, ["--config", str(config)])):
        done = cli(["generate", "--spec", str(spec), "--out", str(out), *extra])
        assert done.code == 0, done.err
    assert _client_arguments(configured) == _client_arguments(bare)
    package = settings["package"]["name"]
    assert (configured / package / "_client.py").is_file()
    for key, scheme in settings["auth"].get("schemes", {}).items():
        assert scheme["argument"] in _client_arguments(configured), key


def test_spotify_offset_listings_are_noted_not_configured(
    tmp_path: Path, cli: Callable[[list[str]], CliResult]
) -> None:
    config = tmp_path / "codegen.toml"
    assert cli(["init", "--spec", str(CORPUS / "spotify.yaml"), "--out", str(config)]).code == 0
    text = config.read_text("utf-8")
    assert "# Listings that page otherwise" in text
    assert "by offset (offset, limit); items at 'items'" in text
    assert "[pagination." not in text


def _paged_doc() -> dict[str, Any]:
    page = {
        "type": "object",
        "properties": {
            "data": {"type": "array", "items": {"$ref": "#/components/schemas/Pet"}},
            "meta": {
                "type": "object",
                "properties": {
                    "total_count": {"type": "integer"},
                    "next_cursor": {"type": "string"},
                },
            },
        },
    }
    query = [
        {"name": n, "in": "query", "schema": {"type": t}}
        for n, t in (("page", "integer"), ("per_page", "integer"), ("cursor", "string"))
    ]
    ok = {"description": "ok", "content": {"application/json": {"schema": page}}}
    listing = {"operationId": "listPets", "tags": ["pets"], "parameters": query}
    return minimal_spec(
        paths={"/pets": {"get": {**listing, "responses": {"200": ok}}}},
        components={
            "schemas": {"Pet": {"type": "object", "properties": {"id": {"type": "string"}}}},
            "securitySchemes": {"OAuth2Security": {"type": "oauth2", "flows": {}}},
        },
    )


def test_page_size_listings_get_an_auto_paging_companion(
    tmp_path: Path, cli: Callable[[list[str]], CliResult]
) -> None:
    spec = tmp_path / "pets.yaml"
    spec.write_text(yaml.safe_dump(_paged_doc()))
    config = tmp_path / "codegen.toml"
    assert cli(["init", "--spec", str(spec), "--out", str(config)]).code == 0
    settings = tomllib.loads(config.read_text("utf-8"))
    assert settings["pagination"]["listPets"] == {
        "method": "list_all",
        "page_param": "page",
        "size_param": "per_page",
        "items": "data",
        "total_count": "meta.total_count",
        "cursor_param": "cursor",
        "cursor_path": "meta.next_cursor",
    }
    assert settings["operations"] == {"listPets": "pets.list"}
    assert settings["auth"]["schemes"]["OAuth2Security"] == {
        "argument": "oauth2_security",
        "env": "PET_STORE_OAUTH2_SECURITY",
    }
    out = tmp_path / "out"
    assert (
        cli(["generate", "--spec", str(spec), "--config", str(config), "--out", str(out)]).code == 0
    )
    resource = (out / "pet_store" / "resources" / "pets.py").read_text("utf-8")
    assert "def list_all(" in resource
    assert 'cursor_path="meta.next_cursor"' in resource


def test_a_page_that_is_not_a_number_is_a_cursor_and_only_noted(
    tmp_path: Path, cli: Callable[[list[str]], CliResult]
) -> None:
    doc = _paged_doc()
    listing = doc["paths"]["/pets"]["get"]
    listing["parameters"] = [
        {"name": "page", "in": "query", "schema": {"type": "string"}},
        {"name": "limit", "in": "query", "schema": {"type": "integer"}},
    ]
    spec = tmp_path / "pets.yaml"
    spec.write_text(yaml.safe_dump(doc))
    config = tmp_path / "codegen.toml"
    assert cli(["init", "--spec", str(spec), "--out", str(config)]).code == 0
    text = config.read_text("utf-8")
    assert "[pagination." not in text
    assert (
        "#   listPets: by cursor (page); items at 'data', next cursor at 'meta.next_cursor'" in text
    )


def test_an_existing_file_is_kept_unless_forced(
    tmp_path: Path, cli: Callable[[list[str]], CliResult]
) -> None:
    spec = tmp_path / "pets.yaml"
    spec.write_text(yaml.safe_dump(_paged_doc()))
    config = tmp_path / "codegen.toml"
    config.write_text("# mine\n")
    refused = cli(["init", "--spec", str(spec), "--out", str(config)])
    assert refused.code == 2
    assert refused.err == f"{config}: /: already exists: nothing written (--force replaces it)\n"
    assert config.read_text() == "# mine\n"
    forced = cli(["init", "--spec", str(spec), "--out", str(config), "--force"])
    assert forced.code == 0, forced.err
    assert "[operations]" in config.read_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["codegen.toml", "pets.yaml"]


def test_the_document_itself_is_never_replaced(
    tmp_path: Path, cli: Callable[[list[str]], CliResult]
) -> None:
    spec = tmp_path / "pets.yaml"
    spec.write_text(yaml.safe_dump(_paged_doc()))
    before = spec.read_bytes()
    refused = cli(["init", "--spec", str(spec), "--out", str(spec), "--force"])
    assert refused.code == 2
    assert "is the document (or a file it reads)" in refused.err
    assert spec.read_bytes() == before


def test_a_bad_document_writes_nothing(
    tmp_path: Path, cli: Callable[[list[str]], CliResult]
) -> None:
    spec = tmp_path / "pets.yaml"
    spec.write_text("openapi: 3.1.0\ninfo: [\n")
    refused = cli(["init", "--spec", str(spec), "--out", str(tmp_path / "codegen.toml")])
    assert refused.code == 2
    assert refused.err.startswith(f"{spec}:")
    assert not (tmp_path / "codegen.toml").exists()


def test_init_is_listed_in_help(capsys: pytest.CaptureFixture[str]) -> None:
    from generator.cli import main

    with pytest.raises(SystemExit):
        main(["--help"])
    assert "init" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["init", "--help"])
    shown = capsys.readouterr().out
    assert "--force" in shown and "docs/config.md" in shown
