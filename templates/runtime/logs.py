"""The package logger and helpers that keep secrets out of anything rendered."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping

__all__ = ["logger", "redact_headers", "scrub", "SENSITIVE_HEADERS"]

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
