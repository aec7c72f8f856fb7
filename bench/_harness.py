"""Timing helpers shared by the bench scripts: alternating rounds, medians, tables, fixtures.

Every comparison runs its contenders in alternating rounds (A, B, C, A, B, C, ...) so that a
noisy neighbour slows all of them alike; the figure quoted is the median over the rounds and the
ratio is taken against the first contender (the baseline). In-process rows are timed in CPU time
of the process (``time.process_time``): nothing they run waits on I/O, and time the shared VM
gives to other tenants then does not count (wall time on a busy 2-core machine varied 3x).
Fresh-process rows (start-up, generation) are wall time.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import inspect
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
BASE_URL = "https://api.test/client/v4"
ACCOUNT = "0123456789abcdef0123456789abcdef"
TOKEN = "bench-token-0123456789abcdef"
DATASET = "182bd5e5-6e1a-4fe4-a799-aa6d9a6ab26e"
MIN_ROUNDS = 7


# --- results -----------------------------------------------------------------


@dataclass
class Row:
    name: str
    samples: list[float]
    unit: str = "s"  # what one sample measures: seconds per call (or "process"), or "bytes"
    note: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.samples)


@dataclass
class Table:
    title: str
    rows: list[Row]
    target: str = ""
    notes: list[str] = field(default_factory=list)
    ratio_label: str = "ratio"

    def ratio(self, name: str, baseline: str | None = None) -> float:
        rows = {r.name: r for r in self.rows}
        base = rows[baseline] if baseline else self.rows[0]
        return rows[name].median / base.median

    def render(self) -> str:
        base = self.rows[0].median
        width = max(len("contender"), *(len(r.name) for r in self.rows))
        rw = max(6, len(self.ratio_label))
        lines = [f"### {self.title}", ""]
        lines.append(
            f"| {'contender'.ljust(width)} | {'median':>10} | {self.ratio_label:>{rw}} | rounds | note"
        )
        lines.append(f"|{'-' * (width + 2)}|{'-' * 11}:|{'-' * (rw + 1)}:|-------:|-----")
        for row in self.rows:
            ratio = row.median / base if base else float("nan")
            lines.append(
                f"| {row.name.ljust(width)} | {fmt_value(row.median, row.unit):>10} | {f'{ratio:.2f}x':>{rw}} | {len(row.samples):>6} | {row.note}"
            )
        if self.target:
            lines.append("")
            lines.append(f"Target: {self.target}")
        for note in self.notes:
            lines.append(f"{note}")
        return "\n".join(lines) + "\n"


def fmt_value(value: float, unit: str) -> str:
    return fmt_bytes(value) if unit == "bytes" else fmt_time(value)


def fmt_bytes(n: float) -> str:
    if n >= 1 << 20:
        return f"{n / (1 << 20):.1f} MiB"
    return f"{n / 1024:.0f} KiB"


def fmt_time(seconds: float) -> str:
    if seconds >= 1.0:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds * 1e6:.1f} µs"


# --- timing ------------------------------------------------------------------


CLOCK = time.process_time
"""What one in-process sample measures: CPU seconds of this process (see the module doc)."""


def _per_call(fn: Callable[[], object], number: int) -> float:
    gc.collect()
    start = CLOCK()
    for _ in range(number):
        fn()
    return (CLOCK() - start) / number


_LOOP: asyncio.AbstractEventLoop | None = None


def _loop() -> asyncio.AbstractEventLoop:
    global _LOOP
    if _LOOP is None:
        _LOOP = asyncio.new_event_loop()
    return _LOOP


def run_async(coro: Any) -> Any:
    """Run ``coro`` on the bench's one event loop (set-up and checks of async contenders)."""
    return _loop().run_until_complete(coro)


def timed(fn: Callable[[], Any]) -> Callable[[], object]:
    """``fn`` as a contender: an ``async def`` is awaited ``number`` times inside one running loop
    (one ``run_until_complete`` per round, not per call), so only the calls are timed."""
    if not inspect.iscoroutinefunction(fn):
        return fn

    async def batch(number: int) -> float:
        start = CLOCK()
        for _ in range(number):
            await fn()
        return CLOCK() - start

    def one() -> object:
        return run_async(fn())

    one.batch = batch  # type: ignore[attr-defined]
    return one


def _per_call_any(fn: Callable[[], object], number: int) -> float:
    batch = getattr(fn, "batch", None)
    if batch is None:
        return _per_call(fn, number)
    gc.collect()
    return float(run_async(batch(number))) / number


