"""Put a rendered tree on disk atomically.

The tree is written to a temporary directory beside the output and swapped in with
two renames; files an earlier generation produced that are no longer rendered
disappear with the old tree. Any failure before the swap leaves the output as it was.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from generator.render.renderer import RenderedFile


def write_atomically(out: Path, files: list[RenderedFile], *, before_swap: object = None) -> None:
    """Replace ``out`` with exactly ``files``; ``before_swap`` (a callable) runs once they
    are staged, before anything in ``out`` changes."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    try:
        for f in files:
            target = staging / f.path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(f.content)
        if callable(before_swap):
            before_swap()
        old = None
        if out.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
            old.rmdir()
            os.rename(out, old)
        try:
            os.rename(staging, out)
        except BaseException:
            if old is not None:
                os.rename(old, out)
            raise
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
