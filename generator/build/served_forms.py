"""Form bodies as Prism reads them: OpenAPI's default encoding of array fields, written out.

OpenAPI says an ``application/x-www-form-urlencoded`` field without an ``encoding`` entry is
sent ``style: form, explode: true`` -- an array as the field repeated (``Key=a&Key=b``), which
is what the generated client sends. Prism applies that only when the entry is written: without
one it reads ``Key=a`` as a string and answers 422 "must be array". So the copy Prism serves
(:mod:`~generator.render.contract_spec`) spells the default out for those fields: (media type
pointer, field) for every array field of a form request body that has no ``encoding`` entry.
"""

from __future__ import annotations

from typing import Any

from generator.build.served_examples import METHODS, deref, served_examples
from generator.diagnostics import Diagnostics
from generator.load.loader import LoadedSpec
from generator.load.pointers import join_pointer

FORM = "application/x-www-form-urlencoded"


def prism_edits(spec: LoadedSpec, diagnostics: Diagnostics) -> tuple[tuple[str, str, str], ...]:
    """Every change of the copy Prism serves, as (edit, pointer, name): ("drop", schema pointer,
    keyword) and ("number", example value pointer, "") from
    :func:`~generator.build.served_examples.served_examples`, ("encode", form media type
    pointer, field) from :func:`form_arrays`."""
    served = served_examples(spec, diagnostics)
    return (
        *(("drop", pointer, keyword) for pointer, keyword in served.relaxed),
        *(("number", pointer, "") for pointer in served.numbers),
        *(("encode", pointer, name) for pointer, name in form_arrays(spec.document)),
    )


def form_arrays(document: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    """(pointer of the form media type object, field name) of each array field to spell out."""
    found: set[tuple[str, str]] = set()
    paths = document.get("paths")
    for path, item in paths.items() if isinstance(paths, dict) else ():
        for method in METHODS:
            op = item.get(method) if isinstance(item, dict) else None
            body = op.get("requestBody") if isinstance(op, dict) else None
            where, target = deref(document, body)
            pointer = where or join_pointer("/paths", path, method, "requestBody")
            content = target.get("content") if isinstance(target, dict) else None
            media = content.get(FORM) if isinstance(content, dict) else None
            if not isinstance(media, dict):
                continue
            _, schema = deref(document, media.get("schema"))
            properties = schema.get("properties") if isinstance(schema, dict) else None
            written = media.get("encoding")
            encoding: dict[str, Any] = written if isinstance(written, dict) else {}
            for name, prop in properties.items() if isinstance(properties, dict) else ():
                _, prop = deref(document, prop)
                if isinstance(prop, dict) and prop.get("type") == "array" and name not in encoding:
                    found.add((join_pointer(pointer, "content", FORM), name))
    return tuple(sorted(found))
