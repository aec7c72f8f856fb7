"""The limits a document must stay within, so that hostile input costs bounded time and memory.

Every limit is far above what real OpenAPI documents use (the 15 documents of the corpus: at most
142,018 nodes, nested at most 23 deep, no YAML aliases at all) and each is refused with a located
error, never a traceback:

* :data:`MAX_NODES`: nodes of the document with every YAML alias expanded. The count is kept
  while the YAML is read, an alias adding the size of what it stands for, so a 1 KB "billion
  laughs" is refused after reading a few dozen nodes instead of growing into gigabytes.
* :data:`MAX_DEPTH`: mappings and sequences inside each other (aliases expanded), well below
  what the recursive stages of the generator can follow.
* :data:`MAX_INT_DIGITS`: digits of an integer literal (Python refuses to read more than 4,300).
"""

from __future__ import annotations

import json
import re

from generator.load.pointers import JSON, join_pointer

MAX_NODES = 2_000_000
MAX_DEPTH = 200
MAX_INT_DIGITS = 1_000

_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


class LimitExceeded(Exception):
    """A document past one of the limits: where (pointer and/or line) and which limit."""

    def __init__(self, message: str, pointer: str = "/", line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.pointer = pointer
        self.line = line


def too_many_nodes(count: int) -> str:
    return (
        f"the document expands to more than {MAX_NODES:,} nodes (YAML aliases counted in full; "
        f"{count:,} so far): refused as a YAML alias bomb or a document too large"
    )


def too_deep() -> str:
    return f"nested more than {MAX_DEPTH} levels deep (the limit); refused"


def too_many_digits(digits: int) -> str:
    return f"an integer of {digits:,} digits; at most {MAX_INT_DIGITS:,} are supported"


def check_int_literal(text: str) -> None:
    """Refuse an integer literal with too many digits (raises :class:`LimitExceeded`)."""
    digits = len(text.lstrip("+-"))
    if digits > MAX_INT_DIGITS:
        raise LimitExceeded(too_many_digits(digits))


def load_json(text: str) -> JSON:
    """``json.loads`` within the limits; raises :class:`LimitExceeded` (with a line) or
    ``json.JSONDecodeError``."""

    def parse_int(literal: str) -> int:
        if len(literal.lstrip("-")) > MAX_INT_DIGITS:
            line = text.count("\n", 0, max(text.find(literal), 0)) + 1
            raise LimitExceeded(too_many_digits(len(literal.lstrip("-"))), line=line)
        return int(literal)

    try:
        data = json.loads(text, parse_int=parse_int)
    except RecursionError:
        raise LimitExceeded(too_deep(), line=_line_past_depth(text)) from None
    pointer = _pointer_past_depth(data)
    if pointer is not None:
        raise LimitExceeded(too_deep(), pointer, _line_past_depth(text))
    return data


def _pointer_past_depth(data: JSON) -> str | None:
    """The pointer of the first container nested deeper than :data:`MAX_DEPTH`, or None."""
    stack: list[tuple[JSON, list[str | int]]] = [(data, [])]
    while stack:
        node, path = stack.pop()
        if not isinstance(node, (dict, list)):
            continue
        if len(path) >= MAX_DEPTH:
            return join_pointer("", *path)
        items = node.items() if isinstance(node, dict) else enumerate(node)
        stack.extend((value, [*path, key]) for key, value in items)
    return None


def _line_past_depth(text: str) -> int | None:
    """The line where the brackets of a JSON text first nest deeper than :data:`MAX_DEPTH`."""
    depth = 0
    for match in _TOKENS.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return text.count("\n", 0, match.start()) + 1
        elif token in "]}":
            depth -= 1
    return None
