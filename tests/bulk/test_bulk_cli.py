"""``python -m cloudforce_one_events ingest``: formats, dry run, errors-out, exit codes."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from bulk_support import ACCOUNT, DATASET, TOKEN, FakeServer, event, events
from cloudforce_one_events.__main__ import main


@pytest.fixture(autouse=True)
def env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("CLOUDFLARE_EMAIL", "CLOUDFLARE_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CLOUDFLARE_API_TOKEN", TOKEN)
    monkeypatch.setenv("CLOUDFLARE_ACCOUNT_ID", ACCOUNT)
    monkeypatch.setenv("CLOUDFLARE_BASE_URL", "https://api.test/client/v4")


def cli(server: FakeServer | None, *args: str) -> int:
    http = None
    if server is not None:
        http = httpx.AsyncClient(transport=httpx.MockTransport(server.handle_async))
    return main(["ingest", *args], http_client=http)


def write_jsonl(path: Path, items: Any) -> Path:
    path.write_text("".join(json.dumps(item) + "\n" for item in items))
    return path


def test_jsonl(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    server = FakeServer()
    source = write_jsonl(tmp_path / "in.jsonl", events(30))
    assert cli(server, str(source), "--dataset-id", DATASET, "--chunk-size", "7") == 0
    out, err = capsys.readouterr()
    assert "30 event(s) read (jsonl)" in out and "created 30, failed 0" in out
    assert "5 request(s)" in out
    assert err == ""  # not a terminal: no progress bar
    assert sorted(server.chunk_sizes) == [2, 7, 7, 7, 7]
    assert all(b["datasetId"] == DATASET for b in server.bodies)


def test_json_array_and_blank_lines(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    server = FakeServer()
    source = tmp_path / "in.json"
    source.write_text(json.dumps(list(events(12)), indent=2))
    assert cli(server, str(source), "--dataset-id", DATASET) == 0
    assert "12 event(s) read (json)" in capsys.readouterr().out
    jsonl = tmp_path / "feed.txt"  # no known extension: sniffed
    jsonl.write_text("\n" + json.dumps(event(0)) + "\n\n" + json.dumps(event(1)) + "\n")
    assert cli(server, str(jsonl), "--dataset-id", DATASET) == 0
    assert "2 event(s) read (jsonl)" in capsys.readouterr().out


def test_csv_conventions(tmp_path: Path) -> None:
    server = FakeServer()
    source = tmp_path / "in.csv"
    with source.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(
            ["category", "date", "event", "tlp", "raw.data", "raw.source", "tags", "indicators",
             "target_country", "accountId"]
        )  # fmt: skip
        w.writerow(
            ["Malware", "2024-05-01T12:00:00Z", "ev-0", "amber", '{"ip": "1.2.3.4"}', "feed-a",
             "botnet; ddos", '[{"indicatorType": "IP", "value": "1.2.3.4"}]', "FR", "42"]
        )  # fmt: skip
        w.writerow(
            ["Malware", "2024-05-01T12:00:00Z", "ev-1", "red", "{}", "", '["a;b", "c"]', "", "",
             ""]
        )  # fmt: skip
    assert cli(server, str(source), "--dataset-id", DATASET) == 0
    first, second = server.items
    assert first == {
        "category": "Malware",
        "date": "2024-05-01T12:00:00Z",
        "event": "ev-0",
        "tlp": "amber",
        "raw": {"data": {"ip": "1.2.3.4"}, "source": "feed-a"},
        "tags": ["botnet", "ddos"],
        "indicators": [{"indicatorType": "IP", "value": "1.2.3.4"}],
        "targetCountry": "FR",
        "accountId": 42.0,
    }
    assert second["tags"] == ["a;b", "c"] and second["raw"] == {"data": {}}
    assert "indicators" not in second and "targetCountry" not in second  # empty cell: unset


def test_csv_whole_raw_column(tmp_path: Path) -> None:
    server = FakeServer()
    source = tmp_path / "in.csv"
    source.write_text(
        'category,date,event,tlp,raw\nC,2024-05-01,ev-0,amber,"{""data"": {""k"": 1}}"\n'
    )
    assert cli(server, str(source), "--dataset-id", DATASET) == 0
    assert server.items[0]["raw"] == {"data": {"k": 1}}


def test_stdin(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    server = FakeServer()
    text = "".join(json.dumps(e) + "\n" for e in events(9))
    monkeypatch.setattr(sys, "stdin", io.StringIO(text))
    assert cli(server, "-", "--dataset-id", DATASET) == 0
    assert "<stdin>: 9 event(s) read (jsonl)" in capsys.readouterr().out
    monkeypatch.setattr(
        sys, "stdin", io.StringIO("category,date,event,tlp,raw.data\nC,2024-05-01,ev-9,red,{}\n")
    )
    assert cli(server, "-", "--dataset-id", DATASET) == 0
    assert "(csv)" in capsys.readouterr().out
    assert server.received["ev-9"] == 1


def test_dry_run_sends_nothing_and_needs_no_credentials(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("CLOUDFLARE_API_TOKEN")
    server = FakeServer()
    good = write_jsonl(tmp_path / "good.jsonl", events(20))
    assert cli(server, str(good), "--dataset-id", DATASET, "--dry-run") == 0
    assert "20 valid, 0 invalid, nothing sent" in capsys.readouterr().out
    bad = write_jsonl(tmp_path / "bad.jsonl", events(20, invalid=[4, 11]))
    errors_out = tmp_path / "invalid.jsonl"
    code = cli(
        server, str(bad), "--dataset-id", DATASET, "--dry-run", "--errors-out", str(errors_out)
    )
    assert code == 1
    out = capsys.readouterr().out
    assert "18 valid, 2 invalid" in out
    assert "event 5: validation: tlp: Field required" in out
    assert [json.loads(line)["event"] for line in errors_out.read_text().splitlines()] == [
        "ev-4",
        "ev-11",
    ]
    assert server.requests == 0


def test_errors_out_then_rerun(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    server = FakeServer(["500"])
    source = write_jsonl(tmp_path / "in.jsonl", events(25, invalid=[3], reject=[20]))
    errors_out = tmp_path / "failed.jsonl"
    code = cli(
        server,
        str(source),
        "--dataset-id",
        DATASET,
        "--chunk-size",
        "10",
        "--concurrency",
        "1",
        "--errors-out",
        str(errors_out),
    )
    assert code == 1
    out = capsys.readouterr().out
    assert "created 13, failed 12 (server 11, validation 1)" in out
    assert "10 failed event(s) were in requests whose outcome is unknown" in out
    assert f"failed records written to {errors_out}" in out
    failed = [json.loads(line) for line in errors_out.read_text().splitlines()]
    assert [f["event"] for f in failed] == ["ev-0", "ev-1", "ev-2", "ev-3"] + [
        f"ev-{i}" for i in range(4, 11)
    ] + ["ev-20"]
    # fix the records and ingest the errors file again
    fixed = [{**f, "tlp": "amber", "tags": []} for f in failed]
    write_jsonl(errors_out, fixed)
    again = FakeServer()
    assert cli(again, str(errors_out), "--dataset-id", DATASET) == 0
    assert sorted(again.received) == sorted(f["event"] for f in failed)


@pytest.mark.parametrize("spelling", ["same", "relative", "link"])
def test_errors_out_that_is_the_input_is_refused_before_anything_is_touched(
    spelling: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    source = write_jsonl(tmp_path / "in.jsonl", events(3))
    before = source.read_bytes()
    errors_out = {"same": str(source), "relative": "./in.jsonl", "link": str(tmp_path / "link.jsonl")}[spelling]
    if spelling == "link":
        (tmp_path / "link.jsonl").symlink_to(source)
    server = FakeServer()
    assert cli(server, str(source), "--dataset-id", DATASET, "--errors-out", errors_out) == 2
    assert "is the input file; choose another file" in capsys.readouterr().err
    assert source.read_bytes() == before and server.requests == 0


def test_errors_out_written_empty_on_success(tmp_path: Path) -> None:
    errors_out = tmp_path / "failed.jsonl"
    errors_out.write_text("stale\n")
    source = write_jsonl(tmp_path / "in.jsonl", events(3))
    assert (
        cli(FakeServer(), str(source), "--dataset-id", DATASET, "--errors-out", str(errors_out))
        == 0
    )
    assert errors_out.read_text() == ""


@pytest.mark.parametrize(
    ("name", "content", "where"),
    [
        ("in.jsonl", json.dumps(event(0)) + "\n" + json.dumps(event(1)) + "\n{oops\n", "line 3"),
        ("in.json", '[\n  {"a": 1},\n  {"a": 2,}\n]', "line 3"),
        ("in.json", '"just text"', "expected a JSON array"),
        ("in.json", '{"a": 1}\n{"a": 2,}\n', "line 2"),
        ("in.csv", "category,raw\nC,{}\nD,{bad\n", "line 3"),
        ("in.csv", "category,event\nC,e\nD,e,extra\n", "line 3"),
        ("in.csv", "category,,event\nC,x,e\n", "line 1"),
    ],
)
def test_unreadable_input_exits_2_with_the_line_and_sends_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, content: str, where: str | None
) -> None:
    server = FakeServer()
    source = tmp_path / name
    source.write_text(content)
    assert cli(server, str(source), "--dataset-id", DATASET) == 2
    err = capsys.readouterr().err
    if where:
        assert where in err
    assert "nothing was sent" in err
    assert server.requests == 0


def test_bad_usage_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", events(1))
    assert cli(FakeServer(), str(tmp_path / "missing.jsonl"), "--dataset-id", DATASET) == 2
    assert "cannot read" in capsys.readouterr().err
    assert cli(FakeServer(), str(source)) == 2  # --dataset-id is required
    assert cli(FakeServer(), str(source), "--dataset-id", DATASET, "--chunk-size", "0") == 2
    assert cli(FakeServer(), str(source), "--dataset-id", DATASET, "--chunk-size", "5000") == 2
    assert cli(FakeServer(), str(source), "--dataset-id", DATASET, "--concurrency", "x") == 2
    assert main([]) == 2
    assert main(["--help"]) == 0
    capsys.readouterr()


def test_missing_credentials_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("CLOUDFLARE_API_TOKEN")
    source = write_jsonl(tmp_path / "in.jsonl", events(1))
    server = FakeServer()
    assert cli(server, str(source), "--dataset-id", DATASET) == 2
    assert "CLOUDFLARE_API_TOKEN" in capsys.readouterr().err
    monkeypatch.setenv("CLOUDFLARE_API_TOKEN", TOKEN)
    monkeypatch.delenv("CLOUDFLARE_ACCOUNT_ID")
    assert cli(server, str(source), "--dataset-id", DATASET) == 2
    assert "CLOUDFLARE_ACCOUNT_ID" in capsys.readouterr().err
    assert cli(server, str(source), "--dataset-id", DATASET, "--account-id", ACCOUNT) == 0
    assert server.requests == 1


def test_credentials_never_printed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    server = FakeServer(lambda number, ids: "401")
    source = write_jsonl(tmp_path / "in.jsonl", events(5))
    assert cli(server, str(source), "--dataset-id", DATASET) == 1
    out, err = capsys.readouterr()
    assert "401" in out and "Auth error" in out
    assert TOKEN not in out + err


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_on_a_terminal_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", events(40))
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert cli(FakeServer(), str(source), "--dataset-id", DATASET, "--chunk-size", "10") == 0
    drawn = terminal.getvalue()
    assert drawn.startswith("\r[") and "100.0% 40/40 events" in drawn and drawn.endswith("\n")


def test_retries_in_the_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    server = FakeServer(["429", "connect"], retry_after="0")
    source = write_jsonl(tmp_path / "in.jsonl", events(5))
    assert cli(server, str(source), "--dataset-id", DATASET) == 0
    assert "1 retried" in capsys.readouterr().out


def test_as_a_subprocess(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLOUDFLARE_")}
    text = "".join(json.dumps(e) + "\n" for e in events(3, invalid=[1]))
    run = subprocess.run(
        [sys.executable, "-m", "cloudforce_one_events", "ingest", "-", "--dataset-id", "d",
         "--dry-run"],
        input=text, capture_output=True, text=True, env=env, timeout=60,
    )  # fmt: skip
    assert run.returncode == 1, run.stderr
    assert "2 valid, 1 invalid" in run.stdout
    run = subprocess.run(
        [sys.executable, "-m", "cloudforce_one_events", "ingest", "-", "--dataset-id", "d"],
        input=text, capture_output=True, text=True, env=env, timeout=60,
    )  # fmt: skip
    assert run.returncode == 2 and "CLOUDFLARE_API_TOKEN" in run.stderr
