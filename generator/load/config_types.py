"""The type of every value a ``codegen.toml`` may hold, checked before anything reads it, so that
a value of the wrong type is an error at its line (``[package] name = 5``), never a crash."""

from __future__ import annotations

from typing import Any, Protocol

from generator.diagnostics import GenerationError, Location

_STR, _INT, _BOOL, _TABLE = "a string", "an integer", "true or false", "a table"

# section -> key -> expected kind; "*" stands for any key of the section
SECTIONS: dict[str, dict[str, str]] = {
    "package": {
        "name": _STR, "distribution": _STR, "version": _STR, "pin_version": _BOOL,
        "description": _STR, "error_class": _STR,
    },
    "client": {"path_defaults": _TABLE},
    "auth": {"env_prefix": _STR, "base_url_env": _STR, "schemes": _TABLE},
    "envelope": {"*": _STR},
    "resources": {"*": _STR},
    "operations": {"*": _STR},
    "pagination": {"*": _TABLE},
    "bulk": {
        "operation": _STR, "items_field": _STR, "method": _STR,
        "default_chunk_size": _INT, "max_chunk_size": _INT,
    },
    "renames": {"*": _STR},
    "type_overrides": {"*": _STR},
}  # fmt: skip

# tables inside sections: their path -> key -> kind
NESTED: dict[tuple[str, ...], dict[str, str]] = {
    ("client", "path_defaults"): {"*": _STR},
    ("auth", "schemes"): {"*": _TABLE},
    ("auth", "schemes", "*"): {"argument": _STR, "env": _STR},
    ("pagination", "*"): {
        "method": _STR, "page_param": _STR, "size_param": _STR, "items": _STR,
        "total_pages": _STR, "total_count": _STR, "default_page_size": _INT,
        "cursor_param": _STR, "cursor_path": _STR,
    },
}  # fmt: skip


class Locator(Protocol):
    def location(self, *keys: str) -> Location: ...


def _is(value: object, kind: str) -> bool:
    if kind == _STR:
        return isinstance(value, str)
    if kind == _INT:
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == _BOOL:
        return isinstance(value, bool)
    return isinstance(value, dict)


def _name(value: object) -> str:
    return {str: "a string", int: "an integer", bool: "a boolean", float: "a float"}.get(
        type(value), "a table" if isinstance(value, dict) else "an array"
    )


def check_types(data: dict[str, Any], config: Locator) -> None:
    """Every section is a table and every known key holds its kind of value (unknown keys are
    reported by the caller)."""
    for section, table in data.items():
        if section in SECTIONS:
            _check_table(table, (section,), SECTIONS[section], config)


def _check_table(
    table: object, path: tuple[str, ...], kinds: dict[str, str], config: Locator
) -> None:
    if not isinstance(table, dict):
        raise GenerationError.at(
            config.location(*path), f"[{'.'.join(path)}] must be a table, got {_name(table)}"
        )
    for key, value in table.items():
        kind = kinds.get(key, kinds.get("*"))
        if kind is None:
            continue
        if not _is(value, kind):
            raise GenerationError.at(
                config.location(*path, key),
                f"{'.'.join((*path, key))} must be {kind}, got {_name(value)}",
            )
        nested = _nested(path + (key,))
        if nested is not None:
            _check_table(value, path + (key,), nested, config)


def _nested(path: tuple[str, ...]) -> dict[str, str] | None:
    for pattern, kinds in NESTED.items():
        if len(pattern) == len(path) and all(p in ("*", k) for p, k in zip(pattern, path)):
            return kinds
    return None
