"""A real HTTP server on 127.0.0.1 that plays the bulk and list endpoints, with injected faults.

It runs in a thread of the test process (so tests read its counters directly) and answers real
sockets: clients go through httpx's real transport, connection pool and decoding, and a CLI run
as a subprocess talks to it like to the API. Every event carries a unique identity in its
``event`` field; the server counts which identities it received and which it stored, so tests
can check that no event was stored twice and that every report agrees with what the server did.

Faults of the bulk endpoint, one per request (``faults(number, ids) -> str | None``):

==================  ===========================================================================
``None``            accept (events tagged ``reject-me`` are refused, listed in ``errors``)
``"429"``           429 with ``Retry-After: <retry_after>``, nothing stored
``"429-long"``      429 with ``Retry-After: 3600``, nothing stored
``"503-before"``    503, nothing stored (the client cannot know that)
``"500"``/``"502"`` store the events, then answer 500 / 502 (fate unknown to the client)
``"reset"``         store the events, then reset the connection without answering
``"stall"``         store the events, then answer after ``stall`` seconds (a client timeout)
``"garbage"``       store the events, answer 202 with a body that is not JSON
``"bad-encoding"``  store the events, answer 202 with ``Content-Encoding: gzip`` and a plain body
``"unlisted"``      store the events (not the refused ones), answer with the counts only
``"401"``/``"403"`` refuse, nothing stored
``"404-dataset"``   404 ``dataset not found``, nothing stored
``"huge-400"``      400 whose error message is 1 MB long
==================  ===========================================================================

A wrong token always gets 401. ``delay`` seconds pass before every answer (a slow API).
"""

from __future__ import annotations

import json
import socket
import struct
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

TOKEN = "tok-LIVE-SECRET-0123456789"
ACCOUNT = "acc-live"
DATASET = "ds-live"
PREFIX = "/client/v4"
BULK_PATH = f"{PREFIX}/accounts/{ACCOUNT}/cloudforce-one/events/create/bulk"
LIST_PATH = f"{PREFIX}/accounts/{ACCOUNT}/cloudforce-one/events"

Faults = Callable[[int, list[str]], "str | None"]
Pages = Callable[[dict[str, str]], "tuple[int, Any]"]


def envelope(result: object, **info: object) -> dict[str, object]:
    body: dict[str, object] = {"success": True, "errors": [], "messages": [], "result": result}
    if info:
        body["result_info"] = info
    return body


