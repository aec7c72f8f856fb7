"""The document Prism serves to the generated contract tests: the spec as the client reads it.

``[type_overrides]`` makes some ``number`` properties ``int`` for the user while ``spec/`` keeps
upstream's types. Prism's dynamic mode would answer such a property with a fraction (a valid
``number``), which the client rightly refuses. So when overrides apply, the contract tests get
their own copy of the bundled document with exactly those schemas typed ``integer``
(``tests/contract-spec.json``). Likewise, where the document's own response examples break
its schema in ways the client reads differently (:mod:`~generator.build.served_examples`), that
copy leaves out the string keyword or serves the number as a number, so that Prism serves the
examples without rejecting them; and the array fields of form bodies get OpenAPI's default
encoding written out (:mod:`~generator.build.served_forms`), which Prism needs. Everything else is the spec unchanged. The spec copy
beside the client (``spec/<name>``) stays byte for byte the spec, for the next change report.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import yaml

from generator.ir import Api
from generator.load.pointers import resolve_pointer, split_pointer
from generator.render.renderer import RenderedFile, generated_note


def contract_spec(api: Api, document: dict[str, Any]) -> list[RenderedFile]:
    """``tests/<api.contract_spec>`` when overrides apply, else nothing."""
    if not api.contract_spec:
        return []
    served = copy.deepcopy(document)
    for pointer in api.integer_pointers:
        schema = resolve_pointer(served, pointer)
        kind = schema.get("type") if isinstance(schema, dict) else None
        if kind == "number":
            schema["type"] = "integer"
        elif isinstance(kind, list):
            schema["type"] = ["integer" if k == "number" else k for k in kind]
    for edit, pointer, name in api.prism_edits:
        node = resolve_pointer(served, pointer) if edit != "number" else None
        if edit == "drop" and isinstance(node, dict):
            node.pop(name, None)
        elif edit == "number":
            _as_number(served, pointer)
        elif edit == "encode" and isinstance(node, dict):
            node.setdefault("encoding", {})[name] = {"style": "form", "explode": True}
    note = (
        f"{generated_note(api)} The spec as the client reads it: codegen.toml's"
        " [type_overrides] applied, what its own examples break and the client reads differently"
        " changed (see generator/render/contract_spec.py)."
    )
    # JSON, which Prism reads as well as YAML: written four times faster than YAML, and a large
    # document's copy is written on every generation; what generated it is an extension field
    # of ours. A number JSON cannot write (a YAML .inf) leaves it YAML, which Prism reads in a
    # .json file too (its YAML parser is tried after the JSON one).
    data = {_NOTE_KEY: note, **{k: v for k, v in served.items() if k != _NOTE_KEY}}
    try:
        text = json.dumps(data, indent=1, ensure_ascii=False, allow_nan=False) + "\n"
    except ValueError:
        dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
        text = yaml.dump(data, Dumper=dumper, sort_keys=False, allow_unicode=True, width=100)
    return [RenderedFile(f"tests/{api.contract_spec}", text.encode("utf-8"))]


_NOTE_KEY = "x-cf1-codegen"


def _as_number(served: dict[str, Any], pointer: str) -> None:
    """The example value at ``pointer`` (a number written as a string) as the number."""
    *parents, last = split_pointer(pointer)
    node: Any = served
    for token in parents:
        node = node[int(token)] if isinstance(node, list) else node[token]
    key: Any = int(last) if isinstance(node, list) else last
    text = node[key]
    number = float(text)
    node[key] = int(number) if number.is_integer() and "." not in text else number