def calibrate(fn: Callable[[], object], budget: float) -> int:
    """How many calls make one round of about ``budget`` seconds (at least 1)."""
    fn()  # warm caches: adapters, imports
    number = 1
    while True:
        elapsed = _per_call_any(fn, number) * number
        if elapsed >= budget / 4 or number >= 1 << 20:
            break
        number *= 4
    per = elapsed / number
    return max(1, int(budget / per)) if per > 0 else number


def compare(
    contenders: Sequence[tuple[str, Callable[[], object]]],
    *,
    rounds: int = MIN_ROUNDS,
    budget: float = 0.05,
) -> list[Row]:
    """Per-call medians of ``contenders``, run in alternating rounds (``async def`` contenders are
    awaited inside one running event loop: see :func:`timed`)."""
    fns = [timed(fn) for _, fn in contenders]
    numbers = [calibrate(fn, budget) for fn in fns]
    samples: list[list[float]] = [[] for _ in contenders]
    for _ in range(rounds):
        for i, fn in enumerate(fns):
            samples[i].append(_per_call_any(fn, numbers[i]))
    return [Row(name, s) for (name, _), s in zip(contenders, samples)]


def run_process(
    argv: Sequence[str], env: dict[str, str] | None = None, cwd: Path | None = None
) -> float:
    """Wall seconds of one fresh process (which must succeed)."""
    start = time.perf_counter()
    done = subprocess.run(list(argv), env=env, cwd=cwd, capture_output=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(
            f"{' '.join(argv)} failed ({done.returncode}):\n{done.stderr.decode(errors='replace')}"
        )
    return elapsed


def compare_processes(
    contenders: Sequence[tuple[str, Sequence[str]]],
    *,
    rounds: int = MIN_ROUNDS,
    env: dict[str, str] | None = None,
) -> list[Row]:
    """Medians of fresh processes, alternating; one discarded warm-up each (page cache, .pyc)."""
    for _, argv in contenders:
        run_process(argv, env=env)
    samples: list[list[float]] = [[] for _ in contenders]
    for _ in range(rounds):
        for i, (_, argv) in enumerate(contenders):
            samples[i].append(run_process(argv, env=env))
    return [Row(name, s, unit="process") for (name, _), s in zip(contenders, samples)]


# --- fixtures ----------------------------------------------------------------


SNAKE_NAMES = {
    "attackerCountry": "attacker_country",
    "indicatorType": "indicator_type",
    "targetCountry": "target_country",
    "targetIndustry": "target_industry",
}


def event_item(i: int, *, snake: bool = False) -> dict[str, Any]:
    """One full event to create (12 fields), shaped like the spec's example: wire names, or the
    Python names the official SDK takes (``snake``; our client accepts both)."""
    item = {
        "category": "Domain Resolution",
        "date": "2022-04-01T00:00:00Z",
        "event": f"An attacker registered the domain domain{i}.com",
        "raw": {"data": {"foo": "bar", "n": i}},
        "tlp": "amber",
        "attacker": "Example Actor",
        "attackerCountry": "US",
        "indicator": f"domain{i}.com",
        "indicatorType": "domain",
        "tags": ["phishing", "bench"],
        "targetCountry": "DE",
        "targetIndustry": "Finance",
    }
    if snake:
        item = {SNAKE_NAMES.get(k, k): v for k, v in item.items()}
    return item


def small_item(i: int, *, snake: bool = False) -> dict[str, Any]:
    """One small event to create: five fields and ``raw`` (what a feed of bare indicators sends)."""
    return {
        "category": "Domain Resolution",
        "date": "2022-04-01T00:00:00Z",
        "event": f"An attacker registered the domain domain{i}.com",
        "indicator": f"domain{i}.com",
        "tlp": "amber",
        "raw": {"data": {"foo": "bar", "n": i}},
    }


EVENT_SHAPES = {"full": event_item, "small": small_item}


def event_items(n: int, *, snake: bool = False, shape: str = "full") -> list[dict[str, Any]]:
    make = EVENT_SHAPES[shape]
    return [make(i, snake=snake) for i in range(n)]


def envelope(result: Any, result_info: dict[str, Any] | None = None) -> dict[str, Any]:
    """Cloudflare's v4 envelope around ``result``, as the API answers every call."""
    body: dict[str, Any] = {"success": True, "errors": [], "messages": [], "result": result}
    if result_info is not None:
        body["result_info"] = result_info
    return body


def event_record(i: int) -> dict[str, Any]:
    """One event as the API returns it (all fields of the spec's Event)."""
    return {
        "attacker": "Example Actor",
        "attackerCountry": "US",
        "attackerCountryAlpha3": "USA",
        "category": "Domain Resolution",
        "datasetId": DATASET,
        "date": "2022-04-01T00:00:00Z",
        "event": f"An attacker registered the domain domain{i}.com",
        "hasChildren": False,
        "indicator": f"domain{i}.com",
        "indicatorType": "domain",
        "indicatorTypeId": 5,
        "insight": "Seen in a phishing campaign",
        "killChain": 3,
        "mitreAttack": ["T1583.001"],
        "mitreCapec": ["CAPEC-98"],
        "numReferenced": 0,
        "numReferences": 1,
        "rawId": f"raw-{i}",
        "referenced": [],
        "referencedIds": [],
        "references": ["182bd5e5-6e1a-4fe4-a799-aa6d9a6ab26f"],
        "referencesIds": [12],
        "releasabilityId": "rel-1",
        "tags": ["phishing", "bench"],
        "targetCountry": "DE",
        "targetCountryAlpha3": "DEU",
        "targetIndustry": "Finance",
        "tlp": "amber",
        "uuid": f"182bd5e5-6e1a-4fe4-a799-{i:012d}",
    }


def bulk_result(n: int, *, created_events: bool = True) -> dict[str, Any]:
    """The ``result`` of the 202 answer to a bulk create of ``n`` events (the created-event
    locations are listed when the call asked for them: ``includeCreatedEvents``)."""
    result: dict[str, Any] = {
        "createdEventsCount": n,
        "createdTagsCount": 1,
        "errorCount": 0,
        "queuedIndicatorsCount": n,
        "createBulkEventsRequestId": "182bd5e5-6e1a-4fe4-a799-aa6d9a6ab26e",
    }
    if created_events:
        result["createdEvents"] = [
            {"eventIndex": i, "shardId": "shard-1", "uuid": f"182bd5e5-6e1a-4fe4-a799-{i:012d}"}
            for i in range(n)
        ]
    result["errors"] = []
    return result


def bulk_answer(n: int, *, created_events: bool = True) -> bytes:
    """The whole 202 body, in the v4 envelope."""
    return dumps(envelope(bulk_result(n, created_events=created_events)))


def fixed_transport(status: int, body: bytes, *, consume: bool = True) -> httpx.MockTransport:
    """Answers every request with ``body``; the request body is read (as a server would)."""
    headers = [(b"content-type", b"application/json"), (b"cf-ray", b"8a1b2c3d4e5f-BENCH")]

    def handler(request: httpx.Request) -> httpx.Response:
        if consume:
            request.read()
        return httpx.Response(status, headers=headers, content=body)

    return httpx.MockTransport(handler)


def dumps(value: object) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


# --- command line and environment --------------------------------------------


def parser(description: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--quick", action="store_true", help="tiny sizes and short rounds (smoke test)")
    p.add_argument(
        "--rounds", type=int, default=MIN_ROUNDS, help=f"rounds per contender (min {MIN_ROUNDS})"
    )
    p.add_argument("--json", type=Path, default=None, help="also write the table(s) as JSON here")
    p.add_argument(
        "--budget",
        type=float,
        default=None,
        help="seconds per sample (default: the script's); on a busy machine, more and shorter "
        "rounds (e.g. --rounds 41 --budget 0.05) let the medians settle",
    )
    return p


def rounds_of(args: argparse.Namespace) -> int:
    """``--rounds`` (at least MIN_ROUNDS), or 2 with ``--quick`` (a smoke run measures nothing)."""
    return 2 if args.quick else max(MIN_ROUNDS, args.rounds)


def budget_of(args: argparse.Namespace, default: float) -> float:
    """Seconds per sample: ``--budget``, else the script's ``default`` (0.01 with ``--quick``)."""
    if args.quick:
        return 0.01
    return args.budget if args.budget is not None else default


def machine() -> str:
    cpus = os.cpu_count() or 0
    try:
        affinity = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        affinity = cpus
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{affinity} cores{f' ({model})' if model else ''}, {platform.system()} {platform.machine()}, "
        f"Python {platform.python_version()} ({sys.implementation.name})"
    )


def emit(tables: Sequence[Table], json_path: Path | None) -> None:
    for table in tables:
        print(table.render())
    if json_path is not None:
        data = [
            {
                "title": t.title,
                "target": t.target,
                "notes": t.notes,
                "rows": [
                    {"name": r.name, "median": r.median, "samples": r.samples, "note": r.note}
                    for r in t.rows
                ],
            }
            for t in tables
        ]
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps(data, indent=2) + "\n")


def versions(*dists: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    parts = []
    for dist in dists:
        try:
            parts.append(f"{dist} {version(dist)}")
        except PackageNotFoundError:
            parts.append(f"{dist} (not installed)")
    return ", ".join(parts)
