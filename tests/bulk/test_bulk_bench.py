"""Smoke test of bench/bench_ingest.py at tiny sizes (the figures themselves are not asserted)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench" / "bench_ingest.py"


def test_bench_ingest_runs_at_tiny_sizes(capsys: pytest.CaptureFixture[str]) -> None:
    spec = importlib.util.spec_from_file_location("bench_ingest", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    argv = ["--events", "120", "--memory-events", "300", "--live-events", "200", "--delay",
            "0.001", "--duplicates-events", "400", "--interrupts", "2", "--rounds", "1",
            "--chunk-size", "25"]  # fmt: skip
    assert module.main(argv) == 0
    out = capsys.readouterr().out
    for row in ("raw httpx loop (baseline)", "bulk_create_all (sync)", "bulk_create_all (async",
                "ingest command (new process, journal)", "duplicates"):  # fmt: skip
        assert row in out
    assert "| 400    | 2       |" in out  # the duplicates row
