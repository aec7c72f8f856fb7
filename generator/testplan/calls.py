"""The keyword arguments of sample calls: which parameters a call passes, and their values.

Three calls per operation: one with only the required parameters, one with every parameter
(optional and nested model fields included), and the values the client would fill in itself
(``account_id``), which the first two leave out. Path values are safe URL segments where the
schema allows one, so that a routing test means what it says.
"""

from __future__ import annotations

import re
from typing import Any

from generator.ir import Operation, Param
from generator.testplan.formats import FIXED_UUID
from generator.testplan.samples import SampleError, Samples

# Characters a path segment keeps unencoded, and never a dot segment: a sample path value must
# reach the server exactly as written so that a routing test means what it says.
_SAFE_SEGMENT = re.compile(r"^[A-Za-z0-9_~-][A-Za-z0-9._~-]*$")


def param_value(samples: Samples, p: Param, *, full: bool = False) -> Any:
    """The sample of one keyword argument; path values are safe URL segments where the schema
    allows one, else any valid value (the client percent-encodes it: ``sha256:...``, a
    ``const`` with spaces).

    Models are passed as dicts where the annotation accepts a ``Mapping`` (request bodies),
    else as model instances. Raises :class:`SampleError` when no valid value can be made."""
    if p.location != "path":
        return samples.value(p.type, full=full, instances="Mapping[" not in p.annotation)
    value = samples.value(p.type)
    if _safe(value):
        return value
    return _safe_path_value(samples, p, value)


def _safe(value: object) -> bool:
    return (
        isinstance(value, (str, int))
        and not isinstance(value, bool)
        and bool(_SAFE_SEGMENT.match(str(value)))
    )


def _safe_path_value(samples: Samples, p: Param, valid: object) -> str | int:
    if p.type.kind == "int":
        return int(samples.number(p.type, integer=True))
    stem = re.sub(r"_?(id|uuid)$", "", p.py_name.lower())
    stem = re.sub(r"[^a-z0-9]+", "-", stem).strip("-") or "id"
    for candidate in (f"{stem}-1", FIXED_UUID, "1"):
        if samples.conforms(candidate, p.type) and _SAFE_SEGMENT.match(candidate):
            return candidate
    if (
        isinstance(valid, (str, int))
        and not isinstance(valid, bool)
        and str(valid).strip(" .") != ""
    ):
        return valid  # valid, percent-encoded on the way: a routing test still means what it says
    raise SampleError(
        f"no sample for path parameter {p.wire_name!r}: {valid!r} cannot be a path segment",
        p.type.pointer,
    )


def required_kwargs(samples: Samples, op: Operation) -> dict[str, Any]:
    """Keyword arguments of a call with only the required parameters (the client fills
    account_id)."""
    return {
        p.py_name: param_value(samples, p)
        for p in op.params
        if p.required and not p.default_from_client
    }


def all_kwargs(
    samples: Samples, op: Operation, dropped: list[tuple[Param, SampleError]] | None = None
) -> dict[str, Any]:
    """Keyword arguments of a call with every parameter, optional and nested fields included
    (except those the client fills, such as account_id). An optional parameter (or optional
    field) no valid value can be made for is left out; optional parameters so left out are
    noted in ``dropped``."""
    kwargs: dict[str, Any] = {}
    for p in op.params:
        if p.default_from_client:
            continue
        try:
            kwargs[p.py_name] = param_value(samples, p, full=True)
        except SampleError as exc:
            if p.required:  # its optional fields left out, as in the required-only call
                kwargs[p.py_name] = param_value(samples, p)
            elif dropped is not None:
                dropped.append((p, exc))
    return kwargs


def client_filled_kwargs(samples: Samples, op: Operation) -> dict[str, Any]:
    """What the client would fill in (account_id), as a call would pass it explicitly."""
    return {p.py_name: param_value(samples, p) for p in op.params if p.default_from_client}
