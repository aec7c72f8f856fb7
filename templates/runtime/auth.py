"""Credentials: the document's security schemes, what a client holds, and what a call sends.

Each scheme of ``components.securitySchemes`` is one keyword argument of the client (the generator
decides its name and environment variable). A call sends what its security requirement names:
the alternatives are tried in order and the first the client can satisfy is sent (every scheme of
it); a requirement list that is empty sends nothing. No credential is ever part of a message or a
repr.
"""

from __future__ import annotations

import base64
import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from .errors import ConfigurationError

__all__ = ["Scheme", "Credentials", "Requirement", "Applied"]

Requirement = tuple[str, ...]
"""Keys of the schemes one alternative of a ``security`` list needs, all together."""

_HEADER_SAFE = re.compile(r"[\x21-\x7e]+")
_TOKEN_SAFE = re.compile(r"[\x20-\x7e]+")


@dataclass(frozen=True)
class Scheme:
    """One security scheme, as the generated client sends it.

    ``place`` is ``header``, ``query`` or ``cookie`` and ``name`` the header, query parameter or
    cookie name. ``prefix`` goes before the value (``"Bearer "``); ``basic`` schemes take a
    ``(username, password)`` pair (``"username:password"`` in the environment); ``provider``
    schemes also accept a callable returning an access token, called again once after a 401.
    """

    key: str
    argument: str
    env: str
    place: str = "header"
    name: str = "Authorization"
    prefix: str = ""
    basic: bool = False
    provider: bool = False


@dataclass(frozen=True, eq=False)
class Applied:
    """What one call sends: headers, query parameters and cookies. Each requirement's is built
    once and kept until :meth:`Credentials.refresh` (compared and hashed by identity, so the
    request factory keys the headers it merged on it)."""

    headers: Mapping[str, str]
    query: Sequence[tuple[str, str]]
    cookies: Mapping[str, str]


_NOTHING = Applied({}, (), {})


def _env(name: str) -> str | None:
    value = os.environ.get(name, "").strip() if name else ""
    return value or None


def _text(scheme: Scheme, value: object, where: str) -> str | None:
    """A credential as text, checked for what its place allows (never echoed)."""
    if value is None:
        return None
    if scheme.basic:
        if isinstance(value, str):  # "username:password", as the environment holds it
            user, sep, password = value.partition(":")
            if not sep:
                raise ConfigurationError(f"{where} must be 'username:password'")
            value = (user, password)
        if not (isinstance(value, tuple) and len(value) == 2):
            raise ConfigurationError(f"{where} must be a (username, password) tuple")
        pair = f"{value[0]}:{value[1]}"
        if not _TOKEN_SAFE.fullmatch(pair):
            raise ConfigurationError(f"{where} contains characters not allowed in a credential")
        return base64.b64encode(pair.encode("utf-8")).decode("ascii")
    if not isinstance(value, str):
        raise ConfigurationError(f"{where} must be a string")
    text = value.strip()
    if not text:
        return None
    # a token is one word; other HTTP schemes (Digest) carry a parameter list with spaces
    pattern = _TOKEN_SAFE if scheme.prefix not in ("", "Bearer ") else _HEADER_SAFE
    if scheme.place == "header" and not pattern.fullmatch(text):
        raise ConfigurationError(
            f"{where} contains whitespace or characters not allowed in an HTTP header"
        )
    return text


