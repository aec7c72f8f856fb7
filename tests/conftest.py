"""Shared fixtures: paths, a spec writer, the CLI run in-process, snapshots."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Callable
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "spec" / "cloudforce-one-events.yaml"
CONFIG = ROOT / "spec" / "codegen.toml"
GENERATED = ROOT / "generated"
SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-snapshots",
        action="store_true",
        help="rewrite tests/snapshots/ from the current output (`make snapshots`)",
    )


@dataclass
class CliResult:
    code: int
    out: str
    err: str


def run_cli(args: list[str]) -> CliResult:
    from generator.cli import main

    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(args)
    return CliResult(code, out.getvalue(), err.getvalue())


@pytest.fixture
def cli() -> Callable[[list[str]], CliResult]:
    return run_cli


def minimal_spec(**extra: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {"title": "Pet Store", "version": "1.0"},
        "servers": [{"url": "https://example.test/v1"}],
        "paths": {},
    }
    doc.update(extra)
    return doc


@pytest.fixture
def write_spec(tmp_path: Path) -> Callable[..., Path]:
    def write(doc: Any, name: str = "openapi.yaml", raw: str | None = None) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if raw is not None:
            path.write_text(raw)
        elif name.endswith(".json"):
            path.write_text(json.dumps(doc, indent=2))
        else:
            path.write_text(yaml.safe_dump(doc, sort_keys=False))
        return path

    return write


@pytest.fixture
def snapshot(request: pytest.FixtureRequest) -> Callable[[str, str], None]:
    """Compare text with tests/snapshots/<name>; `--update-snapshots` rewrites instead."""

    def check(name: str, text: str) -> None:
        path = SNAPSHOTS / name
        if request.config.getoption("--update-snapshots"):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
            return
        assert path.exists(), f"missing snapshot {path}; run `make snapshots`"
        assert text == path.read_text(), f"output differs from snapshot {path}"

    return check


sys.path.insert(0, str(ROOT))
