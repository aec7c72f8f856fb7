"""Helpers of the robustness suite: generate a package, compile and import it, type-check it,
and turn OpenAPI component schemas into JSON Schemas hypothesis-jsonschema can draw from."""

from __future__ import annotations

import copy
import importlib
import os
import pkgutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from types import ModuleType
from typing import Any

from generator.ir import Api, Model
from generator.load.pointers import join_pointer, resolve_pointer
from generator.pipeline import Options, Result, generate

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "specs"
MYPY = Path(sys.executable).with_name("mypy")
VALID = ("kitchen_sink_30", "kitchen_sink_31")  # the valid fixture documents


@dataclass
class Generated:
    """A fixture document generated into ``out`` as package ``package`` (see conftest)."""

    name: str
    spec: Path
    out: Path
    package: str
    result: Result
    document: dict[str, Any]


def generate_package(spec: Path, out: Path, package: str) -> Result:
    """What ``python -m generator generate --no-config --package-name PACKAGE`` does."""
    return generate(Options(spec, None, out, package_name=package))


def python_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.py") if "__pycache__" not in p.parts)


def compile_all(root: Path) -> int:
    """compile() every generated .py file (the generated tests included); returns the count."""
    files = python_files(root)
    for path in files:
        compile(path.read_bytes(), str(path), "exec", dont_inherit=True)
    return len(files)


def forget(package: str) -> None:
    for name in [m for m in sys.modules if m == package or m.startswith(package + ".")]:
        del sys.modules[name]


@contextmanager
def importable(out: Path, package: str) -> Iterator[ModuleType]:
    """``package`` (generated into ``out``) importable for the duration; forgotten afterwards."""
    forget(package)
    sys.path.insert(0, str(out))
    importlib.invalidate_caches()
    try:
        yield importlib.import_module(package)
    finally:
        sys.path.remove(str(out))
        forget(package)


def import_every_module(package: ModuleType) -> list[str]:
    """Import each module of the package by itself (no circular-import failure may hide)."""
    names = [package.__name__] + [
        m.name for m in pkgutil.walk_packages(package.__path__, package.__name__ + ".")
    ]
    for name in names:
        importlib.import_module(name)
    return names


def run_mypy(out: Path, package: str, cache_dir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(MYPY), "--strict", "--no-error-summary", "--cache-dir", str(cache_dir), package],
        cwd=out,
        capture_output=True,
        text=True,
        timeout=240,
        env={**os.environ, "MYPYPATH": ""},
    )


# ----------------------------------------------------------------- instances of component schemas


class _LegacyMany:
    """hypothesis-jsonschema 0.23 drives ``many`` as ``while elements.more(): ...``; hypothesis
    6.1xx made it a context manager iterated with ``for``. Same draws, old interface."""

    def __init__(self, data: Any, **kwargs: Any) -> None:
        from hypothesis.internal.conjecture.utils import many

        self._many = many(data, **kwargs)
        self._many.__enter__()
        self._steps = iter(self._many)

    def more(self) -> bool:
        try:
            next(self._steps)
        except StopIteration:
            self._many.__exit__(None)
            return False
        return True

    def reject(self, why: str | None = None) -> None:
        self._many.reject(why)


def patch_hypothesis_jsonschema() -> None:
    """Give hypothesis-jsonschema the ``many`` it expects (call before drawing; idempotent)."""
    import types

    from hypothesis.internal.conjecture import utils as cu
    from hypothesis_jsonschema import _from_schema

    if hasattr(cu.many, "more") or isinstance(_from_schema.cu, types.SimpleNamespace):
        return
    shim = types.SimpleNamespace(**{k: getattr(cu, k) for k in dir(cu) if not k.startswith("__")})
    shim.many = _LegacyMany
    _from_schema.cu = shim  # type: ignore[attr-defined]


def canonical_datetime(value: datetime) -> str:
    """A date-time exactly as pydantic writes it back (``Z`` for UTC, microseconds when set)."""
    from pydantic import TypeAdapter

    text: str = TypeAdapter(datetime).dump_python(value, mode="json")
    return text


