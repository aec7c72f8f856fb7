"""The files of a spec as data with line numbers, and where each part of the bundle came from.

* YAML is read with a safe loader (no tags, no object construction) under the YAML 1.2 core
  schema that OpenAPI documents are written in; timestamps stay strings, so an example date is
  never turned into a ``datetime``. Aliases are shared, never expanded twice; the
  limits of :mod:`~generator.load.limits` are kept while reading.
* Every node's line is remembered (JSON documents: found in the text when asked,
  :mod:`~generator.load.json_lines`), so errors can say
  ``file:line: /json/pointer``; :class:`SourceMap` maps a pointer of the bundled document back to
  the file and line it was copied from.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from generator.diagnostics import GenerationError, Location
from generator.load import limits
from generator.load.json_lines import JsonLines
from generator.load.pointers import JSON, is_within, join_pointer, split_pointer

# libyaml's parser when available (several times faster); the constructor is the same safe one
_SafeBase: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _SpecYamlLoader(_SafeBase):  # type: ignore[valid-type,misc]
    """Safe loader that leaves timestamps as strings."""


# YAML 1.2 core schema (what OpenAPI documents are written in), not PyYAML's YAML 1.1: `yes`,
# `no`, `on`, `off` are strings, `12:30` is not the integer 750, `017` is 17, and timestamps
# stay strings.
_CORE_SCALARS = {
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:timestamp",
}
_SpecYamlLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in _CORE_SCALARS]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
for _tag, _rx, _first in (
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("tag:yaml.org,2002:int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
    (
        "tag:yaml.org,2002:float",
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        "-+0123456789.",
    ),
):
    _SpecYamlLoader.add_implicit_resolver(_tag, re.compile(_rx), list(_first))


def _construct_int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int:
    text = str(loader.construct_scalar(node))
    if text.startswith("0o"):
        return int(text[2:], 8)
    if text.startswith("0x"):
        return int(text[2:], 16)
    return int(text, 10)


_SpecYamlLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)


@dataclass
class SourceFile:
    """One file of the spec: its data and the line of every node (1-based)."""

    path: Path
    display: str
    data: JSON
    lines: dict[str, int] = field(default_factory=dict)
    json_lines: JsonLines | None = None  # a JSON file's lines, looked up in its text when asked
    raw: bytes = b""  # the bytes that were parsed (hashed and copied beside the client)

    def line_of(self, pointer: str) -> int | None:
        tokens = split_pointer(pointer)
        if self.json_lines is not None:
            return self.json_lines.line_of(tokens)
        while True:
            p = join_pointer("", *tokens)
            if p in self.lines:
                return self.lines[p]
            if not tokens:
                return None
            tokens.pop()

    def location(self, pointer: str) -> Location:
        return Location(self.display, pointer or "/", self.line_of(pointer))


@dataclass
class SourceMap:
    """Maps pointers of the bundled document back to (file, line, original pointer)."""

    root: SourceFile
    imported: dict[str, tuple[SourceFile, str]] = field(default_factory=dict)
    """Local pointer of each imported part -> (the file it came from, its pointer there)."""
    read: list[SourceFile] = field(default_factory=list)
    """Every other file a ``$ref`` read, in the order read."""

    def original(self, pointer: str, source: SourceFile | None = None) -> tuple[SourceFile, str]:
        """The file and pointer ``pointer`` of the bundle was copied from (the longest imported
        part holding it; with ``source``, only parts copied from that file)."""
        best = ""
        for prefix, (src, _) in self.imported.items():
            if (source is None or src is source) and is_within(pointer, prefix):
                if len(prefix) > len(best):
                    best = prefix
        if not best:
            return source or self.root, pointer
        src, original = self.imported[best]
        return src, original + pointer[len(best) :]

    def locate(self, pointer: str) -> Location:
        source, original = self.original(pointer)
        return source.location(original)

    def paths(self) -> set[Path]:
        """Every file the bundled document was read from."""
        return {self.root.path, *(source.path for source in self.read)}

    def relative_files(self) -> list[tuple[str, SourceFile]]:
        """Every file read, the root first, by its POSIX path relative to the folder that holds
        them all: the root's folder, or above it when ``--allow-external-refs`` let a ``$ref``
        leave it."""
        files = [self.root, *self.read]
        # folders resolved, not the names: a root that is a link keeps its folder, where its
        # $refs are read from
        placed = [f.path.parent.resolve() / f.path.name for f in files]
        try:
            anchor = Path(os.path.commonpath([p.parent for p in placed]))
        except ValueError:  # on different drives (Windows)
            raise GenerationError.at(
                Location(self.root.display),
                "the spec's files are on different drives; put them under one folder",
            ) from None
        return [(p.relative_to(anchor).as_posix(), f) for p, f in zip(placed, files)]


def read_bytes(path: Path, display: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise GenerationError.at(
            Location(display), f"cannot read file: {exc.strerror or exc}"
        ) from None


def read_source(path: Path, display: str) -> SourceFile:
    return parse_source(read_bytes(path, display), path, display)


def parse_source(raw: bytes, path: Path, display: str) -> SourceFile:
    """The data of a file's bytes: JSON when it is named ``*.json``, else YAML."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise GenerationError.at(
            Location(display), f"not UTF-8 text: {exc.reason} at byte {exc.start}"
        ) from None
    if path.suffix.lower() == ".json":
        try:
            data = limits.load_json(text)
        except json.JSONDecodeError as exc:
            raise GenerationError.at(
                Location(display, "/", exc.lineno), f"invalid JSON: {exc.msg}"
            ) from None
        except limits.LimitExceeded as exc:
            raise GenerationError.at(
                Location(display, exc.pointer, exc.line), exc.message
            ) from None
        # lines only matter for messages: found in the text when one is printed
        return SourceFile(path, display, data, json_lines=JsonLines(text), raw=raw)
    try:
        data, lines = _compose_yaml(text)
    except limits.LimitExceeded as exc:
        raise GenerationError.at(Location(display, exc.pointer, exc.line), exc.message) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = exc.problem or exc.context or "syntax error"
        raise GenerationError.at(Location(display, "/", line), f"invalid YAML: {problem}") from None
    except yaml.YAMLError as exc:
        raise GenerationError.at(Location(display), f"invalid YAML: {exc}") from None
    return SourceFile(path, display, data, lines, raw=raw)


