"""A fake bulk endpoint with fault injection, clients wired to it, and the report invariant.

Every event carries a unique identity in its ``event`` field (``ev-<input index>``). The fake
server records which identities it received and which it stored, so tests can assert that no
event was ever stored twice and that the report agrees with what the server did.
"""

from __future__ import annotations

import asyncio
import json
import random
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import httpx

from cloudforce_one_events import AsyncClient, Client
from cloudforce_one_events._core.bulk import BulkReport

TOKEN = "tok-BULK-SECRET-0123456789"
ACCOUNT = "acc-bulk"
DATASET = "ds-1"
BULK_PATH = f"/client/v4/accounts/{ACCOUNT}/cloudforce-one/events/create/bulk"

# Faults, one per request:
#   None            accept (per-event rejections still apply)
#   "429"           429 with Retry-After, nothing stored
#   "503-before"    503, nothing stored (the client cannot know that)
#   "500"           store the events, then answer 500 (fate unknown to the client)
#   "timeout"       store the events, then raise ReadTimeout (fate unknown)
#   "reset"         store the events, then raise RemoteProtocolError (fate unknown)
#   "connect"       raise ConnectError, nothing stored (never reached the server)
#   "envelope-fail" 200 with a v4 envelope saying success=false, nothing stored
#   "garbage"       store the events, answer 202 with a non-JSON body
#   "unlisted"      store the events (refusing the "reject-me" ones), answer with the counts only
#   "401"           401, nothing stored
FAULTS = ("429", "503-before", "500", "timeout", "reset", "connect", "envelope-fail", "garbage",
          "unlisted")  # fmt: skip
STORES_THEN_FAILS = {"500", "timeout", "reset", "garbage"}


def event(i: int, **extra: Any) -> dict[str, Any]:
    """A valid event with the identity ``ev-<i>``."""
    return {
        "category": "Malware",
        "date": "2024-05-01T12:00:00Z",
        "event": f"ev-{i}",
        "tlp": "amber",
        "raw": {"data": {"n": i}},
        **extra,
    }


def events(n: int, *, invalid: Sequence[int] = (), reject: Sequence[int] = ()) -> Iterator[Any]:
    """``n`` events; those in ``invalid`` miss ``tlp``; those in ``reject`` the server refuses."""
    bad, refused = set(invalid), set(reject)
    for i in range(n):
        item = event(i)
        if i in bad:
            del item["tlp"]
        if i in refused:
            item["tags"] = ["reject-me"]
        yield item


class FakeServer:
    """The bulk endpoint: ``faults`` gives the fault of each request (list or callable)."""

    def __init__(
        self,
        faults: Sequence[str | None] | Callable[[int, list[str]], str | None] = (),
        *,
        envelope: bool = False,
        retry_after: str = "3",
    ) -> None:
        self.faults = faults
        self.envelope = envelope
        self.retry_after = retry_after
        self.requests = 0
        self.received: Counter[str] = Counter()
        self.stored: Counter[str] = Counter()
        self.chunk_sizes: list[int] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self.bodies: list[dict[str, Any]] = []
        self.items: list[dict[str, Any]] = []  # every event received, as sent

    def fault(self, ids: list[str]) -> str | None:
        number = self.requests
        self.requests += 1
        if callable(self.faults):
            return self.faults(number, ids)
        return self.faults[number] if number < len(self.faults) else None

    def handle(self, request: httpx.Request) -> httpx.Response:
        assert request.url.path == BULK_PATH, request.url.path
        assert request.headers["authorization"] == f"Bearer {TOKEN}"
        body = json.loads(request.content)
        self.bodies.append({k: v for k, v in body.items() if k != "data"})
        data = body["data"]
        ids = [item["event"] for item in data]
        fault = self.fault(ids)
        if fault == "connect":
            raise httpx.ConnectError("connection refused", request=request)
        self.received.update(ids)
        self.items.extend(data)
        self.chunk_sizes.append(len(ids))
        if fault == "429":
            return httpx.Response(
                429,
                headers={"Retry-After": self.retry_after},
                json={"success": False, "errors": [{"code": 971, "message": "rate limited"}]},
            )
        if fault == "401":
            return httpx.Response(
                401, json={"success": False, "errors": [{"code": 10000, "message": "Auth error"}]}
            )
        if fault == "503-before":
            return httpx.Response(503, json={"errors": [{"message": "unavailable"}]})
        if fault == "envelope-fail":
            return httpx.Response(
                200, json={"success": False, "errors": [{"message": "bad batch"}], "result": None}
            )
        errors = []
        created = []
        for pos, item in enumerate(data):
            if "reject-me" in (item.get("tags") or []):
                errors.append({"eventIndex": pos, "error": f"duplicate event {item['event']}"})
            else:
                self.stored[item["event"]] += 1
                created.append(
                    {"eventIndex": pos, "uuid": f"uuid-{item['event']}", "shardId": "shard-7"}
                )
        if fault == "500":
            return httpx.Response(500, json={"errors": [{"message": "internal error"}]})
        if fault == "timeout":
            raise httpx.ReadTimeout("read timed out", request=request)
        if fault == "reset":
            raise httpx.RemoteProtocolError("peer closed connection", request=request)
        if fault == "garbage":
            return httpx.Response(202, content=b"<html>oops</html>")
        result: dict[str, Any] = {
            "createBulkEventsRequestId": f"req-{self.requests}",
            "createdEventsCount": len(created),
            "createdTagsCount": 0,
            "errorCount": len(errors),
            "queuedIndicatorsCount": 0,
            "errors": errors,
        }
        if fault == "unlisted":
            del result["errors"]
        if body.get("includeCreatedEvents"):
            result["createdEvents"] = created
        if self.envelope:
            result = {"success": True, "errors": [], "messages": [], "result": result}
        return httpx.Response(202, json=result)

    async def handle_async(self, request: httpx.Request) -> httpx.Response:
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            await asyncio.sleep(0)  # let other requests start
            await asyncio.sleep(0)
            return self.handle(request)
        finally:
            self.in_flight -= 1


