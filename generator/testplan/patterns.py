"""A short string that matches a regular expression, for sample values of ``pattern`` strings.

Read from Python's own parse of the pattern: the first branch of each alternation, the fewest
repetitions, the first character of each class, padded by repeating the last repeatable item up
to a minimum length. Patterns using anything else (negated classes, lookarounds, backreferences)
get no string: the samples then try their other candidates.
"""

from __future__ import annotations

import re
import re._parser as sre  # type: ignore[import-not-found]
from typing import Any

_CATEGORY_CHARS = {"CATEGORY_DIGIT": "1", "CATEGORY_WORD": "a", "CATEGORY_SPACE": " "}
_REPEATS = ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT")


def from_pattern(pattern: str, min_length: int = 0) -> str | None:
    """A short string matching ``pattern`` of at least ``min_length`` characters when the
    pattern allows it; None when the pattern uses something this does not handle."""
    try:
        parsed = sre.parse(pattern)
    except (re.error, RecursionError):
        return None
    return _build(list(parsed), min_length)


def _build(items: Any, pad: int) -> str | None:
    out = ""
    for op, arg in items:
        name = str(op)
        if name == "AT":
            continue
        if name in _REPEATS:
            part = _repeat(arg, pad - len(out))
        elif name in ("SUBPATTERN", "ATOMIC_GROUP"):
            part = _build(arg[-1], 0)
        elif name == "BRANCH":
            part = _build(arg[1][0], 0)
        else:
            part = _char(name, arg)
        if part is None:
            return None
        out += part
    return out


def _repeat(arg: Any, pad: int) -> str | None:
    """The item repeated its minimum number of times, or more while shorter than ``pad``."""
    low, high, sub = arg
    part = _build(sub, 0)
    if part is None:
        return None
    count: int = low
    while pad > len(part) * count and (high is sre.MAXREPEAT or count < high) and part:
        count += 1
    return part * count


def _char(name: str, arg: Any) -> str | None:
    """One character for a literal, ``.`` or a character class (None: not handled)."""
    if name == "LITERAL":
        return chr(arg)
    if name == "ANY":
        return "a"
    if name == "IN" and not (arg and str(arg[0][0]) == "NEGATE"):
        return _first_of(arg)
    return None


def _first_of(items: list[tuple[Any, Any]]) -> str | None:
    for op, arg in items:
        name = str(op)
        if name == "LITERAL":
            return chr(arg)
        if name == "RANGE":
            return chr(arg[0])
        if name == "CATEGORY":
            return _CATEGORY_CHARS.get(str(arg))
    return None
