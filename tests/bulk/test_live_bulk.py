"""``bulk_create_all`` and single calls against a real HTTP server on 127.0.0.1 with faults.

The server (live_server.py) counts what it received and stored; every report is checked
against it (bulk_support.check_invariant): each item in exactly one outcome, nothing called
created that was not stored, nothing stored that is not created or unknown, nothing stored twice.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from bulk_support import check_invariant, events
from live_server import ACCOUNT, DATASET, TOKEN, LiveServer, serve

from cloudforce_one_events import (
    APIConnectionError,
    APIError,
    AsyncClient,
    BadRequestError,
    Client,
    RateLimitError,
)
from cloudforce_one_events._core.bulk import (
    BulkControl,
    BulkFatalError,
    BulkInterrupted,
    BulkReport,
    ChunkResult,
    partial_report,
)


@pytest.fixture
def live() -> Iterator[LiveServer]:
    with serve() as server:
        yield server


def sync_client(live: LiveServer, **kwargs: Any) -> Client:
    kwargs.setdefault("api_token", TOKEN)
    return Client(account_id=ACCOUNT, base_url=live.url, **kwargs)


def async_client(live: LiveServer, **kwargs: Any) -> AsyncClient:
    kwargs.setdefault("api_token", TOKEN)
    return AsyncClient(account_id=ACCOUNT, base_url=live.url, **kwargs)


def ingest_async(live: LiveServer, data: Any, client: dict[str, Any] | None = None,
                 **kwargs: Any) -> BulkReport:  # fmt: skip

    async def main() -> BulkReport:
        async with async_client(live, **(client or {})) as c:
            return await c.events.bulk_create_all(data, dataset_id=DATASET, **kwargs)

    return asyncio.run(main())


def random_faults(
    seed: int, kinds: tuple[str, ...], rate: float
) -> Callable[[int, list[str]], str | None]:
    rng = random.Random(seed)
    lock = threading.Lock()

    def pick(number: int, ids: list[str]) -> str | None:
        with lock:
            return rng.choice(kinds) if rng.random() < rate else None

    return pick


FAULTS = ("429", "500", "502", "reset", "503-before", "unlisted", "garbage", "bad-encoding")


@pytest.mark.parametrize("seed", range(6))
def test_accounting_invariant_under_random_faults_async(live: LiveServer, seed: int) -> None:
    live.faults = random_faults(seed, FAULTS, 0.35)
    invalid = [seed, 700 + seed]
    report = ingest_async(
        live,
        events(2000, invalid=invalid, reject=[seed * 7 + 1, 1500]),
        chunk_size=50,
        max_concurrency=4,
        include_created_events=seed % 2 == 0,
    )
    check_invariant(report, live, total=2000, invalid=invalid, listed=seed % 2 == 0)  # type: ignore[arg-type]
    assert live.max_in_flight <= 4
    assert report.created > 0 and report.unknown > 0  # faults did happen, and were told apart


@pytest.mark.parametrize("seed", range(3))
def test_accounting_invariant_under_random_faults_sync(live: LiveServer, seed: int) -> None:
    live.faults = random_faults(100 + seed, FAULTS, 0.35)
    with sync_client(live) as client:
        report = client.events.bulk_create_all(
            events(600, invalid=[3], reject=[42]), dataset_id=DATASET, chunk_size=25
        )
    check_invariant(report, live, total=600, invalid=[3])  # type: ignore[arg-type]


@pytest.mark.parametrize("concurrency", [1, 4])
def test_a_401_stops_after_at_most_concurrency_plus_one_requests(
    live: LiveServer, concurrency: int
) -> None:
    live.delay = 0.02
    with pytest.raises(BulkFatalError) as info:
        ingest_async(live, events(20_000), {"api_token": "wrong"}, chunk_size=100,
                     max_concurrency=concurrency)  # fmt: skip
    assert live.requests == 0 and len(live.headers) <= concurrency + 1
    report = info.value.report
    check_invariant(report, live)  # type: ignore[arg-type]
    assert report.created == 0 and report.not_sent == report.consumed
    assert report.consumed <= 100 * (concurrency + 1)
    assert info.value.status_code == 401 and isinstance(info.value, APIError)
    assert report.stop_reason == "fatal" and "401" in str(info.value)


@pytest.mark.parametrize(
    ("fault", "status"), [("403", 403), ("404-dataset", 404), ("429-long", 429)]
)
def test_answers_that_hit_every_chunk_stop_the_run(
    live: LiveServer, fault: str, status: int
) -> None:
    live.faults = lambda number, ids: None if number < 3 else fault
    with pytest.raises(BulkFatalError) as info:
        ingest_async(live, events(5000), chunk_size=100, max_concurrency=2)
    report = info.value.report
    check_invariant(report, live, total=report.consumed)  # type: ignore[arg-type]
    assert info.value.status_code == status
    assert report.created == 300 and live.requests <= 3 + 2
    assert report.count("not_sent") == report.consumed - 300


def test_sync_fatal_answer_sends_nothing_more(live: LiveServer) -> None:
    live.faults = lambda number, ids: "404-dataset"
    with sync_client(live) as client, pytest.raises(BulkFatalError) as info:
        client.events.bulk_create_all(events(1000), dataset_id=DATASET, chunk_size=10)
    assert live.requests == 1 and info.value.report.consumed == 10


def test_broken_content_encoding_is_an_api_error_and_the_report_survives(live: LiveServer) -> None:
    live.faults = lambda number, ids: "bad-encoding" if number == 1 else None
    with sync_client(live) as client:
        report = client.events.bulk_create_all(events(300), dataset_id=DATASET, chunk_size=100)
        check_invariant(report, live, total=300)  # type: ignore[arg-type]
        assert report.indices("unknown") == list(range(100, 200))
        assert "DecodingError" in report.errors[0].message
        live.faults = lambda number, ids: "bad-encoding"
        with pytest.raises(APIConnectionError) as info:
            client.events.bulk_create(data=list(events(1)), dataset_id=DATASET)
    assert isinstance(info.value.__cause__, httpx.DecodingError)


def test_error_count_without_a_list_is_unknown_not_created(live: LiveServer) -> None:
    live.faults = lambda number, ids: "unlisted"
    report = ingest_async(live, events(100, reject=[5, 50]), chunk_size=50)
    check_invariant(report, live, total=100)  # type: ignore[arg-type]
    assert report.created == 0 and report.unknown == 100
    assert "does not say which items failed" in report.errors[0].message


def test_retry_after_beyond_a_minute_is_not_slept_on(live: LiveServer) -> None:
    live.faults = lambda number, ids: "429-long"
    slept: list[float] = []
    with sync_client(live) as client:
        client._sleep = slept.append  # type: ignore[method-assign]
        with pytest.raises(RateLimitError) as info:
            client.events.bulk_create(data=list(events(1)), dataset_id=DATASET)
    assert info.value.retry_after == 3600.0 and slept == [] and live.requests == 1


def test_error_bodies_are_cut_to_a_few_kb(live: LiveServer) -> None:
    live.faults = lambda number, ids: "huge-400"
    with sync_client(live) as client:
        with pytest.raises(BadRequestError) as info:
            client.events.bulk_create(data=list(events(1)), dataset_id=DATASET)
        report = client.events.bulk_create_all(events(10), dataset_id=DATASET)
    assert len(str(info.value)) < 4000
    assert all(len(e.message) < 4000 for e in report.errors) and report.rejected == 10


def test_the_legacy_key_never_appears_in_reprs(live: LiveServer) -> None:
    key = "legacy-KEY-0123456789abcdef"
    live.tokens.add(key)
    live.faults = lambda number, ids: "huge-400"
    with sync_client(live, api_token=None, api_email="me@example.com", api_key=key) as client:
        with pytest.raises(BadRequestError) as info:
            client.events.bulk_create(data=list(events(1)), dataset_id=DATASET)
        live.faults = lambda number, ids: None
        raw = client.events.with_raw_response.bulk_create(data=list(events(1)), dataset_id=DATASET)
    assert live.headers[-1]["X-Auth-Key"] == key  # sent as it is
    error = info.value
    texts = [repr(error.request), repr(error.request.headers) if error.request else "",
             repr(error.response.request.headers), str(error), repr(error), repr(raw),
             repr(raw.http_response.request.headers)]  # fmt: skip
    for text in texts:
        assert key not in text
    assert "'x-auth-key': '***'" in repr(raw.http_response.request.headers)


def test_keyboard_interrupt_keeps_the_report(live: LiveServer) -> None:
    def interrupt_during_the_second(number: int, ids: list[str]) -> None:
        if number == 1:  # Ctrl-C while the client waits for this answer
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.3)

    live.faults = interrupt_during_the_second  # type: ignore[assignment]
    with sync_client(live) as client, pytest.raises(BulkInterrupted) as info:
        client.events.bulk_create_all(events(1000), dataset_id=DATASET, chunk_size=100)
    report = info.value.report
    assert isinstance(info.value, KeyboardInterrupt)
    assert report.created == 100 and report.indices("unknown") == list(range(100, 200))
    assert report.stop_reason == "interrupted" and partial_report(info.value) is report
    check_invariant(report, live)  # type: ignore[arg-type]


def test_control_stop_lets_requests_in_flight_finish(live: LiveServer) -> None:
    live.delay = 0.05

    class StopAfterTwo(BulkControl):
        def chunk_done(self, result: ChunkResult) -> None:
            if result.number == 2:
                self.stop()

    control = StopAfterTwo()
    report = ingest_async(live, events(10_000), chunk_size=100, max_concurrency=3,
                          control=control)  # fmt: skip
    check_invariant(report, live)  # type: ignore[arg-type]
    assert report.stop_reason == "stopped" and control.report is report
    assert report.unknown == 0 and report.created == 100 * live.requests
    assert live.requests <= 2 + 3 and report.consumed <= 100 * (live.requests + 3)


def test_control_abort_abandons_requests_in_flight(live: LiveServer) -> None:
    live.delay = 2.0  # far longer than it takes to send the three chunks and abort
    sending: list[int] = []

    class AbortWhenAllInFlight(BulkControl):
        def chunk_sending(self, chunk: Any) -> None:
            sending.append(chunk.number)
            if len(sending) == 3:
                asyncio.get_running_loop().call_later(0.1, self.abort)

    report = ingest_async(live, events(10_000), chunk_size=100, max_concurrency=3,
                          control=AbortWhenAllInFlight())  # fmt: skip
    assert report.created == 0 and report.unknown == 300 and report.stop_reason == "stopped"
    assert {e.kind for e in report.of("unknown")} == {"interrupted"}
    assert live.requests <= 3
    assert report.chunks_sent == 3  # handed to the server, then abandoned


def test_a_cancelled_ingestion_carries_its_report(live: LiveServer) -> None:
    live.delay = 0.3

    async def main() -> None:
        async with async_client(live) as client:
            await asyncio.wait_for(
                client.events.bulk_create_all(events(5000), dataset_id=DATASET, chunk_size=100),
                timeout=0.5,
            )

    with pytest.raises(asyncio.TimeoutError) as info:
        asyncio.run(main())
    report = partial_report(info.value)
    assert report is not None and report.stop_reason == "interrupted"
    assert report.created + report.unknown + report.not_sent == report.consumed > 0
