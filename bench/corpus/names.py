"""Class names a user should not have to read: numbered, hash-suffixed, status-suffixed.

A name counts as *numbered* when it ends in digits that its document never wrote there
(``Pet2``, ``Error404``; not ``Sha256`` when the document says ``sha256``, not ``V2`` when it
says ``v2``) or in an HTTP status class (``Error4XX``). A name is *hash-suffixed* when it ends in
a run of hex digits (``Name_1a2b3c4d``), the generator's last resort for names too long to keep.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

_TRAILING_WORD = re.compile(r"[A-Z]?[a-z]*[0-9]+$")
_STATUS_CLASS = re.compile(r"[1-5][Xx]{2}$")
_HASH = re.compile(r"(?:_[0-9a-f]{6,}|[0-9a-f]{7,})$")


@dataclass
class NameCheck:
    classes: int = 0
    numbered: list[str] = field(default_factory=list)
    hashed: list[str] = field(default_factory=list)

    @property
    def bad(self) -> list[str]:
        return sorted({*self.numbered, *self.hashed})

    @property
    def percent(self) -> float:
        return 100.0 * len(self.bad) / self.classes if self.classes else 0.0


def is_hashed(name: str) -> bool:
    match = _HASH.search(name)
    return bool(match) and sum(c.isdigit() for c in match.group(0)) >= 2


def is_numbered(name: str, spec_words: set[str]) -> bool:
    if _STATUS_CLASS.search(name):
        return True
    match = _TRAILING_WORD.search(name)
    if match is None:
        return False
    digits = match.group(0).lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
    lowered = name.lower()
    # a word of the document that ends in these digits and ends the name: ``sha256``,
    # ``v2``, ``auth2`` (``OAuth2``), ``bar1`` (``bar_1``); a bare number (``404``) is no word
    return not any(w.endswith(digits) and w != digits and lowered.endswith(w) for w in spec_words)


def check(class_names: Iterable[str], spec_words: set[str]) -> NameCheck:
    result = NameCheck()
    for name in class_names:
        result.classes += 1
        if is_hashed(name):
            result.hashed.append(name)
        elif is_numbered(name, spec_words):
            result.numbered.append(name)
    return result
