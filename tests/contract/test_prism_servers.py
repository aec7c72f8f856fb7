"""The generated tests' Prism process code (templates/tests/prism_servers.py) does what it says.

Driven with a stand-in ``prism`` executable (a Python script taking Prism's ``mock`` arguments)
that serves HTTP on the port it is given, crashes, never answers, says its port is taken, or
starts a child of its own, as each test asks: real processes on 127.0.0.1, real signals.
"""

from __future__ import annotations

import importlib.util
import os
import signal
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import FrameType, ModuleType

import httpx
import pytest

MODULE = Path(__file__).resolve().parents[2] / "templates" / "tests" / "prism_servers.py"
Failed = pytest.fail.Exception


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("prism_servers_under_test", MODULE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


ps = _load()

FAKE_PRISM = """\
import http.server, os, subprocess, sys, time

args = sys.argv[1:]
port = int(args[args.index("-p") + 1])
name = "dynamic" if "-d" in args else "static"
print("fake prism", " ".join(args), flush=True)
mode = os.environ.get("FAKE_PRISM_" + name.upper(), "serve")
if mode == "crash":
    print("boom: cannot read the spec", flush=True)
    sys.exit(3)
if mode == "taken-once":
    marker = os.environ["FAKE_PRISM_MARKER"] + "-" + name
    if not os.path.exists(marker):
        open(marker, "w").close()
        print(f"Error: listen EADDRINUSE: address already in use 127.0.0.1:{port}", flush=True)
        sys.exit(1)
if mode == "silent":
    print("starting, never listening", flush=True)
    time.sleep(300)
    sys.exit(0)
if mode == "family":
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)"])
    with open(os.environ["FAKE_PRISM_CHILD"], "w") as out:
        out.write(str(child.pid))


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(404)
        self.send_header("sl-violations", "[]")
        self.end_headers()

    def log_message(self, *args):
        pass


http.server.HTTPServer(("127.0.0.1", port), Handler).serve_forever()
"""


@pytest.fixture
def fake_prism(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A stand-in ``prism`` executable, named by ``$PRISM_BIN``."""
    script = tmp_path / "bin" / "prism"
    script.parent.mkdir()
    script.write_text(f"#!{sys.executable}\n{FAKE_PRISM}")
    script.chmod(0o755)
    monkeypatch.setenv("PRISM_BIN", str(script))
    return script


@pytest.fixture
def spec(tmp_path: Path) -> Path:
    path = tmp_path / "spec.yaml"
    path.write_text("openapi: 3.1.0\n")
    return path


@pytest.fixture
def log_dir(tmp_path: Path) -> Path:
    path = tmp_path / "logs"
    path.mkdir()
    return path


@pytest.fixture(autouse=True)
def nothing_left_running() -> Iterator[None]:
    yield
    leftover = list(ps._RUNNING)
    ps.stop_all()
    assert not leftover, "a test left Prism processes running"


def _gone(pid: int) -> bool:
    """The process has exited (a zombie nobody reaped counts as exited)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return True
    return state in ("Z", "X")


def _wait_gone(pid: int) -> bool:
    for _ in range(200):  # bounded: up to ~10 s on a loaded machine
        if _gone(pid):
            return True
        time.sleep(0.05)
    return False


# --- finding Prism ------------------------------------------------------------------------------


def test_prism_bin_is_used_when_it_exists(fake_prism: Path) -> None:
    assert ps.find_prism(ps.install_hint("1.2.3")) == [str(fake_prism)]


def test_a_missing_prism_bin_fails_with_the_install_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRISM_BIN", "/nonexistent/prism")
    with pytest.raises(Failed, match=r"PRISM_BIN='/nonexistent/prism' does not exist.*npm ci"):
        ps.find_prism(ps.install_hint("1.2.3"))


def test_no_prism_anywhere_fails_naming_the_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PRISM_BIN", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.setattr(ps, "HERE", tmp_path / "tests")
    with pytest.raises(Failed, match=r"Prism was not found.*prism-cli@1\.2\.3"):
        ps.find_prism(ps.install_hint("1.2.3"))


def test_node_modules_up_the_tree_is_found_but_node_is_required(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    local = tmp_path / "node_modules" / ".bin" / "prism"
    local.parent.mkdir(parents=True)
    local.write_text("")
    monkeypatch.delenv("PRISM_BIN", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.setattr(ps, "HERE", tmp_path / "client" / "tests")
    with pytest.raises(Failed, match=rf"found at {local} but Node.js"):
        ps.find_prism("hint")
    node = tmp_path / "bin" / "node"
    node.parent.mkdir()
    node.write_text("")
    node.chmod(0o755)
    monkeypatch.setenv("PATH", str(node.parent))
    assert ps.find_prism("hint") == [str(local)]


# --- the session's servers ----------------------------------------------------------------------


def test_serve_runs_a_static_and_a_dynamic_server_and_stops_both(
    fake_prism: Path, spec: Path, log_dir: Path
) -> None:
    with ps.serve(spec, "1.2.3", log_dir) as servers:
        assert servers.static != servers.dynamic
        for url in (servers.static, servers.dynamic):
            assert httpx.get(url + "/").status_code == 404  # any answer means up
        servers.check_running()
        procs = [servers.static_server.proc, servers.dynamic_server.proc]
        static_args = servers.static_server.log_tail()
        dynamic_args = servers.dynamic_server.log_tail()
    assert all(proc.poll() is not None for proc in procs)
    assert (
        f"mock -h 127.0.0.1 -p {servers.static.rpartition(':')[2]} --errors {spec}" in static_args
    )
    assert "--errors -d " in dynamic_args and " -d " not in static_args


def test_a_server_whose_port_was_taken_is_started_again(
    fake_prism: Path, spec: Path, log_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_PRISM_DYNAMIC", "taken-once")
    monkeypatch.setenv("FAKE_PRISM_MARKER", str(tmp_path / "taken"))
    with ps.serve(spec, "1.2.3", log_dir) as servers:
        assert (tmp_path / "taken-dynamic").exists(), "the first dynamic server did exit"
        assert httpx.get(servers.dynamic + "/").status_code == 404
        servers.check_running()


def test_a_server_that_exits_at_startup_fails_with_its_log_and_nothing_is_left(
    fake_prism: Path, spec: Path, log_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_PRISM_STATIC", "crash")
    with pytest.raises(Failed) as failed:
        with ps.serve(spec, "1.2.3", log_dir):
            pytest.fail("serve() must not yield")  # pragma: no cover
    message = str(failed.value)
    assert "Prism exited during startup" in message and "--- static ---" in message
    assert "boom: cannot read the spec" in message and "prism-cli@1.2.3" in message
    assert not ps._RUNNING  # the dynamic server, which did start, was stopped


def test_a_missing_spec_fails_before_anything_starts(fake_prism: Path, log_dir: Path) -> None:
    with pytest.raises(Failed, match="the spec the client was generated from is missing"):
        with ps.serve(log_dir / "absent.yaml", "1.2.3", log_dir):
            pass  # pragma: no cover
    assert not list(log_dir.iterdir())


def test_a_server_that_never_answers_fails_with_its_log(
    fake_prism: Path, spec: Path, log_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_PRISM_STATIC", "silent")
    server = ps.start_prism(ps.find_prism("hint"), "static", [], spec, log_dir, "hint")
    try:
        with pytest.raises(Failed, match=r"(?s)Prism \(static\) did not answer.*never listening"):
            ps.wait_until_up([server], time.monotonic() + 1.0)
    finally:
        ps.stop(server.proc)
    assert server.proc.poll() is not None


def test_a_server_that_dies_during_the_session_fails_the_check(
    fake_prism: Path, spec: Path, log_dir: Path
) -> None:
    with ps.serve(spec, "1.2.3", log_dir) as servers:
        os.killpg(servers.dynamic_server.proc.pid, signal.SIGKILL)
        servers.dynamic_server.proc.wait(10)
        with pytest.raises(Failed, match=r"Prism \(dynamic, http://127\.0\.0\.1:\d+\) exited"):
            servers.check_running()


# --- stopping -----------------------------------------------------------------------------------


def test_stop_ends_the_whole_process_group(
    fake_prism: Path, spec: Path, log_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    child_file = tmp_path / "child.pid"
    monkeypatch.setenv("FAKE_PRISM_STATIC", "family")
    monkeypatch.setenv("FAKE_PRISM_CHILD", str(child_file))
    server = ps.start_prism(ps.find_prism("hint"), "static", [], spec, log_dir, "hint")
    assert ps.wait_until_up([server], time.monotonic() + ps.STARTUP_TIMEOUT) == []
    child = int(child_file.read_text())
    assert not _gone(child)
    ps.stop(server.proc)
    assert server.proc.poll() is not None and server.proc not in ps._RUNNING
    assert _wait_gone(child), "Prism's own child process outlived it"


def test_sigterm_stops_prism_then_does_what_it_did_before(
    fake_prism: Path, spec: Path, log_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_PRISM_STATIC", "silent")
    seen: list[tuple[int, bool]] = []
    server_box: list[object] = []

    def before(signum: int, frame: FrameType | None) -> None:
        proc = server_box[0].proc  # type: ignore[attr-defined]
        seen.append((signum, proc.poll() is not None))

    original = signal.signal(signal.SIGTERM, before)
    try:
        with ps._signals_stop_prism():
            server = ps.start_prism(ps.find_prism("hint"), "static", [], spec, log_dir, "hint")
            server_box.append(server)
            os.kill(os.getpid(), signal.SIGTERM)
            for _ in range(100):  # bounded: the handler runs between bytecodes
                if seen:
                    break
                time.sleep(0.01)
        assert seen == [(signal.SIGTERM, True)], "Prism was stopped before the old handler ran"
        assert signal.getsignal(signal.SIGTERM) is before, "the old handler is back"
    finally:
        signal.signal(signal.SIGTERM, original)


# --- what Prism reports -------------------------------------------------------------------------


def test_violations_are_recorded_and_fail_the_check() -> None:
    request = httpx.Request("GET", "http://127.0.0.1:1/things")
    violations = ps.Violations()
    violations.record(httpx.Response(200, request=request))
    violations.assert_none()
    violations.record(httpx.Response(200, request=request, headers={"sl-violations": '[{"x":1}]'}))
    assert violations == ['GET http://127.0.0.1:1/things: [{"x":1}]']
    with pytest.raises(AssertionError, match="Prism reported violations"):
        violations.assert_none()