_PLAIN_TAGS = frozenset({"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"})


def _compose_yaml(text: str) -> tuple[JSON, dict[str, int]]:
    loader = _SpecYamlLoader(text)
    try:
        node = loader.get_single_node()
        builder = _LineMappedBuilder(loader)
        data = builder.build(node, "") if node is not None else None
        return data, builder.lines
    except RecursionError:  # the pure-Python composer (no libyaml) is recursive
        raise limits.LimitExceeded(limits.too_deep()) from None
    finally:
        loader.dispose()


class _LineMappedBuilder:
    """Builds the data of a composed YAML tree, noting the line of every pointer on the way.

    An alias shares the object built for its anchor (it is never copied), but counts as what it
    stands for: the nodes and depth of every part are kept, so the limits of
    :mod:`~generator.load.limits` apply to the document as later stages walk it.
    """

    def __init__(self, loader: yaml.SafeLoader) -> None:
        self.loader = loader
        self.lines: dict[str, int] = {}
        self.built: dict[int, JSON] = {}
        self.size: dict[int, tuple[int, int]] = {}  # node -> (nodes expanded, height)
        self.count = 0  # nodes so far, aliases expanded

    def build(self, n: yaml.Node, pointer: str, depth: int = 1) -> JSON:
        self.lines.setdefault(pointer, n.start_mark.line + 1)
        if id(n) in self.built:  # an alias: share the object, count what it stands for
            return self._alias(n, pointer, depth)
        if isinstance(n, (yaml.MappingNode, yaml.SequenceNode)) and n.tag not in _PLAIN_TAGS:
            # the safe constructor would never run it, but a tag means something else was meant
            raise yaml.constructor.ConstructorError(
                None, None, f"tag {n.tag!r} is not allowed (plain YAML only)", n.start_mark
            )
        start = self.count
        self._grow(1, depth if isinstance(n, yaml.CollectionNode) else 0, pointer, n)
        if isinstance(n, yaml.MappingNode):
            value: JSON = self._mapping(n, pointer, depth)
        elif isinstance(n, yaml.SequenceNode):
            value = self.built[id(n)] = []
            for i, item in enumerate(n.value):
                value.append(self.build(item, join_pointer(pointer, i), depth + 1))
        else:
            value = self.built[id(n)] = self._scalar(n, pointer)
        self.size[id(n)] = (self.count - start, self._height(n))
        return value

    def _height(self, n: yaml.Node) -> int:
        """Containers nested in ``n``, itself included (0 for a scalar)."""
        if isinstance(n, yaml.MappingNode):
            return 1 + max((self.size[id(v)][1] for _, v in n.value), default=0)
        if isinstance(n, yaml.SequenceNode):
            return 1 + max((self.size[id(v)][1] for v in n.value), default=0)
        return 0

    def _alias(self, n: yaml.Node, pointer: str, depth: int) -> JSON:
        if id(n) not in self.size:
            raise _refused(
                "a YAML alias inside the node it refers to: an infinite document", pointer, n
            )
        nodes, height = self.size[id(n)]
        self._grow(nodes, depth + height - 1, pointer, n)
        return self.built[id(n)]

    def _grow(self, nodes: int, deepest: int, pointer: str, n: yaml.Node) -> None:
        self.count += nodes
        if self.count > limits.MAX_NODES:
            raise _refused(limits.too_many_nodes(self.count), pointer, n)
        if deepest > limits.MAX_DEPTH:
            raise _refused(limits.too_deep(), pointer, n)

    def _scalar(self, n: yaml.Node, pointer: str) -> JSON:
        if n.tag == "tag:yaml.org,2002:int":
            try:
                limits.check_int_literal(str(n.value))
            except limits.LimitExceeded as exc:
                raise _refused(exc.message, pointer, n) from None
        return self.loader.construct_object(n, deep=True)

    def _mapping(self, n: yaml.MappingNode, pointer: str, depth: int) -> dict[str, JSON]:
        self.loader.flatten_mapping(n)
        out: dict[str, JSON] = {}
        self.built[id(n)] = out
        for key_node, value_node in n.value:
            key = self._scalar(key_node, pointer) if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, (str, int, float, bool)) or key is None:
                raise yaml.constructor.ConstructorError(
                    None, None, "mapping keys must be scalars", key_node.start_mark
                )
            self._grow(1, 0, pointer, key_node)
            text = _key_text(key)
            out[text] = self.build(value_node, join_pointer(pointer, text), depth + 1)
        return out


def _refused(message: str, pointer: str, n: yaml.Node) -> limits.LimitExceeded:
    return limits.LimitExceeded(message, pointer or "/", n.start_mark.line + 1)


def _key_text(key: str | int | float | bool) -> str:
    if isinstance(key, bool):
        return "true" if key else "false"
    return str(key)
