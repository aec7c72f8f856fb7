"""Scale: a synthetic document of 2,000 operations and 1,000 component schemas generates in well
under a minute and imports module by module; a quarter of it takes about a quarter of the time.

Formatting is left out of the timed run (``formatter`` = identity): black formats a few hundred
KB a second and this client is ~9 MB of Python (plus its generated tests), so with a cold format
cache black alone takes minutes -- that cost belongs to ``generator/formatting.py`` (cache,
parallel workers, ruff). What is timed here is everything the generator itself does: load,
validate, build the IR, render every template, write the tree.
"""

from __future__ import annotations

import importlib
import json
import time
from pathlib import Path

from generator.pipeline import Options, render_all
from generator.writer import write_atomically
from tests.robustness.support import compile_all, import_every_module, importable
from tests.robustness.synthetic import synthetic_spec


def _generate(tmp: Path, operations: int, schemas: int, package: str) -> tuple[float, Path, int, int]:
    spec = tmp / f"{package}.json"
    spec.write_text(json.dumps(synthetic_spec(operations, schemas)))
    out = tmp / package
    started = time.perf_counter()
    api, files, warnings = render_all(Options(spec, None, out, package_name=package), formatter=lambda source, path: source)
    write_atomically(out, files)
    elapsed = time.perf_counter() - started
    assert not warnings.items, [str(w) for w in warnings][:5]
    return elapsed, out, len(api.operations()), len(api.models)


def test_two_thousand_operations_generate_and_import(tmp_path: Path) -> None:
    small, _, small_ops, _ = _generate(tmp_path, 500, 250, "synthetic_small")
    elapsed, out, ops, models = _generate(tmp_path, 2000, 1000, "synthetic")
    assert (small_ops, ops) == (500, 2000) and models >= 2000  # 1,000 components and their inline objects
    print(f"\n2,000 operations, {models} models: generated (unformatted) in {elapsed:.1f} s; 500 operations in {small:.1f} s")
    assert elapsed < 45, f"{elapsed:.1f} s"
    assert elapsed < 8 * small + 5, (small, elapsed)  # linear (x4 the size), with room for noise
    assert compile_all(out / "synthetic") > 2000
    started = time.perf_counter()
    with importable(out, "synthetic") as package:
        names = import_every_module(package)
        client = package.Client(api_token="t")
        assert type(client.group_99).__name__ == "Group99Resource"
        assert callable(client.group_99.g0099_post_1)
        models = importlib.import_module("synthetic.models")
        assert models.G0099Item3.model_validate({"name": "n", "children": [{"name": "c"}]}).children[0].name == "c"
    print(f"imported {len(names)} modules one by one in {time.perf_counter() - started:.1f} s")
