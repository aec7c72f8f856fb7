"""The line of a key in a TOML config, for error messages: ``[pagination.listPets]`` and
``listPets = ...`` under ``[operations]`` are told apart by the table each line is in.

``tomllib`` keeps no positions, so the text is read again here, line by line: table headers
(``[a."b.c"]``, ``[[a]]``) set the current table, ``key = value`` lines name a key in it (dotted
keys included). A key written inside an inline table (``x = { y = 1 }``) is found at the line of
the inline table: the longest prefix of the key path that is written on a line of its own.
"""

from __future__ import annotations

import re

_PART = re.compile(r"""\s*("(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_-]+)\s*""")
_HEADER = re.compile(r"^\s*\[\[?([^\]]+)\]\]?\s*(#.*)?$")
_ASSIGNMENT = re.compile(r"""^\s*((?:"(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_.\s-])+?)\s*=""")


def dotted(text: str) -> tuple[str, ...] | None:
    """``a."b.c".d`` -> ``("a", "b.c", "d")``; ``None`` when ``text`` is not a dotted key."""
    parts: list[str] = []
    position = 0
    while True:
        match = _PART.match(text, position)
        if match is None:
            return None
        part = match.group(1)
        parts.append(part[1:-1] if part[:1] in "\"'" else part)
        position = match.end()
        if position == len(text):
            return tuple(parts)
        if text[position] != ".":
            return None
        position += 1


def key_lines(text: str) -> dict[tuple[str, ...], int]:
    """Every table and key the text writes on a line of its own -> its first line (1-based)."""
    lines: dict[tuple[str, ...], int] = {}
    table: tuple[str, ...] = ()
    in_string = False
    for number, line in enumerate(text.splitlines(), start=1):
        if line.count('"""') % 2 or line.count("'''") % 2:
            in_string = not in_string  # a multi-line string: its lines are not keys
            continue
        if in_string:
            continue
        header = _HEADER.match(line)
        if header is not None:
            keys = dotted(header.group(1).strip())
            if keys is not None:
                table = keys
                lines.setdefault(table, number)
            continue
        assignment = _ASSIGNMENT.match(line)
        if assignment is not None:
            keys = dotted(assignment.group(1).strip())
            if keys is not None:
                lines.setdefault(table + keys, number)
    return lines


def line_of(text: str, keys: tuple[str, ...]) -> int | None:
    """The line of ``keys`` (or of its longest prefix written on a line of its own)."""
    lines = key_lines(text)
    for end in range(len(keys), 0, -1):
        if keys[:end] in lines:
            return lines[keys[:end]]
    return None
