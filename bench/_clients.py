"""The contenders' clients, all on one given ``httpx.MockTransport``."""

from __future__ import annotations

from typing import Any

import httpx

from bench._harness import ACCOUNT, BASE_URL, TOKEN

BULK_PATH = f"/accounts/{ACCOUNT}/cloudforce-one/events/create/bulk"
LIST_PATH = f"/accounts/{ACCOUNT}/cloudforce-one/events"
OFFICIAL_MISSING = (
    "official SDK not installed (pip install cloudflare, or the bench/dev extra): skipped"
)


def raw_client(transport: httpx.BaseTransport) -> httpx.Client:
    """What a hand-written integration would hold: base URL and credentials set once."""
    return httpx.Client(
        base_url=BASE_URL,
        headers={"Authorization": f"Bearer {TOKEN}", "Accept": "application/json"},
        transport=transport,
    )


def ours_client(transport: httpx.BaseTransport) -> Any:
    from cloudforce_one_events import Client

    return Client(
        api_token=TOKEN,
        account_id=ACCOUNT,
        base_url=BASE_URL,
        max_retries=0,
        http_client=httpx.Client(transport=transport),
    )


def official_available() -> bool:
    try:
        import cloudflare  # noqa: F401
    except ImportError:
        return False
    return True


def official_client(transport: httpx.BaseTransport) -> Any:
    import cloudflare

    return cloudflare.Cloudflare(
        api_token=TOKEN,
        base_url=BASE_URL,
        max_retries=0,
        http_client=httpx.Client(transport=transport),
    )
