"""``$ref`` bundling: a spec spread over several files becomes one document with local references.

External references (``other.yaml#/Foo``) are followed through an explicit reference graph:
each external target is copied once into the root document's ``components`` (under the kind of
component the reference stands for, with a readable name that never clashes) and every ``$ref``
is rewritten to a local one. A reference that leaves the spec's folder is refused unless
``allow_outside`` is set; remote references are never fetched; a chain of references that only
point at each other is reported as a cycle. Literal values (examples, defaults, enums) may hold a
``"$ref"`` key and are left alone, as are ``x-`` extensions. Fragments are percent-decoded
before they are read as JSON pointers (``#/components/schemas/Caf%C3%A9``).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote

from generator.diagnostics import Diagnostic, GenerationError, Location
from generator.load.pointers import JSON, join_pointer, resolve_pointer, split_pointer
from generator.load.refgraph import is_cyclic, strongly_connected_components
from generator.load.sources import SourceFile, SourceMap, read_bytes, read_source

_COMPONENT_KINDS = {
    "parameters",
    "responses",
    "requestBodies",
    "headers",
    "examples",
    "links",
    "callbacks",
    "securitySchemes",
    "schemas",
    "pathItems",
}
_NAME_RX = re.compile(r"[^A-Za-z0-9._-]+")
_REMOTE_RX = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")
_LITERAL_KEYS = frozenset({"example", "const", "default", "enum"})
# objects whose keys are names chosen by the author (a property may be called "default")
_NAME_MAPS = frozenset(
    {
        "properties",
        "patternProperties",
        "$defs",
        "definitions",
        "schemas",
        "parameters",
        "responses",
        "headers",
        "requestBodies",
        "securitySchemes",
        "paths",
        "callbacks",
        "links",
        "mapping",
        "content",
    }
)
# a $ref held by an object under one of these keys stands for a component of that kind
_KINDS_BY_PARENT = frozenset({"headers", "examples", "links", "callbacks"})

Target = tuple[Path, str]
"""A place a reference points at: (resolved file, JSON pointer in it)."""


def bundle(root: SourceFile, *, allow_outside: bool) -> SourceMap:
    """Rewrite ``root.data`` in place so that every ``$ref`` is local; returns where each part
    of the result came from."""
    bundler = _Bundler(root, allow_outside)
    bundler.rewrite(root.data, root, [], is_root=True)
    bundler.check_alias_cycles()
    return bundler.sources


def _ref_kind(path: list[str | int]) -> str:
    """Which kind of component a ``$ref`` found at ``path`` points to."""
    last = path[-1] if path else ""
    parent = path[-2] if len(path) >= 2 else ""
    if len(path) >= 3 and path[-3] == "components" and parent in _COMPONENT_KINDS:
        return str(parent)
    if isinstance(last, int) and parent == "parameters":
        return "parameters"
    if parent == "responses":
        return "responses"
    if last == "requestBody":
        return "requestBodies"
    if parent in _KINDS_BY_PARENT:
        return str(parent)
    if parent == "paths" and len(path) == 2:
        return "pathItems"
    return "schemas"


def _iter_refs(
    node: JSON, path: list[str | int]
) -> Iterator[tuple[list[str | int], dict[str, JSON]]]:
    """Every object holding a ``$ref`` string, with its path, in document order."""
    stack: list[tuple[JSON, list[str | int]]] = [(node, path)]
    visited: set[int] = set()  # YAML aliases share objects: visit each once
    while stack:
        current, where = stack.pop()
        if isinstance(current, (dict, list)):
            if id(current) in visited:
                continue
            visited.add(id(current))
        if isinstance(current, dict):
            if isinstance(current.get("$ref"), str):
                yield where, current
            stack.extend((current[key], [*where, key]) for key in walked_keys(current, where))
        elif isinstance(current, list):
            for i in reversed(range(len(current))):
                stack.append((current[i], [*where, i]))


def walked_keys(node: dict[str, JSON], where: list[str | int]) -> list[str]:
    """The keys of ``node`` whose values may hold references, last first (for the stack)."""
    if where and where[-1] in _NAME_MAPS:
        return list(reversed(list(node)))
    in_example = len(where) >= 2 and where[-2] == "examples"
    return [
        key
        for key in reversed(list(node))
        # literal values may legitimately contain a "$ref" key; extensions are not the API's
        # (a $ref inside an x- value is never imported, so never becomes a model)
        if key not in _LITERAL_KEYS
        and not key.startswith("x-")
        and not (key == "examples" and isinstance(node[key], list))
        and not (in_example and key == "value")
    ]


class _Bundler:
    def __init__(self, root: SourceFile, allow_outside: bool) -> None:
        self.root = root
        self.base = root.path.parent.resolve()
        self.allow_outside = allow_outside
        self.files: dict[Path, SourceFile] = {root.path.resolve(): root}
        self.document: dict[str, JSON] = root.data
        self.sources = SourceMap(root)
        # (file, pointer) of an imported target -> local pointer in the bundle
        self.imported: dict[Target, str] = {}
        # pure-alias edges for cycle detection: (file, pointer) -> (file, pointer)
        self.alias_edges: dict[Target, list[Target]] = {}

    def _load(self, path: Path, ref_location: Location) -> SourceFile:
        resolved = path.resolve()
        if resolved in self.files:
            return self.files[resolved]
        if not self.allow_outside and not resolved.is_relative_to(self.base):
            raise GenerationError.at(
                ref_location,
                f"$ref leaves the spec's folder ({self.base}); pass --allow-external-refs to permit it",
            )
        try:
            display = (Path(self.root.display).parent / resolved.relative_to(self.base)).as_posix()
        except ValueError:
            display = str(resolved)
        if not resolved.is_file():
            raise GenerationError.at(ref_location, f"$ref target file not found: {display}")
        source = read_source(resolved, display)
        self.files[resolved] = source
        self.sources.read.append(source)
        return source

    def rewrite(
        self, node: JSON, source: SourceFile, path: list[str | int], *, is_root: bool
    ) -> None:
        """Make every ``$ref`` below ``node`` (at ``path`` of the bundle, read from ``source``)
        local, importing what it points at from other files."""
        base_pointer = join_pointer("", *path)
        for where, holder in list(_iter_refs(node, [])):
            ref = holder["$ref"]
            full_path = [*path, *where]
            if is_root:
                pointer_here = join_pointer("", *full_path)
            else:  # where the holder is in the file it was copied from
                pointer_here = self.sources.original(join_pointer(base_pointer, *where), source)[1]
            # the line is looked up only when this $ref is wrong: for a JSON file that needs a
            # line map of the whole text, which a correct document never pays for
            site = Location(source.display, pointer_here)
            try:
                self._rewrite_one(node, where, holder, ref, source, full_path, site)
            except GenerationError as exc:
                raise _with_line(exc, site, source.location(pointer_here)) from None

    def _rewrite_one(
        self,
        node: JSON,
        where: list[str | int],
        holder: dict[str, JSON],
        ref: str,
        source: SourceFile,
        full_path: list[str | int],
        location: Location,
    ) -> None:
        if _inlined_here(full_path):
            self._inline(node, where, ref, source, full_path, location)
            return
        target_file, fragment = self._target(ref, source, location)
        key = (target_file.path.resolve(), fragment)
        target = self._resolve(target_file, fragment, location)
        if isinstance(target, dict) and isinstance(target.get("$ref"), str):
            self.alias_edges.setdefault((source.path.resolve(), location.pointer), []).append(key)
        if target_file is self.root:
            holder["$ref"] = "#" + fragment
        else:
            holder["$ref"] = "#" + self._import(key, target_file, fragment, _ref_kind(full_path))

    def _inline(
        self,
        node: JSON,
        where: list[str | int],
        ref: str,
        source: SourceFile,
        full_path: list[str | int],
        location: Location,
    ) -> None:
        """Replace the ``$ref`` at ``where`` (below ``node``) by a copy of what it points at, as
        bundlers do where OpenAPI allows no reference; a text file for a description."""
        if full_path[-1] in _TEXT_KEYS and not ref.startswith("#") and _is_text_file(ref):
            path = source.path.parent / unquote(ref.partition("#")[0])
            value: JSON = self._text_file(self._load_path(path, location), ref)
            target_file = None
        else:
            target_file, fragment = self._target(ref, source, location)
            value = copy.deepcopy(self._resolve(target_file, fragment, location))
        holder = resolve_pointer(node, join_pointer("", *where))
        siblings = {k: v for k, v in holder.items() if k != "$ref"}
        if isinstance(value, dict):
            holder.clear()
            holder.update({**value, **siblings})
        elif where:
            resolve_pointer(node, join_pointer("", *where[:-1]))[where[-1]] = value
        else:
            raise GenerationError.at(location, f"$ref {ref!r} here must point at an object")
        if target_file is not None:
            here = join_pointer("", *full_path)
            if target_file is not self.root:
                self.sources.imported[here] = (target_file, fragment)
            self.rewrite(
                holder if isinstance(value, dict) else value, target_file, full_path, is_root=False
            )

    def _text_file(self, resolved: Path, display: str) -> str:
        """The text of a file a description reads, which is one of the spec's files from then
        on (hashed, copied beside the client, never overwritten or removed as an output)."""
        if resolved in self.files:
            source = self.files[resolved]
            return source.raw.decode("utf-8", "replace")
        raw = read_bytes(resolved, display)
        text = raw.decode("utf-8", "replace")
        source = SourceFile(resolved, display, text, raw=raw)
        self.files[resolved] = source
        self.sources.read.append(source)
        return text

    def _load_path(self, path: Path, location: Location) -> Path:
        """``path`` when it may be read (inside the spec's folder unless allowed)."""
        resolved = path.resolve()
        if not self.allow_outside and not resolved.is_relative_to(self.base):
            raise GenerationError.at(
                location,
                f"$ref leaves the spec's folder ({self.base}); pass --allow-external-refs to permit it",
            )
        if not resolved.is_file():
            raise GenerationError.at(location, f"$ref target file not found: {path}")
        return resolved

    def _target(self, ref: str, source: SourceFile, location: Location) -> tuple[SourceFile, str]:
        """The file and JSON pointer ``ref`` (written in ``source``) points at."""
        file_part, _, fragment = ref.partition("#")
        # a URI fragment: percent-decoded before it is read as a JSON pointer (RFC 6901 section 6)
        file_part, fragment = unquote(file_part), unquote(fragment)
        if fragment and not fragment.startswith("/"):
            raise GenerationError.at(
                location, f"$ref {ref!r}: only JSON-pointer fragments are supported"
            )
        if not file_part:
            return source, fragment
        if _REMOTE_RX.match(file_part):
            raise GenerationError.at(location, f"$ref {ref!r}: remote references are not fetched")
        return self._load(source.path.parent / file_part, location), fragment

    @staticmethod
    def _resolve(target_file: SourceFile, fragment: str, location: Location) -> JSON:
        try:
            return resolve_pointer(target_file.data, fragment)
        except KeyError:
            raise GenerationError.at(
                location, f"$ref target not found: {fragment or '/'} in {target_file.display}"
            ) from None

    def _import(self, key: Target, source: SourceFile, fragment: str, kind: str) -> str:
        if key in self.imported:
            return self.imported[key]
        bucket = self.document.setdefault("components", {}).setdefault(kind, {})
        name = _component_name(bucket, source.path.stem, split_pointer(fragment))
        local = join_pointer("", "components", kind, name)
        self.imported[key] = local
        content = copy.deepcopy(resolve_pointer(source.data, fragment))
        bucket[name] = content
        self.sources.imported[local] = (source, fragment)
        self.rewrite(content, source, ["components", kind, name], is_root=False)
        return local

    def check_alias_cycles(self) -> None:
        graph: dict[Target, list[Target]] = {}
        for origin, targets in self.alias_edges.items():
            graph.setdefault(origin, []).extend(targets)
            for target in targets:
                graph.setdefault(target, [])
        for component in strongly_connected_components(graph):
            if is_cyclic(component, graph):
                path, pointer = sorted(component)[0]
                raise GenerationError.at(
                    self.files[path].location(pointer),
                    "$ref cycle: these references only point at each other",
                )


def _with_line(exc: GenerationError, site: Location, located: Location) -> GenerationError:
    """``exc`` with every diagnostic placed at ``site`` moved to ``located`` (the same place,
    its line looked up); diagnostics of nested ``$ref``s keep their own places."""
    moved = [
        Diagnostic(d.level, located, d.message) if d.location is site else d
        for d in exc.diagnostics
    ]
    return GenerationError(moved)


_OPERATION_KEYS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})
_PATH_ITEM_MAPS = frozenset({"paths", "pathItems", "webhooks"})
_TEXT_KEYS = frozenset({"description", "summary"})


