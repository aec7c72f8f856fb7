"""Templates copied verbatim into the output are kept in black's style at the source.

The renderer does not run them through the formatter (see ``Renderer.render``): the runtime
``_core`` modules, and the contract tests' harness and Prism servers. This test is what makes
that safe.
"""

from pathlib import Path

import black
import pytest

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
VERBATIM = sorted(TEMPLATES.glob("runtime/*.py")) + sorted(TEMPLATES.glob("tests/*.py"))
MODE = black.Mode(line_length=100, target_versions={black.TargetVersion.PY310})


@pytest.mark.parametrize("path", VERBATIM, ids=lambda p: p.name)
def test_runtime_template_is_black_formatted(path: Path) -> None:
    source = path.read_text()
    assert black.format_str(source, mode=MODE) == source, f"run: black -l 100 {path}"
