"""Scale: a synthetic document of 2,000 operations and 1,000 component schemas generates and
imports module by module, without circular-import failures.

Formatting is left out (``formatter`` = identity) to keep the suite fast; black's share, the
wall time and the growth with size are measured side by side in ``bench/bench_generate.py``
(no timing is asserted in tests: the machines are noisy). The time taken is printed.
"""

from __future__ import annotations

import importlib
import json
import time
from pathlib import Path

from generator.pipeline import Options, render_all
from generator.write.atomic import write_generation
from generator.write.ownership import Changes
from tests.robustness.support import compile_all, credentials, import_every_module, importable
from tests.robustness.synthetic import synthetic_spec


def _generate(
    tmp: Path, operations: int, schemas: int, package: str
) -> tuple[float, Path, int, int]:
    spec = tmp / f"{package}.json"
    spec.write_text(json.dumps(synthetic_spec(operations, schemas)))
    out = tmp / package
    started = time.perf_counter()
    api, files, warnings = render_all(
        Options(spec, None, out, package_name=package), formatter=lambda source, path: source
    )
    out.mkdir()
    write_generation(out, Changes(files, remove=[], cleaned=[]))
    elapsed = time.perf_counter() - started
    assert not warnings.items, [str(w) for w in warnings][:5]
    return elapsed, out, len(api.operations()), len(api.models)


def test_two_thousand_operations_generate_and_import(tmp_path: Path) -> None:
    elapsed, out, ops, models = _generate(tmp_path, 2000, 1000, "synthetic")
    assert ops == 2000 and models >= 2000  # 1,000 components and their inline objects
    print(f"\n2,000 operations, {models} models: generated (unformatted) in {elapsed:.1f} s")
    assert compile_all(out / "synthetic") > 2000
    started = time.perf_counter()
    with importable(out, "synthetic") as package:
        names = import_every_module(package)
        client = package.Client(**credentials(package))
        assert type(client.group_99).__name__ == "Group99Resource"
        assert callable(client.group_99.g0099_post_1)
        models = importlib.import_module("synthetic.models")
        assert (
            models.G0099Item3.model_validate({"name": "n", "children": [{"name": "c"}]})
            .children[0]
            .name
            == "c"
        )
    print(f"imported {len(names)} modules one by one in {time.perf_counter() - started:.1f} s")
