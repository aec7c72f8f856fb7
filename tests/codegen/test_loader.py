"""The loader: safe YAML with line numbers, $ref bundling through the reference graph."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from generator.diagnostics import GenerationError
from generator.load.loader import load_spec


def _write(path: Path, doc: object) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path


def _doc(schemas: dict, paths: dict | None = None) -> dict:
    return {
        "openapi": "3.1.0",
        "info": {"title": "T", "version": "1"},
        "paths": paths or {},
        "components": {"schemas": schemas},
    }


def test_timestamps_stay_strings(tmp_path: Path) -> None:
    spec = tmp_path / "a.yaml"
    spec.write_text(
        "openapi: 3.1.0\ninfo: {title: T, version: '1'}\npaths: {}\n"
        "components:\n  schemas:\n    E:\n      type: string\n      example: 2022-04-01T00:00:00Z\n"
    )
    loaded = load_spec(spec)
    assert loaded.document["components"]["schemas"]["E"]["example"] == "2022-04-01T00:00:00Z"


def test_yaml_tags_that_construct_objects_are_refused(tmp_path: Path) -> None:
    spec = tmp_path / "a.yaml"
    spec.write_text("openapi: 3.1.0\ninfo: !!python/object/apply:os.system ['touch pwned']\n")
    with pytest.raises(GenerationError) as err:
        load_spec(spec)
    assert "a.yaml:2" in str(err.value)
    assert not (tmp_path / "pwned").exists()


def test_aliases_are_shared_not_expanded(tmp_path: Path) -> None:
    # aliases become shared objects (never copied); their expanded size is counted against the
    # limits (tests/codegen/test_hostile_input.py), which this small document stays within
    lines = [
        "openapi: 3.1.0",
        "info: {title: T, version: '1'}",
        "paths: {}",
        "x-a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9]",
    ]
    prev = "a"
    for i in range(5):
        lines.append(
            f"x-{i}: &l{i} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]"
        )
        prev = f"l{i}"
    (tmp_path / "a.yaml").write_text("\n".join(lines) + "\n")
    loaded = load_spec(tmp_path / "a.yaml")
    assert loaded.document["x-4"][0] is loaded.document["x-3"]


def test_external_refs_are_bundled_into_components(tmp_path: Path) -> None:
    _write(
        tmp_path / "schemas" / "pet.yaml",
        {
            "Pet": {"type": "object", "properties": {"owner": {"$ref": "#/Owner"}}},
            "Owner": {"type": "object", "properties": {"name": {"type": "string"}}},
        },
    )
    spec = _write(
        tmp_path / "openapi.yaml",
        _doc(
            {
                "Wrapper": {
                    "type": "object",
                    "properties": {"pet": {"$ref": "schemas/pet.yaml#/Pet"}},
                }
            }
        ),
    )
    loaded = load_spec(spec)
    schemas = loaded.document["components"]["schemas"]
    assert schemas["Wrapper"]["properties"]["pet"] == {"$ref": "#/components/schemas/Pet"}
    assert schemas["Pet"]["properties"]["owner"] == {"$ref": "#/components/schemas/Owner"}
    # locations of imported parts point back into their own file
    location = loaded.locate("/components/schemas/Owner/properties/name")
    assert location.file.endswith("pet.yaml")
    assert location.pointer == "/Owner/properties/name"
    assert location.line is not None


def test_imported_name_collisions_are_qualified_by_file(tmp_path: Path) -> None:
    _write(
        tmp_path / "other.yaml",
        {"Pet": {"type": "object", "properties": {"id": {"type": "integer"}}}},
    )
    spec = _write(
        tmp_path / "openapi.yaml",
        _doc({"Pet": {"type": "object", "properties": {"other": {"$ref": "other.yaml#/Pet"}}}}),
    )
    schemas = load_spec(spec).document["components"]["schemas"]
    assert schemas["Pet"]["properties"]["other"] == {"$ref": "#/components/schemas/other_Pet"}


def test_ref_leaving_the_folder_is_refused_unless_allowed(tmp_path: Path) -> None:
    _write(tmp_path / "outside.yaml", {"X": {"type": "string"}})
    spec = _write(tmp_path / "api" / "openapi.yaml", _doc({"A": {"$ref": "../outside.yaml#/X"}}))
    with pytest.raises(GenerationError) as err:
        load_spec(spec)
    assert "leaves the spec's folder" in str(err.value)
    assert "/components/schemas/A" in str(err.value)
    assert load_spec(spec, allow_outside=True).document["components"]["schemas"]["A"] == {
        "$ref": "#/components/schemas/X"
    }


def test_missing_ref_target_names_pointer_and_line(tmp_path: Path) -> None:
    spec = _write(
        tmp_path / "openapi.yaml",
        _doc({"A": {"type": "object", "properties": {"b": {"$ref": "#/components/schemas/Nope"}}}}),
    )
    with pytest.raises(GenerationError) as err:
        load_spec(spec)
    message = str(err.value)
    assert message.startswith("openapi.yaml:")
    assert "/components/schemas/A/properties/b" in message
    assert "Nope" in message


def test_ref_chain_cycle_is_an_error(tmp_path: Path) -> None:
    spec = _write(
        tmp_path / "openapi.yaml",
        _doc({"A": {"$ref": "#/components/schemas/B"}, "B": {"$ref": "#/components/schemas/A"}}),
    )
    with pytest.raises(GenerationError) as err:
        load_spec(spec)
    assert "$ref cycle" in str(err.value)


def test_recursive_schemas_are_not_a_cycle_error(tmp_path: Path) -> None:
    spec = _write(
        tmp_path / "openapi.yaml",
        _doc(
            {
                "Node": {
                    "type": "object",
                    "properties": {
                        "children": {
                            "type": "array",
                            "items": {"$ref": "#/components/schemas/Node"},
                        }
                    },
                }
            }
        ),
    )
    assert "Node" in load_spec(spec).document["components"]["schemas"]


def test_json_documents_load_with_line_numbers(tmp_path: Path) -> None:
    spec = tmp_path / "openapi.json"
    spec.write_text(
        '{\n  "openapi": "3.0.3",\n  "info": {"title": "T", "version": "1"},\n  "paths": {}\n}\n'
    )
    loaded = load_spec(spec)
    assert loaded.openapi_version == "3.0"
    assert loaded.locate("/paths").line == 4


def test_openapi_30_and_31_both_validate(tmp_path: Path) -> None:
    for version in ("3.0.3", "3.1.0"):
        spec = _write(
            tmp_path / f"{version}.yaml",
            {"openapi": version, "info": {"title": "T", "version": "1"}, "paths": {}},
        )
        assert load_spec(spec).openapi_version == version[:3]
