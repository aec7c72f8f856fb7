"""The line of a part of a JSON document, found in its text when a message asks for it.

A JSON document is parsed by ``json.loads`` (no positions), and most generations never print a
line of it, so nothing is mapped up front. A question walks the text along the pointer: at each
container its members' offsets are noted (``json``'s own scanner skips each value at C speed),
so the next question about the same place costs only the path below what was already walked.
Where the pointer leaves the document the line of the deepest part that exists is given, and a
duplicated key means its last value, as in the parsed data.
"""

from __future__ import annotations

import bisect
import json
import re

from generator.load.pointers import join_pointer

_SPACE = re.compile(r"[ \t\n\r]*")
_LINE_END = re.compile(r"\r\n|\r|\n")
_DECODER = json.JSONDecoder()


class JsonLines:
    """Lines of the parts of one JSON text (which has parsed: it is valid JSON)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._offsets: dict[str, int] = {"": self._skip_space(0)}
        self._walked: set[str] = set()
        self._ends: list[int] | None = None

    def line_of(self, tokens: list[str]) -> int:
        """The 1-based line where the value at ``tokens`` starts (or the deepest that exists)."""
        pointer = ""
        for token in tokens:
            if pointer not in self._walked:
                self._walk(pointer)
            child = join_pointer(pointer, token)
            if child not in self._offsets:
                break
            pointer = child
        if self._ends is None:  # once: where every line ends (\n, \r\n or a lone \r)
            self._ends = [m.end() for m in _LINE_END.finditer(self.text)]
        return bisect.bisect_right(self._ends, self._offsets[pointer]) + 1

    def _walk(self, pointer: str) -> None:
        """Note the offset of every member of the container at ``pointer`` (none: a scalar)."""
        self._walked.add(pointer)
        start = self._offsets[pointer]
        opening = self.text[start : start + 1]
        try:
            if opening == "{":
                self._members(pointer, start + 1)
            elif opening == "[":
                self._items(pointer, start + 1)
        except (ValueError, IndexError):  # not the text that parsed: what was noted stands
            return

    def _members(self, pointer: str, pos: int) -> None:
        text = self.text
        pos = self._skip_space(pos)
        while text[pos] == '"':
            key, pos = _DECODER.raw_decode(text, pos)
            pos = self._skip_space(pos)
            if text[pos] != ":":
                raise ValueError(f"':' expected at offset {pos}")
            value = self._skip_space(pos + 1)
            self._offsets[join_pointer(pointer, key)] = value  # a later duplicate wins
            pos = self._after(value)
            if text[pos] != ",":
                return
            pos = self._skip_space(pos + 1)

    def _items(self, pointer: str, pos: int) -> None:
        text = self.text
        pos = self._skip_space(pos)
        index = 0
        while text[pos] != "]":
            self._offsets[join_pointer(pointer, index)] = pos
            pos = self._after(pos)
            if text[pos] != ",":
                return
            pos = self._skip_space(pos + 1)
            index += 1

    def _after(self, value: int) -> int:
        """The offset of the first non-space character after the value starting at ``value``."""
        _, end = _DECODER.raw_decode(self.text, value)
        return self._skip_space(end)

    def _skip_space(self, pos: int) -> int:
        match = _SPACE.match(self.text, pos)
        return match.end() if match else pos
