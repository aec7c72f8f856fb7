"""A synthetic but valid OpenAPI 3.1 document with N operations and about N schemas.

Operations come in resources of five (list with paging and filters, create, get, update,
delete), each resource with five component schemas (the resource, its create and update bodies,
a status enum, a nested owner object), so the document grows linearly with N. Field names,
types, formats, nullability, enums, nested ``$ref`` s, path, query and header parameters and
paged list responses are mixed the way a real API mixes them. Deterministic: the same N gives
the same bytes.

    python -m bench.synthetic_spec 1000 > /tmp/spec-1000.yaml
    python -m bench.synthetic_spec 100 --format json -o /tmp/spec-100.json

Reusable from tests: ``build(n)`` returns the document as a dict, ``write(n, path)`` writes YAML.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

OPS_PER_RESOURCE = 5
_NOUNS = [
    "widget",
    "gadget",
    "sensor",
    "report",
    "ticket",
    "feed",
    "rule",
    "zone",
    "probe",
    "asset",
    "alert",
    "case",
]
_FIELD_KINDS: list[tuple[str, dict[str, Any]]] = [
    ("name", {"type": "string", "minLength": 1, "maxLength": 200}),
    ("description", {"type": ["string", "null"]}),
    ("priority", {"type": "integer", "minimum": 0, "maximum": 10}),
    ("score", {"type": "number"}),
    ("enabled", {"type": "boolean"}),
    ("createdAt", {"type": "string", "format": "date-time"}),
    ("labels", {"type": "array", "items": {"type": "string"}}),
    ("attributes", {"type": "object", "additionalProperties": {"type": "string"}}),
]


def _names(k: int) -> dict[str, str]:
    noun = _NOUNS[k % len(_NOUNS)]
    suffix = k // len(_NOUNS)
    base = f"{noun}{suffix}" if suffix else noun
    title = base[0].upper() + base[1:]
    return {"noun": base, "Title": title, "plural": f"{base}s", "tag": f"{title} Store"}


def _schemas(k: int) -> dict[str, Any]:
    n = _names(k)
    t = n["Title"]
    fields = {
        name: dict(schema, description=f"The {n['noun']}'s {name}.")
        for name, schema in _FIELD_KINDS
    }
    extra = {
        f"extra{k}Field": {"type": "string", "description": f"A field only {n['plural']} have."}
    }
    return {
        t: {
            "type": "object",
            "description": f"A {n['noun']} as returned by the API.",
            "required": ["id", "name", "status", "createdAt"],
            "properties": {
                "id": {
                    "type": "string",
                    "format": "uuid",
                    "description": f"UUID of the {n['noun']}.",
                },
                **fields,
                **extra,
                "status": {"$ref": f"#/components/schemas/{t}Status"},
                "owner": {"$ref": f"#/components/schemas/{t}Owner"},
            },
        },
        f"{t}Create": {
            "type": "object",
            "description": f"Body of a {n['noun']} creation.",
            "required": ["name"],
            "additionalProperties": False,
            "properties": {
                **{
                    name: fields[name]
                    for name in ("name", "description", "priority", "labels", "attributes")
                },
                "status": {"$ref": f"#/components/schemas/{t}Status"},
                "owner": {"$ref": f"#/components/schemas/{t}Owner"},
            },
        },
        f"{t}Update": {
            "type": "object",
            "description": f"Fields of a {n['noun']} to change; absent fields are kept.",
            "additionalProperties": False,
            "properties": {
                name: fields[name]
                for name in ("name", "description", "priority", "enabled", "labels")
            },
        },
        f"{t}Status": {
            "type": "string",
            "description": f"Lifecycle state of a {n['noun']}.",
            "enum": ["draft", "active", "retired"],
        },
        f"{t}Owner": {
            "type": "object",
            "description": f"Who is responsible for a {n['noun']}.",
            "required": ["email"],
            "properties": {
                "email": {"type": "string", "format": "email"},
                "team": {"type": "string"},
                "since": {"type": "string", "format": "date"},
            },
        },
    }


def _operations(k: int, count: int) -> dict[str, Any]:
    n = _names(k)
    t, noun, plural, tag = n["Title"], n["noun"], n["plural"], n["tag"]
    ref = {"$ref": f"#/components/schemas/{t}"}
    account = {"$ref": "#/components/parameters/AccountId"}
    item_id = {
        "name": f"{noun}_id",
        "in": "path",
        "required": True,
        "description": f"UUID of the {noun}.",
        "schema": {"type": "string"},
    }

    def ok(schema: dict[str, Any], what: str) -> dict[str, Any]:
        return {"description": what, "content": {"application/json": {"schema": schema}}}

    collection = f"/accounts/{{account_id}}/{plural}"
    single = f"{collection}/{{{noun}_id}}"
    ops: list[tuple[str, str, dict[str, Any]]] = [
        (
            collection,
            "get",
            {
                "operationId": f"list{t}s",
                "summary": f"List {plural}",
                "description": f"Returns one page of {plural}, filtered and sorted.",
                "parameters": [
                    account,
                    {
                        "name": "page",
                        "in": "query",
                        "schema": {"type": "integer", "minimum": 1},
                        "description": "One-based page number.",
                    },
                    {
                        "name": "pageSize",
                        "in": "query",
                        "schema": {"type": "integer", "minimum": 1, "maximum": 1000},
                        "description": "Items per page.",
                    },
                    {
                        "name": "status",
                        "in": "query",
                        "schema": {
                            "type": "array",
                            "items": {"$ref": f"#/components/schemas/{t}Status"},
                        },
                        "description": "Only these states.",
                    },
                    {
                        "name": "search",
                        "in": "query",
                        "schema": {"type": "string"},
                        "description": "Free-text filter.",
                    },
                ],
                "responses": {
                    "200": ok({"type": "array", "items": ref}, f"A page of {plural}."),
                    "400": {"$ref": "#/components/responses/BadRequest"},
                },
            },
        ),
        (
            collection,
            "post",
            {
                "operationId": f"create{t}",
                "summary": f"Create a {noun}",
                "parameters": [
                    account,
                    {
                        "name": "Idempotency-Key",
                        "in": "header",
                        "schema": {"type": "string"},
                        "description": "Makes retries safe.",
                    },
                ],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {"schema": {"$ref": f"#/components/schemas/{t}Create"}}
                    },
                },
                "responses": {
                    "201": ok(ref, f"The new {noun}."),
                    "400": {"$ref": "#/components/responses/BadRequest"},
                },
            },
        ),
        (
            single,
            "get",
            {
                "operationId": f"get{t}",
                "summary": f"Read a {noun}",
                "parameters": [account, item_id],
                "responses": {
                    "200": ok(ref, f"The {noun}."),
                    "404": {"$ref": "#/components/responses/NotFound"},
                },
            },
        ),
        (
            single,
            "patch",
            {
                "operationId": f"update{t}",
                "summary": f"Change a {noun}",
                "parameters": [account, item_id],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {"schema": {"$ref": f"#/components/schemas/{t}Update"}}
                    },
                },
                "responses": {
                    "200": ok(ref, f"The changed {noun}."),
                    "404": {"$ref": "#/components/responses/NotFound"},
                },
            },
        ),
        (
            single,
            "delete",
            {
                "operationId": f"delete{t}",
                "summary": f"Delete a {noun}",
                "parameters": [account, item_id],
                "responses": {
                    "204": {"description": "Deleted."},
                    "404": {"$ref": "#/components/responses/NotFound"},
                },
            },
        ),
    ]
    paths: dict[str, Any] = {}
    for path, method, op in ops[:count]:
        op["tags"] = [tag]
        paths.setdefault(path, {})[method] = op
    return paths


def build(n: int) -> dict[str, Any]:
    """The document with ``n`` operations (``ceil(n / 5)`` resources, 5 schemas each)."""
    if n < 1:
        raise ValueError("n must be at least 1")
    resources = (n + OPS_PER_RESOURCE - 1) // OPS_PER_RESOURCE
    paths: dict[str, Any] = {}
    schemas: dict[str, Any] = {
        "Error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {"code": {"type": "integer"}, "message": {"type": "string"}},
        }
    }
    tags = []
    for k in range(resources):
        count = min(OPS_PER_RESOURCE, n - k * OPS_PER_RESOURCE)
        for path, item in _operations(k, count).items():
            paths.setdefault(path, {}).update(item)
        schemas.update(_schemas(k))
        names = _names(k)
        tags.append({"name": names["tag"], "description": f"Everything about {names['plural']}."})
    error = {
        "description": "The request failed.",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": f"Synthetic API ({n} operations)",
            "version": "1.0.0",
            "description": "Generated by bench/synthetic_spec.py.",
        },
        "servers": [{"url": "https://api.example.test/v1"}],
        "security": [{"api_token": []}],
        "tags": tags,
        "paths": paths,
        "components": {
            "securitySchemes": {"api_token": {"type": "http", "scheme": "bearer"}},
            "parameters": {
                "AccountId": {
                    "name": "account_id",
                    "in": "path",
                    "required": True,
                    "description": "Identifier of the account.",
                    "schema": {"type": "string", "maxLength": 32},
                },
            },
            "responses": {"BadRequest": error, "NotFound": error},
            "schemas": schemas,
        },
    }


def dump(doc: dict[str, Any], fmt: str = "yaml") -> str:
    if fmt == "json":
        return json.dumps(doc, indent=2) + "\n"
    import yaml

    return str(yaml.safe_dump(doc, sort_keys=False, width=100, allow_unicode=True))


def write(n: int, path: Path, fmt: str | None = None) -> Path:
    fmt = fmt or ("json" if path.suffix == ".json" else "yaml")
    path.write_text(dump(build(n), fmt), encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("operations", type=int, help="number of operations")
    p.add_argument("--format", choices=("yaml", "json"), default="yaml")
    p.add_argument(
        "-o", "--output", type=Path, default=None, help="file to write (default: stdout)"
    )
    args = p.parse_args(argv)
    if args.output is not None:
        write(args.operations, args.output, args.format)
    else:
        sys.stdout.write(dump(build(args.operations), args.format))
    return 0


if __name__ == "__main__":
    sys.exit(main())
