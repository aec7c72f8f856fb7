"""The generator owns exactly the files its previous manifest lists; everything else in --out is
the user's and survives byte-identical (issue 14). Refusals are pinned as snapshots in
tests/snapshots/ownership/ (`make snapshots` rewrites them)."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from tests.codegen.ownership_support import manifest_files, spec_with, tree
from tests.conftest import CliResult

Cli = Callable[[list[str]], CliResult]
Snapshot = Callable[[str, str], None]


@pytest.fixture(autouse=True)
def _private_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CF1_CODEGEN_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


def _user_files(root: Path) -> dict[str, bytes]:
    """What a user keeps in a project folder: a repository, notes, sources, a build."""
    files = {
        ".git/HEAD": b"ref: refs/heads/main\n",
        ".git/objects/ab/cdef": b"\x00binary\xff",
        "notes.md": b"# my notes\n",
        "src/app.py": b"print('mine')\n",
        "dist/pet_store-0.1.0-py3-none-any.whl": b"PK\x03\x04 built from generated/",
    }
    for name, content in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(content)
    return files


def _generate(cli: Cli, spec: Path, out: Path | str, *extra: str) -> CliResult:
    return cli(["generate", "--spec", str(spec), "--out", str(out), *extra])


def test_a_non_empty_folder_without_manifest_is_refused_naming_what_is_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Cli, snapshot: Snapshot
) -> None:
    monkeypatch.chdir(tmp_path)
    spec = spec_with(tmp_path / "api" / "openapi.yaml", "pets")
    out = tmp_path / "project"
    out.mkdir()
    mine = _user_files(out)
    result = _generate(cli, spec, out)
    assert result.code == 2 and "Traceback" not in result.err
    assert tree(out) == mine
    snapshot("ownership/non_empty_without_manifest.txt", result.err.replace(str(tmp_path), "<tmp>"))


def test_overwrite_writes_beside_foreign_files_and_the_next_run_keeps_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Cli
) -> None:
    monkeypatch.chdir(tmp_path)
    spec = spec_with(tmp_path / "api" / "openapi.yaml", "pets", "cats")
    out = tmp_path / "project"
    out.mkdir()
    mine = _user_files(out)
    assert _generate(cli, spec, out, "--overwrite").code == 0
    generated = set(manifest_files(out)) | {"codegen-manifest.json"}
    assert not generated & set(mine)
    assert {p: c for p, c in tree(out).items() if p in mine} == mine
    spec_with(spec, "pets")  # cats is gone from the spec
    result = _generate(cli, spec, out)  # a manifest is there now: no --overwrite needed
    assert result.code == 0, result.err
    assert not (out / "pet_store" / "resources" / "cats.py").exists()
    assert {p: c for p, c in tree(out).items() if p in mine} == mine
    assert set(tree(out)) == set(mine) | set(manifest_files(out)) | {"codegen-manifest.json"}


def test_out_dot_keeps_the_users_files_in_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Cli
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    monkeypatch.chdir(project)
    mine = _user_files(project)
    spec = spec_with(project / "api.yaml", "pets")
    mine["api.yaml"] = spec.read_bytes()
    assert _generate(cli, Path("api.yaml"), ".").code == 2
    assert tree(project) == mine
    assert _generate(cli, Path("api.yaml"), ".", "--overwrite").code == 0
    assert {p: c for p, c in tree(project).items() if p in mine} == mine
    assert _generate(cli, Path("api.yaml"), ".").code == 0
    assert {p: c for p, c in tree(project).items() if p in mine} == mine


def test_the_folder_keeps_its_mode_and_new_folders_follow_the_umask(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Cli
) -> None:
    monkeypatch.chdir(tmp_path)
    spec = spec_with(tmp_path / "api" / "openapi.yaml", "pets")
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o2775)  # group-shared, setgid
    assert _generate(cli, spec, shared).code == 0
    assert _generate(cli, spec, shared).code == 0
    assert stat.S_IMODE(shared.stat().st_mode) == 0o2775
    old = os.umask(0o022)
    try:
        assert _generate(cli, spec, tmp_path / "fresh").code == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "fresh").stat().st_mode) == 0o755
    assert stat.S_IMODE((tmp_path / "fresh" / "pet_store").stat().st_mode) == 0o755
    assert stat.S_IMODE((tmp_path / "fresh" / "README.md").stat().st_mode) == 0o644


def test_a_foreign_file_where_a_generated_one_goes_needs_overwrite(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Cli, snapshot: Snapshot
) -> None:
    monkeypatch.chdir(tmp_path)
    spec = spec_with(tmp_path / "api" / "openapi.yaml", "pets")
    out = tmp_path / "out"
    assert _generate(cli, spec, out).code == 0
    spec_with(spec, "pets", "cats")
    (out / "pet_store" / "resources" / "cats.py").write_text("# the user's cats\n")
    result = _generate(cli, spec, out)
    assert result.code == 2
    assert (out / "pet_store" / "resources" / "cats.py").read_text() == "# the user's cats\n"
    snapshot("ownership/foreign_file_in_the_way.txt", result.err.replace(str(tmp_path), "<tmp>"))
    assert _generate(cli, spec, out, "--overwrite").code == 0
    assert "pet_store/resources/cats.py" in manifest_files(out)  # owned from now on


def test_clean_removes_foreign_files_and_lists_each(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Cli
) -> None:
    monkeypatch.chdir(tmp_path)
    spec = spec_with(tmp_path / "api" / "openapi.yaml", "pets")
    out = tmp_path / "out"
    out.mkdir()
    mine = _user_files(out)
    result = _generate(cli, spec, out, "--overwrite", "--clean")
    assert result.code == 0, result.err
    for name in mine:
        assert f"{out / name}: removed (--clean: not part of the generation)" in result.err
    assert set(tree(out)) == set(manifest_files(out)) | {"codegen-manifest.json"}
    assert not (out / ".git").exists() and not (out / "dist").exists()


def test_clean_never_removes_an_input_kept_in_the_output_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Cli
) -> None:
    """A project that keeps its spec (split in two files), config and overlay in the folder it
    generates into: --clean removes the user's other files, never what the generation reads."""
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "project"
    spec = spec_with(out / "openapi.yaml", "pets")
    doc = yaml.safe_load(spec.read_text())
    doc["paths"]["/pets"]["get"]["responses"]["200"] = {"$ref": "parts.yaml#/ok"}
    spec.write_text(yaml.safe_dump(doc, sort_keys=False))
    (out / "parts.yaml").write_text("ok:\n  description: ok\n")
    (out / "codegen.toml").write_text('[package]\nname = "pet_store"\n')
    overlay = out / "my-templates" / "package"
    overlay.mkdir(parents=True)
    (overlay / "py.typed.jinja").write_text("")
    inputs = {n: b for n, b in tree(out).items()}
    (out / "notes.md").write_text("mine, not an input\n")
    result = cli(
        ["generate", "--spec", str(spec), "--config", str(out / "codegen.toml"),
         "--templates", str(out / "my-templates"), "--out", str(out), "--clean"]
    )  # fmt: skip
    assert result.code == 0, result.err
    assert f"{out / 'notes.md'}: removed (--clean: not part of the generation)" in result.err
    assert not (out / "notes.md").exists()
    after = tree(out)
    assert {n: after.get(n) for n in inputs} == inputs
    assert "openapi.yaml: removed" not in result.err and "parts.yaml: removed" not in result.err
    again = cli(
        ["generate", "--spec", str(spec), "--config", str(out / "codegen.toml"),
         "--templates", str(out / "my-templates"), "--out", str(out), "--clean"]
    )  # fmt: skip
    assert again.code == 0, again.err
    assert {n: tree(out).get(n) for n in inputs} == inputs


