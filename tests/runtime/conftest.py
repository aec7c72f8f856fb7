"""Makes the runtime templates importable as ``rtpkg._core`` without the generator.

The templates are copied into a temporary package (as the generator copies them into
``cloudforce_one_events/_core/``) which is put first on ``sys.path``.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "runtime"


def build_package(root: Path, name: str = "rtpkg") -> Path:
    core = root / name / "_core"
    core.mkdir(parents=True, exist_ok=True)
    (root / name / "__init__.py").write_text("")
    (root / name / "py.typed").write_text("")
    (core / "__init__.py").write_text("")
    for source in sorted(TEMPLATES.glob("*.py")):
        shutil.copy(source, core / source.name)
    return root / name


_ROOT = Path(tempfile.mkdtemp(prefix="rtpkg-"))
build_package(_ROOT)
sys.path.insert(0, str(_ROOT))


def pytest_unconfigure(config: object) -> None:
    shutil.rmtree(_ROOT, ignore_errors=True)
