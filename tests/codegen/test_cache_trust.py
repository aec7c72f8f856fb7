"""The format cache and the compiled-template cache are trusted only in the user's own private
folder, entry by entry against a hash; a poisoned cache never reaches the generated code nor
makes ``--check`` pass (issue 14). ``--formatter ruff`` leaves no ``.ruff_cache/`` behind."""

from __future__ import annotations

import io
import marshal
import os
import pickle
import sqlite3
from collections.abc import Callable
from pathlib import Path

import jinja2
import pytest
from jinja2.bccache import bc_magic

from generator.render.cache_trust import entry_digest
from tests.codegen.ownership_support import run_generator, spec_with, tree
from tests.conftest import CliResult

Cli = Callable[[list[str]], CliResult]
EVIL = "import os\nos.system('touch {marker}')\n"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Cli) -> Path:
    """A spec generated into out/ with a fresh private cache in cache/."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CF1_CODEGEN_CACHE_DIR", str(tmp_path / "cache"))
    spec_with(tmp_path / "openapi.yaml", "pets")
    result = cli(["generate", "--spec", "openapi.yaml", "--out", "out"])
    assert result.code == 0 and "warning" not in result.err, result.err
    return tmp_path


def _poison_format_cache(cache: Path, marker: Path, *, rehash: bool) -> int:
    """Append an ``os.system`` call to every formatted file in the cache; ``rehash``: with a
    matching hash (as someone who knows the format would)."""
    db = sqlite3.connect(cache / "format-cache.sqlite3")
    rows = db.execute("SELECT key, text, digest FROM checked_entries").fetchall()
    for key, text, digest in rows:
        evil = bytes(text) + EVIL.format(marker=marker).encode()
        db.execute(
            "UPDATE checked_entries SET text = ?, digest = ? WHERE key = ?",
            (evil, entry_digest(key, evil) if rehash else digest, key),
        )
    db.commit()
    db.close()
    return len(rows)


def _poison_template_cache(cache: Path, marker: Path, *, rehash: bool) -> int:
    """Replace every compiled template by one that renders an ``os.system`` call (keeping the
    checksum of the real template's source, so that Jinja itself would accept it)."""
    files = sorted(cache.glob("jinja-*/*.cache"))
    env = jinja2.Environment()
    for path in files:
        digest, _, payload = path.read_bytes().partition(b"\n")
        stream = io.BytesIO(payload[len(bc_magic) :])
        checksum = pickle.load(stream)
        code = env.compile(EVIL.format(marker=marker), "evil", "evil")
        evil = bc_magic + pickle.dumps(checksum, 2) + marshal.dumps(code)
        key = path.name.removesuffix(".cache")
        path.write_bytes((entry_digest(key, evil).encode() if rehash else digest) + b"\n" + evil)
    return len(files)


def _generated_text(out: Path) -> bytes:
    return b"".join(tree(out).values())


def test_a_poisoned_format_cache_in_a_shared_folder_is_ignored(project: Path, cli: Cli) -> None:
    marker = project / "pwned"
    assert _poison_format_cache(project / "cache", marker, rehash=True) > 0
    os.chmod(project / "cache", 0o777)
    clean = tree(project / "out")
    check = cli(["generate", "--spec", "openapi.yaml", "--out", "out", "--check"])
    assert check.code == 0, check.err  # the real output, not the cache's
    assert (
        f"{project / 'cache'}: /: warning: format cache ignored: may be written by others (mode 777)"
        in check.err
    )
    poisoned = project / "poisoned-out"
    (project / "out").rename(poisoned)
    for path in (p for p in poisoned.rglob("*.py") if "models" in p.parts):
        path.write_bytes(path.read_bytes() + EVIL.format(marker=marker).encode())
    drift = cli(["generate", "--spec", "openapi.yaml", "--out", str(poisoned), "--check"])
    assert drift.code == 1 and "stale:" in drift.err, "poisoned output on disk is never up to date"
    again = cli(["generate", "--spec", "openapi.yaml", "--out", "out"])
    assert again.code == 0 and tree(project / "out") == clean
    assert b"os.system" not in _generated_text(project / "out") and not marker.exists()


def test_an_edited_format_cache_entry_is_ignored_by_its_hash(project: Path, cli: Cli) -> None:
    marker = project / "pwned"
    count = _poison_format_cache(project / "cache", marker, rehash=False)
    clean = tree(project / "out")
    result = cli(["generate", "--spec", "openapi.yaml", "--out", "out"])
    assert result.code == 0
    sqlite_file = project / "cache" / "format-cache.sqlite3"
    assert (
        f"{sqlite_file}: /: warning: {count} format cache entries do not match their hash; ignored"
        in result.err
    )
    assert tree(project / "out") == clean and b"os.system" not in _generated_text(project / "out")


def test_the_poison_is_real_a_rehashed_entry_in_the_users_own_folder_is_used(
    project: Path, cli: Cli
) -> None:
    """The control of the two tests above: their poison would reach the output if the cache
    were trusted (the user's own private cache is, by design)."""
    _poison_format_cache(project / "cache", project / "pwned", rehash=True)
    result = cli(["generate", "--spec", "openapi.yaml", "--out", "out"])
    assert result.code == 0 and b"os.system" in _generated_text(project / "out")


@pytest.mark.parametrize("how", ["shared folder", "edited entry"])
def test_a_poisoned_template_cache_is_ignored(how: str, project: Path, cli: Cli) -> None:
    marker = project / "pwned"
    assert _poison_template_cache(project / "cache", marker, rehash=how == "shared folder") > 0
    [jinja] = (project / "cache").glob("jinja-*")
    if how == "shared folder":
        os.chmod(jinja, 0o777)
    clean = tree(project / "out")
    result = cli(["generate", "--spec", "openapi.yaml", "--out", "out"])
    assert result.code == 0, result.err
    if how == "shared folder":
        assert (
            f"{jinja}: /: warning: template cache ignored: may be written by others (mode 777)"
            in result.err
        )
    else:
        assert "warning: compiled template does not match its hash; ignored" in result.err
    assert tree(project / "out") == clean and b"os.system" not in _generated_text(project / "out")
    assert not marker.exists()


def test_a_cache_folder_of_another_user_is_ignored(project: Path, cli: Cli) -> None:
    """(chown needs root: the developers' machines and CI run as root)"""
    os.chown(project / "cache", 12345, 12345)
    result = cli(["generate", "--spec", "openapi.yaml", "--out", "out"])
    assert result.code == 0
    assert "warning: format cache ignored: belongs to another user (uid 12345)" in result.err


def test_ruff_leaves_no_cache_in_the_working_directory(tmp_path: Path) -> None:
    pytest.importorskip("ruff")
    spec_with(tmp_path / "openapi.yaml", "pets")
    done = run_generator(
        "--spec", "openapi.yaml", "--out", "out", "--formatter", "ruff", cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["openapi.yaml", "out"]
    assert not list((tmp_path / "out").rglob(".ruff_cache"))


def test_the_template_poison_is_real_when_trusted(project: Path, cli: Cli) -> None:
    """The control of the template cache tests: a rehashed entry in the private folder is used."""
    _poison_template_cache(project / "cache", project / "pwned", rehash=True)
    result = cli(["generate", "--spec", "openapi.yaml", "--out", "out"])
    assert result.code == 0 and b"os.system" in _generated_text(project / "out")
