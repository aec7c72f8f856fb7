"""Small specs and tree helpers for the tests of what a generation may do to its output folder."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from tests.conftest import ROOT, minimal_spec


def spec_with(path: Path, *resources: str, title: str = "Pet Store") -> Path:
    """A spec with one ``GET /<resource>`` operation (tagged with its name) per resource."""
    paths: dict[str, Any] = {}
    for name in resources:
        op = {
            "operationId": f"list_{name}",
            "tags": [name],
            "responses": {"200": {"description": "ok"}},
        }
        paths[f"/{name}"] = {"get": op}
    doc = minimal_spec(paths=paths)
    doc["info"]["title"] = title
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path


def tree(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` (links not followed) by POSIX path, without bytecode caches."""
    found = {}
    for folder, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        for name in names:
            path = Path(folder) / name
            found[path.relative_to(root).as_posix()] = path.read_bytes()
    return found


def manifest_files(out: Path) -> dict[str, str]:
    data: dict[str, str] = json.loads((out / "codegen-manifest.json").read_text())["files"]
    return data


def consistent(out: Path) -> bool:
    """The manifest in ``out`` describes the files on disk: a readable generation."""
    files = manifest_files(out)
    return all(
        (out / p).is_file() and hashlib.sha256((out / p).read_bytes()).hexdigest() == h
        for p, h in files.items()
    )


def run_generator(
    *args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """``python -m generator`` in a child process (the way a user runs it)."""
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=cwd,
        env=child_env(cwd, env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def child_env(cwd: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT)
    env["CF1_CODEGEN_CACHE_DIR"] = str(cwd.parent / f"{cwd.name}-cache")
    env.pop("CF1_CODEGEN_TEST_FAULT", None)
    env.update(extra or {})
    return env
