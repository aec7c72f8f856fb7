"""``python -m cloudforce_one_events ingest`` in-process (MockTransport): formats, checks of the
input, output files, the journal, exit codes. test_live_ingest.py drives it as a subprocess
against a real server (signals, resumes, faults)."""

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


def read_jsonl(path: Path) -> list[Any]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_jsonl(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    server = FakeServer()
    source = write_jsonl(tmp_path / "in.jsonl", events(30))
    assert cli(server, str(source), "--dataset-id", DATASET, "--chunk-size", "7") == 0
    out, err = capsys.readouterr()
    assert "30 record(s) (jsonl)" in out
    assert (
        "this run: 30 created, 0 rejected, 0 invalid, 0 unknown, 0 not sent; 5 chunk(s) sent (0 retried, 0 retries in all), 0 failed"
        in out
    )
    assert out.endswith("exit status 0: every record was created\n")
    assert err == ""  # not a terminal, and quicker than a progress line
    assert sorted(server.chunk_sizes) == [2, 7, 7, 7, 7]
    assert all(b["datasetId"] == DATASET for b in server.bodies)


def test_json_array_and_blank_lines(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    server = FakeServer()
    source = tmp_path / "in.json"
    source.write_text(json.dumps(list(events(12)), indent=2))
    assert cli(server, str(source), "--dataset-id", DATASET) == 0
    assert "12 record(s) (json)" in capsys.readouterr().out
    jsonl = tmp_path / "feed.txt"  # no known extension: sniffed
    jsonl.write_text("\n" + json.dumps(event(12)) + "\n\n" + json.dumps(event(13)) + "\n")
    assert cli(server, str(jsonl), "--dataset-id", DATASET) == 0
    assert "2 record(s) (jsonl)" in capsys.readouterr().out


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


def test_csv_header_checked_once_with_the_closest_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    server = FakeServer()
    source = tmp_path / "in.csv"
    source.write_text("category,date,evnt,tlp,raw.dta,colour\nC,2024-05-01,ev-0,red,{}\n")
    assert cli(server, str(source), "--dataset-id", DATASET) == 2
    err = capsys.readouterr().err
    assert "line 1: unknown column(s) in the CSV header" in err
    assert "'evnt' (did you mean 'event'?)" in err
    assert "'raw.dta' (did you mean 'raw.data'?)" in err
    assert "'colour' (no such field)" in err
    assert "nothing was sent" in err and server.requests == 0


def test_stdin(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    server = FakeServer()
    text = "".join(json.dumps(e) + "\n" for e in events(9))
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text.encode())))
    assert cli(server, "-", "--dataset-id", DATASET) == 0
    out = capsys.readouterr().out
    assert "<stdin>: 9 record(s) (jsonl); no journal" in out
    csv_text = "category,date,event,tlp,raw.data\nC,2024-05-01,ev-9,red,{}\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(csv_text.encode())))
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
    assert "20 valid, 0 invalid; nothing sent" in capsys.readouterr().out
    bad = write_jsonl(tmp_path / "bad.jsonl", events(20, invalid=[4, 11]))
    rejected = tmp_path / "invalid.jsonl"
    code = cli(server, str(bad), "--dataset-id", DATASET, "--dry-run", "--rejected-out",
               str(rejected))  # fmt: skip
    assert code == 1
    out = capsys.readouterr().out
    assert "18 valid, 2 invalid" in out
    assert "line 5: invalid: tlp: Field required" in out
    assert [r["event"] for r in read_jsonl(rejected)] == ["ev-4", "ev-11"]
    assert [r["_ingest"]["line"] for r in read_jsonl(rejected)] == [5, 12]
    assert server.requests == 0
    assert not (tmp_path / "bad.jsonl.ingest-journal").exists()


def test_every_bad_line_listed_by_file_line_and_nothing_sent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    server = FakeServer()
    lines = [json.dumps(event(i)) for i in range(40)]
    for n in (2, 9, 10, 11, 30) + tuple(range(32, 40)):
        lines[n] = "{oops"
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(lines) + "\n")
    assert cli(server, str(source), "--dataset-id", DATASET) == 2
    err = capsys.readouterr().err
    assert "13 line(s) cannot be read" in err
    for line in (3, 10, 11, 12, 31, 33, 40):
        assert f"line {line}: invalid JSON" in err
    assert "nothing was sent" in err and server.requests == 0


