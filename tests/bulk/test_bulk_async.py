"""``AsyncClient.events.bulk_create_all``: the same guarantees with requests in flight at once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Coroutine, Iterator
from typing import Any, TypeVar

import pytest
from bulk_support import (
    DATASET,
    FakeServer,
    async_client,
    check_invariant,
    event,
    events,
    random_faults,
)

from cloudforce_one_events._core.bulk import BulkInputError, BulkReport

T = TypeVar("T")


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


def ingest(server: FakeServer, data: Any, **kwargs: Any) -> tuple[BulkReport, list[float]]:
    client, sleeps = async_client(
        server, **{k: kwargs.pop(k) for k in ("retry_unsafe",) if k in kwargs}
    )

    async def main() -> BulkReport:
        async with client:
            return await client.events.bulk_create_all(data, dataset_id=DATASET, **kwargs)

    return run(main()), sleeps


def test_concurrent_chunks_all_created() -> None:
    server = FakeServer()
    report, _ = ingest(server, events(1000), chunk_size=50, max_concurrency=5)
    check_invariant(report, server, total=1000)
    assert report.ok and report.chunks_sent == 20
    assert server.max_in_flight == 5  # really concurrent, and never more than asked
    assert set(server.received.values()) == {1}


def test_max_concurrency_one_is_sequential() -> None:
    server = FakeServer()
    report, _ = ingest(server, events(100), chunk_size=10, max_concurrency=1)
    assert report.ok and server.max_in_flight == 1


def test_memory_bound_items_read_ahead() -> None:
    server = FakeServer()
    read = 0
    worst = 0

    def source() -> Iterator[dict[str, Any]]:
        nonlocal read, worst
        for i in range(2000):
            read += 1
            done = sum(server.chunk_sizes)
            worst = max(worst, read - done)
            yield event(i)

    report, _ = ingest(server, source(), chunk_size=25, max_concurrency=4)
    assert report.ok
    assert worst <= 25 * (4 + 1)


def test_async_iterable_input() -> None:
    server = FakeServer()

    async def source() -> AsyncIterator[dict[str, Any]]:
        for i in range(95):
            await asyncio.sleep(0)
            yield event(i)

    report, _ = ingest(server, source(), chunk_size=10, max_concurrency=3)
    check_invariant(report, server, total=95)
    assert report.ok and sorted(server.chunk_sizes) == [5] + [10] * 9


def test_per_event_errors_remapped_out_of_order() -> None:
    server = FakeServer()
    report, _ = ingest(
        server,
        events(300, reject=[7, 150, 299], invalid=[42]),
        chunk_size=20,
        max_concurrency=4,
        include_created_events=True,
    )
    check_invariant(report, server, total=300, invalid=[42], listed=True)
    assert [(e.index, e.kind) for e in report.errors] == [
        (7, "server"),
        (42, "validation"),
        (150, "server"),
        (299, "server"),
    ]


def test_429_storm_and_unknown_fates() -> None:
    server = FakeServer(["429", "429", "500", "timeout", "reset", "connect", None, None])
    report, sleeps = ingest(server, events(200), chunk_size=20, max_concurrency=4)
    check_invariant(report, server, total=200)
    assert 3.0 in sleeps  # Retry-After honoured
    maybe = {e.chunk for e in report.errors if e.maybe_created}
    assert len(maybe) == 3 and report.chunks_failed == 3
    assert report.retries >= 3


def test_retry_unsafe_resends_in_async_too() -> None:
    server = FakeServer(["500", None])
    report, sleeps = ingest(server, events(10), max_concurrency=2, retry_unsafe=True)
    assert report.ok and report.retries == 1
    assert server.stored["ev-0"] == 2  # the caller asked for it


@pytest.mark.parametrize("seed", range(12))
def test_random_faults_keep_the_invariant(seed: int) -> None:
    server = FakeServer(random_faults(1000 + seed, rate=0.4))
    invalid = [seed * 5, 333]
    report, _ = ingest(
        server,
        events(500, invalid=invalid, reject=[seed, 77]),
        chunk_size=23,
        max_concurrency=1 + seed % 6,
        include_created_events=seed % 2 == 0,
    )
    check_invariant(report, server, total=500, invalid=invalid, listed=seed % 2 == 0)


def test_stop_on_error_stops_reading_quickly() -> None:
    server = FakeServer(lambda number, ids: "500" if number == 2 else None)
    report, _ = ingest(server, events(10_000), chunk_size=10, max_concurrency=3, stop_on_error=True)
    check_invariant(report, server)
    assert report.stopped
    assert report.consumed <= 10 * (3 + 3)  # what was in flight, then nothing more
    assert report.chunks_failed == 1


def test_failing_async_input() -> None:
    server = FakeServer()

    async def source() -> AsyncIterator[dict[str, Any]]:
        for i in range(7):
            yield event(i)
        raise ValueError("bad feed")

    with pytest.raises(BulkInputError) as caught:
        ingest(server, source(), chunk_size=5, max_concurrency=2)
    check_invariant(caught.value.report, server, total=7)
    assert caught.value.report.created == 7


def test_bad_max_concurrency() -> None:
    with pytest.raises(ValueError, match="max_concurrency"):
        ingest(FakeServer(), events(1), max_concurrency=0)
