"""Keyword checks shared by every method and the clients: unknown names raise ``TypeError``
naming them and the closest valid name, at run time as a type checker does statically."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from typing import Any

from .endpoint import Endpoint
from .types import RequestOptions

__all__ = ["OPTION_NAMES", "check_options", "unknown_keywords"]

OPTION_NAMES = frozenset(RequestOptions.__optional_keys__ | RequestOptions.__required_keys__)
"""The options every API method accepts besides its parameters."""


def unknown_keywords(where: str, unknown: Iterable[str], valid: Iterable[str]) -> TypeError:
    """``TypeError: <where> got an unexpected keyword argument 'x' (did you mean 'y'?)``."""
    candidates = sorted(set(valid))
    parts = []
    for name in sorted(unknown):
        close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
        if not close:  # a wire name written as is: dataSetID -> dataset_id
            folded = {c.replace("_", "").lower(): c for c in candidates}
            match = folded.get(name.replace("_", "").replace("-", "").lower())
            close = [match] if match else []
        parts.append(f"{name!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
    what = "unexpected keyword arguments" if len(parts) > 1 else "an unexpected keyword argument"
    return TypeError(f"{where} got {what} {', '.join(parts)}")


def check_options(endpoint: Endpoint[Any], options: Mapping[str, object]) -> None:
    """Raises ``TypeError`` when ``options`` holds a name that is no option: a misspelt
    parameter that would otherwise be dropped silently."""
    if options.keys() <= OPTION_NAMES:
        return
    unknown = [name for name in options if name not in OPTION_NAMES]
    where = f"the method of {endpoint.operation_id}"
    raise unknown_keywords(where, unknown, [*endpoint.arguments, *OPTION_NAMES])