def custom_formats() -> dict[str, Any]:
    """date-time and date strings in the one spelling pydantic dumps, so round trips are exact.

    (pydantic accepts ``+00:00`` or ``.5`` seconds but writes ``Z`` and ``.500000``: that
    normalisation is documented, not a loss; drawing canonical strings keeps equality exact.)
    """
    from hypothesis import strategies as st

    moments = st.datetimes(
        min_value=datetime(1900, 1, 1),
        max_value=datetime(2200, 1, 1),
        timezones=st.just(timezone.utc),
    )
    return {
        "date-time": moments.map(canonical_datetime),
        "date": st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 1, 1)).map(
            date.isoformat
        ),
    }


class JsonSchemaMaker:
    """OpenAPI component schemas -> self-contained JSON Schemas (draft 7) of the instances the
    generated models are meant to accept, as hypothesis-jsonschema needs them:

    * ``$ref`` inlined; a recursive reference is followed ``depth`` times, then cut (``false``:
      an optional property or array item stops there);
    * 3.0 ``nullable`` -> ``anyOf [.., null]``; boolean ``exclusiveMinimum`` -> the number form;
      3.1 ``prefixItems`` -> draft-7 tuple ``items``; OpenAPI-only keywords dropped;
    * OpenAPI semantics JSON Schema cannot see: a discriminated union's member carries one of
      its tag values (as the generated tagged union expects); an object whose model rejects
      unknown keys (a request-only model) gets ``additionalProperties: false``; no generated
      extra key may equal a field's Python name that differs from its wire name (pydantic
      accepts fields by name too: such a key would be read as that field).
    """

    def __init__(self, document: dict[str, Any], api: Api, depth: int = 2) -> None:
        self.doc = document
        self.depth = depth
        self.is_30 = str(document.get("openapi", "")).startswith("3.0")
        self.models: dict[str, Model] = {m.pointer: m for m in api.models}

    def for_pointer(self, pointer: str) -> Any:
        return self._convert(resolve_pointer(self.doc, pointer), pointer, {})

    def _convert(
        self, schema: Any, pointer: str, seen: dict[str, int], member: bool = False
    ) -> Any:
        """``member``: an allOf member (never closed on its own: the other members add keys)."""
        if isinstance(schema, bool):
            return schema
        if not isinstance(schema, dict):
            return True
        if "$ref" in schema:
            target = schema["$ref"][1:]
            if seen.get(target, 0) >= self.depth:
                return False
            inner = self._convert(
                resolve_pointer(self.doc, target),
                target,
                {**seen, target: seen.get(target, 0) + 1},
                member,
            )
            siblings = {
                k: v
                for k, v in schema.items()
                if k not in ("$ref", "description", "summary", "nullable")
            }
            if siblings:
                inner = {"allOf": [inner, self._convert(siblings, pointer, seen)]}
            if self.is_30 and schema.get("nullable"):
                inner = {"anyOf": [inner, {"type": "null"}]}
            return inner
        out: dict[str, Any] = {}
        for key, value in schema.items():
            sub = join_pointer(pointer, key)
            if key in ("properties", "patternProperties", "$defs", "definitions"):
                out[key] = {
                    k: self._convert(v, join_pointer(sub, k), seen) for k, v in value.items()
                }
            elif key == "items" and "prefixItems" in schema:
                continue  # draft 7 spells it additionalItems, next to the tuple
            elif key in (
                "items",
                "additionalProperties",
                "not",
                "propertyNames",
                "contains",
                "if",
                "then",
                "else",
            ):
                out[key] = (
                    self._convert(value, sub, seen) if isinstance(value, (dict, bool)) else value
                )
            elif key in ("allOf", "anyOf", "oneOf"):
                out[key] = [
                    self._convert(v, join_pointer(sub, i), seen, key == "allOf")
                    for i, v in enumerate(value)
                ]
            elif key == "prefixItems":
                out["items"] = [
                    self._convert(v, join_pointer(sub, i), seen) for i, v in enumerate(value)
                ]
                if "items" in schema:
                    out["additionalItems"] = self._convert(
                        schema["items"], join_pointer(pointer, "items"), seen
                    )
            elif key in (
                "discriminator",
                "example",
                "examples",
                "xml",
                "externalDocs",
                "nullable",
                "readOnly",
                "writeOnly",
                "deprecated",
                "contentMediaType",
                "contentEncoding",
                "$schema",
                "$id",
                "$comment",
                "format",
            ):
                continue
            elif key in ("exclusiveMinimum", "exclusiveMaximum") and isinstance(value, bool):
                if (
                    value
                    and (bound := schema.get("minimum" if key == "exclusiveMinimum" else "maximum"))
                    is not None
                ):
                    out[key] = bound
            elif (
                key in ("minimum", "maximum")
                and schema.get("exclusive" + key[:1].upper() + key[1:]) is True
            ):
                continue
            else:
                out[key] = copy.deepcopy(value)
        fmt = schema.get("format")
        if fmt in ("date-time", "date") and "string" in _types(schema):
            out["format"] = fmt  # drawn from custom_formats(); other formats stay plain strings
        self._discriminate(schema, out, pointer)
        if not member:
            self._close(out, pointer)
        if self.is_30 and schema.get("nullable"):
            out = {"anyOf": [out, {"type": "null"}]}
        if "items" in out and "prefixItems" in schema and "additionalItems" not in out:
            out["additionalItems"] = True
        return out

    def _model_at(self, pointer: str) -> Model | None:
        return self.models.get(pointer)

    def _discriminate(self, schema: dict[str, Any], out: dict[str, Any], pointer: str) -> None:
        """Members of a tagged union carry one of their tag values."""
        model = self._model_at(pointer)
        tagged = None
        if (
            model is not None
            and model.kind == "alias"
            and model.alias_type is not None
            and model.alias_type.tags
        ):
            tagged = model.alias_type
        if tagged is None:
            return
        variant = "oneOf" if "oneOf" in out else "anyOf" if "anyOf" in out else None
        if variant is None:
            return
        raw_members = schema[variant]
        names = list(dict.fromkeys(name for _, name in tagged.tags))
        k = 0
        members = []
        for raw, converted in zip(raw_members, out[variant]):
            if (
                isinstance(raw, dict)
                and "$ref" not in raw
                and _types(raw) == {"null"}
                and "enum" not in raw
            ):
                members.append(converted)
                continue
            values = [v for v, n in tagged.tags if n == names[k]]
            k += 1
            prop = tagged.discriminator
            members.append(
                {
                    "allOf": [
                        converted,
                        {
                            "type": "object",
                            "required": [prop],
                            "properties": {prop: {"enum": values}},
                        },
                    ]
                }
            )
        out[variant] = members

    def _close(self, out: dict[str, Any], pointer: str) -> None:
        model = self._model_at(pointer)
        if model is None or model.kind != "object":
            return
        renamed = sorted(
            {f.py_name for f in model.fields if f.py_name != f.wire_name}
            - {f.wire_name for f in model.fields}
        )
        if model.extra == "forbid" and "additionalProperties" not in out:
            out.setdefault("properties", {})
            for f in model.fields:
                out["properties"].setdefault(f.wire_name, True)
            out["additionalProperties"] = False
        elif renamed:
            out["propertyNames"] = {"not": {"enum": renamed}}


def _types(schema: dict[str, Any]) -> set[str]:
    t = schema.get("type")
    if isinstance(t, list):
        return {str(x) for x in t}
    return {t} if isinstance(t, str) else set()


def component_pointers(document: dict[str, Any]) -> list[str]:
    return [
        join_pointer("/components/schemas", k)
        for k in (document.get("components") or {}).get("schemas") or {}
    ]


def model_of(api: Api, pointer: str) -> Model | None:
    return next((m for m in api.models if m.pointer == pointer), None)


def credentials(package: Any) -> dict[str, Any]:
    """A sample value of every credential argument of a generated package's ``Client``."""
    schemes = importlib.import_module(f"{package.__name__}._client").SETTINGS.schemes
    return {s.argument: ("user", "pass") if s.basic else "t" for s in schemes}
