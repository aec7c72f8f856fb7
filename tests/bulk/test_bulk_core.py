"""The sans-IO core of bulk ingestion, driven by hand and by the drivers with a fake ``send``."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from pydantic import BaseModel, ConfigDict

from cloudforce_one_events._core.bulk import (
    BulkCore,
    Chunk,
    ChunkOutcome,
    drive_async,
    drive_sync,
    item_validator,
)
from cloudforce_one_events._core.errors import APIConnectionError, APITimeoutError


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
    c = core(chunk_size=4)
    for n in range(4):
        chunk = c.feed({"n": n})
    assert chunk is not None
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
            }
        ),
    )
    report = c.finish()
    assert [(e.index, e.message) for e in report.errors] == [
        (1, "first"),
        (3, "rejected by the server"),
    ]
    assert report.created == 2
    assert [(e.index, e.uuid, e.shard_id) for e in report.created_events] == [
        (0, "u0", "s"),
        (2, None, None),  # the server did not list it: created, location unknown
    ]


def test_failed_chunk_classification() -> None:
    request = httpx.Request("POST", "https://x/")
    c = core(chunk_size=1, retry_unsafe=True)
    refused = APIConnectionError("refused", request=request)
    refused.__cause__ = httpx.ConnectError("refused")
    timeout = APITimeoutError("slow", request=request)
    timeout.__cause__ = httpx.ReadTimeout("slow")
    for n, error in enumerate((refused, timeout)):
        chunk = c.feed({"n": n})
        assert chunk is not None
        c.complete(chunk, ChunkOutcome(error=error, retries=2))
    report = c.finish()
    assert [(e.kind, e.maybe_created) for e in report.errors] == [
        ("transport", False),
        ("transport", True),
    ]
    assert report.errors[1].message.endswith("may have been processed")
    assert report.chunks_retried == 2 and report.retries == 4 and report.chunks_failed == 2


def test_feed_after_stop_is_a_bug() -> None:
    c = core(stop_on_error=True)
    c.feed({"n": 0})
    flushed = c.feed({})
    assert flushed is not None and flushed.indices == [0] and c.stopping
    with pytest.raises(RuntimeError):
        c.feed({"n": 2})


def test_drivers_share_the_core() -> None:
    sent: list[list[int]] = []

    def send(chunk: Chunk[Item]) -> ChunkOutcome:
        sent.append(chunk.indices)
        return ChunkOutcome(body={"errors": [{"eventIndex": 0, "error": "no"}]})

    report = drive_sync(core(), ({"n": n} for n in range(7)), send)
    assert sent == [[0, 1, 2], [3, 4, 5], [6]]
    assert report.failed_indices() == [0, 3, 6] and report.created == 4

    async def asend(chunk: Chunk[Item]) -> ChunkOutcome:
        await asyncio.sleep(0)
        return send(chunk)

    sent.clear()
    areport = asyncio.run(drive_async(core(), [{"n": n} for n in range(7)], asend))
    assert sorted(sent) == [[0, 1, 2], [3, 4, 5], [6]]
    assert areport.failed_indices() == [0, 3, 6] and areport.created == 4


def test_unexpected_exception_in_send_propagates() -> None:
    def send(chunk: Chunk[Item]) -> ChunkOutcome:
        raise KeyError("bug")

    with pytest.raises(KeyError):
        drive_sync(core(), [{"n": 1}], send)

    async def asend(chunk: Chunk[Item]) -> ChunkOutcome:
        raise KeyError("bug")

    with pytest.raises(KeyError):
        asyncio.run(drive_async(core(chunk_size=1), [{"n": n} for n in range(9)], asend))
