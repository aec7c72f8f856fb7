"""The ingest command as a user runs it: a subprocess against a real server on 127.0.0.1,
interrupted by signals, refused by the API, broken by faults, piped to ``head`` and run again.

The server counts what it stored, so "every event created exactly once" is checked against it.
"""

from __future__ import annotations

import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from bulk_support import events
from live_server import ACCOUNT, DATASET, TOKEN, LiveServer, serve


@pytest.fixture
def live() -> Iterator[LiveServer]:
    with serve() as server:
        yield server


def write_input(path: Path, n: int, **kwargs: Any) -> Path:
    with path.open("w") as out:
        for item in events(n, **kwargs):
            out.write(json.dumps(item) + "\n")
    return path


def command(source: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "cloudforce_one_events", "ingest", str(source),
            "--dataset-id", DATASET, *extra]  # fmt: skip


def environment(live: LiveServer, token: str = TOKEN) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLOUDFLARE_")}
    env.update(CLOUDFLARE_API_TOKEN=token, CLOUDFLARE_ACCOUNT_ID=ACCOUNT,
               CLOUDFLARE_BASE_URL=live.url)  # fmt: skip
    return env


def start(live: LiveServer, args: list[str], token: str = TOKEN) -> subprocess.Popen[str]:
    return subprocess.Popen(args, env=environment(live, token), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)  # fmt: skip


def run(live: LiveServer, args: list[str], token: str = TOKEN) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, env=environment(live, token), capture_output=True, text=True,
                          timeout=180)  # fmt: skip


