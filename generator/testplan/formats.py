"""The string formats the samples know: the pattern a value of each must match, and the fixed
value a sample of it takes (one table, so a sample always conforms to its own format)."""

from __future__ import annotations

import re

FIXED_UUID = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
FIXED_DATETIME = "2022-04-01T00:00:00Z"
FIXED_DATE = "2022-04-01"
FIXED_EMAIL = "analyst@example.com"
FIXED_URI = "https://example.com/"
FIXED_STRING = "string"

UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S*$")

FORMATS: dict[str, tuple[re.Pattern[str], str]] = {
    "uuid": (UUID, FIXED_UUID),
    "date-time": (DATETIME, FIXED_DATETIME),
    "date": (DATE, FIXED_DATE),
    "email": (EMAIL, FIXED_EMAIL),
    "uri": (URI, FIXED_URI),
    "url": (URI, FIXED_URI),
}
"""``format`` -> (pattern a value must match, the fixed sample value)."""