def test_a_manifest_naming_paths_outside_the_folder_removes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Cli, snapshot: Snapshot
) -> None:
    monkeypatch.chdir(tmp_path)
    spec = spec_with(tmp_path / "api" / "openapi.yaml", "pets")
    out = tmp_path / "out"
    assert _generate(cli, spec, out).code == 0
    victim = tmp_path / "victim.txt"
    victim.write_text("outside --out")
    manifest = json.loads((out / "codegen-manifest.json").read_text())
    manifest["files"]["../victim.txt"] = "0"
    (out / "codegen-manifest.json").write_text(json.dumps(manifest))
    before = tree(out)
    result = _generate(cli, spec, out)
    assert result.code == 2
    assert victim.read_text() == "outside --out" and tree(out) == before
    snapshot("ownership/manifest_outside_paths.txt", result.err.replace(str(tmp_path), "<tmp>"))


def test_no_write_goes_through_a_symbolic_link(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Cli
) -> None:
    monkeypatch.chdir(tmp_path)
    spec = spec_with(tmp_path / "api" / "openapi.yaml", "pets")
    out = tmp_path / "out"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out.mkdir()
    (out / "pet_store").symlink_to(elsewhere)
    result = _generate(cli, spec, out, "--overwrite")
    assert result.code == 2 and "symbolic link" in result.err
    assert list(elsewhere.iterdir()) == []