def test_many_bad_lines_are_all_numbered(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(
        "".join("{bad\n" if i % 2 else json.dumps(event(i)) + "\n" for i in range(100))
    )
    assert cli(FakeServer(), str(source), "--dataset-id", DATASET) == 2
    err = capsys.readouterr().err
    assert "50 line(s) cannot be read" in err and err.count("invalid JSON") == 20
    assert "and 30 more: line(s) 42, 44, 46," in err and "98, 100" in err


@pytest.mark.parametrize(
    ("name", "content", "where"),
    [
        ("in.jsonl", json.dumps(event(0)) + "\n" + json.dumps(event(1)) + "\n{oops\n", "line 3"),
        ("in.json", '[\n  {"a": 1},\n  {"a": 2,}\n]', "line 3"),
        ("in.json", '"just text"', "expected a JSON array"),
        ("in.json", '[{"a": 1}', "not closed"),
        ("in.json", '{"a": 1}\n{"a": 2,}\n', "line 2"),
        ("in.csv", "category,raw\nC,{}\nD,{bad\n", "line 3"),
        ("in.csv", "category,event\nC,e\nD,e,extra\n", "line 3"),
        ("in.csv", "category,,event\nC,x,e\n", "line 1"),
        ("in.jsonl", "\xff\xfe", "not UTF-8"),
    ],
)
def test_unreadable_input_exits_2_with_the_line_and_sends_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, content: str, where: str
) -> None:
    server = FakeServer()
    source = tmp_path / name
    source.write_bytes(content.encode("latin-1") if "\xff" in content else content.encode())
    assert cli(server, str(source), "--dataset-id", DATASET) == 2
    err = capsys.readouterr().err
    assert where in err and "nothing was sent" in err
    assert server.requests == 0


def test_unreadable_input_still_writes_the_report(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps(event(0)) + "\n{oops\n")
    report = tmp_path / "report.json"
    assert cli(FakeServer(), str(source), "--dataset-id", DATASET, "--report", str(report)) == 2
    data = json.loads(report.read_text())
    assert data["exit_status"] == 2 and "line 2: invalid JSON" in data["error"]


def test_input_changed_while_sending_exits_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from cloudforce_one_events._core import ingest_run

    source = write_jsonl(tmp_path / "in.jsonl", events(30))
    checked = ingest_run.check_input

    def check_then_change(path: str, fmt: str, model: Any = None) -> Any:
        result = checked(path, fmt, model)
        with open(path, "a") as out:  # another program appends a broken line meanwhile
            out.write("{broken\n")
        return result

    monkeypatch.setattr(ingest_run, "check_input", check_then_change)
    server = FakeServer()
    assert cli(server, str(source), "--dataset-id", DATASET, "--chunk-size", "10") == 2
    out = capsys.readouterr().out
    assert "the input changed while it was sent: line 31: invalid JSON" in out
    assert "exit status 2: the input changed while it was sent" in out
    assert "in all: 30 created" in out and sorted(server.stored.values()) == [1] * 30


def test_empty_input_exits_2_and_its_report_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = tmp_path / "report.json"
    for name, text in (("in.jsonl", "\n\n"), ("in.json", "[]"), ("in.csv", "category,event\n")):
        source = tmp_path / name
        source.write_text(text)
        report.write_text('{"stale": true}')
        server = FakeServer()
        code = cli(server, str(source), "--dataset-id", DATASET, "--report", str(report))
        assert code == 2 and server.requests == 0
        assert f"{source}: no records to ingest; nothing was sent" in capsys.readouterr().err
        assert json.loads(report.read_text())["error"] == "no records to ingest"