def wait_for(condition: Any, process: subprocess.Popen[str], timeout: float = 60.0) -> bool:
    """Until ``condition()`` or the process ends (bounded)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        if process.poll() is not None:
            return False
        time.sleep(0.002)
    raise AssertionError("timed out")


def stored_once(live: LiveServer, n: int) -> None:
    assert sorted(live.stored) == sorted(f"ev-{i}" for i in range(n))
    assert set(live.stored.values()) == {1}, "an event was created twice"


def test_sigint_at_random_moments_then_rerun_creates_every_event_once(
    live: LiveServer, tmp_path: Path
) -> None:
    n = 20_000
    live.delay = 0.01
    source = write_input(tmp_path / "events.jsonl", n)
    args = command(source, "--chunk-size", "200", "--concurrency", "4")
    rng = random.Random(17)
    codes = []
    for _ in range(5):
        before = live.requests
        process = start(live, args)
        moment = rng.randrange(0, 15)
        if moment == 0:  # anywhere from start-up to the first requests
            time.sleep(rng.uniform(0.0, 0.8))
        else:
            wait_for(lambda b=before, m=moment: live.requests >= b + m, process)
            time.sleep(rng.uniform(0.0, 0.02))
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=120)
        codes.append(process.returncode)
        assert process.returncode in (0, 130, -signal.SIGINT), err
        if process.returncode == 130:
            assert "exit status 130: interrupted" in out or "interrupted before anything" in err
            assert "Traceback" not in err
    assert codes.count(130) >= 3
    assert len(live.stored) < n  # the interrupted runs did not finish the work
    final = run(live, args)
    assert final.returncode == 0, final.stdout + final.stderr
    assert f"in all: {n} created, 0 rejected, 0 invalid, 0 unknown, 0 not sent" in final.stdout
    stored_once(live, n)


def test_a_second_signal_abandons_the_requests_in_flight(live: LiveServer, tmp_path: Path) -> None:
    live.delay = 3.0
    source = write_input(tmp_path / "events.jsonl", 2000)
    unknown = tmp_path / "unknown.jsonl"
    args = command(
        source, "--chunk-size", "100", "--concurrency", "3", "--unknown-out", str(unknown)
    )
    process = start(live, args)
    wait_for(lambda: live.in_flight == 3, process)
    process.send_signal(signal.SIGINT)
    time.sleep(0.3)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert "abandoning the requests in flight" in err
    assert "in all: 0 created, 0 rejected, 0 invalid, 300 unknown, 1700 not sent" in out
    assert (
        "; 3 chunk(s) sent (0 retried, 0 retries in all), 0 failed" in out
    )  # the abandoned requests were sent
    time.sleep(3.0)  # the server finishes (and stores) what it was sent
    live.delay = 0.0
    again = run(live, args)
    assert again.returncode == 1
    assert "in all: 1700 created, 0 rejected, 0 invalid, 300 unknown, 0 not sent" in again.stdout
    assert len([line for line in unknown.read_text().splitlines()]) == 300
    stored_once(live, 2000)  # the abandoned chunks were stored once, never sent again


def test_a_second_run_on_the_same_journal_is_refused_while_the_first_runs(
    live: LiveServer, tmp_path: Path
) -> None:
    live.delay = 0.5
    source = write_input(tmp_path / "events.jsonl", 600)
    args = command(source, "--chunk-size", "100", "--concurrency", "2")
    first = start(live, args)
    wait_for(lambda: live.in_flight >= 1, first)
    second = run(live, args)
    assert second.returncode == 2, second.stdout + second.stderr
    assert "another ingest run is using this journal" in second.stderr
    out, err = first.communicate(timeout=60)
    assert first.returncode == 0, err
    assert "in all: 600 created, 0 rejected, 0 invalid, 0 unknown, 0 not sent" in out
    stored_once(live, 600)


def test_sigterm_stops_like_ctrl_c(live: LiveServer, tmp_path: Path) -> None:
    live.delay = 0.05
    source = write_input(tmp_path / "events.jsonl", 5000)
    process = start(live, command(source, "--chunk-size", "100"))
    wait_for(lambda: live.requests >= 2, process)
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 130 and "SIGTERM: stopping" in err
    assert "unknown" in out and " 0 unknown" in out
    again = run(live, command(source, "--chunk-size", "100"))
    assert again.returncode == 0
    stored_once(live, 5000)


@pytest.mark.parametrize("concurrency", [1, 4])
def test_a_refused_token_exits_3_after_at_most_concurrency_plus_one_requests(
    live: LiveServer, tmp_path: Path, concurrency: int
) -> None:
    live.delay = 0.02
    source = write_input(tmp_path / "events.jsonl", 20_000)
    done = run(live, command(source, "--chunk-size", "100", "--concurrency", str(concurrency)),
               token="wrong-token")  # fmt: skip
    assert done.returncode == 3, done.stderr
    assert len(live.headers) <= concurrency + 1 and not live.stored
    assert "fix: the credentials were refused: set CLOUDFLARE_API_TOKEN" in done.stdout
    assert "exit status 3: stopped by an answer (or an unreachable API)" in done.stdout
    assert "wrong-token" not in done.stdout + done.stderr
    assert "in all: 0 created, 0 rejected, 0 invalid, 0 unknown, 20000 not sent" in done.stdout


def test_a_dataset_that_does_not_exist_exits_3_naming_the_flag(
    live: LiveServer, tmp_path: Path
) -> None:
    live.faults = lambda number, ids: "404-dataset"
    source = write_input(tmp_path / "events.jsonl", 3000)
    done = run(live, command(source, "--chunk-size", "100", "--concurrency", "2"))
    assert done.returncode == 3
    assert (
        "fix: check --dataset-id and the account (--account-id or CLOUDFLARE_ACCOUNT_ID)"
        in done.stdout
    )
    assert live.requests <= 3


def test_an_api_that_cannot_be_reached_stops_the_run_with_the_reason(tmp_path: Path) -> None:
    """Connections refused even after the retries: the run stops after the chunks in flight
    (not after trying every chunk), names the cause and the setting to check, exit 3."""
    with socket.socket() as closed:  # bound, never listening: every connection is refused
        closed.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{closed.getsockname()[1]}"
        source = write_input(tmp_path / "events.jsonl", 5000)
        env = {k: v for k, v in os.environ.items() if not k.startswith("CLOUDFLARE_")}
        env.update(CLOUDFLARE_API_TOKEN=TOKEN, CLOUDFLARE_ACCOUNT_ID=ACCOUNT,
                   CLOUDFLARE_BASE_URL=url)  # fmt: skip
        report = tmp_path / "report.json"
        args = command(source, "--chunk-size", "100", "--concurrency", "2", "--report", str(report))
        done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=180)
    assert done.returncode == 3, done.stdout + done.stderr
    assert "All connection attempts failed" in done.stdout
    assert (
        "fix: the API could not be reached: check the network and CLOUDFLARE_BASE_URL"
        in done.stdout
    )
    data = json.loads(report.read_text())
    assert data["stopped_by"]["status"] is None and data["total"]["not_sent"] == 5000
    assert data["this_run"]["requests"] <= 3  # the chunks in flight, not the 50 of the file


def test_records_appended_to_an_ingested_file_are_sent_and_nothing_else(
    live: LiveServer, tmp_path: Path
) -> None:
    """A feed file that grows (today's events appended) resumes: the journal sees the first
    bytes unchanged and sends only the new records; any other change is still refused."""
    source = write_input(tmp_path / "events.jsonl", 1000)
    args = command(source, "--chunk-size", "100", "--report", str(tmp_path / "report.json"))
    assert run(live, args).returncode == 0
    with source.open("a") as out:  # events 1000-1299 appended
        out.writelines(json.dumps(item) + "\n" for item in list(events(1300))[1000:])
    grown = run(live, args)
    assert grown.returncode == 0, grown.stdout + grown.stderr
    assert "the input grew since the last run (1000 -> 1300 records" in grown.stdout
    assert "this run: 300 created" in grown.stdout
    assert "in all: 1300 created, 0 rejected, 0 invalid, 0 unknown, 0 not sent" in grown.stdout
    assert json.loads((tmp_path / "report.json").read_text())["grew_from"] == 1000
    stored_once(live, 1300)
    # a record changed (and one more appended): not the same input, refused, nothing sent
    lines = source.read_text().splitlines(keepends=True)
    lines[5] = lines[5].replace('"tlp"', '"tlp" ', 1)
    source.write_text("".join(lines) + lines[-1])
    requests = live.requests
    changed = run(live, args)
    assert changed.returncode == 2 and live.requests == requests
    assert "the input's content changed" in changed.stdout + changed.stderr


def test_random_faults_then_rerun_never_create_twice(live: LiveServer, tmp_path: Path) -> None:
    rng = random.Random(5)
    kinds = ("429", "500", "502", "reset", "503-before", "unlisted")
    live.faults = lambda number, ids: rng.choice(kinds) if rng.random() < 0.4 else None
    source = write_input(tmp_path / "events.jsonl", 4000, invalid=[10], reject=[20])
    report = tmp_path / "report.json"
    args = command(source, "--chunk-size", "100", "--report", str(report))
    first = run(live, args)
    assert first.returncode == 1, first.stderr
    totals = json.loads(report.read_text())["total"]
    assert sum(totals.values()) == 4000 and totals["unknown"] > 0 and totals["invalid"] == 1
    for _ in range(3):  # not-sent records go again; unknown and rejected ones never do
        again = run(live, args)
        assert again.returncode == 1
    totals = json.loads(report.read_text())["total"]
    assert totals["created"] + totals["unknown"] + 2 == 4000 - totals["not_sent"]
    assert set(live.stored.values()) == {1}, "an event was created twice"
    assert len(live.stored) >= totals["created"]


def test_piped_to_head_exits_quietly(live: LiveServer, tmp_path: Path) -> None:
    source = write_input(tmp_path / "events.jsonl", 500)
    line = " ".join(command(source, "--chunk-size", "50"))
    done = subprocess.run(["bash", "-c", f"set -o pipefail; {line} | head -n 1"],
                          env=environment(live), capture_output=True, text=True, timeout=120)  # fmt: skip
    assert "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr, done.stderr
    assert done.stdout.count("\n") == 1
    stored_once(live, 500)
