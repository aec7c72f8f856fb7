"""A generation killed at any step of its write leaves every file whole (its old bytes or its
new ones), the previous generation readable until the commit, and a state the next run repairs;
two generations into one folder never run at once (issue 14).

The generator runs in a child process; ``CF1_CODEGEN_TEST_FAULT=STEP:die`` makes it kill itself
with SIGKILL at STEP, ``STEP:pause`` holds it there until the test kills it.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from generator.write.atomic import STEPS
from tests.codegen.ownership_support import child_env, consistent, run_generator, spec_with, tree

FOREIGN = {"notes.md": b"mine\n", "dist/app.whl": b"PK"}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A folder holding a spec, and a first generation of it (resources pets, cats) in out/
    beside the user's own files."""
    spec_with(tmp_path / "openapi.yaml", "pets", "cats")
    out = tmp_path / "out"
    out.mkdir()
    for name, content in FOREIGN.items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_bytes(content)
    first = run_generator("--spec", "openapi.yaml", "--out", "out", "--overwrite", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    return tmp_path


def _expected(project: Path) -> tuple[dict[str, bytes], dict[str, bytes]]:
    """The old and the new generation (spec changed: cats gone, dogs added), made without faults
    in a copy of the folder."""
    ref = project / "ref"
    shutil.copytree(project / "out", ref)
    old = tree(ref)
    spec_with(project / "openapi.yaml", "pets", "dogs")
    done = run_generator("--spec", "openapi.yaml", "--out", "ref", cwd=project)
    assert done.returncode == 0, done.stderr
    new = tree(ref)
    assert (
        old != new and "pet_store/resources/cats.py" in old and "pet_store/resources/dogs.py" in new
    )
    return old, new


def _without_work(files: dict[str, bytes]) -> dict[str, bytes]:
    return {p: c for p, c in files.items() if not p.startswith(".codegen-tx/")}


@pytest.mark.parametrize("step", STEPS)
def test_a_kill_at_each_step_leaves_whole_files_and_the_next_run_repairs(
    step: str, project: Path
) -> None:
    old, new = _expected(project)
    killed = run_generator(
        "--spec",
        "openapi.yaml",
        "--out",
        "out",
        cwd=project,
        env={"CF1_CODEGEN_TEST_FAULT": f"{step}:die"},
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    out = project / "out"
    now = _without_work(tree(out))
    for path, content in now.items():
        assert content in (old.get(path), new.get(path)), f"{path} is neither old nor new"
    assert {p: now[p] for p in FOREIGN} == FOREIGN
    if step == "staged":  # before the commit: the previous generation, exactly
        assert now == old and consistent(out)
    if step == "applied":  # every rename done: the new generation, exactly
        assert now == new and consistent(out)
    check = run_generator("--spec", "openapi.yaml", "--out", "out", "--check", cwd=project)
    assert check.returncode == 1
    if step != "staged":
        assert f"interrupted: {Path('out') / '.codegen-tx'}" in check.stderr
    again = run_generator("--spec", "openapi.yaml", "--out", "out", cwd=project)
    assert again.returncode == 0, again.stderr
    assert tree(out) == new, "the next run completes the generation"
    assert consistent(out) and not (out / ".codegen-tx").exists()
    assert sorted(p.name for p in project.iterdir()) == [
        "openapi.yaml",
        "out",
        "ref",
    ], "nothing beside --out"


def _start_paused(project: Path, step: str) -> subprocess.Popen[str]:
    child = subprocess.Popen(
        [sys.executable, "-m", "generator", "--spec", "openapi.yaml", "--out", "out"],
        cwd=project,
        env=child_env(project, {"CF1_CODEGEN_TEST_FAULT": f"{step}:pause"}),
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    assert child.stderr is not None
    line = (
        child.stderr.readline()
    )  # the child says where it paused (bounded: it pauses 120 s at most)
    assert line.strip() == f"codegen-test: pause at {step}", line
    return child


def test_a_second_generation_into_the_same_folder_exits_2_while_one_writes(project: Path) -> None:
    _, new = _expected(project)
    first = _start_paused(project, "committed")
    try:
        before = tree(project / "out")
        second = run_generator("--spec", "openapi.yaml", "--out", "out", cwd=project)
        assert second.returncode == 2
        assert second.stderr == (
            "out: /: another generation is writing to this folder; run again when it has finished\n"
        )
        assert tree(project / "out") == before, "the second run touched nothing"
    finally:
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=60)
    assert first.returncode == -signal.SIGKILL
    third = run_generator("--spec", "openapi.yaml", "--out", "out", cwd=project)
    assert third.returncode == 0, third.stderr
    assert tree(project / "out") == new
    assert sorted(p.name for p in project.iterdir()) == ["openapi.yaml", "out", "ref"]


def test_an_interrupted_first_generation_into_a_new_folder_leaves_nothing_beside_it(
    tmp_path: Path,
) -> None:
    spec_with(tmp_path / "openapi.yaml", "pets")
    killed = run_generator(
        "--spec",
        "openapi.yaml",
        "--out",
        "new/out",
        cwd=tmp_path,
        env={"CF1_CODEGEN_TEST_FAULT": "staged:die"},
    )
    assert killed.returncode == -signal.SIGKILL
    assert sorted(p.name for p in (tmp_path / "new").iterdir()) == ["out"]
    assert [p.name for p in (tmp_path / "new" / "out").iterdir()] == [".codegen-tx"]
    again = run_generator("--spec", "openapi.yaml", "--out", "new/out", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert (
        consistent(tmp_path / "new" / "out")
        and not (tmp_path / "new" / "out" / ".codegen-tx").exists()
    )
