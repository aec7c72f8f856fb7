"""The package logger and helpers that keep secrets out of anything rendered."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping

import httpx

__all__ = ["logger", "redact_headers", "scrub", "RedactedHeaders", "SENSITIVE_HEADERS"]

logger = logging.getLogger(__name__.split(".")[0])
"""``logging.getLogger("<package>")``: DEBUG per response, INFO per retry."""

SENSITIVE_HEADERS = frozenset({"authorization", "x-auth-key", "proxy-authorization", "cookie"})

REDACTED = "***"


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """A copy of ``headers`` with credential headers replaced by ``***``."""
    return {
        name: (REDACTED if name.lower() in SENSITIVE_HEADERS else value)
        for name, value in headers.items()
    }


def scrub(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every occurrence of each secret replaced by ``***``."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, REDACTED)
    return text


class RedactedHeaders(httpx.Headers):
    """Request headers whose ``repr`` hides every credential header (``X-Auth-Key`` and the
    ``sensitive`` names, the API key headers of the document, too: httpx itself only hides
    ``Authorization``). Requests held by exceptions and raw responses are
    printed in tracebacks, logs and debuggers; the headers sent are unchanged."""

    def __init__(self, headers: httpx.Headers, sensitive: Iterable[str] = ()) -> None:
        super().__init__(headers)
        self._sensitive = frozenset(name.lower() for name in sensitive)

    def __repr__(self) -> str:
        shown = {
            name: (REDACTED if name.lower() in self._sensitive else value)
            for name, value in redact_headers(self).items()
        }
        return f"{type(self).__name__}({shown!r})"
