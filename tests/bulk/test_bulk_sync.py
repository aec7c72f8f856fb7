"""``client.events.bulk_create_all`` (sync) against a fake bulk endpoint with injected faults."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from bulk_support import (
    ACCOUNT,
    DATASET,
    TOKEN,
    FakeServer,
    check_invariant,
    event,
    events,
    random_faults,
    sync_client,
)

from cloudforce_one_events import Client, ConfigurationError
from cloudforce_one_events._core.bulk import (
    BulkError,
    BulkFatalError,
    BulkInputError,
    BulkProgress,
)
from cloudforce_one_events.models import EventCreateItem


def test_chunks_and_creates_everything() -> None:
    server = FakeServer()
    client, _ = sync_client(server)
    report = client.events.bulk_create_all(events(1234), dataset_id=DATASET, chunk_size=500)
    check_invariant(report, server, total=1234)
    assert report.ok and report.created == 1234 and report.errors == []
    assert server.chunk_sizes == [500, 500, 234]
    assert report.chunks_sent == 3 and report.chunks_failed == 0 and not report.stopped
    assert report.created_events == []  # not requested
    assert all(b == {"datasetId": DATASET} for b in server.bodies)  # no includeCreatedEvents
    assert set(server.received.values()) == {1}


def test_default_chunk_size_is_the_configured_one() -> None:
    server = FakeServer()
    client, _ = sync_client(server)
    client.events.bulk_create_all(events(1001), dataset_id=DATASET)
    assert server.chunk_sizes == [500, 500, 1]


def test_chunk_size_limited_by_max_chunk_size_which_is_overridable() -> None:
    server = FakeServer()
    client, _ = sync_client(server)
    with pytest.raises(ValueError, match="max_chunk_size"):
        client.events.bulk_create_all(events(3), dataset_id=DATASET, chunk_size=1001)
    with pytest.raises(ValueError):
        client.events.bulk_create_all(events(3), dataset_id=DATASET, chunk_size=0)
    assert server.requests == 0
    report = client.events.bulk_create_all(
        events(2500), dataset_id=DATASET, chunk_size=2000, max_chunk_size=5000
    )
    assert report.created == 2500 and server.chunk_sizes == [2000, 500]


def test_input_is_consumed_lazily() -> None:
    server = FakeServer()
    client, _ = sync_client(server)
    pulled = 0

    def source() -> Iterator[dict[str, Any]]:
        nonlocal pulled
        for i in range(50):
            pulled += 1
            # the server has seen every chunk before the one being read
            assert server.requests == (i // 10)
            yield event(i)

    report = client.events.bulk_create_all(source(), dataset_id=DATASET, chunk_size=10)
    assert report.created == 50 and pulled == 50


def test_invalid_events_reported_with_global_index_and_never_sent() -> None:
    server = FakeServer()
    client, _ = sync_client(server)
    data: list[Any] = list(events(25, invalid=[3, 17]))
    data[20] = "not an event"
    data[21] = {**event(21), "unknownField": 1}
    report = client.events.bulk_create_all(data, dataset_id=DATASET, chunk_size=10)
    check_invariant(report, server, total=25, invalid=[3, 17, 20, 21])
    assert [(e.index, e.kind, e.chunk) for e in report.errors] == [
        (3, "validation", None),
        (17, "validation", None),
        (20, "validation", None),
        (21, "validation", None),
    ]
    assert report.errors[0].message == "tlp: Field required"
    assert "unknownField" in report.errors[3].message
    assert report.errors[0].item == data[3]  # the input as given, to re-send after fixing
    assert server.chunk_sizes == [10, 10, 1]  # valid items fill the chunks
    assert report.created == 21


def test_wire_and_snake_names_and_models_accepted() -> None:
    server = FakeServer()
    client, _ = sync_client(server)
    snake = {**event(0), "target_country": "FR", "indicator_type": "IP"}
    wire = {**event(1), "targetCountry": "FR", "indicatorType": "IP"}
    model = EventCreateItem.model_validate(event(2))
    report = client.events.bulk_create_all([snake, wire, model], dataset_id=DATASET)
    check_invariant(report, server, total=3)
    assert report.ok
    sent = server.items
    assert sent[0]["targetCountry"] == "FR" and sent[1]["indicatorType"] == "IP"
    assert sent[2] == {**event(2), "date": "2024-05-01T12:00:00Z"}  # unset fields not sent


def test_per_event_errors_remapped_to_global_indices() -> None:
    server = FakeServer()
    client, _ = sync_client(server)
    report = client.events.bulk_create_all(
        events(30, reject=[0, 12, 13, 29], invalid=[5]),
        dataset_id=DATASET,
        chunk_size=10,
        include_created_events=True,
    )
    check_invariant(report, server, total=30, invalid=[5], listed=True)
    rejected = [(e.index, e.kind, e.chunk, e.message) for e in report.errors if e.kind == "server"]
    assert rejected == [
        (0, "server", 1, "duplicate event ev-0"),
        (12, "server", 2, "duplicate event ev-12"),
        (13, "server", 2, "duplicate event ev-13"),
        (29, "server", 3, "duplicate event ev-29"),
    ]
    assert report.created == 25
    assert report.created_events[0].index == 1
    assert report.created_events[0].uuid == "uuid-ev-1"
    assert report.created_events[0].shard_id == "shard-7"
    assert all(b["includeCreatedEvents"] is True for b in server.bodies)


def test_envelope_answers_are_unwrapped() -> None:
    server = FakeServer(envelope=True)
    client, _ = sync_client(server)
    report = client.events.bulk_create_all(
        events(12, reject=[11]), dataset_id=DATASET, chunk_size=5, include_created_events=True
    )
    check_invariant(report, server, total=12, listed=True)
    assert [e.index for e in report.errors] == [11]


def test_429_storm_with_retry_after_is_retried_with_the_client_policy() -> None:
    server = FakeServer(["429", "429", None, "429", None], retry_after="7")
    client, sleeps = sync_client(server)
    report = client.events.bulk_create_all(events(20), dataset_id=DATASET, chunk_size=10)
    check_invariant(report, server, total=20)
    assert report.ok
    assert sleeps == [7.0, 7.0, 7.0]
    assert report.chunks_sent == 2 and report.chunks_retried == 2 and report.retries == 3


def test_429_beyond_the_retry_budget_fails_the_chunk_only() -> None:
    server = FakeServer(["429", "429", "429"])
    client, sleeps = sync_client(server, max_retries=2)
    report = client.events.bulk_create_all(events(20), dataset_id=DATASET, chunk_size=10)
    check_invariant(report, server, total=20)
    assert len(sleeps) == 2
    assert [e.index for e in report.errors] == list(range(10))
    first = report.errors[0]
    assert first.kind == "server" and first.status_code == 429 and first.chunk == 1
    assert first.outcome == "not_sent"  # a 429 was not processed: safe to send again
    assert report.chunks_failed == 1 and report.created == 10


@pytest.mark.parametrize(
    ("fault", "kind", "status"),
    [("500", "server", 500), ("timeout", "transport", None), ("reset", "transport", None)],
)
def test_unknown_fate_chunk_not_resent_and_reported_failed(
    fault: str, kind: str, status: int | None
) -> None:
    server = FakeServer([None, fault, None])
    client, sleeps = sync_client(server)
    report = client.events.bulk_create_all(events(30), dataset_id=DATASET, chunk_size=10)
    check_invariant(report, server, total=30)
    assert server.requests == 3 and sleeps == []  # not resent; ingestion went on
    assert set(server.received.values()) == {1}  # no event reached the server twice
    assert [e.index for e in report.errors] == list(range(10, 20))
    error = report.errors[0]
    assert error.kind == kind and error.status_code == status and error.chunk == 2
    assert error.outcome == "unknown" and error.maybe_created
    assert "may have been processed, so it was not sent again" in error.message
    assert report.created == 20 and report.chunks_failed == 1


def test_retry_unsafe_opts_in_to_resending() -> None:
    server = FakeServer(["503-before", None])
    client, sleeps = sync_client(server)
    report = client.events.bulk_create_all(
        events(10), dataset_id=DATASET, chunk_size=10, retry_unsafe=True
    )
    assert report.ok and report.chunks_retried == 1 and len(sleeps) == 1
    assert server.received["ev-0"] == 2  # sent twice, as asked


def test_retry_unsafe_from_the_client_setting() -> None:
    server = FakeServer(["503-before", None])
    client, _ = sync_client(server, retry_unsafe=True)
    report = client.events.bulk_create_all(events(10), dataset_id=DATASET)
    assert report.ok and report.retries == 1


def test_connection_refused_is_retried() -> None:
    server = FakeServer(["connect", "connect", None])
    client, sleeps = sync_client(server)
    report = client.events.bulk_create_all(events(10), dataset_id=DATASET)
    check_invariant(report, server, total=10)
    assert report.ok and report.retries == 2 and len(sleeps) == 2


def test_connection_refused_beyond_budget_is_certainly_not_created() -> None:
    """No connection even after the retries: the API is out of reach, the run stops (as for
    a refused token) and every item is certainly not created, so it can be sent again."""
    server = FakeServer(["connect"] * 3)
    client, _ = sync_client(server)
    with pytest.raises(BulkFatalError) as info:
        client.events.bulk_create_all(events(10), dataset_id=DATASET)
    report = info.value.report
    check_invariant(report, server, total=10)
    assert report.failed == 10 and info.value.status_code is None
    assert all(e.kind == "transport" and e.outcome == "not_sent" for e in report.errors)


def test_unreadable_2xx_and_failed_envelope() -> None:
    server = FakeServer(["garbage", "envelope-fail", None])
    client, _ = sync_client(server)
    report = client.events.bulk_create_all(events(30), dataset_id=DATASET, chunk_size=10)
    check_invariant(report, server, total=30)
    garbage, envelope = report.errors[0], report.errors[10]
    assert garbage.outcome == "unknown" and garbage.status_code == 202
    assert envelope.outcome == "rejected" and envelope.status_code == 200
    assert "bad batch" in envelope.message


@pytest.mark.parametrize("seed", range(12))
def test_random_faults_keep_the_invariant(seed: int) -> None:
    server = FakeServer(random_faults(seed))
    client, _ = sync_client(server)
    invalid = [seed, 100 + seed * 7]
    report = client.events.bulk_create_all(
        events(400, invalid=invalid, reject=[seed * 3 + 1, 250]),
        dataset_id=DATASET,
        chunk_size=37,
        include_created_events=True,
    )
    check_invariant(report, server, total=400, invalid=invalid)
    # only 429 answers make an event reach the server more than once
    assert all(n == 1 for n in server.stored.values())


def test_stop_on_error_stops_reading() -> None:
    server = FakeServer([None, "500"])
    client, _ = sync_client(server)
    pulled = 0

    def source() -> Iterator[dict[str, Any]]:
        nonlocal pulled
        for item in events(100):
            pulled += 1
            yield item

    report = client.events.bulk_create_all(
        source(), dataset_id=DATASET, chunk_size=10, stop_on_error=True
    )
    check_invariant(report, server)
    assert report.stopped and report.consumed == 20 and pulled == 20
    assert report.created == 10 and report.failed == 10


def test_stop_on_error_at_an_invalid_event_sends_what_was_read_before() -> None:
    server = FakeServer()
    client, _ = sync_client(server)
    report = client.events.bulk_create_all(
        events(100, invalid=[14]), dataset_id=DATASET, chunk_size=10, stop_on_error=True
    )
    check_invariant(report, server, invalid=[14])
    assert report.stopped and report.consumed == 15
    assert server.chunk_sizes == [10, 4] and report.created == 14


def test_stop_on_error_after_per_event_rejection() -> None:
    server = FakeServer()
    client, _ = sync_client(server)
    report = client.events.bulk_create_all(
        events(100, reject=[3]), dataset_id=DATASET, chunk_size=10, stop_on_error=True
    )
    check_invariant(report, server)
    assert report.stopped and report.consumed == 10 and report.failed == 1


def test_progress_and_error_callbacks() -> None:
    server = FakeServer([None, "500"])
    client, _ = sync_client(server)
    progress: list[BulkProgress] = []
    errors: list[BulkError] = []
    report = client.events.bulk_create_all(
        events(25, invalid=[0]),
        dataset_id=DATASET,
        chunk_size=10,
        on_progress=progress.append,
        on_error=errors.append,
    )
    assert [(p.consumed, p.created, p.failed, p.done) for p in progress] == [
        (11, 10, 1, False),
        (21, 10, 11, False),
        (25, 14, 11, False),
        (25, 14, 11, True),
    ]
    assert sorted(e.index for e in errors) == [e.index for e in report.errors]


def test_missing_account_id_raises_before_reading() -> None:
    server = FakeServer()
    client = Client(
        api_token=TOKEN, http_client=httpx.Client(transport=httpx.MockTransport(server.handle))
    )
    client.account_id = None

    def source() -> Iterator[dict[str, Any]]:
        raise AssertionError("input read")
        yield {}

    with pytest.raises(ConfigurationError, match="account_id"):
        client.events.bulk_create_all(source(), dataset_id=DATASET)
    report = client.events.bulk_create_all(events(3), dataset_id=DATASET, account_id=ACCOUNT)
    assert report.ok


def test_a_single_event_instead_of_an_iterable_is_refused() -> None:
    client, _ = sync_client(FakeServer())
    with pytest.raises(TypeError, match="iterable"):
        client.events.bulk_create_all(event(0), dataset_id=DATASET)  # type: ignore[arg-type]


def test_failing_input_sends_what_was_read_and_reports() -> None:
    server = FakeServer()
    client, _ = sync_client(server)

    def source() -> Iterator[dict[str, Any]]:
        yield from events(13)
        raise OSError("disk gone")

    with pytest.raises(BulkInputError, match="after 13 item") as caught:
        client.events.bulk_create_all(source(), dataset_id=DATASET, chunk_size=10)
    report = caught.value.report
    check_invariant(report, server, total=13)
    assert report.stopped and report.created == 13 and server.chunk_sizes == [10, 3]
    assert isinstance(caught.value.__cause__, OSError)


def test_empty_input() -> None:
    server = FakeServer()
    client, _ = sync_client(server)
    report = client.events.bulk_create_all([], dataset_id=DATASET)
    assert report.consumed == 0 and report.ok and server.requests == 0


def test_bad_fixed_field_raises_before_sending() -> None:
    server = FakeServer()
    client, _ = sync_client(server)
    with pytest.raises(ValueError):
        client.events.bulk_create_all(events(3), dataset_id=None)  # type: ignore[arg-type]
    assert server.requests == 0


def test_report_never_shows_the_token() -> None:
    server = FakeServer(["timeout"])
    client, _ = sync_client(server)
    report = client.events.bulk_create_all(events(3), dataset_id=DATASET)
    assert TOKEN not in repr(report) and TOKEN not in str(report.errors)


def test_control_stops_a_sync_run_and_sees_each_chunk() -> None:
    from cloudforce_one_events._core.bulk import BulkControl, ChunkResult

    server = FakeServer()
    client, _ = sync_client(server)
    seen: list[tuple[str, int]] = []

    class Watch(BulkControl):
        def chunk_sending(self, chunk: Any) -> None:
            seen.append(("sending", chunk.number))

        def chunk_done(self, result: ChunkResult) -> None:
            seen.append(("done", result.number))
            if result.number == 2:
                self.stop()

    control = Watch()
    report = client.events.bulk_create_all(events(100), dataset_id=DATASET, chunk_size=10,
                                           control=control)  # fmt: skip
    check_invariant(report, server)
    assert seen == [("sending", 1), ("done", 1), ("sending", 2), ("done", 2)]
    assert report.created == 20 and report.stop_reason == "stopped" and control.report is report
    assert report.consumed == 20 and server.requests == 2
