"""Read an OpenAPI document, bundle its ``$ref``s into one document, validate it.

* YAML is read with a safe loader (no tags, no object construction); timestamps stay
  strings, so an example date is never turned into a ``datetime``.
* Every node's line is remembered, so errors can say ``file:line: /json/pointer``.
* External references (``other.yaml#/Foo``) are followed through an explicit
  reference graph: each external target is copied once into the root document's
  ``components`` and every ``$ref`` is rewritten to a local one. A reference that
  leaves the spec's folder is refused unless ``allow_outside`` is set; a chain of
  references that only point at each other is reported as a cycle.
* The bundled document is validated with openapi-pydantic (3.0.x and 3.1.x).
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from generator.diagnostics import GenerationError, Location
from generator.load.refgraph import is_cyclic, strongly_connected_components

JSON = Any


# --------------------------------------------------------------------------- pointers


def escape_token(token: str | int) -> str:
    return str(token).replace("~", "~0").replace("/", "~1")


def unescape_token(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def join_pointer(pointer: str, *tokens: str | int) -> str:
    return pointer + "".join("/" + escape_token(t) for t in tokens)


def split_pointer(pointer: str) -> list[str]:
    if pointer in ("", "/"):
        return []
    return [unescape_token(t) for t in pointer.lstrip("/").split("/")]


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


# --------------------------------------------------------------------------- reading


# libyaml's parser when available (several times faster); the constructor is the same safe one
_SafeBase: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _SpecYamlLoader(_SafeBase):  # type: ignore[valid-type,misc]
    """Safe loader that leaves timestamps as strings."""


# YAML 1.2 core schema (what OpenAPI documents are written in), not PyYAML's YAML 1.1: `yes`,
# `no`, `on`, `off` are strings, `12:30` is not the integer 750, `017` is 17, and timestamps
# stay strings.
_CORE_SCALARS = {"tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:timestamp"}
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
    unmapped: str | None = None  # JSON text whose lines are mapped on the first question

    def line_of(self, pointer: str) -> int | None:
        if self.unmapped is not None:
            text, self.unmapped = self.unmapped, None
            try:
                _, self.lines = _compose_yaml(text)
            except yaml.YAMLError:
                pass
        tokens = split_pointer(pointer)
        while True:
            p = join_pointer("", *tokens)
            if p in self.lines:
                return self.lines[p]
            if not tokens:
                return None
            tokens.pop()

    def location(self, pointer: str) -> Location:
        return Location(self.display, pointer or "/", self.line_of(pointer))


def read_source(path: Path, display: str) -> SourceFile:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise GenerationError.at(
            Location(display), f"cannot read file: {exc.strerror or exc}"
        ) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise GenerationError.at(
            Location(display), f"not UTF-8 text: {exc.reason} at byte {exc.start}"
        ) from None
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise GenerationError.at(
                Location(display, "/", exc.lineno), f"invalid JSON: {exc.msg}"
            ) from None
        # lines only matter for messages: a large JSON document is not parsed twice unless asked
        return SourceFile(path, display, data, unmapped=text)
    try:
        data, lines = _compose_yaml(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = exc.problem or exc.context or "syntax error"
        raise GenerationError.at(
            Location(display, "/", line), f"invalid YAML: {problem}"
        ) from None
    except yaml.YAMLError as exc:
        raise GenerationError.at(Location(display), f"invalid YAML: {exc}") from None
    return SourceFile(path, display, data, lines)


_PLAIN_TAGS = frozenset({"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"})


def _compose_yaml(text: str) -> tuple[JSON, dict[str, int]]:
    loader = _SpecYamlLoader(text)
    try:
        node = loader.get_single_node()
        lines: dict[str, int] = {}
        built: dict[int, JSON] = {}

        def build(n: yaml.Node, pointer: str) -> JSON:
            lines.setdefault(pointer, n.start_mark.line + 1)
            if id(n) in built:  # an alias: share the object, never expand it again
                return built[id(n)]
            if isinstance(n, (yaml.MappingNode, yaml.SequenceNode)) and n.tag not in _PLAIN_TAGS:
                # the safe constructor would never run it, but a tag means something else was meant
                raise yaml.constructor.ConstructorError(
                    None, None, f"tag {n.tag!r} is not allowed (plain YAML only)", n.start_mark
                )
            if isinstance(n, yaml.MappingNode):
                loader.flatten_mapping(n)
                out: dict[str, JSON] = {}
                built[id(n)] = out
                for key_node, value_node in n.value:
                    key = loader.construct_object(key_node, deep=True)
                    if not isinstance(key, (str, int, float, bool)) or key is None:
                        raise yaml.constructor.ConstructorError(
                            None,
                            None,
                            "mapping keys must be scalars",
                            key_node.start_mark,
                        )
                    key = _key_text(key)
                    out[key] = build(value_node, join_pointer(pointer, key))
                return out
            if isinstance(n, yaml.SequenceNode):
                seq: list[JSON] = []
                built[id(n)] = seq
                seq.extend(
                    build(item, join_pointer(pointer, i))
                    for i, item in enumerate(n.value)
                )
                return seq
            value = loader.construct_object(n, deep=True)
            built[id(n)] = value
            return value

        data = build(node, "") if node is not None else None
        return data, lines
    finally:
        loader.dispose()


def _key_text(key: str | int | float | bool) -> str:
    if isinstance(key, bool):
        return "true" if key else "false"
    return str(key)


# --------------------------------------------------------------------------- bundling


@dataclass(frozen=True)
class LoadedSpec:
    """A validated document with only local references, and where each part came from."""

    path: Path
    document: dict[str, JSON]
    raw: bytes
    sha256: str
    openapi_version: str
    sources: SourceMap

    def locate(self, pointer: str) -> Location:
        return self.sources.locate(pointer)


@dataclass
class SourceMap:
    """Maps pointers of the bundled document back to (file, line, original pointer)."""

    root: SourceFile
    imported: dict[str, tuple[SourceFile, str]] = field(default_factory=dict)

    def locate(self, pointer: str) -> Location:
        best = ""
        for prefix in self.imported:
            if (pointer == prefix or pointer.startswith(prefix + "/")) and len(
                prefix
            ) > len(best):
                best = prefix
        if best:
            source, original = self.imported[best]
            inner = original + pointer[len(best) :]
            return source.location(inner)
        return self.root.location(pointer)


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
    if parent == "headers":
        return "headers"
    if parent == "examples":
        return "examples"
    if parent == "links":
        return "links"
    if parent == "callbacks":
        return "callbacks"
    if parent == "paths" and len(path) == 2:
        return "pathItems"
    return "schemas"


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
            ref = current.get("$ref")
            if isinstance(ref, str):
                yield where, current
            in_example = len(where) >= 2 and where[-2] == "examples"
            named_map = bool(where) and where[-1] in _NAME_MAPS
            for key in reversed(list(current)):
                value = current[key]
                if named_map:
                    stack.append((value, [*where, key]))
                    continue
                if key in _LITERAL_KEYS or (
                    key == "examples" and isinstance(value, list)
                ):
                    continue  # literal values may legitimately contain a "$ref" key
                if in_example and key == "value":
                    continue
                stack.append((value, [*where, key]))
        elif isinstance(current, list):
            for i in reversed(range(len(current))):
                stack.append((current[i], [*where, i]))


class _Bundler:
    def __init__(self, root: SourceFile, allow_outside: bool) -> None:
        self.root = root
        self.base = root.path.parent.resolve()
        self.allow_outside = allow_outside
        self.files: dict[Path, SourceFile] = {root.path.resolve(): root}
        self.document: dict[str, JSON] = root.data
        self.sources = SourceMap(root)
        # (file, pointer) of an imported target -> local pointer in the bundle
        self.imported: dict[tuple[Path, str], str] = {}
        # pure-alias edges for cycle detection: (file, pointer) -> (file, pointer)
        self.alias_edges: dict[tuple[Path, str], list[tuple[Path, str]]] = {}

    def run(self) -> None:
        self._rewrite(self.document, self.root, [], is_root=True)
        self._check_alias_cycles()

    # -- helpers
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
            raise GenerationError.at(
                ref_location, f"$ref target file not found: {display}"
            )
        source = read_source(resolved, display)
        self.files[resolved] = source
        return source

    def _rewrite(
        self, node: JSON, source: SourceFile, path: list[str | int], *, is_root: bool
    ) -> None:
        base_pointer = join_pointer("", *path)
        for where, holder in list(_iter_refs(node, [])):
            ref = holder["$ref"]
            full_path = [*path, *where]
            pointer_here = (
                join_pointer("", *full_path)
                if is_root
                else join_pointer(base_pointer, *where)
            )
            location = source.location(
                pointer_here if is_root else self._original(source, pointer_here)
            )
            file_part, _, fragment = ref.partition("#")
            fragment = fragment or ""
            if fragment and not fragment.startswith("/"):
                raise GenerationError.at(
                    location, f"$ref {ref!r}: only JSON-pointer fragments are supported"
                )
            if file_part:
                if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", file_part):
                    raise GenerationError.at(
                        location, f"$ref {ref!r}: remote references are not fetched"
                    )
                target_file = self._load(source.path.parent / file_part, location)
            else:
                target_file = source
            try:
                target = resolve_pointer(target_file.data, fragment)
            except KeyError:
                raise GenerationError.at(
                    location,
                    f"$ref target not found: {fragment or '/'} in {target_file.display}",
                ) from None
            key = (target_file.path.resolve(), fragment)
            origin = (
                source.path.resolve(),
                self._original(source, pointer_here) if not is_root else pointer_here,
            )
            if isinstance(target, dict) and isinstance(target.get("$ref"), str):
                self.alias_edges.setdefault(origin, []).append(key)
            if target_file is self.root:
                holder["$ref"] = "#" + fragment
                continue
            holder["$ref"] = "#" + self._import(
                key, target_file, fragment, _ref_kind(full_path)
            )

    def _original(self, source: SourceFile, bundled_pointer: str) -> str:
        for prefix, (src, original) in self.sources.imported.items():
            if src is source and (
                bundled_pointer == prefix or bundled_pointer.startswith(prefix + "/")
            ):
                return original + bundled_pointer[len(prefix) :]
        return bundled_pointer

    def _import(
        self, key: tuple[Path, str], source: SourceFile, fragment: str, kind: str
    ) -> str:
        if key in self.imported:
            return self.imported[key]
        if kind == "pathItems":
            kind = "pathItems"
        components = self.document.setdefault("components", {})
        bucket = components.setdefault(kind, {})
        tokens = split_pointer(fragment)
        stem = source.path.stem
        wanted = _NAME_RX.sub("_", tokens[-1] if tokens else stem) or stem
        name = wanted
        if name in bucket:
            name = _NAME_RX.sub("_", f"{stem}_{wanted}")
        suffix = 2
        while name in bucket:  # last resort; names above are the readable ones
            name = f"{_NAME_RX.sub('_', stem)}_{wanted}_{suffix}"
            suffix += 1
        local = join_pointer("", "components", kind, name)
        self.imported[key] = local
        content = copy.deepcopy(resolve_pointer(source.data, fragment))
        bucket[name] = content
        self.sources.imported[local] = (source, fragment)
        self._rewrite(content, source, ["components", kind, name], is_root=False)
        return local

    def _check_alias_cycles(self) -> None:
        graph: dict[tuple[Path, str], list[tuple[Path, str]]] = {}
        for origin, targets in self.alias_edges.items():
            graph.setdefault(origin, []).extend(targets)
            for target in targets:
                graph.setdefault(target, [])
        # a target that is itself a $ref object points on: connect the target to what
        # its own $ref resolves to (the origin of that ref is the target's pointer + "")
        for component in strongly_connected_components(graph):
            if is_cyclic(component, graph):
                path, pointer = sorted(component)[0]
                source = self.files[path]
                raise GenerationError.at(
                    source.location(pointer),
                    "$ref cycle: these references only point at each other",
                )


# --------------------------------------------------------------------------- validation


def _pydantic_loc_to_pointer(document: JSON, loc: tuple[str | int, ...]) -> str:
    """Map a pydantic error location onto the document, skipping model/union names."""
    node = document
    tokens: list[str | int] = []
    for part in loc:
        if isinstance(node, dict) and str(part) in node:
            node = node[str(part)]
            tokens.append(str(part))
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
            tokens.append(part)
    return join_pointer("", *tokens)


def _is_boolean_schema(document: JSON, pointer: str, message: str) -> bool:
    try:
        value = resolve_pointer(document, pointer)
    except KeyError:
        return False
    return isinstance(value, bool) and ("Schema" in message or "Reference" in message)


def validate_openapi(document: JSON, sources: SourceMap) -> str:
    """Validate with openapi-pydantic; returns the major.minor version ("3.0" / "3.1")."""
    from openapi_pydantic import parse_obj

    if not isinstance(document, dict):
        raise GenerationError.at(
            sources.locate(""), "an OpenAPI document must be a mapping at the top level"
        )
    version = document.get("openapi")
    if version is None and "swagger" in document:
        raise GenerationError.at(
            sources.locate("/swagger"),
            f"a Swagger {document.get('swagger')} document; only OpenAPI 3.0.x and 3.1.x are supported "
            "(convert it first, e.g. with swagger2openapi)",
        )
    if not isinstance(version, str) or not re.match(r"^3\.[01]\.\d+", version):
        found = "missing" if version is None else repr(version)
        raise GenerationError.at(
            sources.locate("/openapi"),
            f"unsupported or missing 'openapi' version ({found}); 3.0.x or 3.1.x expected",
        )
    try:
        parse_obj(document)
    except ValidationError as exc:
        problems = []
        seen: set[str] = set()
        for error in exc.errors():
            pointer = _pydantic_loc_to_pointer(document, tuple(error["loc"]))
            message = error["msg"]
            if version.startswith("3.1") and _is_boolean_schema(document, pointer, message):
                continue  # JSON Schema 2020-12 allows `true`/`false` schemas; openapi-pydantic does not

            if error.get("type") == "missing" and error["loc"]:
                message = f"required field {str(error['loc'][-1])!r} is missing"
            text = f"{pointer}|{message}"
            if text in seen:
                continue
            seen.add(text)
            problems.append((pointer, message))
        if not problems:
            return version[:3]
        # report the most precise places: drop a problem whose pointer encloses another's
        pointers = {p for p, _ in problems}
        problems = [(p, m) for p, m in problems if not any(o != p and o.startswith(p + "/") for o in pointers)]
        problems.sort(key=lambda p: (-p[0].count("/"), p[0]))
        from generator.diagnostics import Diagnostic, Level

        diagnostics = [
            Diagnostic(
                Level.ERROR,
                sources.locate(p),
                f"not a valid OpenAPI {version} document: {m}",
            )
            for p, m in problems[:5]
        ]
        raise GenerationError(diagnostics) from None
    return version[:3]


def load_spec(
    path: Path, *, allow_outside: bool = False, display: str | None = None
) -> LoadedSpec:
    """Read, bundle and validate the document at ``path``."""
    display = display or path.name
    root = read_source(path, display)
    raw = path.read_bytes()
    if not isinstance(root.data, dict):
        raise GenerationError.at(
            root.location(""), "an OpenAPI document must be a mapping at the top level"
        )
    bundler = _Bundler(root, allow_outside)
    bundler.run()
    version = validate_openapi(bundler.document, bundler.sources)
    return LoadedSpec(
        path=path,
        document=bundler.document,
        raw=raw,
        sha256=hashlib.sha256(raw).hexdigest(),
        openapi_version=version,
        sources=bundler.sources,
    )