class LiveServer:
    """The state shared by the handler threads (guarded by ``lock``)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.faults: Faults = lambda number, ids: None
        self.pages: Pages = lambda query: (200, envelope([]))
        self.delay = 0.0
        self.stall = 3.0
        self.retry_after = "0"
        self.requests = 0  # bulk requests
        self.list_requests: list[dict[str, str]] = []
        self.received: Counter[str] = Counter()
        self.stored: Counter[str] = Counter()
        self.in_flight = 0
        self.max_in_flight = 0
        self.tokens: set[str] = set()
        self.headers: list[dict[str, str]] = []
        self.url = ""

    def fault(self, ids: list[str]) -> str | None:
        with self.lock:
            number = self.requests
            self.requests += 1
            self.received.update(ids)
        return self.faults(number, ids)

    def store(self, data: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], int]:
        """Store the events that are not refused; returns (errors, created count)."""
        errors, created = [], 0
        with self.lock:
            for pos, item in enumerate(data):
                if "reject-me" in (item.get("tags") or []):
                    errors.append({"eventIndex": pos, "error": f"duplicate event {item['event']}"})
                else:
                    self.stored[item["event"]] += 1
                    created += 1
        return errors, created


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def setup(self) -> None:
        super().setup()  # answers go out at once (no Nagle wait for the client's delayed ACK)
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 -- quiet
        pass

    def _send(self, status: int, body: object, headers: dict[str, str] | None = None) -> None:
        content = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(content)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(content)

    def _authorized(self) -> bool:
        live = self.server.live
        with live.lock:
            live.headers.append(dict(self.headers))
        if self.headers.get("Authorization") == f"Bearer {TOKEN}":
            return True
        if self.headers.get("X-Auth-Key") in live.tokens:
            return True
        self._send(
            401, {"success": False, "errors": [{"code": 10000, "message": "Authentication error"}]}
        )
        return False

    def do_GET(self) -> None:  # noqa: N802
        url = urlsplit(self.path)
        if url.path != LIST_PATH:
            self._send(404, {"success": False, "errors": [{"message": "no route"}]})
            return
        if not self._authorized():
            return
        live = self.server.live
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        with live.lock:
            live.list_requests.append(query)
        status, body = live.pages(query)
        self._send(status, body)

    def do_POST(self) -> None:  # noqa: N802
        live = self.server.live
        length = int(self.headers.get("Content-Length", "0"))
        body = json.loads(self.rfile.read(length))
        if urlsplit(self.path).path != BULK_PATH:
            self._send(404, {"success": False, "errors": [{"message": "no route"}]})
            return
        if not self._authorized():
            return
        with live.lock:
            live.in_flight += 1
            live.max_in_flight = max(live.max_in_flight, live.in_flight)
        try:
            time.sleep(live.delay)
            self._bulk(body)
        finally:
            with live.lock:
                live.in_flight -= 1

    def _bulk(self, body: dict[str, Any]) -> None:
        live = self.server.live
        data = body["data"]
        fault = live.fault([item["event"] for item in data])
        refusals = {
            "429": (429, "rate limited", {"Retry-After": live.retry_after}),
            "429-long": (429, "rate limited", {"Retry-After": "3600"}),
            "503-before": (503, "unavailable", {}),
            "401": (401, "Authentication error", {}),
            "403": (403, "Forbidden: missing permission", {}),
            "404-dataset": (404, "dataset not found", {}),
            "huge-400": (400, "x" * 1_000_000, {}),
        }
        if fault in refusals:
            status, message, headers = refusals[fault]
            error = {"success": False, "errors": [{"code": 1000, "message": message}]}
            self._send(status, error, headers)
            return
        errors, created = live.store(data)
        self._answer(fault, body, data, errors, created)

    def _answer(self, fault: str | None, body: dict[str, Any], data: list[Any],
                errors: list[dict[str, Any]], created: int) -> None:  # fmt: skip
        if fault in ("500", "502"):
            self._send(int(fault), {"success": False, "errors": [{"message": "upstream"}]})
        elif fault == "reset":
            self.close_connection = True
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
        elif fault == "garbage":
            self._send(202, b"<html>oops</html>")
        elif fault == "bad-encoding":
            self._send(202, b'{"not": "gzip"}', {"Content-Encoding": "gzip"})
        else:
            if fault == "stall":
                time.sleep(self.server.live.stall)
            result: dict[str, Any] = {
                "createBulkEventsRequestId": "req",
                "createdEventsCount": created,
                "createdTagsCount": 0,
                "errorCount": len(errors),
                "queuedIndicatorsCount": 0,
                "errors": errors,
            }
            if body.get("includeCreatedEvents"):
                result["createdEvents"] = [
                    {"eventIndex": pos, "uuid": f"uuid-{item['event']}", "shardId": "shard-7"}
                    for pos, item in enumerate(data)
                    if pos not in {e["eventIndex"] for e in errors}
                ]
            if fault == "unlisted":
                del result["errors"]
            self._send(202, envelope(result))


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    live: LiveServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # resets and abandoned connections are part of the tests


@contextmanager
def serve() -> Iterator[LiveServer]:
    """A live server on 127.0.0.1 (a free port), stopped at the end of the block."""
    server = _Server(("127.0.0.1", 0), _Handler)
    server.live = live = LiveServer()
    live.url = f"http://127.0.0.1:{server.server_address[1]}{PREFIX}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)  # fmt: skip
    thread.start()
    try:
        yield live
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
