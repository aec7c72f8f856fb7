"""Prism mock servers for the contract tests: found, started on free ports, waited for, stopped.

Prism (``@stoplight/prism-cli``) is taken from ``$PRISM_BIN``, else from the first
``node_modules/.bin/prism`` found walking up from this directory, else from ``prism`` on PATH;
without it the session fails (never skips), saying how to install it. :func:`serve` runs two
servers for the session, both in errors mode (a request or response that breaks the spec is an
HTTP error, not a log line): a static one answering with the spec's examples, and a dynamic one
(``-d``) generating payloads from the schemas, seeded per request with a ``Prefer: seed=N``
header. A server that exits during startup because its port was taken meanwhile is started
again on another port. Each runs in its own process group, which is killed when the session
ends, fails, is interrupted or receives SIGTERM or SIGHUP (on Linux, also when this process
dies). :class:`Violations` collects what Prism reports about each exchange.

The same file in every generated client; conftest.py passes what differs (the spec, the Prism
version).
"""

from __future__ import annotations

import atexit
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

import httpx
import pytest

HERE = Path(__file__).resolve().parent
STARTUP_TIMEOUT = 30.0
STARTUP_ATTEMPTS = 3
MODES: dict[str, list[str]] = {"static": [], "dynamic": ["-d"]}
"""Name of each server -> its extra ``prism mock`` arguments."""


def install_hint(version: str) -> str:
    return (
        "The contract tests need Node.js (20+) and Prism " + version + ": run `npm ci` at the "
        "repository root (package.json pins @stoplight/prism-cli), or `npm install -g "
        "@stoplight/prism-cli@" + version + "`, or point $PRISM_BIN at a prism executable."
    )


def find_prism(hint: str) -> list[str]:
    """The command that runs Prism; fails the session (never skips) when it cannot."""
    configured = os.environ.get("PRISM_BIN")
    if configured:
        if not Path(configured).is_file() and shutil.which(configured) is None:
            pytest.fail(f"$PRISM_BIN={configured!r} does not exist. {hint}", pytrace=False)
        return [configured]
    found: str | None = None
    for directory in (HERE, *HERE.parents):
        candidate = directory / "node_modules" / ".bin" / "prism"
        if candidate.is_file():
            found = str(candidate)
            break
    found = found or shutil.which("prism")
    if found is None:
        pytest.fail(f"Prism was not found. {hint}", pytrace=False)
    if shutil.which("node") is None:
        pytest.fail(
            f"Prism was found at {found} but Node.js (`node`) is not on PATH. {hint}",
            pytrace=False,
        )
    return [found]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


# --- processes ------------------------------------------------------------------------------

_RUNNING: set[subprocess.Popen[bytes]] = set()


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    """Linux: have the kernel send SIGTERM to Prism if this Python process dies (even SIGKILLed)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except Exception:
        pass


def stop(proc: subprocess.Popen[bytes]) -> None:
    """Terminate Prism's whole process group, then kill it if it does not exit within 5 s."""
    _RUNNING.discard(proc)
    if proc.poll() is not None:
        return
    if os.name == "posix":
        for sig, wait in ((signal.SIGTERM, 5.0), (signal.SIGKILL, 5.0)):
            try:
                os.killpg(proc.pid, sig)
            except ProcessLookupError:
                return
            try:
                proc.wait(wait)
                return
            except subprocess.TimeoutExpired:
                continue
    else:  # pragma: no cover
        proc.kill()
        proc.wait(5.0)


def stop_all() -> None:
    for proc in list(_RUNNING):
        stop(proc)


atexit.register(stop_all)


@dataclass
class Prism:
    name: str
    url: str
    proc: subprocess.Popen[bytes]
    log: Path

    def log_tail(self, lines: int = 30) -> str:
        try:
            text = self.log.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])


def start_prism(
    command: list[str], name: str, extra: list[str], spec: Path, log_dir: Path, hint: str
) -> Prism:
    """One ``prism mock`` of ``spec`` on a free port, logging to ``log_dir/prism-<name>.log``."""
    port = free_port()
    log = log_dir / f"prism-{name}.log"
    args = [*command, "mock", "-h", "127.0.0.1", "-p", str(port), "--errors", *extra, str(spec)]
    with open(log, "wb") as out:
        try:
            proc = subprocess.Popen(
                args,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
            )
        except OSError as exc:
            pytest.fail(f"could not start Prism ({' '.join(args)}): {exc}. {hint}", pytrace=False)
    _RUNNING.add(proc)
    return Prism(name, f"http://127.0.0.1:{port}", proc, log)