def sync_client(server: FakeServer, **kwargs: Any) -> tuple[Client, list[float]]:
    sleeps: list[float] = []
    client = Client(
        api_token=TOKEN,
        account_id=ACCOUNT,
        base_url="https://api.test/client/v4",
        http_client=httpx.Client(transport=httpx.MockTransport(server.handle)),
        **kwargs,
    )
    client._sleep = sleeps.append  # retries do not really wait
    return client, sleeps


def async_client(server: FakeServer, **kwargs: Any) -> tuple[AsyncClient, list[float]]:
    sleeps: list[float] = []
    client = AsyncClient(
        api_token=TOKEN,
        account_id=ACCOUNT,
        base_url="https://api.test/client/v4",
        http_client=httpx.AsyncClient(transport=httpx.MockTransport(server.handle_async)),
        **kwargs,
    )

    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)

    client._sleep = sleep
    return client, sleeps


def random_faults(seed: int, rate: float = 0.35) -> Callable[[int, list[str]], str | None]:
    rng = random.Random(seed)

    def pick(number: int, ids: list[str]) -> str | None:
        return rng.choice(FAULTS) if rng.random() < rate else None

    return pick


def index_of(identity: str) -> int:
    return int(identity.split("-", 1)[1])


def check_invariant(
    report: BulkReport,
    server: FakeServer | None = None,
    *,
    total: int | None = None,
    invalid: Sequence[int] = (),
    listed: bool = False,
) -> None:
    """Every index read is in exactly one outcome, and the server agrees with each."""
    if total is not None:
        assert report.consumed == total
    failed = [e.index for e in report.errors]
    assert len(failed) == len(set(failed)), "an index is reported failed twice"
    assert failed == sorted(failed)
    assert set(failed) <= set(range(report.consumed))
    counts = report.counts()
    assert sum(counts.values()) == report.consumed, counts
    assert report.created + report.failed == report.consumed
    created = set(report.indices("created"))
    assert len(created) == report.created
    if listed:
        assert [c.index for c in report.created_events] == sorted(created)
        assert all(c.uuid == f"uuid-ev-{c.index}" for c in report.created_events)
    for i in invalid:
        if i < report.consumed:
            assert any(e.index == i and e.outcome == "invalid" for e in report.errors)
    if server is None:
        return
    assert all(n == 1 for n in server.stored.values()), "an event was stored twice"
    stored = {index_of(k) for k in server.stored}
    assert created <= stored, "reported created but never stored"
    for error in report.errors:
        if error.outcome == "invalid":
            assert f"ev-{error.index}" not in server.received, "an invalid event was sent"
        elif error.outcome in ("rejected", "not_sent"):
            assert error.index not in stored, f"stored but reported {error.outcome}"
    # nothing the server stored is unaccounted for: either created or unknown
    assert stored <= created | set(report.indices("unknown"))