def test_rejected_and_unknown_files_then_ingest_them_back(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    server = FakeServer(["500"])
    source = write_jsonl(tmp_path / "in.jsonl", events(25, invalid=[3], reject=[20]))
    rejected, unknown = tmp_path / "rejected.jsonl", tmp_path / "unknown.jsonl"
    code = cli(server, str(source), "--dataset-id", DATASET, "--chunk-size", "10",
               "--concurrency", "1", "--rejected-out", str(rejected), "--unknown-out", str(unknown))  # fmt: skip
    assert code == 1
    out = capsys.readouterr().out
    assert "in all: 13 created, 1 rejected, 1 invalid, 10 unknown, 0 not sent" in out
    assert "10 record(s) may or may not have been created" in out
    assert f"2 rejected or invalid record(s) written to {rejected}" in out
    failed = read_jsonl(rejected)
    assert [(f["event"], f["_ingest"]["line"], f["_ingest"]["outcome"]) for f in failed] == [
        ("ev-3", 4, "invalid"),
        ("ev-20", 21, "rejected"),
    ]
    assert failed[0]["_ingest"]["reason"] == "tlp: Field required"
    assert failed[1]["_ingest"]["reason"] == "duplicate event ev-20"
    maybe = read_jsonl(unknown)
    assert [m["event"] for m in maybe] == [f"ev-{i}" for i in (0, 1, 2, 4, 5, 6, 7, 8, 9, 10)]
    assert all("500" in m["_ingest"]["reason"] for m in maybe)
    # the rejected file, fixed, is ingested as it is: the "_ingest" key is dropped
    write_jsonl(rejected, [{**f, "tlp": "amber", "tags": []} for f in failed])
    again = FakeServer()
    assert cli(again, str(rejected), "--dataset-id", DATASET) == 0
    assert sorted(again.received) == ["ev-20", "ev-3"]
    assert all("_ingest" not in item for item in again.items)


def test_output_files_are_rewritten_whole(tmp_path: Path) -> None:
    rejected = tmp_path / "rejected.jsonl"
    rejected.write_text("stale\n")
    source = write_jsonl(tmp_path / "in.jsonl", events(3))
    assert cli(FakeServer(), str(source), "--dataset-id", DATASET, "--rejected-out",
               str(rejected)) == 0  # fmt: skip
    assert rejected.read_text() == ""
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".ingest-")] == []


@pytest.mark.parametrize("flag", ["--rejected-out", "--unknown-out", "--report", "--journal"])
def test_an_output_that_is_the_input_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], flag: str
) -> None:
    server = FakeServer()
    source = write_jsonl(tmp_path / "in.jsonl", events(3))
    before = source.read_bytes()
    alias = str(tmp_path / "." / "in.jsonl")
    assert cli(server, str(source), "--dataset-id", DATASET, flag, alias) == 2
    assert "is the same file as the input FILE: refused" in capsys.readouterr().err
    assert source.read_bytes() == before and server.requests == 0


def test_a_hard_link_to_the_input_is_the_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", events(3))
    link = tmp_path / "retry.jsonl"
    os.link(source, link)
    assert cli(FakeServer(), str(source), "--dataset-id", DATASET, "--rejected-out", str(link)) == 2
    assert "same file as the input FILE" in capsys.readouterr().err
    assert link.read_text() == source.read_text() != ""


def test_two_outputs_on_one_file_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", events(3))
    out = str(tmp_path / "out.jsonl")
    code = cli(FakeServer(), str(source), "--dataset-id", DATASET, "--rejected-out", out,
               "--unknown-out", out)  # fmt: skip
    assert code == 2
    assert "--unknown-out" in capsys.readouterr().err


def test_report_json(tmp_path: Path) -> None:
    server = FakeServer([None, "401"])
    source = write_jsonl(tmp_path / "in.jsonl", events(30))
    report = tmp_path / "report.json"
    code = cli(server, str(source), "--dataset-id", DATASET, "--chunk-size", "10",
               "--concurrency", "1", "--report", str(report))  # fmt: skip
    assert code == 3
    data = json.loads(report.read_text())
    assert data["exit_status"] == 3 and data["records"] == 30
    assert data["total"] == {"created": 10, "rejected": 0, "invalid": 0, "unknown": 0,
                             "not_sent": 20}  # fmt: skip
    assert data["this_run"]["requests"] == 2
    assert data["stopped_by"]["status"] == 401
    assert data["journal"] == str(source) + ".ingest-journal"


