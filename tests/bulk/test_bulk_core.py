"""The sans-IO core of bulk ingestion, driven by hand and by the drivers with a fake ``send``."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from pydantic import BaseModel, ConfigDict

from cloudforce_one_events._core import errors
from cloudforce_one_events._core.bulk import (
    BulkControl,
    BulkCore,
    Chunk,
    ChunkOutcome,
    drive_async,
    drive_sync,
    item_validator,
)
from cloudforce_one_events._core.bulk_answer import classify_failure, field_phrase, read_answer
from cloudforce_one_events._core.errors import APIConnectionError, APITimeoutError
from cloudforce_one_events._core.response import make_status_error


class Item(BaseModel):
    model_config = ConfigDict(extra="forbid")
    n: int


def core(chunk_size: int = 3, **kwargs: object) -> BulkCore[Item]:
    return BulkCore(item_validator(Item), chunk_size=chunk_size, **kwargs)  # type: ignore[arg-type]


def test_feed_groups_valid_items_and_keeps_global_indices() -> None:
    c = core()
    assert c.feed({"n": 0}) is None
    assert c.feed({"x": 1}) is None  # invalid: reported, not buffered
    assert c.feed({"n": 2}) is None
    chunk = c.feed({"n": 3})
    assert chunk is not None and chunk.number == 1 and chunk.indices == [0, 2, 3]
    assert [i.n for i in chunk.items] == [0, 2, 3]
    assert c.flush() is None
    assert c.feed({"n": 4}) is None
    last = c.flush()
    assert last is not None and last.number == 2 and last.indices == [4]
    assert [(e.index, e.kind) for e in c.report.errors] == [(1, "validation")]
    assert "n: Field required" in c.report.errors[0].message


def test_tolerant_reading_of_the_answer() -> None:
    c = core(chunk_size=5)
    for n in range(5):
        chunk = c.feed({"n": n})
    assert chunk is not None
    c.sending(chunk)
    c.complete(
        chunk,
        ChunkOutcome(
            body={
                "errors": [
                    {"eventIndex": 1.0, "error": "first"},
                    {"eventIndex": 1, "error": "again"},  # duplicate: first one wins
                    {"eventIndex": 9, "error": "out of range"},  # ignored
                    {"eventIndex": True, "error": "bool"},  # ignored
                    {"eventIndex": 2.5, "error": "fraction"},  # ignored
                    "junk",
                    {"eventIndex": 3},  # no message
                ],
                "createdEvents": [{"eventIndex": 0, "uuid": "u0", "shardId": "s"}],
                "createdEventsCount": 3,
                "errorCount": 2,
            }
        ),
    )
    report = c.finish()
    assert [(e.index, e.outcome, e.message) for e in report.errors] == [
        (1, "rejected", "first"),
        (3, "rejected", "rejected by the server"),
    ]
    assert report.created == 3
    assert [(e.index, e.uuid, e.shard_id) for e in report.created_events] == [
        (0, "u0", "s"),
        (2, None, None),  # the counts say it was created; the list did not name it
        (4, None, None),
    ]


@pytest.mark.parametrize(
    ("body", "outcomes"),
    [
        # counts agree with the list: the rest were created
        ({"errors": [{"eventIndex": 1, "error": "no"}], "createdEventsCount": 3, "errorCount": 1},
         ["created", "rejected", "created", "created"]),
        # errorCount without an errors list: which items failed is not said
        ({"createdEventsCount": 2, "errorCount": 2}, ["unknown"] * 4),
        ({"createdEventsCount": 2, "errorCount": 2, "errors": [{"eventIndex": 0, "error": "x"}]},
         ["rejected", "unknown", "unknown", "unknown"]),
        # every item counted as an error, none listed: rejected without a reason
        ({"createdEventsCount": 0, "errorCount": 4}, ["rejected"] * 4),
        # one count is enough when the other follows
        ({"errorCount": 0}, ["created"] * 4),
        ({"createdEventsCount": 4}, ["created"] * 4),
        # an answer that says nothing: nothing is called created
        ({}, ["unknown"] * 4),
        ({"errors": []}, ["unknown"] * 4),
        ("accepted", ["unknown"] * 4),
        # the list of created events settles the items it names, whatever the counts
        ({"createdEvents": [{"eventIndex": 2, "uuid": "u"}]}, ["unknown", "unknown", "created", "unknown"]),
        ({"createdEvents": [{"eventIndex": i} for i in range(4)], "errorCount": 9}, ["created"] * 4),
    ],
)  # fmt: skip
def test_nothing_is_called_created_unless_the_answer_says_so(
    body: object, outcomes: list[str]
) -> None:
    answer = read_answer(body, 4)
    got = ["?"] * 4
    for pos in answer.created:
        got[pos] = "created"
    for pos in answer.rejected:
        got[pos] = "rejected"
    for pos in answer.unknown:
        got[pos] = "unknown"
    assert got == outcomes
    assert all(reason for reason in {**answer.rejected, **answer.unknown}.values())


def status_error(status: int, message: str = "nope", **headers: str) -> errors.APIStatusError:
    request = httpx.Request("POST", "https://x/")
    response = httpx.Response(status, json={"errors": [{"message": message}]}, headers=headers,
                              request=request)  # fmt: skip
    return make_status_error(response)


@pytest.mark.parametrize(
    ("error", "outcome", "fatal"),
    [
        (status_error(400), "rejected", False),
        (status_error(422), "rejected", False),
        (status_error(409), "rejected", False),
        (status_error(400, "datasetId: dataset does not exist"), "not_sent", True),
        (status_error(401), "not_sent", True),
        (status_error(403), "not_sent", True),
        (status_error(404), "not_sent", True),
        (status_error(413), "not_sent", True),
        (status_error(429, **{"Retry-After": "5"}), "not_sent", False),
        (status_error(429, **{"Retry-After": "3600"}), "not_sent", True),
        (status_error(500), "unknown", False),
        (status_error(502), "unknown", False),
        (status_error(503), "unknown", False),
    ],
)
def test_failed_chunk_outcomes(error: errors.APIError, outcome: str, fatal: bool) -> None:
    failure = classify_failure(error, fixed_fields=(field_phrase("datasetId"),))
    assert (failure.outcome, failure.fatal) == (outcome, fatal)
    assert failure.status_code == getattr(error, "status_code", None)


def test_field_phrase() -> None:
    assert field_phrase("datasetId") == "dataset"
    assert field_phrase("dataset_id") == "dataset"
    assert field_phrase("includeCreatedEvents") == "include created events"
    assert field_phrase("id") == "id"


def test_failed_chunk_classification() -> None:
    request = httpx.Request("POST", "https://x/")
    c = core(chunk_size=1, retry_unsafe=True)
    refused = APIConnectionError("refused", request=request)
    refused.__cause__ = httpx.ConnectError("refused")
    timeout = APITimeoutError("slow", request=request)
    timeout.__cause__ = httpx.ReadTimeout("slow")
    for n, error in enumerate((timeout, refused)):
        chunk = c.feed({"n": n})
        assert chunk is not None
        c.sending(chunk)
        c.complete(chunk, ChunkOutcome(error=error, retries=2))
    report = c.finish()
    assert [(e.kind, e.outcome, e.maybe_created) for e in report.errors] == [
        ("transport", "unknown", True),
        ("transport", "not_sent", False),
    ]
    assert report.errors[0].message.endswith("may have been processed")
    # no connection even after the retries: the API is out of reach, nothing more is sent
    assert c.fatal is refused and report.stop_reason == "fatal"
    assert report.chunks_retried == 2 and report.retries == 4 and report.chunks_failed == 2


def test_finish_settles_every_item_whatever_ended_the_run() -> None:
    c = core(chunk_size=2)
    sent = c.feed({"n": 0}) or c.feed({"n": 1})
    assert sent is not None
    c.sending(sent)  # in flight when the run ends
    formed = c.feed({"n": 2}) or c.feed({"n": 3})
    assert formed is not None  # formed, never sent
    c.feed({"x": 4})  # invalid
    c.feed({"n": 5})  # pending, not in a chunk yet
    report = c.finish(interrupted=True)
    assert [(e.index, e.outcome, e.kind) for e in report.errors] == [
        (0, "unknown", "interrupted"),
        (1, "unknown", "interrupted"),
        (2, "not_sent", "interrupted"),
        (3, "not_sent", "interrupted"),
        (4, "invalid", "validation"),
        (5, "not_sent", "interrupted"),
    ]
    assert report.counts() == {"created": 0, "rejected": 0, "invalid": 1, "unknown": 2,
                               "not_sent": 3}  # fmt: skip
    assert report.stopped and report.stop_reason == "interrupted"
    c.complete(sent, ChunkOutcome(body={"errorCount": 0}))  # a late answer changes nothing
    assert report.created == 0


def test_an_item_read_while_stopping_is_accounted_for() -> None:
    c = core(stop_on_error=True)
    c.feed({"n": 0})
    flushed = c.feed({})
    assert flushed is not None and flushed.indices == [0] and c.stopping
    control = BulkControl()
    c2 = core(control=control)
    assert c2.feed({"n": 0}) is None
    control.stop()  # e.g. a signal handler, while the driver awaited the next item
    assert c2.feed({"n": 1}) is None and c2.flush() is None
    report = c2.finish()
    assert [(e.index, e.outcome) for e in report.errors] == [(0, "not_sent"), (1, "not_sent")]
    assert report.stop_reason == "stopped"


def test_drivers_share_the_core() -> None:
    sent: list[list[int]] = []

    def send(chunk: Chunk[Item]) -> ChunkOutcome:
        sent.append(chunk.indices)
        return ChunkOutcome(body={"errors": [{"eventIndex": 0, "error": "no"}]})

    report = drive_sync(core(), ({"n": n} for n in range(7)), send)
    assert sent == [[0, 1, 2], [3, 4, 5], [6]]
    assert report.failed_indices() == [0, 1, 2, 3, 4, 5, 6] and report.created == 0
    assert report.indices("rejected") == [0, 3, 6] and report.unknown == 4  # no counts

    async def asend(chunk: Chunk[Item]) -> ChunkOutcome:
        await asyncio.sleep(0)
        return send(chunk)

    sent.clear()
    areport = asyncio.run(drive_async(core(), [{"n": n} for n in range(7)], asend))
    assert sorted(sent) == [[0, 1, 2], [3, 4, 5], [6]]
    assert areport.indices("rejected") == [0, 3, 6] and areport.unknown == 4


def test_unexpected_exception_in_send_propagates() -> None:
    def send(chunk: Chunk[Item]) -> ChunkOutcome:
        raise KeyError("bug")

    with pytest.raises(KeyError):
        drive_sync(core(), [{"n": 1}], send)

    async def asend(chunk: Chunk[Item]) -> ChunkOutcome:
        raise KeyError("bug")

    with pytest.raises(KeyError):
        asyncio.run(drive_async(core(chunk_size=1), [{"n": n} for n in range(9)], asend))
