"""The runtime templates are kept in black's style (they are copied verbatim into the client)."""

from pathlib import Path

import black
import pytest

RUNTIME = Path(__file__).resolve().parents[2] / "templates" / "runtime"
MODE = black.Mode(line_length=100, target_versions={black.TargetVersion.PY310})


@pytest.mark.parametrize("path", sorted(RUNTIME.glob("*.py")), ids=lambda p: p.name)
def test_runtime_template_is_black_formatted(path: Path) -> None:
    source = path.read_text()
    assert black.format_str(source, mode=MODE) == source, f"run: black -l 100 {path}"
