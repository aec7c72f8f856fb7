"""JSON pointers (RFC 6901): how a place in a document is written, split, joined and followed.

Every pointer the generator prints or compares is built here, so ``~`` and ``/`` inside a key are
escaped the same way everywhere.
"""

from __future__ import annotations

from typing import Any

JSON = Any


def escape_token(token: str | int) -> str:
    return str(token).replace("~", "~0").replace("/", "~1")


def unescape_token(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def join_pointer(pointer: str, *tokens: str | int) -> str:
    if len(tokens) == 1:  # the common case, on every node of a document as it is read
        token = str(tokens[0])
        if "~" in token or "/" in token:
            token = escape_token(token)
        return f"{pointer}/{token}"
    return pointer + "".join("/" + escape_token(t) for t in tokens)


def split_pointer(pointer: str) -> list[str]:
    if pointer in ("", "/"):
        return []
    return [unescape_token(t) for t in pointer.lstrip("/").split("/")]


def is_within(pointer: str, prefix: str) -> bool:
    """``pointer`` is ``prefix`` or a place inside it (``/a/b`` is within ``/a``, ``/ab`` is not)."""
    return pointer == prefix or pointer.startswith(prefix + "/")


def resolve_pointer(document: JSON, pointer: str) -> JSON:
    """Follow a JSON pointer; raises KeyError when it does not exist."""
    node = document
    for token in split_pointer(pointer):
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            raise KeyError(pointer)
    return node
