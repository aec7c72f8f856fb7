"""The contenders' clients, all on one given ``httpx.MockTransport``, and the raw baselines.

Two ways of writing the call by hand are measured: the way people usually write it (a plain
``httpx.Client``, the full URL and the ``Authorization`` header given on every call) and the
preconfigured one (``base_url`` and headers set once on the client). Both check the status and
the envelope's ``success`` and return its ``result``, as code that reads the v4 envelope must.
"""

from __future__ import annotations

from typing import Any

import httpx

from bench._harness import ACCOUNT, BASE_URL, TOKEN

BULK_PATH = f"/accounts/{ACCOUNT}/cloudforce-one/events/create/bulk"
LIST_PATH = f"/accounts/{ACCOUNT}/cloudforce-one/events"
OFFICIAL_MISSING = (
    "official SDK not installed (pip install cloudflare, or the bench/dev extra): skipped"
)
RAW_PER_CALL = "raw httpx: full URL, headers per call"
RAW_PRECONFIGURED = "raw httpx: preconfigured client"


def raw_client(transport: httpx.BaseTransport) -> httpx.Client:
    """What a hand-written integration would hold: base URL and credentials set once."""
    return httpx.Client(
        base_url=BASE_URL,
        headers={"Authorization": f"Bearer {TOKEN}", "Accept": "application/json"},
        transport=transport,
    )


def raw_async_client(transport: httpx.AsyncBaseTransport) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        base_url=BASE_URL,
        headers={"Authorization": f"Bearer {TOKEN}", "Accept": "application/json"},
        transport=transport,
    )


def result_of(response: httpx.Response) -> Any:
    """What hand-written code does with an answer: status, envelope, ``result``."""
    response.raise_for_status()
    body = response.json()
    if not body["success"]:
        raise RuntimeError(body["errors"])
    return body["result"]


class RawPerCall:
    """The call as people write it: a plain client, the full URL and the token on every call."""

    def __init__(self, transport: httpx.BaseTransport) -> None:
        self.http = httpx.Client(transport=transport)

    def post(self, path: str, payload: object) -> Any:
        response = self.http.post(
            f"{BASE_URL}{path}", json=payload, headers={"Authorization": f"Bearer {TOKEN}"}
        )
        return result_of(response)

    def get(self, path: str, params: Any) -> Any:
        response = self.http.get(
            f"{BASE_URL}{path}", params=params, headers={"Authorization": f"Bearer {TOKEN}"}
        )
        return result_of(response)


class AsyncRawPerCall:
    def __init__(self, transport: httpx.AsyncBaseTransport) -> None:
        self.http = httpx.AsyncClient(transport=transport)

    async def post(self, path: str, payload: object) -> Any:
        response = await self.http.post(
            f"{BASE_URL}{path}", json=payload, headers={"Authorization": f"Bearer {TOKEN}"}
        )
        return result_of(response)


def ours_client(transport: httpx.BaseTransport) -> Any:
    from cloudforce_one_events import Client

    return Client(
        api_token=TOKEN,
        account_id=ACCOUNT,
        base_url=BASE_URL,
        max_retries=0,
        http_client=httpx.Client(transport=transport),
    )


def ours_async_client(transport: httpx.AsyncBaseTransport) -> Any:
    from cloudforce_one_events import AsyncClient

    return AsyncClient(
        api_token=TOKEN,
        account_id=ACCOUNT,
        base_url=BASE_URL,
        max_retries=0,
        http_client=httpx.AsyncClient(transport=transport),
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
