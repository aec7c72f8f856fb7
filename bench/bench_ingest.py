"""Bulk ingestion: ``bulk_create_all`` against a plain loop of raw httpx posts, and its memory.

Usage::

    python bench/bench_ingest.py [--events N] [--memory-events M] [--rounds R] [--chunk-size C]

1. Throughput: N events (default 100,000) go through an ``httpx.MockTransport`` that answers every
   bulk request at once with a fixed 202 body, so what is measured is the client side: reading,
   validating, chunking, serializing, sending, bookkeeping. The contenders run in alternating
   rounds; the table gives the median time, events/s, the ratio to the baseline (a plain loop of
   raw ``httpx.Client.post`` calls with the same chunking and no validation) and the peak memory
   traced by ``tracemalloc`` in a separate run.
2. Memory: generators of M/100, M/10 and M events (default M = 1,000,000) through the sync
   helper under ``tracemalloc``: the peak stays flat as the input grows. Time is not asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import itertools
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import httpx

from cloudforce_one_events import AsyncClient, Client

BASE_URL = "https://api.test/client/v4"
ACCOUNT = "0123456789abcdef0123456789abcdef"
TOKEN = "bench-token-0123456789abcdef"
DATASET = "182bd5e5-6e1a-4fe4-a799-aa6d9a6ab26e"
BULK_URL = f"{BASE_URL}/accounts/{ACCOUNT}/cloudforce-one/events/create/bulk"
ANSWER = (
    b'{"createdEventsCount": 0, "createdTagsCount": 0, "errorCount": 0, '
    b'"queuedIndicatorsCount": 0, "errors": []}'
)


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
    return httpx.Response(202, content=ANSWER, headers={"Content-Type": "application/json"})


async def _answer_async(request: httpx.Request) -> httpx.Response:
    return _answer(request)


# --- contenders ---------------------------------------------------------------------


def raw_loop(n: int, chunk_size: int) -> int:
    """The baseline: chunk with islice, post each chunk with httpx, check the status."""
    sent = 0
    headers = {"Authorization": f"Bearer {TOKEN}"}
    with httpx.Client(transport=httpx.MockTransport(_answer)) as http:
        source = make_events(n)
        while True:
            chunk = list(itertools.islice(source, chunk_size))
            if not chunk:
                break
            response = http.post(
                BULK_URL, json={"datasetId": DATASET, "data": chunk}, headers=headers
            )
            response.raise_for_status()
            sent += len(chunk)
    return sent


def helper_sync(n: int, chunk_size: int) -> int:
    http = httpx.Client(transport=httpx.MockTransport(_answer))
    with Client(api_token=TOKEN, account_id=ACCOUNT, base_url=BASE_URL, http_client=http) as client:
        report = client.events.bulk_create_all(
            make_events(n), dataset_id=DATASET, chunk_size=chunk_size
        )
    http.close()
    assert report.created == n and report.ok, report
    return report.created


def helper_async(n: int, chunk_size: int, concurrency: int = 4) -> int:
    async def run() -> int:
        http = httpx.AsyncClient(transport=httpx.MockTransport(_answer_async))
        async with AsyncClient(
            api_token=TOKEN, account_id=ACCOUNT, base_url=BASE_URL, http_client=http
        ) as client:
            report = await client.events.bulk_create_all(
                make_events(n),
                dataset_id=DATASET,
                chunk_size=chunk_size,
                max_concurrency=concurrency,
            )
        await http.aclose()
        assert report.created == n and report.ok, report
        return report.created

    return asyncio.run(run())


CONTENDERS: list[tuple[str, Callable[[int, int], int]]] = [
    ("raw httpx loop (baseline)", raw_loop),
    ("bulk_create_all (sync)", helper_sync),
    ("bulk_create_all (async, 4 in flight)", helper_async),
]


# --- measuring ------------------------------------------------------------------------


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
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:.1f} {unit}" if unit != "B" else f"{int(n)} B"
        n /= 1024
    return f"{n:.1f} GiB"


def throughput(events: int, rounds: int, chunk_size: int) -> list[str]:
    samples: dict[str, list[float]] = {name: [] for name, _ in CONTENDERS}
    for name, run in CONTENDERS:  # warm up (imports, adapters)
        run(min(events, chunk_size), chunk_size)
    for _ in range(rounds):  # alternating rounds: noise hits every contender alike
        for name, run in CONTENDERS:
            gc.collect()
            started = time.perf_counter()
            run(events, chunk_size)
            samples[name].append(time.perf_counter() - started)
    peaks = {name: peak_memory(lambda r=run: r(events, chunk_size)) for name, run in CONTENDERS}
    base = statistics.median(samples[CONTENDERS[0][0]])
    width = max(len(name) for name, _ in CONTENDERS) + 2
    lines = [
        f"## Bulk ingestion: {events:,} events, chunks of {chunk_size}, MockTransport "
        f"(median of {rounds} rounds)",
        "",
        f"| {'contender'.ljust(width)} | {'median':>9} | {'events/s':>10} | {'ratio':>6} | "
        f"{'peak memory':>11} |",
        f"|{'-' * (width + 2)}|{'-' * 10}:|{'-' * 11}:|{'-' * 7}:|{'-' * 12}:|",
    ]
    for name, _ in CONTENDERS:
        median = statistics.median(samples[name])
        lines.append(
            f"| {name.ljust(width)} | {median:>8.3f}s | {events / median:>10,.0f} | "
            f"{median / base:>5.2f}x | {fmt_bytes(peaks[name]):>11} |"
        )
    lines += [
        "",
        "ratio: time relative to the baseline (lower is faster). The helper validates every "
        "event with pydantic and keeps a per-event report; the baseline does neither.",
    ]
    return lines


def memory(events: int, chunk_size: int) -> list[str]:
    sizes = sorted({max(events // 100, 1), max(events // 10, 1), events})
    lines = [
        f"## Peak memory of bulk_create_all (sync) over a generator, chunks of {chunk_size}",
        "",
        f"| {'events':>10} | {'peak memory':>11} | {'time':>8} |",
        f"|{'-' * 11}:|{'-' * 12}:|{'-' * 9}:|",
    ]
    for n in sizes:
        started = time.perf_counter()
        peak = peak_memory(lambda n=n: helper_sync(n, chunk_size))
        elapsed = time.perf_counter() - started
        lines.append(f"| {n:>10,} | {fmt_bytes(peak):>11} | {elapsed:>7.1f}s |")
    lines += [
        "",
        "Flat: the peak does not grow with the number of events (time under tracemalloc).",
    ]
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--events", type=int, default=100_000, help="events per throughput run")
    parser.add_argument(
        "--memory-events", type=int, default=1_000_000, help="largest generator for the memory run"
    )
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds (median)")
    parser.add_argument("--chunk-size", type=int, default=500)
    args = parser.parse_args(argv)
    out: list[str] = []
    out += throughput(args.events, args.rounds, args.chunk_size)
    out.append("")
    out += memory(args.memory_events, args.chunk_size)
    print("\n".join(out))
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
