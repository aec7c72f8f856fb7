"""The text of a starting ``codegen.toml`` for a document, from its IR built without a config.

Every value written is what the generator derives today, so the config changes nothing at first:
it pins the names (package, credential arguments, environment variables, each operation's
``resource.method``) so that they survive changes of the document, and adds an auto-paging
``list_all`` companion where a listing pages by page number. What cannot be written as a key
(a derived name the config would refuse, a listing paged by cursor or offset only) is written as
a comment saying why.
"""

from __future__ import annotations

import json
import re
from collections import Counter

from generator.build.naming import configured_name_problem
from generator.build.runtime_names import CLIENT_ATTRIBUTES
from generator.ir import Api, Operation, Resource
from generator.scaffold.paging import PagingGuess, guess

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def key(name: str) -> str:
    """A TOML key: bare when it can be, else a basic string (JSON's escapes are TOML's)."""
    return name if _BARE_KEY.match(name) else json.dumps(name)


def value(text: str) -> str:
    return json.dumps(text)


def starter_config(api: Api, spec_display: str) -> str:
    """The whole config text; ``spec_display`` is how the document is named in its header."""
    parts = [
        f"# Settings of the code generator for {spec_display}, written by"
        " `python -m generator init`.\n# Every section and key is described in docs/config.md."
        " The values are what the generator\n# derives without a config: edit them, they are"
        " the public API of the generated client.\n",
        _package(api),
        _client(api),
        _auth(api),
    ]
    ops = [(r, op) for top in api.resources for r in top.walk() for op in r.operations]
    parts.append(_operations(ops))
    parts.append(_pagination(api, ops))
    return "\n".join(part for part in parts if part)


def _package(api: Api) -> str:
    return (
        "[package]\n"
        f"name = {value(api.package)}\n"
        f"distribution = {value(api.distribution)}\n"
        'version = "0.1.0"\n'
        f"description = {value(api.package_description)}\n"
        f"error_class = {value(api.error_class)}\n"
    )


def _client(api: Api) -> str:
    """A path parameter most operations take is suggested as a path default (commented)."""
    ops = [op for top in api.resources for r in top.walk() for op in r.operations]
    counts = Counter(
        p.wire_name for op in ops for p in op.params if p.location == "path" and p.required
    )
    common = [
        name
        for name, count in counts.most_common(3)
        if count >= 3 and count * 2 >= len(ops) and name.isidentifier()
    ]
    if not common:
        return ""
    lines = [
        "[client]",
        "# Path parameters most operations take: uncomment to fill them from the client's",
        "# settings (Client(name=...) or <PREFIX>_<NAME>) unless a call passes them.",
    ]
    lines += [f"# path_defaults = {{ {key(name)} = {value(name)} }}" for name in common]
    return "\n".join(lines) + "\n"


def _auth(api: Api) -> str:
    prefix = api.env["base_url"].removesuffix("_BASE_URL")
    lines = [
        "[auth]",
        "# Environment variables are <env_prefix>_<ARGUMENT> unless a scheme names its own.",
        f"env_prefix = {value(prefix)}",
        f"base_url_env = {value(api.env['base_url'])}",
    ]
    for scheme in api.schemes:
        lines += [
            "",
            f"[auth.schemes.{key(scheme.key)}]",
            f"# {scheme.sends}".replace("``", "`"),
            f"argument = {value(scheme.argument)}",
            f"env = {value(scheme.env)}",
        ]
    return "\n".join(lines) + "\n"


def _target(resource: Resource, op: Operation) -> tuple[str, str | None]:
    """``resource[.sub].method`` of ``op``, and why the config could not say it (or None)."""
    segments = [*resource.path, op.py_name]
    problem = next(filter(None, map(configured_name_problem, segments)), None)
    if problem is None and resource.path[0] in CLIENT_ATTRIBUTES:
        problem = f"the client already has an attribute {resource.path[0]!r}"
    return ".".join(segments), problem


def _operations(ops: list[tuple[Resource, Operation]]) -> str:
    lines = ["[operations]", '# operationId = "resource[.subresource].method"']
    for resource, op in ops:
        target, problem = _target(resource, op)
        line = f"{key(op.operation_id)} = {value(target)}"
        lines.append(line if problem is None else f"# {line}  (derived; {problem})")
    return "\n".join(lines) + "\n" if ops else ""


def _pagination(api: Api, ops: list[tuple[Resource, Operation]]) -> str:
    blocks: list[str] = []
    notes: list[str] = []
    taken = {(r.path, op.py_name) for r, op in ops}
    for resource, op in ops:
        found = guess(api, op)
        if found is None:
            continue
        if not found.supported or _target(resource, op)[1] is not None:
            notes.append(_note(found))
            continue
        method = _companion(op.py_name, resource, taken)
        taken.add((resource.path, method))
        blocks.append(_table(found, method))
    if notes:
        blocks.append(
            "# Listings that page otherwise ([pagination] pages by page number; these are not\n"
            "# configured):\n" + "\n".join(notes) + "\n"
        )
    return "\n".join(blocks)


def _companion(py_name: str, resource: Resource, taken: set[tuple[tuple[str, ...], str]]) -> str:
    """``list`` -> ``list_all``, ``list_for_x`` -> ``list_all_for_x``, else ``<name>_all``."""
    if py_name == "list" or py_name.startswith("list_"):
        first = "list_all" + py_name[len("list") :]
    else:
        first = f"{py_name}_all"
    for name in (first, f"iter_{py_name}", f"{py_name}_pages"):
        if (resource.path, name) not in taken and configured_name_problem(name) is None:
            return name
    return f"{first}_companion"


def _table(found: PagingGuess, method: str) -> str:
    page, size = found.params
    lines = [
        f"[pagination.{key(found.operation_id)}]",
        f"method = {value(method)}",
        f"page_param = {value(page)}",
        f"size_param = {value(size)}",
        f"items = {value(found.items or '')}",
    ]
    for name, path in (("total_pages", found.total_pages), ("total_count", found.total_count)):
        if path:
            lines.append(f"{name} = {value(path)}")
    if found.cursor_param:
        lines.append(f"cursor_param = {value(found.cursor_param)}")
        if found.cursor_path:
            lines.append(f"cursor_path = {value(found.cursor_path)}")
    return "\n".join(lines) + "\n"


def _note(found: PagingGuess) -> str:
    where = "the result" if found.items == "" else repr(found.items or "?")
    cursor = f", next cursor at {found.cursor_path!r}" if found.cursor_path else ""
    params = ", ".join(found.params)
    return f"#   {found.operation_id}: by {found.style} ({params}); items at {where}{cursor}"
