"""What the document's own response examples break and the client reads differently is not served.

Twilio's examples write relative references under ``format: uri``; Prism's static server answers
with them and then rejects its own answer (500). The generator warns once and serves the contract
tests a copy without exactly those string keywords (the models keep any string) and with numbers
written as strings served as numbers; the spec copy beside the client stays the document, and a
keyword no example breaks is kept.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from generator.pipeline import Options, generate

LISTING = {
    "type": "object",
    "properties": {
        "uri": {"type": "string", "format": "uri"},
        "sid": {"type": "string", "minLength": 4, "pattern": "^AC"},
        "price": {"type": "number"},
        "items": {
            "type": "array",
            "items": {"$ref": "#/components/schemas/Item"},
        },
    },
}


def _doc() -> dict[str, Any]:
    media = {
        "schema": LISTING,
        "examples": {
            "relative": {"value": {"uri": "/items?page=0", "sid": "", "price": "0", "items": []}},
            "absolute": {"value": {"uri": "https://shop.test/items", "items": []}},
        },
    }
    nested = {
        "schema": {"$ref": "#/components/schemas/Item"},
        "example": {"id": "not-a-uuid"},
    }
    return {
        "openapi": "3.0.3",
        "info": {"title": "Shop", "version": "1"},
        "servers": [{"url": "https://shop.test"}],
        "paths": {
            "/items": {
                "get": {
                    "operationId": "listItems",
                    "responses": {
                        "200": {"description": "ok", "content": {"application/json": media}}
                    },
                }
            },
            "/items/{id}": {
                "get": {
                    "operationId": "getItem",
                    "parameters": [
                        {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
                    ],
                    "responses": {
                        "200": {"description": "ok", "content": {"application/json": nested}}
                    },
                }
            },
        },
        "components": {
            "schemas": {
                "Item": {
                    "type": "object",
                    "properties": {"id": {"type": "string", "format": "uuid"}},
                }
            }
        },
    }


def test_what_examples_break_is_warned_once_and_served_as_the_client_reads_it(
    tmp_path: Path,
) -> None:
    doc = _doc()
    doc["components"]["schemas"]["Item"]["properties"]["link"] = {"type": "string", "format": "uri"}
    spec = tmp_path / "shop.yaml"
    spec.write_text(yaml.safe_dump(doc, sort_keys=False))
    result = generate(Options(spec, None, tmp_path / "out", package_name="shop", formatter="ruff"))
    warnings = [str(w) for w in result.warnings if "break their own schema" in str(w)]
    assert len(warnings) == 1 and "2 response example(s)" in warnings[0]
    assert "/paths/~1items/get/responses/200/content/application~1json/examples/relative" in (
        warnings[0]
    )
    listing_schema = "/paths/~1items/get/responses/200/content/application~1json/schema"
    dropped = tuple((p, k) for edit, p, k in result.api.prism_edits if edit == "drop")
    assert dropped == (
        ("/components/schemas/Item/properties/id", "format"),
        (f"{listing_schema}/properties/sid", "minLength"),
        (f"{listing_schema}/properties/sid", "pattern"),
        (f"{listing_schema}/properties/uri", "format"),
    )
    served = json.loads((tmp_path / "out" / "tests" / "contract-spec.json").read_text())
    listing = served["paths"]["/items"]["get"]["responses"]["200"]["content"]["application/json"]
    assert listing["schema"]["properties"]["uri"] == {"type": "string"}
    assert listing["schema"]["properties"]["sid"] == {"type": "string"}
    assert listing["schema"]["properties"]["price"] == {"type": "number"}  # types never relaxed
    assert list(listing["examples"]) == ["relative", "absolute"]
    assert listing["examples"]["relative"]["value"] == {
        "uri": "/items?page=0",
        "sid": "",
        "price": 0,  # the number the client reads
        "items": [],
    }
    item = served["components"]["schemas"]["Item"]["properties"]
    assert item["id"] == {"type": "string"}
    assert item["link"] == {"type": "string", "format": "uri"}  # no example breaks it: kept
    # the spec copy beside the client is the document, byte for byte
    assert (tmp_path / "out" / "spec" / "shop.yaml").read_bytes() == spec.read_bytes()


def test_examples_that_keep_their_format_need_no_copy(tmp_path: Path) -> None:
    doc = _doc()
    del doc["paths"]["/items/{id}"]
    del doc["paths"]["/items"]["get"]["responses"]["200"]["content"]["application/json"][
        "examples"
    ]["relative"]
    spec = tmp_path / "shop.yaml"
    spec.write_text(yaml.safe_dump(doc, sort_keys=False))
    result = generate(Options(spec, None, tmp_path / "out", package_name="shop", formatter="ruff"))
    assert not [w for w in result.warnings if "break their own schema" in str(w)]
    assert result.api.contract_spec == ""
    assert not (tmp_path / "out" / "tests" / "contract-spec.json").exists()


def test_array_fields_of_form_bodies_get_the_default_encoding_written_out(tmp_path: Path) -> None:
    """Prism reads ``Key=a`` as a string unless the (default) form/explode encoding is written."""
    doc = _doc()
    form = {
        "schema": {
            "type": "object",
            "properties": {
                "Events": {"type": "array", "items": {"type": "string"}},
                "Kept": {"type": "array", "items": {"type": "string"}},
                "Name": {"type": "string"},
            },
        },
        "encoding": {"Kept": {"style": "form", "explode": False}},
    }
    doc["paths"]["/items"]["post"] = {
        "operationId": "createItem",
        "requestBody": {"content": {"application/x-www-form-urlencoded": form}},
        "responses": {"204": {"description": "created"}},
    }
    spec = tmp_path / "shop.yaml"
    spec.write_text(yaml.safe_dump(doc, sort_keys=False))
    result = generate(Options(spec, None, tmp_path / "out", package_name="shop", formatter="ruff"))
    media = "/paths/~1items/post/requestBody/content/application~1x-www-form-urlencoded"
    assert [e for e in result.api.prism_edits if e[0] == "encode"] == [("encode", media, "Events")]
    served = json.loads((tmp_path / "out" / "tests" / "contract-spec.json").read_text())
    body = served["paths"]["/items"]["post"]["requestBody"]["content"]
    assert body["application/x-www-form-urlencoded"]["encoding"] == {
        "Kept": {"style": "form", "explode": False},  # what the document says is kept
        "Events": {"style": "form", "explode": True},
    }
