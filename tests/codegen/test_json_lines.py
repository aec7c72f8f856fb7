"""The lines of a JSON document's parts, found in its text on demand (generator/load/json_lines.py):
the same line as the YAML reader's map gives for every part, and the deepest existing part's line
for a pointer that leaves the document."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.load.json_lines import JsonLines
from generator.load.pointers import JSON, join_pointer, split_pointer
from generator.load.sources import _compose_yaml, parse_source

DOCUMENT = {
    "openapi": "3.1.0",
    "info": {"title": 'Caf\u00e9 "quoted" \\ back', "version": "1"},
    "paths": {
        "/events/{id}": {
            "get": {
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}},
                    {"name": "a~b", "in": "query", "schema": {"enum": [1, 2.5, None, True]}},
                ],
                "responses": {"200": {"description": "ok", "content": {}}},
            }
        },
        "/tilde~and/slash": {},
    },
    "components": {"schemas": {"E": {"type": "object", "properties": {}}, "L": []}},
    "x-empty": [[], [{}], [[1, [2]]]],
}


def _pointers(node: JSON, pointer: str = "") -> list[str]:
    found = [pointer]
    items = (
        node.items()
        if isinstance(node, dict)
        else enumerate(node) if isinstance(node, list) else []
    )
    for key, value in items:
        found.extend(_pointers(value, join_pointer(pointer, key)))
    return found


@pytest.mark.parametrize(
    ("indent", "newline"),
    [(None, "\n"), (0, "\n"), (2, "\n"), ("\t", "\n"), (2, "\r\n"), (2, "\r")],
    ids=["one-line", "0", "2", "tab", "crlf", "cr"],
)
def test_every_part_has_the_line_the_yaml_reader_gives(
    indent: int | str | None, newline: str
) -> None:
    text = json.dumps(DOCUMENT, indent=indent, ensure_ascii=indent is None).replace("\n", newline)
    _, expected = _compose_yaml(text)
    lines = JsonLines(text)
    pointers = _pointers(DOCUMENT)
    assert len(pointers) > 40
    for pointer in reversed(pointers):  # deepest first: nothing walked before its parents
        assert lines.line_of(split_pointer(pointer)) == expected[pointer], pointer


def test_a_pointer_past_the_document_gets_the_deepest_existing_part() -> None:
    text = json.dumps(DOCUMENT, indent=2)
    _, expected = _compose_yaml(text)
    lines = JsonLines(text)
    for pointer, deepest in [
        ("/paths/~1events~1{id}/get/nothing/here", "/paths/~1events~1{id}/get"),
        ("/paths/~1events~1{id}/get/parameters/7", "/paths/~1events~1{id}/get/parameters"),
        ("/paths/~1events~1{id}/get/parameters/x", "/paths/~1events~1{id}/get/parameters"),
        ("/openapi/below/a/scalar", "/openapi"),
        ("/missing", ""),
    ]:
        assert lines.line_of(split_pointer(pointer)) == expected[deepest], pointer


def test_a_duplicated_key_means_its_last_value_as_in_the_data() -> None:
    text = '{\n  "a": {"x": 1},\n  "b": 2,\n  "a": {\n    "y": 3\n  }\n}\n'
    assert json.loads(text)["a"] == {"y": 3}
    lines = JsonLines(text)
    assert lines.line_of(["a"]) == 4
    assert lines.line_of(["a", "y"]) == 5
    assert lines.line_of(["a", "x"]) == 4  # the first value's key is not in the data


def test_a_json_spec_file_locates_through_its_text(tmp_path: Path) -> None:
    text = json.dumps(DOCUMENT, indent=2)
    source = parse_source(text.encode(), tmp_path / "openapi.json", "openapi.json")
    location = source.location("/components/schemas/E/properties")
    _, expected = _compose_yaml(text)
    assert (location.file, location.line) == (
        "openapi.json",
        expected["/components/schemas/E/properties"],
    )