def wait_until_up(servers: list[Prism], deadline: float) -> list[Prism]:
    """Poll each server until it answers any HTTP request; return the ones that exited early.
    Fails with their logs when some still do not answer at ``deadline`` (``time.monotonic``)."""
    exited: list[Prism] = []
    pending = list(servers)
    with httpx.Client(timeout=0.5) as http:
        while pending:
            for server in list(pending):
                if server.proc.poll() is not None:
                    exited.append(server)
                    pending.remove(server)
                    continue
                try:
                    http.get(server.url + "/")
                except httpx.HTTPError:
                    continue
                pending.remove(server)
            if not pending:
                break
            if time.monotonic() > deadline:
                names = ", ".join(s.name for s in pending)
                tails = "\n".join(f"--- {s.name} ---\n{s.log_tail()}" for s in pending)
                pytest.fail(
                    f"Prism ({names}) did not answer within {STARTUP_TIMEOUT:.0f} s.\n{tails}",
                    pytrace=False,
                )
            time.sleep(0.1)
    return exited


# --- the session's servers ------------------------------------------------------------------


@dataclass(frozen=True)
class PrismServers:
    static_server: Prism
    dynamic_server: Prism

    @property
    def static(self) -> str:
        return self.static_server.url

    @property
    def dynamic(self) -> str:
        return self.dynamic_server.url

    def check_running(self) -> None:
        """Fail with Prism's log when a server died during the session (explains connection errors)."""
        for server in (self.static_server, self.dynamic_server):
            code = server.proc.poll()
            if code is not None:
                pytest.fail(
                    f"Prism ({server.name}, {server.url}) exited with status {code}:\n{server.log_tail()}",
                    pytrace=False,
                )


@contextmanager
def serve(spec: Path, version: str, log_dir: Path) -> Iterator[PrismServers]:
    """Both Prism servers of ``spec``, started together; stopped on leaving, whatever happens."""
    hint = install_hint(version)
    if not spec.is_file():
        pytest.fail(f"the spec the client was generated from is missing: {spec}", pytrace=False)
    command = find_prism(hint)
    with _signals_stop_prism():
        servers: dict[str, Prism] = {}
        try:
            _start_all(command, spec, log_dir, hint, servers)
            yield PrismServers(servers["static"], servers["dynamic"])
        finally:
            for server in servers.values():
                stop(server.proc)
            stop_all()


def _start_all(
    command: list[str], spec: Path, log_dir: Path, hint: str, servers: dict[str, Prism]
) -> None:
    """Start every server of :data:`MODES` into ``servers``, again (on new ports) those that
    exited because their port was taken meanwhile; fails when one exits for another reason."""
    wanted = dict(MODES)
    for attempt in range(STARTUP_ATTEMPTS):
        started = [
            start_prism(command, n, extra, spec, log_dir, hint) for n, extra in wanted.items()
        ]
        exited = wait_until_up(started, time.monotonic() + STARTUP_TIMEOUT)
        for server in started:
            if server not in exited:
                servers[server.name] = server
        wanted = {s.name: wanted[s.name] for s in exited}
        if not exited:
            return
        if attempt == STARTUP_ATTEMPTS - 1 or not any("EADDRINUSE" in s.log_tail() for s in exited):
            tails = "\n".join(f"--- {s.name} ---\n{s.log_tail()}" for s in exited)
            pytest.fail(f"Prism exited during startup:\n{tails}\n{hint}", pytrace=False)


@contextmanager
def _signals_stop_prism() -> Iterator[None]:
    """While inside: SIGTERM and SIGHUP stop every Prism first, then do what they did before
    (main thread only: Python delivers signals there)."""
    previous: dict[int, Any] = {}
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGTERM, getattr(signal, "SIGHUP", None)):
            if sig is not None:
                previous[sig] = signal.getsignal(sig)
                signal.signal(sig, _forward_signal(previous[sig]))
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _forward_signal(previous: Any) -> Callable[[int, FrameType | None], None]:
    def handler(signum: int, frame: FrameType | None) -> None:
        stop_all()
        if callable(previous):
            previous(signum, frame)
            return
        signal.signal(signum, previous if previous is not None else signal.SIG_DFL)
        os.kill(os.getpid(), signum)

    return handler


# --- what Prism reports ---------------------------------------------------------------------


class Violations(list[str]):
    """``sl-violations`` headers Prism attached to responses (warnings included)."""

    def record(self, response: httpx.Response) -> None:
        value = response.headers.get("sl-violations")
        if value:
            self.append(f"{response.request.method} {response.request.url}: {value}")

    async def arecord(self, response: httpx.Response) -> None:
        self.record(response)

    def assert_none(self) -> None:
        assert not self, "Prism reported violations:\n" + "\n".join(self)
