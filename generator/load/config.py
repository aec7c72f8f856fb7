"""The generator's settings (``spec/codegen.toml``): names, envelope, auth, pagination.

Everything is optional: with no config file the generator derives the package name
from the document's title, resources from each operation's first tag and method
names from the operationId.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import tomllib

from generator.diagnostics import GenerationError, Location, closest
from generator.load.config_lines import line_of
from generator.load.config_types import check_types


@dataclass(frozen=True)
class PaginationConfig:
    operation_id: str
    method: str = "list_all"
    page_param: str = "page"
    size_param: str = "pageSize"
    items: str = ""
    total_pages: str = ""
    total_count: str = ""
    default_page_size: int = 100
    cursor_param: str = ""
    cursor_path: str = ""


@dataclass(frozen=True)
class BulkConfig:
    operation_id: str
    items_field: str
    method: str = "bulk_create_all"
    default_chunk_size: int = 500
    max_chunk_size: int = 1000


@dataclass(frozen=True)
class SchemeConfig:
    """``[auth.schemes.<key>]``: the keyword argument and environment variable of one scheme."""

    argument: str | None = None
    env: str | None = None


@dataclass(frozen=True)
class AuthConfig:
    """``[auth]``: environment variables of the client, and names of its credential arguments."""

    env_prefix: str | None = None  # default: the package name in capitals
    base_url_env: str | None = None  # default: <PREFIX>_BASE_URL
    schemes: dict[str, SchemeConfig] = field(default_factory=dict)


@dataclass(frozen=True)
class EnvelopeConfig:
    success: str = "success"
    result: str = "result"
    errors: str = "errors"
    messages: str = "messages"
    result_info: str = "result_info"


@dataclass(frozen=True)
class Config:
    path: str | None = None
    text: str = ""
    package_name: str | None = None
    distribution: str | None = None
    version: str = "0.1.0"
    pin_version: bool = False
    description: str | None = None
    path_defaults: dict[str, str] = field(default_factory=dict)
    auth: AuthConfig = AuthConfig()
    envelope: EnvelopeConfig | None = None  # None: responses are not wrapped in an envelope
    error_class: str | None = None
    resource_docs: dict[str, str] = field(default_factory=dict)
    operations: dict[str, str] = field(default_factory=dict)
    pagination: dict[str, PaginationConfig] = field(default_factory=dict)
    bulk: BulkConfig | None = None
    renames: dict[str, str] = field(default_factory=dict)
    type_overrides: dict[str, str] = field(default_factory=dict)
    """``[type_overrides]``: wire name of an object property -> the JSON type its field has for
    the user (only ``"integer"``: a property the document declares ``number``, or an array of
    ``number``, becomes ``int``). The spec keeps its types; the IR applies these."""

    def location(self, *keys: str) -> Location:
        """Where a key is written in the config file: the line of ``keys`` in its table (or of
        the inline table holding it)."""
        pointer = "/" + "/".join(key.replace("~", "~0").replace("/", "~1") for key in keys)
        line = line_of(self.text, keys) if self.text and keys else None
        return Location(self.path or "<config>", pointer, line)


_METHOD_PATH = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+$")

_KNOWN = {
    "package": {"name", "distribution", "version", "pin_version", "description", "error_class"},
    "client": {"path_defaults"},
    "auth": set(AuthConfig.__dataclass_fields__),
    "envelope": set(EnvelopeConfig.__dataclass_fields__),
    "resources": None,
    "operations": None,
    "pagination": None,
    "bulk": {"operation", "items_field", "method", "default_chunk_size", "max_chunk_size"},
    "renames": None,
    "type_overrides": None,
}

# what a [type_overrides] entry may say: the JSON type -> the schema types it narrows
TYPE_OVERRIDES = {"integer": "number"}


def load_config(path: Path | None, display: str | None = None) -> Config:
    if path is None:
        return Config()
    display = display or path.name
    try:
        text = path.read_text("utf-8")
    except OSError as exc:
        raise GenerationError.at(
            Location(display), f"cannot read config: {exc.strerror or exc}"
        ) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None)
        if line is None:
            m = re.search(r"line (\d+)", str(exc))
            line = int(m.group(1)) if m else None
        raise GenerationError.at(Location(display, "/", line), f"invalid TOML: {exc}") from None
    base = Config(path=display, text=text)
    check_types(data, base)
    for section, value in data.items():
        if section not in _KNOWN:
            raise GenerationError.at(
                base.location(section),
                f"unknown config section [{section}]{closest(section, _KNOWN)}",
            )
        allowed = _KNOWN[section]
        if allowed is not None and isinstance(value, dict):
            for key in value:
                if key not in allowed:
                    raise GenerationError.at(
                        base.location(section, key),
                        f"unknown key {key!r} in [{section}]{closest(key, allowed)}",
                    )
    try:
        return _parse(data, base)
    except (TypeError, ValueError) as exc:
        raise GenerationError.at(Location(display), f"invalid config: {exc}") from None


def _unknown_keys(
    table: dict[str, Any],
    kind: type,
    base: Config,
    keys: tuple[str, ...],
    hidden: frozenset[str] = frozenset(),
) -> None:
    """A key of the table at ``keys`` that ``kind`` (a dataclass) has no field for (or hides)
    is an error at its line."""
    allowed = {f.name for f in fields(kind)} - hidden
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise GenerationError.at(
            base.location(*keys, unknown[0]),
            f"unknown key {unknown[0]!r} in [{'.'.join(keys)}]{closest(unknown[0], allowed)}"
            + (f" (and {', '.join(map(repr, unknown[1:]))})" if unknown[1:] else ""),
        )


def _expect(value: Any, kind: type, where: Location, what: str) -> Any:
    if not isinstance(value, kind):
        raise GenerationError.at(
            where, f"{what} must be a {kind.__name__}, got {type(value).__name__}"
        )
    return value


def _parse(data: dict[str, Any], base: Config) -> Config:
    package = data.get("package", {})
    operations: dict[str, str] = {}
    for op_id, target in data.get("operations", {}).items():
        where = base.location("operations", op_id)
        _expect(target, str, where, f"operations.{op_id}")
        if not _METHOD_PATH.match(target):
            raise GenerationError.at(
                where, f"{target!r} is not of the form 'resource[.sub].method'"
            )
        operations[op_id] = target
    type_overrides: dict[str, str] = {}
    for wire, kind in data.get("type_overrides", {}).items():
        where = base.location("type_overrides", wire)
        if kind not in TYPE_OVERRIDES:
            raise GenerationError.at(
                where,
                f"type override {kind!r} for {wire!r} is not one of {', '.join(map(repr, TYPE_OVERRIDES))}",
            )
        type_overrides[wire] = kind
    pagination = {}
    for op_id, table in data.get("pagination", {}).items():
        where = base.location("pagination", op_id)
        _expect(table, dict, where, f"pagination.{op_id}")
        _unknown_keys(
            table, PaginationConfig, base, ("pagination", op_id), frozenset({"operation_id"})
        )
        pagination[op_id] = PaginationConfig(operation_id=op_id, **table)
    bulk = None
    if "bulk" in data:
        table = dict(data["bulk"])
        where = base.location("bulk")
        if "operation" not in table or "items_field" not in table:
            raise GenerationError.at(where, "[bulk] needs 'operation' and 'items_field'")
        bulk = BulkConfig(operation_id=table.pop("operation"), **table)
    client = data.get("client", {})
    return Config(
        path=base.path,
        text=base.text,
        package_name=package.get("name"),
        distribution=package.get("distribution"),
        version=str(package.get("version", "0.1.0")),
        pin_version=bool(package.get("pin_version", False)),
        description=package.get("description"),
        error_class=package.get("error_class"),
        path_defaults=dict(client.get("path_defaults", {})),
        auth=_auth(data.get("auth", {}), base),
        envelope=EnvelopeConfig(**data["envelope"]) if "envelope" in data else None,
        resource_docs={str(k): str(v) for k, v in data.get("resources", {}).items()},
        operations=operations,
        pagination=pagination,
        bulk=bulk,
        renames={str(k): str(v) for k, v in data.get("renames", {}).items()},
        type_overrides=type_overrides,
    )


def _auth(table: dict[str, Any], base: Config) -> AuthConfig:
    schemes: dict[str, SchemeConfig] = {}
    for key, entry in table.get("schemes", {}).items():
        where = base.location("auth", "schemes", key)
        _expect(entry, dict, where, f"auth.schemes.{key}")
        _unknown_keys(entry, SchemeConfig, base, ("auth", "schemes", key))
        schemes[str(key)] = SchemeConfig(**entry)
    return AuthConfig(
        env_prefix=table.get("env_prefix"), base_url_env=table.get("base_url_env"), schemes=schemes
    )