def test_fatal_answer_exit_3_says_what_to_fix_then_resume(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", events(50))
    server = FakeServer(lambda number, ids: "401" if number == 1 else None)
    args = [str(source), "--dataset-id", DATASET, "--chunk-size", "10", "--concurrency", "1"]
    assert cli(server, *args) == 3
    out = capsys.readouterr().out
    assert "fix: the credentials were refused: set CLOUDFLARE_API_TOKEN" in out
    assert "api_token" not in out and TOKEN not in out
    assert "in all: 10 created, 0 rejected, 0 invalid, 0 unknown, 40 not sent" in out
    assert server.requests == 2
    # the same command again resumes: the 40 not sent go, the 10 created do not
    assert cli(server, *args) == 0
    assert sorted(server.stored.values()) == [1] * 50
    assert "in all: 50 created" in capsys.readouterr().out


def test_journal_for_another_target_is_refused_and_restart_starts_over(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", events(5))
    server = FakeServer()
    assert cli(server, str(source), "--dataset-id", DATASET) == 0
    assert cli(server, str(source), "--dataset-id", DATASET) == 0  # nothing left to send
    assert "nothing left to send" in capsys.readouterr().out and server.requests == 1
    assert cli(server, str(source), "--dataset-id", "other") == 2
    err = capsys.readouterr().err
    assert "was written for another ingestion (the target changed: dataset_id" in err
    assert f"{DATASET!r} -> 'other'" in err
    assert "--restart to start over (the 5 record(s) it created would be sent again)" in err
    first, *rest = source.read_text().splitlines(keepends=True)
    source.write_text(first.replace('"tlp"', '"tlp" ', 1) + "".join(rest))  # a record changed
    assert cli(server, str(source), "--dataset-id", DATASET) == 2
    assert "the input's content" in capsys.readouterr().err
    assert cli(server, str(source), "--dataset-id", DATASET, "--restart") == 0
    assert server.requests == 2 and server.received["ev-0"] == 2  # as asked: sent again


def test_a_file_that_is_not_a_journal_is_left_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", events(5))
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes\n")
    for extra in ([], ["--restart"]):
        assert cli(FakeServer(), str(source), "--dataset-id", DATASET, "--journal", str(notes),
                   *extra) == 2  # fmt: skip
        assert "is not a journal of this command" in capsys.readouterr().err
    assert notes.read_text() == "my notes\n"


def test_journal_chunk_sent_without_answer_is_unknown_and_not_resent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", events(20))
    server = FakeServer()
    args = [str(source), "--dataset-id", DATASET, "--chunk-size", "10"]
    assert cli(server, *args) == 0
    journal = Path(str(source) + ".ingest-journal")
    lines = journal.read_text().splitlines()
    # as if the process had been killed after sending its second chunk: no answer recorded,
    # and half a line written
    kept = [line for line in lines if '"done":"1.2"' not in line and '"end"' not in line]
    journal.write_text("\n".join(kept) + '\n{"done": "1.')
    second = [json.loads(line) for line in kept if '"sent":"1.2"' in line][0]["records"]
    unknown = tmp_path / "unknown.jsonl"
    again = FakeServer()
    assert cli(again, *args, "--unknown-out", str(unknown)) == 1
    assert again.requests == 0  # the created ones and the unanswered chunk are not sent again
    first, last = second[0]
    assert [r["_ingest"]["line"] for r in read_jsonl(unknown)] == list(range(first + 1, last + 2))
    assert "which recorded no answer" in read_jsonl(unknown)[0]["_ingest"]["reason"]
    assert "in all: 10 created, 0 rejected, 0 invalid, 10 unknown" in capsys.readouterr().out


def test_bad_usage_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", events(1))
    assert cli(FakeServer(), str(tmp_path / "missing.jsonl"), "--dataset-id", DATASET) == 2
    assert "cannot read" in capsys.readouterr().err
    assert cli(FakeServer(), str(source)) == 2  # --dataset-id is required
    assert cli(FakeServer(), str(source), "--dataset-id", DATASET, "--chunk-size", "0") == 2
    assert cli(FakeServer(), str(source), "--dataset-id", DATASET, "--chunk-size", "5000") == 2
    assert cli(FakeServer(), str(source), "--dataset-id", DATASET, "--concurrency", "x") == 2
    assert cli(FakeServer(), "-", "--dataset-id", DATASET, "--restart") == 2
    assert cli(FakeServer(), str(source), "--dataset-id", DATASET, "--errors-out", "x") == 2
    assert "--rejected-out FILE" in capsys.readouterr().err
    assert main([]) == 2
    assert main(["--help"]) == 0
    capsys.readouterr()


def test_version_of_the_package_on_the_command_and_on_ingest(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from cloudforce_one_events import __version__

    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"cloudforce-one-events {__version__}\n"
    assert main(["ingest", "--version"]) == 0
    assert capsys.readouterr().out == f"cloudforce-one-events {__version__}\n"


def test_missing_settings_named_by_environment_variable_and_flag(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("CLOUDFLARE_API_TOKEN")
    source = write_jsonl(tmp_path / "in.jsonl", events(1))
    server = FakeServer()
    assert cli(server, str(source), "--dataset-id", DATASET) == 2
    err = capsys.readouterr().err
    assert "set CLOUDFLARE_API_TOKEN (or CLOUDFLARE_EMAIL and CLOUDFLARE_API_KEY)" in err
    monkeypatch.setenv("CLOUDFLARE_API_TOKEN", TOKEN)
    monkeypatch.delenv("CLOUDFLARE_ACCOUNT_ID")
    assert cli(server, str(source), "--dataset-id", DATASET) == 2
    assert (
        "--account-id is missing: pass it, or set CLOUDFLARE_ACCOUNT_ID" in capsys.readouterr().err
    )
    assert cli(server, str(source), "--dataset-id", DATASET, "--account-id", ACCOUNT) == 0
    assert server.requests == 1


def test_credentials_never_printed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    server = FakeServer(lambda number, ids: "401")
    source = write_jsonl(tmp_path / "in.jsonl", events(5))
    report = tmp_path / "report.json"
    assert cli(server, str(source), "--dataset-id", DATASET, "--report", str(report)) == 3
    out, err = capsys.readouterr()
    assert "401" in out and "Auth error" in out
    for text in (out, err, report.read_text(), Path(str(source) + ".ingest-journal").read_text()):
        assert TOKEN not in text


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_on_a_terminal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", events(40))
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert cli(FakeServer(), str(source), "--dataset-id", DATASET, "--chunk-size", "10") == 0
    drawn = terminal.getvalue()
    assert drawn.startswith("\r[") and "100.0% 40/40" in drawn and drawn.endswith("\n")
    assert "/s  ETA " in drawn


def test_progress_lines_when_not_a_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", events(40))
    code = cli(FakeServer(), str(source), "--dataset-id", DATASET, "--chunk-size", "10",
               "--progress-every", "0.000001")  # fmt: skip
    assert code == 0
    err = capsys.readouterr().err
    assert "\r" not in err
    assert "ingest: 10/40 (25.0%): created 10, failed 0; " in err
    assert err.count("ingest: ") == 4 and "ETA" in err


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


def test_ctrl_c_while_the_package_loads_is_one_line_and_exit_130() -> None:
    """A SIGINT before the command's handlers are in place (the package is still importing:
    ~0.5 s of models) ends with one line and status 130, never a traceback."""
    hook = (
        "import sys, runpy\n"
        "class Interrupt:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'cloudforce_one_events._ingest_cli':\n"
        "            raise KeyboardInterrupt\n"
        "sys.meta_path.insert(0, Interrupt())\n"
        "sys.argv = ['cloudforce_one_events', 'ingest', 'events.jsonl', '--dataset-id', 'd']\n"
        "runpy.run_module('cloudforce_one_events', run_name='__main__', alter_sys=True)\n"
    )
    done = subprocess.run([sys.executable, "-c", hook], capture_output=True, text=True, timeout=60)
    assert done.returncode == 130, done.stderr
    assert done.stderr == "cloudforce_one_events: interrupted before anything was sent\n"
