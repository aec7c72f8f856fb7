"""7. Memory of ``bulk_create_all`` with 100,000 events vs raw httpx sending the same chunks.

Each sample is a fresh process that imports everything (httpx, pydantic, the client and its
models), sends one small chunk to warm up (adapters built, pools filled), notes its resident set,
then sends N full events read lazily from a generator, ``chunk_size`` (500) per request, to an
``httpx.MockTransport`` answering as the API does (202, the v4 envelope). The figure is how far the
peak resident set (``VmHWM``, reset after the warm-up) rose above the note: what the events cost,
whatever the process held before. The raw loop posts each chunk with ``json=`` (full URL, token per call) and checks
the answer. ``tracemalloc`` peaks (Python allocations only: pydantic-core's own buffers are not
traced) are shown in the notes. Contenders alternate; the median is quoted.
Target: ours (sync) <= 1.2x raw.
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import subprocess
import sys
import tracemalloc
from collections.abc import Callable, Iterator
from typing import Any

import httpx

from bench._clients import BULK_PATH
from bench._harness import (
    ACCOUNT,
    BASE_URL,
    DATASET,
    TOKEN,
    Row,
    Table,
    bulk_answer,
    emit,
    event_item,
    fmt_bytes,
    parser,
)

CHUNK = 500


def events(n: int) -> Iterator[dict[str, Any]]:
    return (event_item(i) for i in range(n))


def _transport() -> httpx.MockTransport:
    body = bulk_answer(CHUNK, created_events=False)  # every chunk is whole: n is a multiple
    headers = [(b"content-type", b"application/json")]

    def handler(request: httpx.Request) -> httpx.Response:
        request.read()
        return httpx.Response(202, headers=headers, content=body)

    return httpx.MockTransport(handler)


def raw(n: int) -> None:
    http = httpx.Client(transport=_transport())
    source = events(n)
    while chunk := list(itertools.islice(source, CHUNK)):
        response = http.post(
            f"{BASE_URL}{BULK_PATH}",
            json={"data": chunk, "datasetId": DATASET},
            headers={"Authorization": f"Bearer {TOKEN}"},
        )
        response.raise_for_status()
        assert response.json()["success"]


def ours(n: int) -> None:
    from cloudforce_one_events import Client

    http = httpx.Client(transport=_transport())
    client = Client(api_token=TOKEN, account_id=ACCOUNT, base_url=BASE_URL, http_client=http)
    report = client.events.bulk_create_all(events(n), dataset_id=DATASET, chunk_size=CHUNK)
    assert report.consumed == n and report.ok, report


def ours_async(n: int) -> None:
    import asyncio

    from cloudforce_one_events import AsyncClient

    async def go() -> None:
        http = httpx.AsyncClient(transport=_transport())
        client = AsyncClient(
            api_token=TOKEN, account_id=ACCOUNT, base_url=BASE_URL, http_client=http
        )
        report = await client.events.bulk_create_all(
            events(n), dataset_id=DATASET, chunk_size=CHUNK, max_concurrency=4
        )
        assert report.consumed == n and report.ok, report
        await http.aclose()

    asyncio.run(go())


CONTENDERS: dict[str, tuple[str, Callable[[int], None]]] = {
    "raw": ("raw httpx: same chunks, json=", raw),
    "ours": ("ours: bulk_create_all (sync)", ours),
    "async": ("ours: bulk_create_all (async, 4 in flight)", ours_async),
}


def _status() -> dict[str, int]:
    text = open("/proc/self/status").read()
    return {k: int(re.search(rf"{k}:\s+(\d+)", text).group(1)) * 1024 for k in ("VmRSS", "VmHWM")}  # type: ignore[union-attr]


def _reset_peak() -> None:
    """Start ``VmHWM`` again from the current resident set (Linux: ``clear_refs`` 5), so what
    the warm-up held for a moment does not count."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:  # pragma: no cover - older kernels: the peak then includes the warm-up
        pass


def child(name: str, n: int, traced: bool) -> dict[str, int]:
    import pydantic  # noqa: F401

    import cloudforce_one_events  # noqa: F401

    run = CONTENDERS[name][1]
    run(CHUNK)  # warm-up: adapters, models, pools
    if traced:
        tracemalloc.start()
        run(n)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return {"traced": peak}
    _reset_peak()
    mark = _status()["VmRSS"]
    run(n)
    return {"rss": _status()["VmHWM"] - mark}


def _sample(name: str, n: int, traced: bool) -> int:
    argv = [sys.executable, "-m", "bench.bench_memory", "--child", name, str(n)]
    if traced:
        argv.append("--traced")
    done = subprocess.run(argv, capture_output=True, text=True, check=True)
    return int(next(iter(json.loads(done.stdout).values())))


def run(
    *, events_n: int = 100_000, rounds: int = 5, names: tuple[str, ...] = ("raw", "ours", "async")
) -> Table:
    samples: dict[str, list[float]] = {name: [] for name in names}
    for _ in range(rounds):
        for name in names:
            samples[name].append(_sample(name, events_n, False))
    traced = {name: _sample(name, events_n, True) for name in names}
    rows = [Row(CONTENDERS[name][0], samples[name], unit="bytes") for name in names]
    for row, name in zip(rows, names):
        row.note = f"tracemalloc peak {fmt_bytes(traced[name])}"
    return Table(
        f"7. bulk_create_all of {events_n:,} full events, chunks of {CHUNK}: peak resident set above the warmed-up process",
        rows,
        target="ours (sync) <= 1.2x raw",
    )


def main(argv: list[str] | None = None) -> int:
    p = parser(__doc__.splitlines()[0])
    p.add_argument("--events", type=int, default=100_000)
    p.add_argument("--child", nargs=2, metavar=("NAME", "N"), help=argparse.SUPPRESS)
    p.add_argument("--traced", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child[0], int(args.child[1]), args.traced)))
        return 0
    rounds = 1 if args.quick else max(3, args.rounds // 2)
    emit([run(events_n=2_000 if args.quick else args.events, rounds=rounds)], args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
