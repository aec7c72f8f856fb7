"""The generated contract tests of a corpus document, run against Prism (``--contract``).

Each generated client carries its own tests (``tests/``: Prism started by ``prism_servers.py``,
every operation called, every violation Prism reports a failure). This runs them in a child
process with the generated package importable, Prism taken from this checkout's
``node_modules`` (``npm ci``) unless ``$PRISM_BIN`` says otherwise, and reads pytest's summary.

``modules``: to bound CI time on large documents, at most that many per-resource test modules
run, chosen deterministically: the modules sorted by name, every k-th one (k = ceil(count /
modules)), so the subset spans the API; ``test_contract_prism.py`` (Prism really rejects bad
requests) and ``test_contract_routing.py`` always run. ``None``: every module.
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass
from pathlib import Path

from bench.corpus.run import ROOT, timed

CONTRACT_TIMEOUT = 1800
ALWAYS = ("test_contract_prism.py", "test_contract_routing.py")
_COUNT = re.compile(r"(\d+) (passed|failed|errors?)\b")


@dataclass
class ContractResult:
    passed: int
    failed: int  # failed tests plus errors (a teardown error is a Prism violation)
    modules: int  # test modules run
    of_modules: int  # test modules the client has
    seconds: float
    output: str  # the tail of pytest's output, for the reasons

    @property
    def ok(self) -> bool:
        return self.failed == 0 and self.passed > 0


def chosen_modules(tests: Path, modules: int | None) -> tuple[list[Path], int]:
    """(the test modules to run, how many there are)."""
    every = sorted(tests.glob("test_*.py"))
    fixed = [m for m in every if m.name in ALWAYS]
    rest = [m for m in every if m.name not in ALWAYS]
    if modules is None or len(rest) <= modules:
        return every, len(every)
    step = math.ceil(len(rest) / max(1, modules))
    return sorted(fixed + rest[::step]), len(every)


def run_contract(out: Path, scratch: Path, modules: int | None) -> ContractResult:
    """pytest over the generated client's tests in ``out`` (see the module docstring)."""
    import sys

    chosen, total = chosen_modules(out / "tests", modules)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(out), env.get("PYTHONPATH", "")]))
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    prism = ROOT / "node_modules" / ".bin" / "prism"
    if "PRISM_BIN" not in env and prism.is_file():
        env["PRISM_BIN"] = str(prism)
    (scratch / "contract").mkdir(parents=True, exist_ok=True)
    args = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "--tb=line",
        "-o",
        "addopts=",
        "--basetemp",
        str(scratch / "contract" / out.name),
        *[str(m.relative_to(out)) for m in chosen],
    ]
    done = timed(args, cwd=out, env=env, timeout=CONTRACT_TIMEOUT)
    summary = done.stdout.strip().splitlines()[-1:] or [""]
    counts = {kind.rstrip("s"): int(n) for n, kind in _COUNT.findall(summary[0])}
    failed = counts.get("failed", 0) + counts.get("error", 0)
    if done.code not in (0, 1) or (done.code == 1 and failed == 0):
        failed = max(failed, 1)  # pytest itself failed (no Prism, a collection error ...)
    tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-40:])
    return ContractResult(counts.get("passed", 0), failed, len(chosen), total, done.seconds, tail)
