"""The subprocesses of one corpus row: generate (per formatter), probe, mypy, openapi-python-client.

Each child's wall time and peak RSS come from ``os.wait4`` on that child (the largest resident
set of the process and of the helpers it waited for, such as formatter workers). Every child
gets a fresh, private formatting cache (``$CF1_CODEGEN_CACHE_DIR`` under the run's scratch
folder): timings are cold and nothing cached by anyone else is trusted. Children run with
``PYTHONDONTWRITEBYTECODE`` (nothing is written beside the generated code), so the generator's own
modules are byte-compiled once first (:func:`byte_compile_generator`), the state pip leaves an
installed package in, and openapi-python-client's is in: otherwise every run compiled the
generator's ~100 modules from source (0.14 s each time, on this VM).
"""

from __future__ import annotations

import compileall
import dataclasses
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bench.corpus.contract import ContractResult

ROOT = Path(__file__).resolve().parents[2]
GENERATE_TIMEOUT = 900
MYPY_TIMEOUT = 900
_MYPY_ERROR = re.compile(r"^[^:\n]+:\d+(?::\d+)?: error: ", re.M)


@dataclass
class Timed:
    code: int
    seconds: float
    peak_mb: float
    stdout: str
    stderr: str


@dataclass
class Row:
    """Everything measured on one document; ``None`` where a step did not run."""

    document: str
    generated: dict[str, Timed] = field(default_factory=dict)
    probe: dict[str, Any] = field(default_factory=dict)
    mypy_errors: int | None = None
    mypy_output: str = ""
    opc: Timed | None = None
    contract: ContractResult | None = None  # its generated contract tests (``--contract``)


def timed(
    args: list[str], *, cwd: Path, env: dict[str, str] | None = None, timeout: float
) -> Timed:
    """Run ``args``; its exit code, wall time, peak RSS (MB) and output."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        child = subprocess.Popen(
            args,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            start_new_session=True,
        )
        code, peak_kb = _wait(child, timeout)
        seconds = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(errors="replace"), err.read().decode(errors="replace")
    return Timed(code, seconds, peak_kb / 1024, stdout, stderr)


def _wait(child: subprocess.Popen[bytes], timeout: float) -> tuple[int, int]:
    deadline = time.monotonic() + timeout
    while True:
        pid, status, usage = os.wait4(child.pid, os.WNOHANG)
        if pid:
            child.returncode = os.waitstatus_to_exitcode(status)
            return child.returncode, usage.ru_maxrss
        if time.monotonic() > deadline:
            os.killpg(child.pid, 9)
            _, status, usage = os.wait4(child.pid, 0)
            child.returncode = -9
            return -9, usage.ru_maxrss
        time.sleep(0.02)


def byte_compile_generator() -> None:
    """Write the bytecode of the generator's modules beside them (``__pycache__``, git-ignored),
    as ``pip install`` does for an installed package; its children only read it."""
    if not compileall.compile_dir(ROOT / "generator", quiet=1):
        raise SystemExit(f"{ROOT / 'generator'}: could not byte-compile the generator")


def _env(scratch: Path, name: str) -> dict[str, str]:
    env = dict(os.environ)
    env["CF1_CODEGEN_CACHE_DIR"] = str(scratch / "cache" / name)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def generate(doc: Path, out: Path, formatter: str, scratch: Path) -> Timed:
    args = [
        sys.executable,
        "-m",
        "generator",
        "generate",
        "--no-config",
        "--spec",
        str(doc.resolve()),
        "--out",
        str(out),
        "--formatter",
        formatter,
    ]
    return timed(args, cwd=ROOT, env=_env(scratch, f"{out.name}"), timeout=GENERATE_TIMEOUT)


def probe(doc: Path, out: Path | None, scratch: Path) -> dict[str, Any]:
    args = [sys.executable, "-m", "bench.corpus.probe", str(doc.resolve())] + (
        [str(out)] if out else []
    )
    done = timed(args, cwd=ROOT, env=_env(scratch, "probe"), timeout=GENERATE_TIMEOUT)
    lines = done.stdout.strip().splitlines()
    if done.code != 0 or not lines:
        return {"error": (done.stderr.strip().splitlines() or [f"probe exited {done.code}"])[-1]}
    result: dict[str, Any] = json.loads(lines[-1])
    return result


def mypy(out: Path, package: str, scratch: Path) -> tuple[int, str]:
    """``mypy --strict`` on the generated package; (errors, output). A crash counts as an error."""
    cache = scratch / "mypy" / out.name
    args = [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(cache), "-p", package]
    done = timed(args, cwd=out, env=_env(scratch, "mypy"), timeout=MYPY_TIMEOUT)
    errors = len(_MYPY_ERROR.findall(done.stdout))
    if done.code not in (0, 1) or (done.code == 1 and errors == 0):
        errors = max(errors, 1)
    return errors, done.stdout + done.stderr


def opc_command() -> list[str] | None:
    """openapi-python-client's command line, when installed (the ``bench`` extra)."""
    beside = Path(sys.executable).parent / "openapi-python-client"
    if beside.is_file():
        return [str(beside)]
    found = shutil.which("openapi-python-client")
    return [found] if found else None


