"""Media types: which are JSON, how a body of each is sent, which carry text.

Decided once for request bodies, responses, ``content`` parameters and ``contentMediaType``.
"""

from __future__ import annotations

import re

_JSON_MEDIA = re.compile(r"^application/([\w.+-]+\+)?json(;.*)?$|^\*/\*$")


def is_json(media: str) -> bool:
    """``application/json``, ``application/<x>+json`` (with parameters), or ``*/*``."""
    return bool(_JSON_MEDIA.match(media))


def body_encoding(media: str) -> str:
    """How a body of this media type is sent: json, multipart, form, text or binary."""
    base = media.split(";")[0].strip().lower()
    if is_json(base):
        return "json"
    if base.startswith("multipart/"):
        return "multipart"
    if base == "application/x-www-form-urlencoded":
        return "form"
    if base.startswith("text/") or base.endswith(("+xml", "/xml")):
        return "text"
    return "binary"


def is_textual(media: str) -> bool:
    """A string schema of this ``contentMediaType`` holds text (else: bytes)."""
    media = media.split(";")[0].strip().lower()
    return (
        media.startswith("text/")
        or media.endswith(("json", "+xml", "/xml"))
        or media == "application/x-www-form-urlencoded"
    )
