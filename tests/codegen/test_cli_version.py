"""``python -m generator --help`` lists every command; ``--version`` works on each."""

from __future__ import annotations

import pytest

from generator import __version__
from generator.cli import main


@pytest.mark.parametrize("argv", [["--version"], ["generate", "--version"], ["diff", "--version"]])
def test_version_everywhere(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 0
    assert __version__ in capsys.readouterr().out


def test_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "generate" in out and "diff" in out and "--version" in out