@pytest.mark.parametrize("which", ["spec", "config", "templates", "spec folder"])
def test_an_output_that_is_an_input_is_refused(
    which: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Cli, snapshot: Snapshot
) -> None:
    monkeypatch.chdir(tmp_path)
    spec = spec_with(tmp_path / "api" / "openapi.yaml", "pets")
    config = tmp_path / "api" / "codegen.toml"
    config.write_text('[package]\nname = "pet_store"\n')
    templates = tmp_path / "templates"
    templates.mkdir()
    args = ["--spec", str(spec), "--config", str(config), "--templates", str(templates)]
    out = {"spec": spec, "config": config, "templates": templates, "spec folder": tmp_path / "api"}[
        which
    ]
    if which == "spec folder":  # a generation keeps its spec copy in <out>/spec/<name>
        (tmp_path / "api" / "spec").mkdir()
        spec = spec.rename(tmp_path / "api" / "spec" / "openapi.yaml")
        args[1] = str(spec)
    before = tree(tmp_path)
    result = cli(["generate", *args, "--out", str(out), "--overwrite"])
    assert result.code == 2 and "Traceback" not in result.err
    assert tree(tmp_path) == before
    snapshot(
        f"ownership/out_is_{which.replace(' ', '_')}.txt",
        result.err.replace(str(tmp_path), "<tmp>"),
    )


def test_the_package_name_is_kept_from_the_manifest_and_a_rename_is_breaking(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Cli
) -> None:
    monkeypatch.chdir(tmp_path)
    spec = spec_with(tmp_path / "api" / "openapi.yaml", "pets")
    out = tmp_path / "out"
    assert _generate(cli, spec, out, "--package-name", "petshop").code == 0
    first = (out / "CHANGELOG.md").read_text()
    again = _generate(cli, spec, out)  # no --package-name: the client keeps its name
    assert again.code == 0, again.err
    assert json.loads((out / "codegen-manifest.json").read_text())["package"] == "petshop"
    assert (out / "petshop" / "__init__.py").is_file() and not (out / "pet_store").exists()
    assert (out / "CHANGELOG.md").read_text() == first, "nothing changed, nothing reported"
    spec_with(spec, "pets", title="Pet Store Two")  # a new title alone never renames the package
    assert _generate(cli, spec, out).code == 0
    assert json.loads((out / "codegen-manifest.json").read_text())["package"] == "petshop"
    renamed = _generate(cli, spec, out, "--package-name", "pets_client")
    assert renamed.code == 0, renamed.err
    manifest = json.loads((out / "codegen-manifest.json").read_text())
    assert manifest["package"] == "pets_client" and manifest["package_version"] == "1.0.0"
    changelog = (out / "CHANGELOG.md").read_text()
    latest = changelog[changelog.index("## 1.0.0") :].split("\n## ")[0]
    assert "package renamed from 'petshop' to 'pets_client': every import changes" in latest
    assert "breaking" in latest.lower()
    assert not (out / "petshop").exists(), "the old package's files were the generator's: removed"


def test_files_whose_bytes_do_not_change_are_not_touched(tmp_path: Path, cli: Cli) -> None:
    """A regeneration rewrites only what changed: the modification time of every other file
    stays, so `make` (the install stamp depends on generated/pyproject.toml) and editors see
    no change where there is none."""
    spec = spec_with(tmp_path / "api" / "openapi.yaml", "pets")
    out = tmp_path / "project"
    assert _generate(cli, spec, out).code == 0
    files = manifest_files(out)
    assert "pyproject.toml" in files
    old = 1_000_000_000
    for name in files:
        os.utime(out / name, ns=(old, old))
    assert _generate(cli, spec, out).code == 0
    assert {name: (out / name).stat().st_mtime_ns for name in files} == dict.fromkeys(files, old)
    readme = out / "README.md"
    readme.write_bytes(readme.read_bytes() + b"edited by hand\n")
    assert _generate(cli, spec, out).code == 0  # a changed file is written back
    assert b"edited by hand" not in readme.read_bytes()
    assert readme.stat().st_mtime_ns != old
    assert (out / "pyproject.toml").stat().st_mtime_ns == old
