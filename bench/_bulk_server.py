"""A bulk endpoint on 127.0.0.1 that answers after ``--delay`` seconds, for bench_ingest.py.

Run as its own process (``python -m bench._bulk_server --delay 0.05``) so that its work does not
share the bench's interpreter; it prints its base URL on the first line of standard output.
``GET /stats`` returns ``{"requests", "stored", "duplicates"}`` (events are told apart by their
``event`` field); ``POST /reset`` forgets them.
"""

from __future__ import annotations

import argparse
import json
import socket
import sys
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

PREFIX = "/client/v4"


class _State:
    def __init__(self, delay: float) -> None:
        self.delay = delay
        self.lock = threading.Lock()
        self.requests = 0
        self.stored: Counter[str] = Counter()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass

    def _send(self, status: int, body: object) -> None:
        content = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)

    def do_GET(self) -> None:  # noqa: N802
        state = self.server.state
        with state.lock:
            stats = {
                "requests": state.requests,
                "stored": len(state.stored),
                "duplicates": sum(n - 1 for n in state.stored.values()),
            }
        self._send(200, stats)

    def do_POST(self) -> None:  # noqa: N802
        state = self.server.state
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
        if self.path.endswith("/reset"):
            with state.lock:
                state.requests, state.stored = 0, Counter()
            self._send(200, {})
            return
        time.sleep(state.delay)
        data = body["data"]
        with state.lock:
            state.requests += 1
            state.stored.update(item["event"] for item in data)
        result = {"createdEventsCount": len(data), "createdTagsCount": 0, "errorCount": 0,
                  "queuedIndicatorsCount": 0, "errors": []}  # fmt: skip
        self._send(202, {"success": True, "errors": [], "messages": [], "result": result})


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    state: _State


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--delay", type=float, default=0.05, help="seconds before each answer")
    args = parser.parse_args(argv)
    server = _Server(("127.0.0.1", 0), _Handler)
    server.state = _State(args.delay)
    print(f"http://127.0.0.1:{server.server_address[1]}{PREFIX}", flush=True)
    try:
        server.serve_forever(poll_interval=0.1)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
