"""What a corpus folder holds: its OpenAPI documents, and the operations each one declares.

A document is a ``.json``, ``.yaml`` or ``.yml`` file whose top level has an ``openapi`` key;
other files of the folder (fragments that documents ``$ref``) are not rows of their own.
Operations are counted from the document as written, independently of the generator: every
HTTP method of every path item, following a path item's ``$ref`` (to the same file or another).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import yaml

SUFFIXES = (".json", ".yaml", ".yml")
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_TOP_LEVEL_OPENAPI = re.compile(rb'^["\']?openapi["\']?\s*:', re.M)
_JSON_OPENAPI = re.compile(rb'"openapi"\s*:')
_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def find_documents(folder: Path) -> list[Path]:
    """The OpenAPI documents directly inside ``folder``, by name."""
    found = []
    for path in sorted(folder.iterdir()):
        if path.is_file() and path.suffix.lower() in SUFFIXES and _is_openapi(path):
            found.append(path)
    return found


def _is_openapi(path: Path) -> bool:
    head = path.read_bytes()
    if path.suffix.lower() == ".json" or head.lstrip()[:1] == b"{":
        if not _JSON_OPENAPI.search(head):
            return False
        try:
            data = load(path)
        except (ValueError, yaml.YAMLError):
            return True  # broken documents are rows too: the generator says what is wrong
        return isinstance(data, dict) and "openapi" in data
    return bool(_TOP_LEVEL_OPENAPI.search(head))


def load(path: Path) -> Any:
    text = path.read_bytes()
    if path.suffix.lower() == ".json":
        return json.loads(text)
    return yaml.load(text, Loader=_Loader)  # noqa: S506 - a safe loader (C or pure Python)


class _Files:
    """Documents loaded by path, for following ``$ref``s between files."""

    def __init__(self) -> None:
        self._loaded: dict[Path, Any] = {}

    def get(self, path: Path) -> Any:
        path = path.resolve()
        if path not in self._loaded:
            self._loaded[path] = load(path)
        return self._loaded[path]

    def follow(self, base: Path, ref: str) -> tuple[Path, Any]:
        target, _, fragment = ref.partition("#")
        where = (base.parent / unquote(target)).resolve() if target else base
        node = self.get(where)
        for token in unquote(fragment).split("/")[1:]:
            token = token.replace("~1", "/").replace("~0", "~")
            node = node[int(token)] if isinstance(node, list) else node[token]
        return where, node


def operations(path: Path) -> list[tuple[str, str]]:
    """``(METHOD, path)`` of every operation the document declares, in document order."""
    files = _Files()
    document = files.get(path)
    found: list[tuple[str, str]] = []
    paths = document.get("paths") if isinstance(document, dict) else None
    for url, item in (paths or {}).items():
        where = path.resolve()
        for _ in range(20):  # a chain of path-item $refs, bounded
            if not (isinstance(item, dict) and isinstance(item.get("$ref"), str)):
                break
            where, item = files.follow(where, item["$ref"])
        if isinstance(item, dict):
            found.extend((method.upper(), str(url)) for method in HTTP_METHODS if method in item)
    return found


def spec_words(path: Path) -> set[str]:
    """Every word of the document's keys and short strings, lower-case, digits attached
    (``fileSha256`` -> ``file``, ``sha256``): the names the authors wrote."""
    found: set[str] = set()
    stack = [load(path)]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                found.update(_words(str(key), identifier=True))
                stack.append(value)
        elif isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, str) and len(node) <= 200:
            found.update(_words(node, identifier=" " not in node))
    return found


_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+[0-9]*|[A-Z]+[0-9]*|[0-9]+")


def _words(text: str, *, identifier: bool) -> list[str]:
    """The words of ``text``; in an identifier (a key, a string without spaces) a number also
    joins the word before it (``bar_1`` -> ``bar``, ``1``, ``bar1``), as names are made."""
    words = [m.group(0).lower() for m in _WORD.finditer(text)]
    if identifier:
        words += [a + b for a, b in zip(words, words[1:]) if b.isdigit()]
    return words
