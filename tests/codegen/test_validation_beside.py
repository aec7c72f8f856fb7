"""openapi-pydantic's check beside the build (generator/load/validation_beside.py): the same
verdict and messages as the inline check, an invalid document's problems before whatever the
build did with it, an inline check when the child gives no answer or cannot be forked, and no
child left behind by Ctrl-C."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest
import yaml

import generator.load.validation_beside as beside
from generator.diagnostics import GenerationError
from generator.load.loader import load_spec, spec_validated_alongside

INVALID = {
    "openapi": "3.0.3",
    "info": {"title": "T"},
    "paths": {"/a": {"get": {"responses": {"200": {"description": 5, "content": 7}}}}},
}
VALID = {"openapi": "3.1.0", "info": {"title": "T", "version": "1"}, "paths": {}}


def _spec(tmp_path: Path, doc: dict) -> Path:
    path = tmp_path / "openapi.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path


def _errors(exc: pytest.ExceptionInfo[GenerationError]) -> list[str]:
    return [str(d) for d in exc.value.diagnostics]


def _child_of(parent: int) -> bool:
    return os.getpid() != parent


def test_the_verdict_and_its_messages_are_the_inline_checks(tmp_path: Path) -> None:
    spec = _spec(tmp_path, INVALID)
    with pytest.raises(GenerationError) as inline:
        load_spec(spec)
    with pytest.raises(GenerationError) as alongside:
        with spec_validated_alongside(spec):
            pass
    assert _errors(alongside) == _errors(inline)
    assert len(_errors(inline)) == 3
    assert "openapi.yaml:3: /info: not a valid OpenAPI 3.0.3 document" in _errors(inline)[-1]


def test_the_check_runs_in_a_child_process(tmp_path: Path, monkeypatch) -> None:
    parent = os.getpid()
    checked_in: list[int] = []
    real = beside.openapi_problems

    def noting(document, version):
        if _child_of(parent):  # a child's list is its own: it answers through a file instead
            (tmp_path / "pid").write_text(str(os.getpid()))
        else:
            checked_in.append(os.getpid())
        return real(document, version)

    monkeypatch.setattr(beside, "openapi_problems", noting)
    with spec_validated_alongside(_spec(tmp_path, VALID)) as spec:
        assert spec.openapi_version == "3.1"
    assert checked_in == []
    assert int((tmp_path / "pid").read_text()) != parent


def test_an_invalid_documents_problems_come_before_the_builds_failure(tmp_path: Path) -> None:
    with pytest.raises(GenerationError) as exc:
        with spec_validated_alongside(_spec(tmp_path, INVALID)):
            raise KeyError("content")  # what a builder may do with `content: 7`
    assert len(_errors(exc)) == 3
    assert exc.value.__suppress_context__


def test_a_valid_documents_build_failure_is_the_error(tmp_path: Path) -> None:
    with pytest.raises(KeyError, match="a bug"):
        with spec_validated_alongside(_spec(tmp_path, VALID)):
            raise KeyError("a bug")


def test_a_child_that_dies_is_replaced_by_an_inline_check(tmp_path: Path, monkeypatch) -> None:
    parent = os.getpid()
    real = beside.openapi_problems

    def dying_in_the_child(document, version):
        if _child_of(parent):
            os._exit(9)
        return real(document, version)

    monkeypatch.setattr(beside, "openapi_problems", dying_in_the_child)
    with pytest.raises(GenerationError) as exc:
        with spec_validated_alongside(_spec(tmp_path, INVALID)):
            pass
    assert len(_errors(exc)) == 3


def test_with_threads_running_the_check_is_inline(tmp_path: Path, monkeypatch) -> None:
    def no_fork() -> int:
        raise AssertionError("forked while a thread runs")

    monkeypatch.setattr(beside.os, "fork", no_fork)
    release = threading.Event()
    thread = threading.Thread(target=release.wait)
    thread.start()
    try:
        with pytest.raises(GenerationError):
            with spec_validated_alongside(_spec(tmp_path, INVALID)):
                pass
    finally:
        release.set()
        thread.join()


def _slow_checks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Make every check in a child take a minute; the list gets each child's pid as forked."""
    parent = os.getpid()
    real = beside.openapi_problems
    real_start = beside.PendingValidation.start
    started: list[int] = []

    def slow_in_the_child(document, version):
        if _child_of(parent):
            time.sleep(60)
        return real(document, version)

    def noting_start(self):
        pending = real_start(self)
        started.append(pending.pid or 0)
        return pending

    monkeypatch.setattr(beside, "openapi_problems", slow_in_the_child)
    monkeypatch.setattr(beside.PendingValidation, "start", noting_start)
    return started


def _reaped(pid: int) -> bool:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True  # no such child any more: no zombie left
    return False


def test_ctrl_c_while_waiting_for_the_verdict_reaps_the_child_and_closes_its_pipe(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started = _slow_checks(monkeypatch)
    real_fdopen = os.fdopen

    class InterruptedRead:  # as if Ctrl-C came while the parent read the child's answer
        def __init__(self, fd: int, mode: str) -> None:
            self.file = real_fdopen(fd, mode)

        def __enter__(self) -> InterruptedRead:
            return self

        def __exit__(self, *exc: object) -> None:
            self.file.close()

        def read(self) -> bytes:
            raise KeyboardInterrupt

    fds_before = len(os.listdir("/proc/self/fd"))
    with pytest.raises(KeyboardInterrupt):
        with spec_validated_alongside(_spec(tmp_path, VALID)):
            monkeypatch.setattr(beside.os, "fdopen", InterruptedRead)
    [pid] = started
    assert pid > 0 and _reaped(pid)
    assert len(os.listdir("/proc/self/fd")) == fds_before  # the pipe's read end is closed


def test_ctrl_c_stops_and_reaps_the_child(tmp_path: Path, monkeypatch) -> None:
    started = _slow_checks(monkeypatch)
    began = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        with spec_validated_alongside(_spec(tmp_path, VALID)):
            raise KeyboardInterrupt
    assert time.monotonic() - began < 30  # the child was not waited for
    [pid] = started
    assert pid > 0 and _reaped(pid)
