"""Per-package settings of the generated client."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import httpx

__all__ = ["ClientSettings"]


def _default_path_defaults() -> Mapping[str, str]:
    return {"account_id": "account_id"}


@dataclass(frozen=True)
class ClientSettings:
    """What differs per generated package; set as ``_settings`` on the generated ``Client``."""

    dist_name: str
    version: str
    default_base_url: str
    env_api_token: str = "CLOUDFLARE_API_TOKEN"
    env_api_email: str = "CLOUDFLARE_EMAIL"
    env_api_key: str = "CLOUDFLARE_API_KEY"
    env_account_id: str = "CLOUDFLARE_ACCOUNT_ID"
    env_base_url: str = "CLOUDFLARE_BASE_URL"
    path_defaults: Mapping[str, str] = field(default_factory=_default_path_defaults)
    """Path parameter (wire name) -> client attribute used when the call passes ``None``."""

    @property
    def user_agent(self) -> str:
        return f"{self.dist_name}/{self.version} python-httpx/{httpx.__version__}"