def opc(doc: Path, out: Path, scratch: Path) -> Timed | None:
    command = opc_command()
    if command is None:
        return None
    args = [
        *command,
        "generate",
        "--path",
        str(doc.resolve()),
        "--output-path",
        str(out),
        "--overwrite",
    ]
    return timed(args, cwd=scratch, env=_env(scratch, "opc"), timeout=GENERATE_TIMEOUT)


def run_document(
    doc: Path, scratch: Path, formatters: list[str], *, with_opc: bool, rounds: int = 1
) -> Row:
    """One row: the first formatter's output is probed and type-checked (the gate), the others
    are timed; openapi-python-client last. With ``rounds`` > 1 every generator runs that many
    times, in turn (each formatter, then openapi-python-client, again), and each time is the
    median of its rounds (the peak memory their largest)."""
    row = _first_round(doc, scratch, formatters, with_opc=with_opc)
    again: dict[str, list[Timed]] = {}
    for n in range(2, rounds + 1):
        for formatter in formatters:  # a folder of its own: a fresh, cold format cache too
            out = scratch / "again" / f"{doc.stem}-{formatter}-round{n}"
            again.setdefault(formatter, []).append(generate(doc, out, formatter, scratch))
            shutil.rmtree(out, ignore_errors=True)
        if with_opc:
            timed_opc = opc(doc, scratch / "again" / f"{doc.stem}-opc", scratch)
            if timed_opc is not None:
                again.setdefault("opc", []).append(timed_opc)
            shutil.rmtree(scratch / "again" / f"{doc.stem}-opc", ignore_errors=True)
    for formatter, more in again.items():
        if formatter in row.generated:
            row.generated[formatter] = _folded(row.generated[formatter], more)
    if row.opc is not None and "opc" in again:
        row.opc = _folded(row.opc, again["opc"])
    return row


def _folded(first: Timed, more: list[Timed]) -> Timed:
    """``first`` (its exit code and output) with the median time and the largest peak of all
    rounds; a round that failed is the result instead (a failure is never averaged away)."""
    every = [first, *more]
    failed = next((t for t in every if t.code != 0), None)
    if failed is not None:
        return failed
    return dataclasses.replace(
        first,
        seconds=statistics.median(t.seconds for t in every),
        peak_mb=max(t.peak_mb for t in every),
    )


def _first_round(doc: Path, scratch: Path, formatters: list[str], *, with_opc: bool) -> Row:
    row = Row(doc.name)
    checked: Path | None = None
    for formatter in formatters:
        out = scratch / "out" / f"{doc.stem}-{formatter}"
        row.generated[formatter] = generate(doc, out, formatter, scratch)
        if checked is None and row.generated[formatter].code == 0:
            checked = out
        if formatter != formatters[0]:
            shutil.rmtree(out, ignore_errors=True)
    row.probe = probe(doc, checked, scratch)
    package = row.probe.get("package")
    if checked is not None and isinstance(package, str):
        row.mypy_errors, row.mypy_output = mypy(checked, package, scratch)
    if with_opc:
        row.opc = opc(doc, scratch / "opc" / doc.stem, scratch)
        shutil.rmtree(scratch / "opc" / doc.stem, ignore_errors=True)
    return row
