"""The ingest command's runtime modules on their own: reading inputs, CSV layouts, the journal,
progress output. (The command end to end: tests/bulk/test_bulk_cli.py and test_live_ingest.py.)"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, ConfigDict, Field
from rtpkg._core.bulk_report import BulkProgress
from rtpkg._core.ingest_csv import CellError, CsvLayout, csv_conventions
from rtpkg._core.ingest_input import (
    BadLine,
    InputCheck,
    Record,
    check_input,
    detect_format,
    fingerprint,
    read_records,
    starts_with,
)
from rtpkg._core.ingest_journal import (
    CREATED,
    PENDING,
    REJECTED,
    UNKNOWN,
    Journal,
    JournalError,
    to_ranges,
)
from rtpkg._core.ingest_output import Progress, atomic_text


class Raw(BaseModel):
    data: dict[str, Any] | None = None
    source: str | None = None


class Item(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="forbid")
    event: str
    target_country: str | None = Field(default=None, alias="targetCountry")
    tags: list[str] | None = None
    raw: Raw | None = None


def entries(tmp_path: Path, name: str, text: str, fmt: str) -> list[Record | BadLine]:
    path = tmp_path / name
    path.write_text(text)
    return list(read_records(str(path), fmt, Item))


@pytest.mark.parametrize(
    ("name", "head", "fmt"),
    [("a.jsonl", "", "jsonl"), ("a.ndjson", "[", "jsonl"), ("a.csv", "{", "csv"),
     ("a.txt", "\ufeff [", "json"), ("a.txt", "\n{", "jsonl"), ("a.json", "", "json"),
     ("a", "event,tlp", "csv")],
)  # fmt: skip
def test_detect_format(name: str, head: str, fmt: str) -> None:
    assert detect_format(name, head) == fmt


def test_json_lines_keep_their_file_line_and_every_bad_line(tmp_path: Path) -> None:
    text = '{"event": "a"}\n\n{bad\n{"event": "b", "_ingest": {"line": 9}}\n[1]\n{"event": \r\n'
    got = entries(tmp_path, "in.jsonl", text, "jsonl")
    assert got == [
        Record(0, 1, {"event": "a"}),
        BadLine(3, "invalid JSON: Expecting property name enclosed in double quotes (column 2)"),
        Record(1, 4, {"event": "b"}),  # what the command wrote to an output file, read back
        Record(2, 5, [1]),
        BadLine(6, "invalid JSON: Expecting value (column 11)"),  # cut short: at its end
    ]


def test_json_array_elements_keep_the_line_they_start_on(tmp_path: Path) -> None:
    text = '[\n  {"event": "a"},\n  {"event":\n    "b"}, {"event": "c"}\n]\n'
    got = entries(tmp_path, "in.json", text, "json")
    assert [(r.ordinal, r.line) for r in got if isinstance(r, Record)] == [(0, 2), (1, 3), (2, 4)]
    assert entries(tmp_path, "in.json", "[]", "json") == []
    assert entries(tmp_path, "in.json", '[{"a": 1}] x', "json") == [
        Record(0, 1, {"a": 1}),
        BadLine(1, "invalid JSON: text follows the array"),
    ]


def test_csv_records_start_on_their_first_line(tmp_path: Path) -> None:
    text = 'event,tags,raw.source\na,x;y,s\n\n"multi\nline",,\nc,"[""p""]",\n'
    got = entries(tmp_path, "in.csv", text, "csv")
    assert got == [
        Record(0, 2, {"event": "a", "tags": ["x", "y"], "raw": {"source": "s"}}),
        Record(1, 4, {"event": "multi\nline"}),
        Record(2, 6, {"event": "c", "tags": ["p"]}),
    ]


def test_csv_layout_names_unknown_columns_with_the_closest_field() -> None:
    with pytest.raises(CellError) as info:
        CsvLayout(["event", "target_contry", "raw.sorce", "zzz"], Item)
    message = str(info.value)
    assert "'target_contry' (did you mean 'target_country'?)" in message
    assert "'raw.sorce' (did you mean 'raw.source'?)" in message
    assert "'zzz' (no such field)" in message
    layout = CsvLayout(["raw.data.anything"], Item)  # inside a free-form object: any key
    assert layout.record(['{"k": 1}']) == {"raw": {"data": {"anything": {"k": 1}}}}
    with pytest.raises(CellError, match="repeats"):
        CsvLayout(["event", "event"], Item)


def test_csv_conventions_list_every_field() -> None:
    rows = dict(csv_conventions(Item))
    assert rows["event"] == "text (required)"
    assert rows["tags"].startswith("text list")
    assert rows["raw"].startswith("JSON object, or one raw.<key> column")
    assert "raw.source" in rows


def test_check_lists_every_bad_line_compactly(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text("".join("{x\n" if i % 3 == 0 else '{"event": "e"}\n' for i in range(90)))
    check = check_input(str(path), "jsonl")
    assert check.records == 60 and check.bad_count == 30
    text = check.describe()
    assert text.count("invalid JSON") == 20
    assert text.endswith("and 10 more: line(s) 61, 64, 67, 70, 73, 76, 79, 82, 85, 88")
    ranges = InputCheck()
    for line in (1, 2, 3, 7):
        ranges.add_bad(BadLine(line, "x"))
    assert ranges.bad_lines == [(1, 3), (7, 7)]


def test_fingerprint_is_of_the_bytes(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_bytes(b"abc")
    assert fingerprint(str(path)) == {
        "size": 3,
        "sha256": "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    }


IDENTITY = {"input": {"sha256": "x", "size": 1}, "target": {"dataset_id": "d"}}


def test_journal_records_and_replays_every_outcome(tmp_path: Path) -> None:
    path = str(tmp_path / "j")
    journal = Journal.open(path, IDENTITY, 10, restart=False)
    journal.sent(1, [0, 1, 2, 3])
    journal.sent(2, [4, 5])
    journal.done(1, [0, 2], [(1, "duplicate")], [(3, "maybe")])
    journal.sent(3, [6, 7])
    journal.done(3, [], [], [])  # answered, nothing settled: not sent (a 429), sent again later
    journal.close("interrupted")
    again = Journal.open(path, IDENTITY, 10, restart=False)
    status = again.ledger.status
    assert [status[i] for i in range(10)] == [CREATED, REJECTED, CREATED, UNKNOWN, UNKNOWN,
                                              UNKNOWN, PENDING, PENDING, PENDING, PENDING]  # fmt: skip
    assert again.ledger.reasons[1] == "duplicate"
    assert "run 1, which recorded no answer" in again.ledger.reasons[4]
    assert again.run == 2 and again.ledger.to_send(6) and not again.ledger.to_send(4)
    assert again.ledger.counts() == {"created": 2, "rejected": 1, "invalid": 0, "unknown": 3,
                                     "not_sent": 4}  # fmt: skip
    again.close("done")


def test_a_journal_in_use_by_another_run_is_refused_until_it_ends(tmp_path: Path) -> None:
    path = str(tmp_path / "j")
    first = Journal.open(path, IDENTITY, 10, restart=False)
    first.sent(1, [0, 1])
    before = Path(path).read_bytes()
    for restart in (False, True):
        with pytest.raises(JournalError, match="another ingest run is using this journal"):
            Journal.open(path, IDENTITY, 10, restart=restart)
    assert Path(path).read_bytes() == before  # the refused runs wrote nothing
    first.close("done")
    second = Journal.open(path, IDENTITY, 10, restart=False)
    assert second.run == 2 and second.ledger.counts()["unknown"] == 2
    second.close("done")


def test_a_journal_for_another_target_says_what_changed_and_what_restart_resends(
    tmp_path: Path,
) -> None:
    path = str(tmp_path / "j")
    Journal.open(path, IDENTITY, 10, restart=False).close("stopped")  # a 404: nothing created
    other = {**IDENTITY, "target": {"dataset_id": "e"}}
    with pytest.raises(JournalError) as refused:
        Journal.open(path, other, 10, restart=False)
    assert "(the target changed: dataset_id 'd' -> 'e')" in str(refused.value)
    assert "nothing was created under it, so that sends nothing twice" in str(refused.value)
    journal = Journal.open(path, IDENTITY, 10, restart=False)
    journal.sent(1, [0, 1, 2])
    journal.done(1, [0], [], [(1, "reset")])
    journal.close("done")
    with pytest.raises(JournalError, match=r"the 1 record\(s\) it created and 1 of unknown fate"):
        Journal.open(path, other, 10, restart=False)
    with pytest.raises(JournalError, match="records it created would be sent again"):
        Journal.open(path, {**IDENTITY, "input": {"sha256": "y", "size": 2}}, 1, restart=False)
    secret = {**IDENTITY, "target": {"base_url": "https://ann:s3cret@api.example/v4"}}
    Journal.open(str(tmp_path / "k"), secret, 1, restart=False).close("done")
    moved = {**IDENTITY, "target": {"base_url": "https://ann:s3cret@other.example/v4"}}
    with pytest.raises(JournalError) as refused:
        Journal.open(str(tmp_path / "k"), moved, 1, restart=False)
    assert "'https://api.example/v4' -> 'https://other.example/v4'" in str(refused.value)
    assert "s3cret" not in str(refused.value)


def test_journal_torn_last_line_is_cut_and_damage_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "j"
    journal = Journal.open(str(path), IDENTITY, 4, restart=False)
    journal.sent(1, [0, 1])
    journal.done(1, [0, 1], [], [])
    journal.close("done")
    path.write_text(path.read_text() + '{"sent": "2.1", "rec')
    again = Journal.open(str(path), IDENTITY, 4, restart=False)
    again.close("done")
    assert all(json.loads(line) for line in path.read_text().splitlines())
    lines = path.read_text().splitlines()
    path.write_text("\n".join([lines[0], "garbage", *lines[1:]]) + "\n")
    with pytest.raises(JournalError, match="line 2 is damaged"):
        Journal.open(str(path), IDENTITY, 4, restart=False)
    with pytest.raises(JournalError, match="another ingestion"):
        Journal.open(str(path), {**IDENTITY, "target": {"dataset_id": "e"}}, 4, restart=False)
    fresh = Journal.open(str(path), IDENTITY, 4, restart=True)
    assert fresh.run == 1 and fresh.ledger.counts()["not_sent"] == 4
    fresh.close("done")


def _input(path: Path, fmt: str, records: int) -> dict[str, Any]:
    return {**fingerprint(str(path)), "format": fmt, "records": records}


@pytest.mark.parametrize(
    ("fmt", "first", "appended", "resumes"),
    [
        ("jsonl", '{"a": 1}\n{"a": 2}\n', '{"a": 3}\n', True),
        ("csv", "a\n1\n2\n", "3\n", True),
        ("jsonl", '{"a": 1}\n{"a": 2}', '\n{"a": 3}\n', False),  # the last line was not whole
        ("json", '[{"a": 1}, {"a": 2}]\n', "", False),  # an array cannot grow at the end
    ],
)
def test_a_journal_resumes_an_input_that_only_grew(
    tmp_path: Path, fmt: str, first: str, appended: str, resumes: bool
) -> None:
    source, path = tmp_path / f"in.{fmt}", str(tmp_path / "j")
    source.write_text(first)
    identity = {"input": _input(source, fmt, 2), "target": {"dataset_id": "d"}}
    journal = Journal.open(path, identity, 2, restart=False)
    journal.sent(1, [0, 1])
    journal.done(1, [0, 1], [], [])
    journal.close("done")
    if fmt == "json":
        source.write_text('[{"a": 1}, {"a": 2}, {"a": 3}]\n')
    else:
        source.write_text(first + appended)
    grown = {**identity, "input": _input(source, fmt, 3)}
    check = lambda size, sha: starts_with(str(source), size, sha)  # noqa: E731
    if not resumes:
        with pytest.raises(JournalError, match="the input's content changed"):
            Journal.open(path, grown, 3, restart=False, starts_with=check)
        return
    again = Journal.open(path, grown, 3, restart=False, starts_with=check)
    assert again.grew == 2 and again.run == 2
    assert again.ledger.counts() == {"created": 2, "rejected": 0, "invalid": 0, "unknown": 0,
                                     "not_sent": 1}  # fmt: skip
    again.close("done")
    third = Journal.open(path, grown, 3, restart=False, starts_with=check)  # the grown input now
    assert third.grew is None and third.run == 3
    third.close("done")
    with pytest.raises(JournalError, match="another ingestion"):  # the grown one, not the first
        Journal.open(path, identity, 2, restart=False, starts_with=check)
    source.write_text(first + appended + appended)  # grown again, and another dataset
    other = {"input": _input(source, fmt, 4), "target": {"dataset_id": "e"}}
    with pytest.raises(
        JournalError, match="the input's content changed; the target changed: dataset_id 'd' -> 'e'"
    ):
        Journal.open(path, other, 4, restart=False, starts_with=check)


def test_to_ranges() -> None:
    assert to_ranges([]) == []
    assert to_ranges([0, 1, 2, 5, 7, 8]) == [[0, 2], [5, 5], [7, 8]]


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def progress(created: int, done: bool = False) -> BulkProgress:
    return BulkProgress(consumed=created, created=created, failed=0, chunks_sent=1,
                        chunks_failed=0, done=done)  # fmt: skip


def test_progress_line_every_n_seconds_when_not_a_terminal() -> None:
    out, clock = io.StringIO(), Clock()
    bar = Progress(out, 100, tty=False, every=10, clock=clock)
    clock.now = 5
    bar.update(progress(10))  # too soon
    clock.now = 10
    bar.update(progress(50))
    clock.now = 12
    bar.update(progress(100, done=True))  # the summary follows: no last line
    assert out.getvalue() == "ingest: 50/100 (50.0%): created 50, failed 0; 5/s, ETA 0:10\n"
    silent = io.StringIO()
    Progress(silent, 100, tty=False, every=0, clock=clock).update(progress(100, done=True))
    assert silent.getvalue() == ""


def test_progress_bar_on_a_terminal() -> None:
    out, clock = io.StringIO(), Clock()
    bar = Progress(out, 200, tty=True, every=10, clock=clock)
    clock.now = 2
    bar.update(progress(100))
    bar.close()
    assert out.getvalue() == (
        "\r[##############..............]  50.0% 100/200  created 100  failed 0  50/s  ETA 0:02 \n"
    )


def test_atomic_text_leaves_the_target_alone_when_the_writing_fails(tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    target.write_text("before\n")
    with pytest.raises(RuntimeError), atomic_text(str(target)) as out:
        out.write("half")
        raise RuntimeError("interrupted")
    assert target.read_text() == "before\n" and [p.name for p in tmp_path.iterdir()] == [
        "out.jsonl"
    ]
    with atomic_text(str(target)) as out:
        out.write("after\n")
    assert target.read_text() == "after\n"
