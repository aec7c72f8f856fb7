"""Per-package settings of the generated client."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import httpx

from .auth import Requirement, Scheme

__all__ = ["ClientSettings"]


@dataclass(frozen=True)
class ClientSettings:
    """What differs per generated package; set as ``_settings`` on the generated ``Client``."""

    dist_name: str
    version: str
    default_base_url: str
    env_base_url: str = ""
    """Environment variable read for the base URL when ``base_url`` is not passed."""
    schemes: tuple[Scheme, ...] = ()
    """The document's security schemes: one keyword argument of the client each."""
    security: tuple[Requirement, ...] = ()
    """The document's security requirement (alternatives, in order); endpoints may override it."""
    credentials_required: bool = False
    """Every operation needs credentials: a client that can satisfy none fails at construction."""
    path_defaults: Mapping[str, str] = field(default_factory=dict)
    """Path parameter (wire name) -> client attribute used when the call passes ``None``."""
    defaults_env: Mapping[str, str] = field(default_factory=dict)
    """Client attribute of a path default -> environment variable read when it is not passed."""

    @property
    def user_agent(self) -> str:
        return f"{self.dist_name}/{self.version} python-httpx/{httpx.__version__}"

    @property
    def arguments(self) -> tuple[str, ...]:
        """The keyword arguments the settings add to the client: credentials and path defaults."""
        return tuple(s.argument for s in self.schemes) + tuple(self.defaults_env)
