"""The corpus command (``python -m bench.corpus``, ``make corpus``): what it counts and when it fails.

The documents here are small ones written for these tests; the real corpus is run by
``.ci/run`` (``make corpus-gate``). A broken row must make the command exit 1, a clean folder 0.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from bench.corpus import names
from bench.corpus.documents import find_documents, operations, spec_words

ROOT = Path(__file__).resolve().parent.parent


def _doc(paths: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "Tiny Shop", "version": "1"},
        "servers": [{"url": "https://shop.test"}],
        "paths": paths,
        **extra,
    }


def _op(op_id: str, tag: str = "items") -> dict[str, Any]:
    return {
        "operationId": op_id,
        "tags": [tag],
        "responses": {
            "200": {
                "description": "ok",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Item"}}},
            }
        },
    }


ITEM = {
    "components": {
        "schemas": {
            "Item": {
                "type": "object",
                "properties": {"sku_v2": {"type": "string"}, "price": {"type": "integer"}},
            }
        }
    }
}


def _write(folder: Path, name: str, doc: Any) -> Path:
    path = folder / name
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path


def test_numbered_names_are_those_the_document_never_wrote() -> None:
    words = {"pet", "sha256", "v2", "auth2", "bar", "bar1", "404", "error"}
    assert names.is_numbered("Pet2", words)
    assert names.is_numbered("Error404", words)  # a bare status code is no word of a name
    assert names.is_numbered("Error4XX", words)
    assert names.is_numbered("PetVariant1", words)
    assert not names.is_numbered("FileSha256", words)
    assert not names.is_numbered("PetV2", words)
    assert not names.is_numbered("Oauth2", words)
    assert not names.is_numbered("Bar1", words)
    assert not names.is_numbered("Pet", words)


def test_hash_suffixes_are_found_and_counted_once() -> None:
    assert names.is_hashed(
        "CreateThreadRequestToolResourcesObjectFileSearchVectorStoreChunkingStra_1b90f335"
    )
    assert not names.is_hashed("Decade")  # hex letters, no digits
    result = names.check(["Pet", "Pet2", "LongName_0a1b2c3d", "Tag"], {"pet", "tag"})
    assert (result.classes, result.numbered, result.hashed) == (4, ["Pet2"], ["LongName_0a1b2c3d"])
    assert result.percent == 50.0


def test_documents_are_files_with_an_openapi_key_and_path_item_refs_count(tmp_path: Path) -> None:
    (tmp_path / "paths").mkdir()
    _write(tmp_path / "paths", "item.yaml", {"get": _op("getItem"), "delete": _op("deleteItem")})
    _write(tmp_path, "fragment.yaml", {"Item": {"type": "object"}})
    (tmp_path / "notes.txt").write_text("openapi: 3.1.0\n")
    doc = _write(
        tmp_path,
        "shop.yaml",
        _doc(
            {
                "/items/{id}": {"$ref": "paths/item.yaml"},
                "/items": {"get": _op("listItems"), "parameters": []},
            }
        ),
    )
    assert find_documents(tmp_path) == [doc]
    assert operations(doc) == [("GET", "/items/{id}"), ("DELETE", "/items/{id}"), ("GET", "/items")]
    assert {"shop", "items", "get", "item"} <= spec_words(doc)


def _corpus(folder: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.corpus",
            str(folder),
            "--formatters",
            "ruff",
            "--no-opc",
            "--jobs",
            "2",
            *extra,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture(scope="module")
def corpus_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    by_id = {
        "get": _op("getItem"),
        "parameters": [
            {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
        ],
    }
    _write(
        folder,
        "good.yaml",
        _doc({"/items": {"get": _op("listItems")}, "/items/{id}": by_id}, **ITEM),
    )
    broken = _doc({"/items": {"get": _op("listItems")}}, **ITEM)
    broken["paths"]["/items"]["get"]["responses"]["200"]["content"]["application/json"][
        "schema"
    ] = {"$ref": "#/components/schemas/Missing"}
    _write(folder, "broken.yaml", broken)
    return folder


def test_a_clean_folder_passes_with_one_row_per_document(corpus_folder: Path) -> None:
    done = _corpus(corpus_folder, "--only", "good")
    assert done.returncode == 0, done.stdout + done.stderr
    row = next(line for line in done.stdout.splitlines() if line.startswith("| good.yaml"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert cells[1:8] == ["0", "2/2", "0", "0", "0/1", "0", "0 (0.0%)"]
    assert cells[-1] == "yes"
    assert done.stdout.rstrip().endswith("corpus: 1 passed, 0 failed")


def test_a_document_that_does_not_generate_fails_the_run_and_says_why(corpus_folder: Path) -> None:
    done = _corpus(corpus_folder)
    assert done.returncode == 1, done.stdout + done.stderr
    row = next(line for line in done.stdout.splitlines() if line.startswith("| broken.yaml"))
    assert "| 2 | 1/- |" in row and row.rstrip().endswith("**NO** |")
    assert "broken.yaml misses the targets:" in done.stdout
    assert "ruff: generator exited 2" in done.stdout
    assert (
        "/components/schemas/Missing" in done.stdout
    )  # the generator's own message, with its place
    assert done.stdout.rstrip().endswith("corpus: 1 passed, 1 failed")


def test_a_missing_folder_is_exit_2(tmp_path: Path) -> None:
    done = _corpus(tmp_path / "nowhere")
    assert done.returncode == 2
    assert "nowhere: corpus folder not found" in done.stderr


def test_contract_documents_run_their_generated_tests_against_prism(corpus_folder: Path) -> None:
    """``--contract``: the named document's generated tests run (Prism from node_modules); the
    row says how many passed and failed."""
    done = _corpus(corpus_folder, "--only", "good", "--contract", "good")
    assert done.returncode == 0, done.stdout + done.stderr
    row = next(line for line in done.stdout.splitlines() if line.startswith("| good.yaml"))
    cell = [c.strip() for c in row.strip("|").split("|")][8]
    passed, failed = cell.split(" ")[0].split("/")
    assert int(passed) > 0 and failed == "0", cell


def test_contract_names_must_be_documents_of_the_folder(corpus_folder: Path) -> None:
    done = _corpus(corpus_folder, "--contract", "good,nosuch")
    assert done.returncode == 2
    assert "--contract: no document nosuch" in done.stderr


def test_contract_subset_is_a_deterministic_spread_with_prism_and_routing(tmp_path: Path) -> None:
    from bench.corpus.contract import chosen_modules

    for name in ["test_contract_prism.py", "test_contract_routing.py"] + [
        f"test_contract_r{i:02d}.py" for i in range(10)
    ]:
        (tmp_path / name).write_text("")
    chosen, total = chosen_modules(tmp_path, 4)
    assert total == 12
    assert [m.name for m in chosen] == [
        "test_contract_prism.py",
        "test_contract_r00.py",
        "test_contract_r03.py",
        "test_contract_r06.py",
        "test_contract_r09.py",
        "test_contract_routing.py",
    ]
    assert len(chosen_modules(tmp_path, None)[0]) == 12


def test_rounds_time_each_generator_again_in_turn_and_report_medians(tmp_path: Path) -> None:
    from bench.corpus import run

    calls: list[str] = []
    outs: list[str] = []

    def fake(seconds: float, peak: float) -> run.Timed:
        return run.Timed(0, seconds, peak, "", "")

    times = iter([3.0, 1.0, 2.0])  # the first round's time comes from the row itself

    def generate(doc: Path, out: Path, formatter: str, scratch: Path) -> run.Timed:
        calls.append(formatter)
        outs.append(out.name)  # names the format cache: each round must start cold
        return fake(next(times), 10.0 * len(calls))

    row = run.Row("d.yaml", generated={"black": fake(9.0, 5.0)})
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(run, "_first_round", lambda *a, **k: row)
        mp.setattr(run, "generate", generate)
        folded = run.run_document(
            tmp_path / "d.yaml", tmp_path, ["black"], with_opc=False, rounds=4
        )
    assert calls == ["black", "black", "black"]
    assert len(set(outs)) == 3 and "d-black" not in outs  # never the first round's cache
    assert folded.generated["black"].seconds == 2.5  # median of 9, 3, 1, 2
    assert folded.generated["black"].peak_mb == 30.0  # the largest of every round
