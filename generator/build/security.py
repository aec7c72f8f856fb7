"""``components.securitySchemes`` and ``security`` -> the client's credential arguments.

Each scheme becomes one keyword argument of ``Client``/``AsyncClient`` (the snake_case of its
key unless ``[auth.schemes.<key>] argument`` renames it), read from ``<PREFIX>_<ARGUMENT>`` when
not passed (``env`` renames it). What each kind sends is decided here, once: ``apiKey`` under its
declared name in its place, ``http`` as ``Authorization: <Scheme> <value>`` (``basic`` from a
``(username, password)`` pair), ``oauth2``/``openIdConnect`` as a bearer access token.
"""

from __future__ import annotations

from typing import Any, Literal

from generator.build.naming import snake
from generator.diagnostics import Diagnostics, GenerationError
from generator.ir import Requirement, SecurityScheme
from generator.load.config import Config
from generator.load.loader import LoadedSpec

RESERVED = frozenset(
    {"base_url", "timeout", "max_retries", "retry_unsafe", "http_client", "default_headers"}
)
"""Keyword arguments every client has: no scheme may take one of these names."""

_PLACES: dict[str, Literal["header", "query", "cookie"]] = {
    "header": "header",
    "query": "query",
    "cookie": "cookie",
}


def env_prefix(config: Config, package: str) -> str:
    """The prefix of the client's environment variables: configured, else the package name."""
    return config.auth.env_prefix or snake(package).upper()


def security_schemes(
    spec: LoadedSpec, config: Config, prefix: str, diagnostics: Diagnostics
) -> tuple[SecurityScheme, ...]:
    """One :class:`SecurityScheme` per usable entry of ``components.securitySchemes``."""
    declared = (spec.document.get("components") or {}).get("securitySchemes") or {}
    for key in config.auth.schemes:
        if key not in declared:
            raise GenerationError.at(
                config.location("auth", "schemes", key),
                f"[auth.schemes.{key}] names a security scheme the document does not declare"
                f" (it has: {', '.join(sorted(declared)) or 'none'})",
            )
    schemes: list[SecurityScheme] = []
    arguments: dict[str, str] = {}
    for key, node in declared.items():
        where = spec.locate(f"/components/securitySchemes/{key}")
        scheme = _scheme(str(key), node if isinstance(node, dict) else {}, config, prefix)
        if scheme is None:
            kind = node.get("type") if isinstance(node, dict) else node
            diagnostics.warn(where, f"security scheme {key!r} of type {kind!r} is not supported")
            continue
        clash = arguments.get(scheme.argument)
        if clash is not None or scheme.argument in RESERVED or not scheme.argument.isidentifier():
            what = f"scheme {clash!r}" if clash else "a setting of the client"
            raise GenerationError.at(
                config.location("auth", "schemes", key) if key in config.auth.schemes else where,
                f"security scheme {key!r} would be the keyword argument {scheme.argument!r}, "
                f"already {what}: rename it with [auth.schemes.{key}] argument = ...",
            )
        arguments[scheme.argument] = key
        schemes.append(scheme)
    return tuple(schemes)


def _scheme(key: str, node: dict[str, Any], config: Config, prefix: str) -> SecurityScheme | None:
    override = config.auth.schemes.get(key)
    argument = (override.argument if override else None) or snake(key)
    env = (override.env if override else None) or f"{prefix}_{argument.upper()}"
    common: dict[str, Any] = {
        "key": key,
        "argument": argument,
        "env": env,
        "description": str(node.get("description") or "").strip(),
    }
    kind = node.get("type")
    if kind == "apiKey":
        place = _PLACES.get(str(node.get("in") or ""))
        if place is None or not node.get("name"):
            return None
        return SecurityScheme(kind="api_key", place=place, wire_name=str(node["name"]), **common)
    if kind == "http":
        word = str(node.get("scheme") or "").strip()
        if not word:
            return None
        lowered = word.lower()
        if lowered == "basic":
            return SecurityScheme(kind="basic", prefix="Basic ", **common)
        shown = "Bearer" if lowered == "bearer" else word
        return SecurityScheme(kind="http", prefix=shown + " ", **common)
    if kind in ("oauth2", "openIdConnect"):
        flows = node.get("flows")
        provider = isinstance(flows, dict) and "clientCredentials" in flows
        return SecurityScheme(kind="oauth2", prefix="Bearer ", token_provider=provider, **common)
    return None


def sendable(document: dict[str, Any], config: Config) -> frozenset[str]:
    """Keys of the schemes of ``document`` the client can send."""
    declared = (document.get("components") or {}).get("securitySchemes") or {}
    return frozenset(
        str(key)
        for key, node in declared.items()
        if isinstance(node, dict) and _scheme(str(key), node, config, "") is not None
    )


def requirements(value: Any, known: frozenset[str]) -> tuple[Requirement, ...] | None:
    """A ``security`` list as scheme keys per alternative, in the document's order; ``None``
    when ``value`` is absent. Alternatives naming a scheme the client cannot send are left out
    (the loader warned about the scheme)."""
    if not isinstance(value, list):
        return None
    out: list[Requirement] = []
    for requirement in value:
        if isinstance(requirement, dict) and set(requirement) <= known:
            out.append(tuple(sorted(str(k) for k in requirement)))
    return tuple(out)
