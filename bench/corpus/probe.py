"""Probe one generated client in a fresh interpreter; prints one JSON object.

    python -m bench.corpus.probe DOC [OUT]

Without ``OUT`` only the document is read (operations in, its words). With ``OUT`` (a
generated distribution) the package found there is imported module by module, every model and
type alias of ``models`` is built (pydantic's deferred build forced, a ``TypeAdapter`` for
aliases), its endpoints are counted, and its class names are checked by :mod:`bench.corpus.names`.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import sys
import traceback
from pathlib import Path
from typing import Any

from bench.corpus import documents, names


def package_dir(out: Path) -> Path | None:
    """The import package of a generated distribution (the one folder with ``_client.py``)."""
    found = [p.parent for p in sorted(out.glob("*/_client.py"))]
    return found[0] if len(found) == 1 else None


def _short(exc: BaseException) -> str:
    last = traceback.format_exception_only(type(exc), exc)[-1].strip()
    return last.splitlines()[0][:300]


def import_all(package: str) -> tuple[list[str], dict[str, str]]:
    """Every module of the package imported; returns (modules, {module: error})."""
    failed: dict[str, str] = {}
    root = importlib.import_module(package)
    modules = [package]
    for info in pkgutil.walk_packages(
        root.__path__,
        prefix=f"{package}.",
        onerror=lambda name: failed.setdefault(name, "cannot walk"),
    ):
        modules.append(info.name)
    for name in modules:
        try:
            importlib.import_module(name)
        except Exception as exc:  # noqa: BLE001 - every failure is a finding
            failed[name] = _short(exc)
    return modules, failed


def build_models(package: str) -> tuple[list[str], dict[str, str]]:
    """Every public name of ``package.models`` built; returns (names, {name: error})."""
    from pydantic import BaseModel, TypeAdapter

    failed: dict[str, str] = {}
    models = importlib.import_module(f"{package}.models")
    public = list(getattr(models, "__all__", []))
    for name in public:
        try:
            value = getattr(models, name)
            if isinstance(value, type) and issubclass(value, BaseModel):
                value.model_rebuild(force=True)
            else:
                TypeAdapter(value)
        except Exception as exc:  # noqa: BLE001
            failed[name] = _short(exc)
    return public, failed


def endpoints(package: str) -> list[tuple[str, str]]:
    """``(METHOD, path)`` of every endpoint the resources declare."""
    from importlib import import_module

    endpoint_type = import_module(f"{package}._core.endpoint").Endpoint
    found: dict[int, tuple[str, str]] = {}
    resources = import_module(f"{package}.resources")
    for info in pkgutil.iter_modules(resources.__path__, prefix=f"{package}.resources."):
        try:
            module = import_module(info.name)
        except Exception:  # noqa: BLE001 - counted by import_all
            continue
        for value in vars(module).values():
            if isinstance(value, endpoint_type):
                found[id(value)] = (value.method, value.path)
    return sorted(found.values())


def resource_names(package: str) -> list[str]:
    client = importlib.import_module(f"{package}._client").Client
    return sorted(
        n for n, v in vars(client).items() if not n.startswith("_") and hasattr(v, "func")
    )


def probe(doc: Path, out: Path | None) -> dict[str, Any]:
    ops_in = documents.operations(doc)
    result: dict[str, Any] = {"ops_in": len(ops_in)}
    if out is None:
        return result
    pkg = package_dir(out)
    if pkg is None:
        result["error"] = f"no single package with _client.py in {out}"
        return result
    sys.path.insert(0, str(pkg.parent))
    package = pkg.name
    modules, import_failed = import_all(package)
    public, model_failed = (
        ({}, {}) if f"{package}.models" in import_failed else build_models(package)
    )
    ops_out = endpoints(package)
    checked = names.check(public, documents.spec_words(doc))
    resources = resource_names(package)
    result.update(
        package=package,
        modules=len(modules),
        import_failed=import_failed,
        models=len(public),
        model_failed=model_failed,
        ops_out=len(ops_out),
        missing=_missing(ops_in, ops_out),
        classes=checked.classes,
        numbered=checked.numbered,
        hashed=checked.hashed,
        resources=resources,
        default_resource="default" in resources,
    )
    return result


def _missing(ops_in: list[tuple[str, str]], ops_out: list[tuple[str, str]]) -> list[str]:
    """Operations of the document with no endpoint of the same method and path (query string
    of the path ignored on both sides)."""
    have = {(m, p.split("?")[0]) for m, p in ops_out}
    return [f"{m} {p}" for m, p in ops_in if (m, p.split("?")[0]) not in have]


def main(argv: list[str]) -> int:
    doc = Path(argv[0])
    out = Path(argv[1]) if len(argv) > 1 else None
    print(json.dumps(probe(doc, out)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
