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
    """Request headers whose ``repr`` hides every credential header (``X-Auth-Key`` too: httpx
    itself only hides ``Authorization``). Requests held by exceptions and raw responses are
    printed in tracebacks, logs and debuggers; the headers sent are unchanged."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}({redact_headers(self)!r})"
