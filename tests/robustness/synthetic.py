"""A synthetic OpenAPI document of any size, for scale tests and benchmarks.

``python -m tests.robustness.synthetic --operations 2000 --schemas 1000 > big.yaml`` (or
:func:`synthetic_spec` in-process). The document is deterministic for given sizes. It is made
of ``groups`` (a tag each) with CRUD-style operations on a few paths and a family of component
schemas per group: objects with scalar, enum, array, map, inline-object and date-time fields,
references inside the group and to the previous group, an allOf, a tagged oneOf and a
self-reference -- so that imports cross modules and the SCC grouping has work to do.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

_METHODS = ("get", "post", "put", "patch", "delete")


def synthetic_spec(
    operations: int = 2000, schemas: int = 1000, *, version: str = "3.1.0"
) -> dict[str, Any]:
    groups = max(1, schemas // 10)
    per_group_ops = -(-operations // groups)  # ceil
    components: dict[str, Any] = {}
    paths: dict[str, Any] = {}
    made_ops = 0
    for g in range(groups):
        prefix = f"G{g:04d}"
        names = [f"{prefix}Item{i}" for i in range(10)]
        for i, name in enumerate(names):
            props: dict[str, Any] = {
                "id": {"type": "string", "format": "uuid", "readOnly": True},
                "name": {"type": "string", "maxLength": 64},
                "count": {"type": "integer", "format": "int64", "minimum": 0},
                "ratio": {"type": "number", "format": "double"},
                "enabled": {"type": "boolean", "default": True},
                "state": {"type": "string", "enum": ["new", "in-progress", "done"]},
                "created": {"type": "string", "format": "date-time"},
                "labels": {"type": "object", "additionalProperties": {"type": "string"}},
                "tags": {"type": "array", "items": {"type": "string"}},
                "detail": {
                    "type": "object",
                    "properties": {"note": {"type": "string"}, "level": {"type": "integer"}},
                },
            }
            if i > 0:
                props["previous"] = {"$ref": f"#/components/schemas/{names[i - 1]}"}
            if g > 0 and i == 0:
                props["other_group"] = {"$ref": f"#/components/schemas/G{g - 1:04d}Item9"}
            if i == 3:
                props["children"] = {
                    "type": "array",
                    "items": {"$ref": f"#/components/schemas/{name}"},
                }
            components[name] = {"type": "object", "required": ["name"], "properties": props}
        components[names[7]] = {
            "allOf": [
                {"$ref": f"#/components/schemas/{names[6]}"},
                {"type": "object", "properties": {"extra": {"type": "string"}}},
            ]
        }
        components[names[8]] = {
            "oneOf": [
                {
                    "type": "object",
                    "required": ["kind"],
                    "properties": {
                        "kind": {"type": "string", "enum": ["a"]},
                        "a": {"type": "integer"},
                    },
                },
                {
                    "type": "object",
                    "required": ["kind"],
                    "properties": {
                        "kind": {"type": "string", "enum": ["b"]},
                        "b": {"type": "string"},
                    },
                },
            ]
        }
        tag = f"group {g}"
        base = f"/groups{g}"
        for k in range(per_group_ops):
            if made_ops >= operations:
                break
            method = _METHODS[k % len(_METHODS)]
            path = f"{base}/things{k // len(_METHODS)}" + (
                "/{thing_id}" if method != "post" else ""
            )
            model = names[k % 10]
            op: dict[str, Any] = {
                "operationId": f"{prefix}_{method}_{k}",
                "tags": [tag],
                "summary": f"{method.upper()} operation {k} of group {g}",
                "responses": {
                    "200": {
                        "description": "OK",
                        "content": {
                            "application/json": {
                                "schema": {"$ref": f"#/components/schemas/{model}"}
                            }
                        },
                    },
                    "default": {
                        "description": "Error",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {"message": {"type": "string"}},
                                }
                            }
                        },
                    },
                },
            }
            params: list[dict[str, Any]] = [
                {"name": "limit", "in": "query", "schema": {"type": "integer"}}
            ]
            if "{thing_id}" in path:
                params.append(
                    {
                        "name": "thing_id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string"},
                    }
                )
            op["parameters"] = params
            if method in ("post", "put", "patch"):
                op["requestBody"] = {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {"$ref": f"#/components/schemas/{names[(k + 1) % 10]}"}
                        }
                    },
                }
            paths.setdefault(path, {})[method] = op
            made_ops += 1
    return {
        "openapi": version,
        "info": {"title": "Synthetic", "version": "1.0"},
        "servers": [{"url": "https://synthetic.example.test"}],
        "paths": paths,
        "components": {"schemas": components},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--operations", type=int, default=2000)
    parser.add_argument("--schemas", type=int, default=1000)
    args = parser.parse_args(argv)
    json.dump(synthetic_spec(args.operations, args.schemas), sys.stdout, indent=1)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