class Credentials:
    """The credentials a client holds, by scheme key: from its keyword arguments or, when none
    is passed, from each scheme's environment variable (explicit arguments beat the environment:
    a client given ``api_key=`` never picks up a token from the environment)."""

    def __init__(self, schemes: Sequence[Scheme], given: Mapping[str, object]) -> None:
        self.schemes = {scheme.key: scheme for scheme in schemes}
        self._values: dict[str, str] = {}
        self._providers: dict[str, Callable[[], str]] = {}
        self._applied: dict[tuple[Requirement, ...], Applied] = {}
        from_env = all(given.get(scheme.argument) is None for scheme in schemes)
        for scheme in schemes:
            value = given.get(scheme.argument)
            if scheme.provider and callable(value):
                self._providers[scheme.key] = value
                continue
            text = _text(scheme, value, scheme.argument)
            if text is None and from_env:
                text = _text(scheme, _env(scheme.env), scheme.env)
            if text is not None:
                self._values[scheme.key] = text

    def has(self, key: str) -> bool:
        return key in self._values or key in self._providers

    def secrets(self) -> tuple[str, ...]:
        """Every credential value held (to scrub from messages)."""
        return tuple(self._values.values())

    def given(self) -> tuple[str, ...]:
        """Arguments of the credentials held, for ``repr`` (never their values)."""
        return tuple(s.argument for key, s in self.schemes.items() if self.has(key))

    def choose(self, requirements: Sequence[Requirement]) -> Requirement | None:
        """The first alternative the client can satisfy (``()`` when none is needed)."""
        if not requirements:
            return ()
        for requirement in requirements:
            if all(self.has(key) for key in requirement):
                return requirement
        return None

    def check(self, requirements: Sequence[Requirement]) -> None:
        """Raises unless the client can satisfy one of ``requirements`` (used at construction
        when every operation needs credentials)."""
        if self.choose(requirements) is None:
            raise ConfigurationError(self.missing_message(requirements, "this API"))

    def missing_message(self, requirements: Sequence[Requirement], what: str) -> str:
        """Names the arguments and environment variables that would satisfy ``requirements``."""
        for requirement in requirements:
            held = [key for key in requirement if self.has(key)]
            if held and len(held) < len(requirement):
                missing = [self.schemes[k] for k in requirement if not self.has(k)]
                names = " and ".join(s.argument for s in missing)
                envs = " and ".join(s.env for s in missing)
                together = " and ".join(self.schemes[k].argument for k in requirement)
                return (
                    f"{names} is missing: {what} needs {together} together "
                    f"(pass {names}=... or set {envs})"
                )
        options = []
        for requirement in requirements:
            schemes = [self.schemes[k] for k in requirement if k in self.schemes]
            arguments = " and ".join(f"{s.argument}=..." for s in schemes)
            envs = " and ".join(s.env for s in schemes)
            options.append(f"{arguments} (or set {envs})")
        return f"No credentials for {what}: pass " + ", or ".join(options)

    def _value(self, key: str) -> str:
        value = self._values.get(key)
        if value is None:
            value = self._values[key] = (
                _text(self.schemes[key], self._providers[key](), self.schemes[key].argument) or ""
            )
        return value

    def apply(self, requirements: Sequence[Requirement], operation_id: str) -> Applied:
        """What a call of ``operation_id`` sends; raises before sending when nothing fits. Built
        once per requirement list (until :meth:`refresh`)."""
        key = tuple(requirements)
        applied = self._applied.get(key)
        if applied is None:
            applied = self._applied[key] = self._build(requirements, operation_id)
        return applied

    def _build(self, requirements: Sequence[Requirement], operation_id: str) -> Applied:
        requirement = self.choose(requirements)
        if requirement is None:
            raise ConfigurationError(self.missing_message(requirements, operation_id))
        if not requirement:
            return _NOTHING
        headers: dict[str, str] = {}
        query: list[tuple[str, str]] = []
        cookies: dict[str, str] = {}
        for key in requirement:
            scheme = self.schemes[key]
            value = scheme.prefix + self._value(key)
            if scheme.place == "query":
                query.append((scheme.name, value))
            elif scheme.place == "cookie":
                cookies[scheme.name] = value
            else:
                headers[scheme.name] = value
        return Applied(headers, tuple(query), cookies)

    def uses_provider(self, requirements: Sequence[Requirement]) -> bool:
        """Whether a call with ``requirements`` sends a token a provider gave."""
        requirement = self.choose(requirements)
        return bool(requirement) and any(key in self._providers for key in requirement or ())

    def refresh(self) -> None:
        """Forgets the tokens the providers gave, so that the next call asks them again."""
        for key in self._providers:
            self._values.pop(key, None)
        self._applied.clear()
