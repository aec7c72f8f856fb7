"""Bulk ingestion: ``bulk_create_all`` and the ingest command against raw httpx, in four tables.

Usage::

    python -m bench.bench_ingest [--events N] [--memory-events M] [--live-events L]
        [--delay S] [--duplicates-events D] [--interrupts K] [--rounds R] [--chunk-size C]

1. Throughput, client side: N events (default 100,000) through an ``httpx.MockTransport`` that
   answers every chunk at once; a plain loop of raw ``httpx.Client.post`` calls with the same
   chunking and no validation is the baseline. Alternating rounds, medians.
2. Memory: M events (default 100,000) from a generator, peak traced by ``tracemalloc``: raw httpx
   loop, the sync helper, the async helper (4 in flight); and the sync helper at M/10 (flat).
3. Against a slow API: L events (default 50,000), 4 requests in flight, a real server on
   127.0.0.1 (its own process) answering each chunk after S seconds (default 0.05): raw httpx with
   4 async workers, ``bulk_create_all`` (async, 4 in flight), and the ingest command (a fresh
   process: start-up, input check, journal). The ideal is requests / 4 x S.
4. Duplicates: the ingest command over D events (default 20,000) interrupted by SIGINT at K
   random moments (default 5), then run again to the end; the server counts events stored twice.

Nothing here is asserted: tests/bulk/test_bulk_bench.py only runs it at tiny sizes.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import itertools
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import httpx

from cloudforce_one_events import AsyncClient, Client

BASE_URL = "https://api.test/client/v4"
ACCOUNT = "0123456789abcdef0123456789abcdef"
TOKEN = "bench-token-0123456789abcdef"
DATASET = "182bd5e5-6e1a-4fe4-a799-aa6d9a6ab26e"
BULK = f"/accounts/{ACCOUNT}/cloudforce-one/events/create/bulk"


def make_events(n: int) -> Iterator[dict[str, Any]]:
    """``n`` distinct, valid events, generated lazily."""
    for i in range(n):
        yield {
            "category": "Malware",
            "date": "2024-05-01T12:00:00Z",
            "event": f"Beacon to C2 #{i}",
            "tlp": "amber",
            "indicator": f"198.51.{(i >> 8) & 255}.{i & 255}",
            "indicatorType": "IPv4",
            "tags": ["botnet", "c2"],
            "raw": {"data": {"seq": i, "src": "bench"}, "source": "bench-feed"},
        }


def _answer(request: httpx.Request) -> httpx.Response:
    """What the API answers: the v4 envelope with the counts of the chunk (one key per event)."""
    count = request.content.count(b'"category"')
    result = (
        b'{"success": true, "errors": [], "messages": [], "result": {"createdEventsCount": %d, '
        b'"createdTagsCount": 0, "errorCount": 0, "queuedIndicatorsCount": 0, "errors": []}}'
        % count
    )
    return httpx.Response(202, content=result, headers={"Content-Type": "application/json"})


async def _answer_async(request: httpx.Request) -> httpx.Response:
    return _answer(request)


# --- contenders -------------------------------------------------------------------------


def raw_loop(n: int, chunk_size: int, transport: httpx.BaseTransport | None = None,
             base: str = BASE_URL) -> int:  # fmt: skip
    """The baseline: chunk with islice, post each chunk with httpx, check the status."""
    sent = 0
    headers = {"Authorization": f"Bearer {TOKEN}"}
    with httpx.Client(transport=transport or httpx.MockTransport(_answer)) as http:
        source = make_events(n)
        while chunk := list(itertools.islice(source, chunk_size)):
            response = http.post(base + BULK, json={"datasetId": DATASET, "data": chunk},
                                 headers=headers)  # fmt: skip
            response.raise_for_status()
            sent += len(chunk)
    return sent


def raw_async(n: int, chunk_size: int, concurrency: int = 4, base: str = BASE_URL,
              live: bool = False) -> int:  # fmt: skip
    """The baseline with ``concurrency`` asyncio workers sharing one generator."""

    async def run() -> int:
        source = make_events(n)
        headers = {"Authorization": f"Bearer {TOKEN}"}
        transport = None if live else httpx.MockTransport(_answer_async)
        sent = 0
        async with httpx.AsyncClient(transport=transport, timeout=60) as http:

            async def worker() -> None:
                nonlocal sent
                while chunk := list(itertools.islice(source, chunk_size)):
                    response = await http.post(base + BULK, headers=headers,
                                               json={"datasetId": DATASET, "data": chunk})  # fmt: skip
                    response.raise_for_status()
                    sent += len(chunk)

            await asyncio.gather(*(worker() for _ in range(concurrency)))
        return sent

    return asyncio.run(run())


def helper_sync(n: int, chunk_size: int) -> int:
    http = httpx.Client(transport=httpx.MockTransport(_answer))
    with Client(api_token=TOKEN, account_id=ACCOUNT, base_url=BASE_URL, http_client=http) as client:
        report = client.events.bulk_create_all(make_events(n), dataset_id=DATASET,
                                               chunk_size=chunk_size)  # fmt: skip
    http.close()
    assert report.created == n and report.ok, report
    return report.created


def helper_async(n: int, chunk_size: int, concurrency: int = 4, base: str = BASE_URL,
                 live: bool = False) -> int:  # fmt: skip

    async def run() -> int:
        http = None if live else httpx.AsyncClient(transport=httpx.MockTransport(_answer_async))
        async with AsyncClient(api_token=TOKEN, account_id=ACCOUNT, base_url=base,
                               http_client=http) as client:  # fmt: skip
            report = await client.events.bulk_create_all(
                make_events(n), dataset_id=DATASET, chunk_size=chunk_size,
                max_concurrency=concurrency,
            )  # fmt: skip
        if http is not None:
            await http.aclose()
        assert report.created == n and report.ok, report
        return report.created

    return asyncio.run(run())


# --- measuring --------------------------------------------------------------------------


def peak_memory(run: Callable[[], object]) -> int:
    """Peak bytes traced by tracemalloc while ``run`` runs."""
    gc.collect()
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        run()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def fmt_bytes(n: float) -> str:
    for unit in ("B", "KiB", "MiB"):
        if n < 1024:
            return f"{n:.1f} {unit}" if unit != "B" else f"{int(n)} B"
        n /= 1024
    return f"{n:.1f} GiB"


def alternate(
    contenders: Sequence[tuple[str, Callable[[], object]]], rounds: int
) -> dict[str, float]:
    """Median seconds of each contender over alternating rounds (after one warm-up each)."""
    samples: dict[str, list[float]] = {name: [] for name, _ in contenders}
    for _, run in contenders:
        run()
    for _ in range(rounds):
        for name, run in contenders:
            gc.collect()
            started = time.perf_counter()
            run()
            samples[name].append(time.perf_counter() - started)
    return {name: statistics.median(times) for name, times in samples.items()}


def table(title: str, rows: list[tuple[str, ...]], header: tuple[str, ...]) -> list[str]:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]

    def line(r: tuple[str, ...]) -> str:
        return "| " + " | ".join(str(c).ljust(w) for c, w in zip(r, widths)) + " |"

    return [f"## {title}", "", line(header), "|" + "|".join("-" * (w + 2) for w in widths) + "|",
            *map(line, rows), ""]  # fmt: skip


# --- the four tables ----------------------------------------------------------------------


def throughput(events: int, rounds: int, chunk_size: int) -> list[str]:
    contenders: list[tuple[str, Callable[[], object]]] = [
        ("raw httpx loop (baseline)", lambda: raw_loop(events, chunk_size)),
        ("bulk_create_all (sync)", lambda: helper_sync(events, chunk_size)),
        ("raw httpx, 4 async workers", lambda: raw_async(events, chunk_size)),
        ("bulk_create_all (async, 4 in flight)", lambda: helper_async(events, chunk_size)),
    ]
    medians = alternate(contenders, rounds)
    base = medians[contenders[0][0]]
    rows = [
        (name, f"{t:.3f} s", f"{events / t:,.0f}", f"{t / base:.2f}x")
        for name, t in medians.items()
    ]
    return table(f"1. Throughput: {events:,} events, chunks of {chunk_size}, MockTransport "
                 f"(median of {rounds} alternating rounds)", rows,
                 ("contender", "median", "events/s", "ratio"))  # fmt: skip


def memory(events: int, chunk_size: int) -> list[str]:
    runs: list[tuple[str, Callable[[], object]]] = [
        ("raw httpx loop (baseline)", lambda: raw_loop(events, chunk_size)),
        ("bulk_create_all (sync)", lambda: helper_sync(events, chunk_size)),
        ("raw httpx, 4 async workers", lambda: raw_async(events, chunk_size)),
        ("bulk_create_all (async, 4 in flight)", lambda: helper_async(events, chunk_size)),
        (f"bulk_create_all (sync), {max(events // 10, 1):,} events",
         lambda: helper_sync(max(events // 10, 1), chunk_size)),
    ]  # fmt: skip
    peaks = {name: peak_memory(run) for name, run in runs}
    base, base_async = peaks[runs[0][0]], peaks[runs[2][0]]
    rows = []
    for name, peak in peaks.items():
        against = base_async if "async" in name else base
        rows.append((name, fmt_bytes(peak), f"{peak / against:.2f}x"))
    return table(f"2. Peak memory (tracemalloc), {events:,} events from a generator, chunks of "
                 f"{chunk_size} (async rows against the async baseline)", rows,
                 ("contender", "peak", "ratio"))  # fmt: skip


class BulkServer:
    """bench/_bulk_server.py in its own process."""

    def __init__(self, delay: float) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bench._bulk_server", "--delay", str(delay)],
            stdout=subprocess.PIPE, text=True, cwd=Path(__file__).resolve().parent.parent,
        )  # fmt: skip
        assert self.process.stdout is not None
        self.url = self.process.stdout.readline().strip()

    def stats(self) -> dict[str, int]:
        return dict(httpx.get(self.url + "/stats").json())

    def reset(self) -> None:
        httpx.post(self.url + "/reset", json={})

    def close(self) -> None:
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:  # an interrupt that landed outside serve_forever
            self.process.kill()
            self.process.wait(timeout=10)


def cli(url: str, source: Path, chunk_size: int, concurrency: int = 4) -> subprocess.Popen[str]:
    env = {**os.environ, "CLOUDFLARE_API_TOKEN": TOKEN, "CLOUDFLARE_ACCOUNT_ID": ACCOUNT,
           "CLOUDFLARE_BASE_URL": url}  # fmt: skip
    args = [sys.executable, "-m", "cloudforce_one_events", "ingest", str(source), "--dataset-id",
            DATASET, "--chunk-size", str(chunk_size), "--concurrency", str(concurrency)]  # fmt: skip
    return subprocess.Popen(
        args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def write_input(folder: Path, events: int) -> Path:
    source = folder / "events.jsonl"
    with source.open("w") as out:
        for item in make_events(events):
            out.write(json.dumps(item) + "\n")
    return source


def slow_api(events: int, delay: float, rounds: int, chunk_size: int, folder: Path) -> list[str]:
    server = BulkServer(delay)
    source = write_input(folder, events)

    def command() -> None:
        journal = Path(str(source) + ".ingest-journal")
        journal.unlink(missing_ok=True)
        process = cli(server.url, source, chunk_size)
        out, err = process.communicate(timeout=600)
        assert process.returncode == 0, out + err

    try:
        contenders: list[tuple[str, Callable[[], object]]] = [
            ("raw httpx, 4 async workers", lambda: raw_async(events, chunk_size, base=server.url, live=True)),
            ("bulk_create_all (async, 4 in flight)", lambda: helper_async(events, chunk_size, base=server.url, live=True)),
            ("ingest command (new process, journal)", command),
        ]  # fmt: skip
        medians = alternate(contenders, rounds)
    finally:
        server.close()
    requests = -(-events // chunk_size)
    ideal = -(-requests // 4) * delay
    base = medians[contenders[0][0]]
    rows = [
        (name, f"{t:.2f} s", f"{t / base:.2f}x", f"{t / ideal:.2f}x") for name, t in medians.items()
    ]
    return table(f"3. {events:,} events, chunks of {chunk_size}, 4 in flight, an API answering in "
                 f"{delay * 1000:.0f} ms (real server on 127.0.0.1; ideal {ideal:.2f} s; median of "
                 f"{rounds} alternating rounds)", rows, ("contender", "median", "ratio", "vs ideal"))  # fmt: skip


def duplicates(events: int, interrupts: int, chunk_size: int, folder: Path) -> list[str]:
    server = BulkServer(0.01)
    source = write_input(folder, events)
    Path(str(source) + ".ingest-journal").unlink(missing_ok=True)
    rng = random.Random(1)
    codes = []
    try:
        for _ in range(interrupts):
            before = server.stats()["requests"]
            process = cli(server.url, source, chunk_size)
            moment = rng.randrange(1, 12)
            while process.poll() is None and server.stats()["requests"] < before + moment:
                time.sleep(0.005)
            process.send_signal(signal.SIGINT)
            process.communicate(timeout=300)
            codes.append(process.returncode)
        interrupted = server.stats()["stored"]
        final = cli(server.url, source, chunk_size)
        final.communicate(timeout=600)
        stats = server.stats()
    finally:
        server.close()
    rows = [(f"{events:,}", str(interrupts), ", ".join(map(str, codes)), f"{interrupted:,}",
             str(final.returncode), f"{stats['stored']:,}", str(stats["duplicates"]))]  # fmt: skip
    return table("4. The ingest command interrupted by SIGINT at random moments, then run again",
                 rows, ("events", "SIGINTs", "exit statuses", "stored before the last run",
                        "last exit", "stored", "duplicates"))  # fmt: skip


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--events", type=int, default=100_000, help="events per throughput run")
    parser.add_argument("--memory-events", type=int, default=100_000)
    parser.add_argument("--live-events", type=int, default=50_000)
    parser.add_argument("--delay", type=float, default=0.05, help="seconds the slow API takes")
    parser.add_argument("--duplicates-events", type=int, default=20_000)
    parser.add_argument("--interrupts", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds (median)")
    parser.add_argument("--chunk-size", type=int, default=500)
    args = parser.parse_args(argv)
    out: list[str] = []
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as folder:
        out += throughput(args.events, args.rounds, args.chunk_size)
        out += memory(args.memory_events, args.chunk_size)
        out += slow_api(
            args.live_events, args.delay, max(1, args.rounds // 2), args.chunk_size, Path(folder)
        )
        out += duplicates(
            args.duplicates_events, args.interrupts, max(1, args.chunk_size // 5), Path(folder)
        )
    print("\n".join(out))
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
