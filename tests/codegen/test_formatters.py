"""How a batch is formatted (generator/render/formatters.py): the ruff pre-pass leaves black's
output, black's workers are counted from what other processes use now, and the formatter's
identity names both tools.
"""

from __future__ import annotations

import io
import sys

import black
import pytest

from generator.diagnostics import GenerationError
from generator.render import formatters
from generator.render.formatters import (
    black_mode,
    busy_elsewhere,
    formatter_key,
    ruff_shaped,
    run_formatter,
    worker_count,
)

UGLY = "def f( a,b ):\n  return {'a':a,'b':[b,b,b]}\n"
BROKEN = "def f(:\n"


def test_black_output_is_a_fixed_point_of_black_after_the_ruff_pass() -> None:
    items = [(0, "a.py", UGLY), (1, "b.py", "x = ( 1 )\n")]
    done, _ = run_formatter("black", items, 1)
    for idx, (text, error) in done.items():
        assert error is None and text is not None
        assert black.format_str(text, mode=black_mode()) == text, idx


def test_a_file_ruff_cannot_parse_reaches_black_unchanged_and_black_names_the_fault() -> None:
    shaped = ruff_shaped([(0, "ok.py", UGLY), (1, "bad.py", BROKEN)])
    assert shaped[1] == (1, "bad.py", BROKEN)  # the other file is still shaped
    assert shaped[0][2] != UGLY
    done, _ = run_formatter("black", [(1, "bad.py", BROKEN)], 1)
    text, error = done[1]
    assert text is None and error is not None and "cannot parse" in error and "1:6" in error


def test_the_black_identity_names_the_ruff_that_shaped_the_code() -> None:
    key = formatter_key("black")
    assert key.startswith("black==") and ";after=ruff==" in key


def test_workers_are_counted_from_what_runs_now_not_from_the_last_minute(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A generation that just ended left the 1-minute load average high; the tasks runnable now
    (less this process) decide. Without /proc/loadavg, the load average is the fallback."""
    monkeypatch.delenv(formatters.JOBS_ENV, raising=False)
    monkeypatch.setattr(formatters, "available_cpus", lambda: 2)
    monkeypatch.setattr(formatters.os, "getloadavg", lambda: (7.0, 7.0, 7.0))
    real_open = open
    proc: dict[str, str | None] = {"line": "7.00 7.00 7.00 3/300 1\n"}

    def fake_open(path: str, *args: object, **kwargs: object) -> object:
        if str(path) == "/proc/loadavg":
            if proc["line"] is None:
                raise OSError("not here")
            return io.StringIO(proc["line"])
        return real_open(path, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr("builtins.open", fake_open)
    assert busy_elsewhere() == 2.0  # 3 runnable, one of them this process
    assert worker_count(None) == 1
    proc["line"] = "7.00 7.00 7.00 1/300 1\n"
    assert busy_elsewhere() == 0.0 and worker_count(None) == 2
    proc["line"] = None
    assert busy_elsewhere() == 6.0
    assert worker_count(None) == 1
    assert worker_count(3) == 3  # asked for: as asked


def test_a_ruff_that_fails_otherwise_is_an_error_naming_the_file_never_a_half_shaped_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    failing = [sys.executable, "-c", "import sys; sys.stderr.write('ruff crashed'); sys.exit(3)"]
    monkeypatch.setattr(formatters, "_ruff_args", lambda: failing)
    with pytest.raises(GenerationError) as info:
        ruff_shaped([(0, "pkg/models/a.py", UGLY)])
    assert str(info.value) == "pkg/models/a.py: /: ruff failed: ruff crashed"