def _inlined_here(path: list[str | int]) -> bool:
    """A ``$ref`` where OpenAPI allows none, which bundlers inline: an operation, a whole map of
    names (``properties``, ``responses``, ``content``...), a description or summary."""
    if not path:
        return False
    last, parent = path[-1], path[-2] if len(path) >= 2 else None
    if parent in _NAME_MAPS:
        return False  # a name chosen by the author: a schema, a response, ... (refs allowed)
    if last in _NAME_MAPS or last in _TEXT_KEYS:
        return True
    return (
        last in _OPERATION_KEYS
        and len(path) >= 3
        and (path[-3] in _PATH_ITEM_MAPS or (len(path) >= 4 and path[-4] == "callbacks"))
    )


def _is_text_file(ref: str) -> bool:
    return Path(unquote(ref.partition("#")[0])).suffix.lower() not in (".json", ".yaml", ".yml")


def _component_name(bucket: dict[str, JSON], stem: str, tokens: list[str]) -> str:
    """A name for a part imported from file ``stem`` at ``tokens`` that is free in ``bucket``:
    its own name, else prefixed with the file's stem, else numbered."""
    wanted = _NAME_RX.sub("_", tokens[-1] if tokens else stem) or stem
    name = wanted
    if name in bucket:
        name = _NAME_RX.sub("_", f"{stem}_{wanted}")
    suffix = 2
    while name in bucket:  # last resort; names above are the readable ones
        name = f"{_NAME_RX.sub('_', stem)}_{wanted}_{suffix}"
        suffix += 1
    return name
