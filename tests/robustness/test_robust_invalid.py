"""Invalid documents: exit status 2, ``FILE:LINE: /pointer: message`` (snapshot), no traceback,
nothing written -- and never anything executed (a YAML tag that would run a command)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import ROOT, CliResult
from tests.robustness.support import FIXTURES

INVALID = sorted((FIXTURES / "invalid").glob("*.yaml"))
PWNED = Path(
    "/tmp/cf1-codegen-pwned-by-yaml"
)  # what tests/fixtures/specs/invalid/python_tag.yaml would create


def test_there_are_at_least_six_invalid_documents() -> None:
    assert len(INVALID) >= 6


@pytest.mark.parametrize("spec", INVALID, ids=lambda p: p.stem)
def test_invalid_document_exits_2_with_a_located_message(
    spec: Path,
    tmp_path: Path,
    cli: Callable[[list[str]], CliResult],
    snapshot: Callable[[str, str], None],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(ROOT)  # paths in messages are relative to the working directory
    out = tmp_path / "out"
    result = cli(
        ["generate", "--spec", str(spec.relative_to(ROOT)), "--out", str(out), "--no-config"]
    )
    assert result.code == 2
    assert result.out == ""
    assert "Traceback" not in result.err
    first = result.err.splitlines()[0]
    assert first.startswith(f"tests/fixtures/specs/invalid/{spec.name}:"), first
    assert ": /" in first
    assert not out.exists(), "nothing is written for an invalid document"
    assert not PWNED.exists()
    snapshot(f"robustness/invalid/{spec.stem}.txt", result.err)
