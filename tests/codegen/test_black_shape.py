"""The templates emit black's fixed point, so black formats each file in one pass, not two.

black runs a second pass over any file its first pass changed; code that already has black's
shape costs half (bench/bench_format.py). These tests render without formatting and check that
black would change nothing in the modules that grow with the API: models, resources and the
per-resource contract tests, on our spec and on a synthetic document.
"""

from __future__ import annotations

from pathlib import Path

import black

from bench import synthetic_spec
from generator.build.api import build_api
from generator.diagnostics import Diagnostics
from generator.load.config import load_config
from generator.load.loader import load_spec
from generator.render.formatters import black_mode
from generator.render.renderer import Renderer
from tests.conftest import CONFIG, SPEC

MODE = black_mode()  # what the generator formats with


def _unformatted(spec: Path, config: Path | None) -> dict[str, str]:
    api = build_api(
        load_spec(spec, allow_outside=False, display=spec.name),
        load_config(config, display=None),
        Diagnostics(),
    )
    return {
        f.path: f.content.decode()
        for f in Renderer(api, formatter=lambda source, path: source).render()
    }


def _growing(files: dict[str, str]) -> dict[str, str]:
    """Models, resources and per-resource contract-test modules."""
    return {
        path: text
        for path, text in files.items()
        if path.endswith(".py")
        and (
            "/models/" in path
            or "/resources/" in path
            or (
                path.startswith("tests/test_contract_")
                and not path.endswith(("_routing.py", "_prism.py"))
            )
        )
    }


def _changed_by_black(files: dict[str, str]) -> list[str]:
    return sorted(path for path, text in files.items() if black.format_str(text, mode=MODE) != text)


def test_synthetic_document_is_blacks_fixed_point(tmp_path: Path) -> None:
    spec = synthetic_spec.write(25, tmp_path / "synthetic.yaml")
    files = _growing(_unformatted(spec, None))
    assert len(files) > 30
    assert _changed_by_black(files) == []


def test_our_spec_is_blacks_fixed_point() -> None:
    files = _growing(_unformatted(SPEC, CONFIG))
    assert len(files) > 80
    assert _changed_by_black(files) == []


LONG = "Veryveryverylongnamedmodelthatgoesonandonforquitesomewhile"


def _tagged_union_document() -> dict[str, object]:
    """Long names everywhere a corpus document has them (k8s, stripe, openai): a tagged union
    whose members and mapping do not fit a line, fields with long aliased annotations, long
    operation ids, no path defaults or credentials (empty dict displays)."""
    members = [f"{LONG}{i}" for i in range(3)]
    schemas: dict[str, object] = {
        name: {
            "type": "object",
            "required": ["kind"],
            "properties": {"kind": {"type": "string", "enum": [f"kind-{i}-{LONG.lower()}"]}},
        }
        for i, name in enumerate(members)
    }
    schemas["Holder"] = {
        "type": "object",
        "properties": {
            "choice": {
                "oneOf": [{"$ref": f"#/components/schemas/{m}"} for m in members],
                "discriminator": {
                    "propertyName": "kind",
                    "mapping": {
                        f"kind-{i}-{LONG.lower()}": f"#/components/schemas/{m}"
                        for i, m in enumerate(members)
                    },
                },
            },
            "preferredDuringSchedulingIgnoredDuringExecutionForAVeryLongTime": {
                "type": "array",
                "items": {"$ref": f"#/components/schemas/{members[0]}"},
            },
        },
    }
    op = {
        "operationId": "listNamespacedControllerRevisionsForAllNamespacesAndMore",
        "tags": ["apps"],
        "responses": {
            "200": {
                "description": "ok",
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/Holder"}}
                },
            }
        },
    }
    return {
        "openapi": "3.0.3",
        "info": {"title": "Shapes", "version": "1"},
        "servers": [{"url": "https://shapes.test"}],
        "paths": {"/holders": {"get": op}},
        "components": {"schemas": schemas},
    }


def test_long_corpus_constructs_are_blacks_fixed_point(tmp_path: Path) -> None:
    """Tagged unions, long aliased fields, long endpoint constants, raw-response wrappers,
    resource imports of the client and empty dicts: already black's shape, one pass each."""
    import yaml

    spec = tmp_path / "shapes.yaml"
    spec.write_text(yaml.safe_dump(_tagged_union_document(), sort_keys=False))
    files = {
        path: text
        for path, text in _unformatted(spec, None).items()
        if path.endswith(".py")
        and ("/models/" in path or "/resources/" in path or "_client" in path)
    }
    assert any("_tagged_by(" in text for text in files.values())
    assert _changed_by_black(files) == []
