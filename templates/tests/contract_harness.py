"""Runs the rows of the contract-test tables against clients aimed at Prism.

Each ``test_contract_<resource>.py`` module lists its operations as :class:`Call` rows: the
keyword arguments of a call with only the required parameters, those of a call with every
parameter, and the type the result must have. The decorators below turn a table into
parametrized tests, each marked ``@pytest.mark.operation(operation_id, variant)``:

* ``required`` / ``every``: the call returns a result of the declared type (a non-empty list when
  it is a list of models: Prism answers with the spec's examples);
* ``raw``: both calls again through ``with_raw_response``, the first one passing explicitly what
  the client would fill in (which must then appear in the request path): a success status, and
  a body that parses into the declared type;
* ``empty_path``: a path parameter left empty raises ValueError naming it, and nothing is sent
  (the client's transport is an :class:`Unreachable`);
* ``dynamic``: Prism's dynamic mode generates a response (``Prefer: seed=N``) that parses;
* ``pages``: auto-paging yields items of the declared type, and stops.

The same rows run on the sync and the async client. The fixtures (conftest.py) fail a test on
any violation Prism reports about a request or a response.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, get_args, get_origin

import pytest

if TYPE_CHECKING:
    import httpx

VARIANTS = ("required", "every", "raw")


def method_of(client: Any, path: str, *, raw: bool = False) -> Callable[..., Any]:
    """The bound method at ``path`` below ``client`` ("events.raw.get"), optionally the one of
    ``with_raw_response``."""
    owner, _, name = path.rpartition(".")
    target = client
    for attr in owner.split(".") if owner else ():
        target = getattr(target, attr)
    if raw:
        target = target.with_raw_response
    method: Callable[..., Any] = getattr(target, name)
    return method


def load_samples(test_file: str, models: Any) -> dict[str, dict[str, Any]]:
    """The sample arguments of a test module's rows, by operationId: ``samples/<module>.json``
    beside the module, each value its ``models`` entry names built with ``model_validate`` (the
    innermost first, so an outer model receives the inner instances)."""
    module = Path(test_file)
    data = json.loads((module.parent / "samples" / f"{module.stem}.json").read_text("utf-8"))
    samples: dict[str, dict[str, Any]] = {}
    for operation_id, entry in data["operations"].items():
        built = {key: value for key, value in entry.items() if key != "models"}
        placed = sorted(entry.get("models", {}).items(), key=lambda item: -item[0].count("/"))
        for pointer, model in placed:
            *parents, last = [_unescape(token) for token in pointer.split("/")[1:]]
            node: Any = built
            for token in parents:
                node = node[int(token)] if isinstance(node, list) else node[token]
            key: Any = int(last) if isinstance(node, list) else last
            node[key] = getattr(models, model).model_validate(node[key])
        samples[operation_id] = built
    return samples


def _unescape(token: str) -> str:
    """One token of a JSON pointer (RFC 6901)."""
    return token.replace("~1", "/").replace("~0", "~")


def check_result(value: Any, returns: Any, *, nonempty: bool = True) -> None:
    """``value`` has the declared type: ``None``; ``object`` (anything that parsed); ``list[M]``
    (a list of ``M``, not empty when ``nonempty``); ``float`` (any number); or a class."""
    if returns is None:
        assert value is None, f"expected no result, got {type(value).__name__}"
    elif returns is object:
        return
    elif get_origin(returns) is list:
        (item,) = get_args(returns)
        assert isinstance(
            value, list
        ), f"expected a list of {item.__name__}, got {type(value).__name__}"
        if nonempty:
            assert value, "Prism's example list is empty: nothing was parsed"
        wrong = [type(x).__name__ for x in value if not isinstance(x, item)]
        assert not wrong, f"expected a list of {item.__name__}, got items of {sorted(set(wrong))}"
    elif returns is float:
        assert isinstance(value, (int, float)) and not isinstance(
            value, bool
        ), f"expected a number, got {type(value).__name__}"
    else:
        assert isinstance(value, returns) and not (
            returns is int and isinstance(value, bool)
        ), f"expected {returns.__name__}, got {type(value).__name__}"


@dataclass(frozen=True)
class Call:
    """One operation of a contract-test table."""

    operation_id: str
    method: str  # the method's attribute path below the client: "events.list"
    required: Mapping[str, Any] = field(default_factory=dict)
    every: Mapping[str, Any] | None = None  # None: no optional parameter, the same as ``required``
    explicit: Mapping[str, Any] = field(
        default_factory=dict
    )  # what the client fills in (path defaults)
    returns: Any = object  # see check_result
    path_params: Mapping[str, str] = field(default_factory=dict)  # Python name -> wire name
    statuses: Sequence[int] = (200,)
    deprecated: bool = False

    def steps(self, variant: str) -> list[tuple[bool, dict[str, Any]]]:
        """(through ``with_raw_response``, keyword arguments) of each call ``variant`` makes."""
        every = dict(self.required if self.every is None else self.every)
        if variant == "required":
            return [(False, dict(self.required))]
        if variant == "every":
            return [(False, every)]
        if variant == "raw":
            return [(True, {**self.required, **self.explicit}), (True, every)]
        raise ValueError(f"unknown variant {variant!r}; expected one of {VARIANTS}")

    def warns(self) -> contextlib.AbstractContextManager[object]:
        """Deprecated operations must say so when called."""
        return pytest.warns(DeprecationWarning) if self.deprecated else contextlib.nullcontext()

    def check(self, result: Any, *, raw: bool, sent: Mapping[str, Any]) -> None:
        if raw:
            assert (
                result.status_code in self.statuses
            ), f"status {result.status_code}, expected one of {list(self.statuses)}"
            segments = result.http_response.request.url.path.split("/")
            for name, value in sent.items():
                if name in self.explicit and name in self.path_params:
                    assert (
                        str(value) in segments
                    ), f"{name}={value!r} is not in the request path {segments}"
            result = result.parse()
        check_result(result, self.returns)

    def run(self, client: Any, variant: str) -> None:
        for raw, kwargs in self.steps(variant):
            with self.warns():
                result = method_of(client, self.method, raw=raw)(**kwargs)
            self.check(result, raw=raw, sent=kwargs)

    async def run_async(self, client: Any, variant: str) -> None:
        for raw, kwargs in self.steps(variant):
            with self.warns():
                result = await method_of(client, self.method, raw=raw)(**kwargs)
            self.check(result, raw=raw, sent=kwargs)

    def empty_path_kwargs(self, param: str) -> dict[str, Any]:
        return {**self.required, param: ""}

    def run_empty_path(self, client: Any, param: str) -> None:
        with self.warns(), pytest.raises(ValueError, match=re.escape(self.path_params[param])):
            method_of(client, self.method)(**self.empty_path_kwargs(param))

    async def run_empty_path_async(self, client: Any, param: str) -> None:
        with self.warns(), pytest.raises(ValueError, match=re.escape(self.path_params[param])):
            await method_of(client, self.method)(**self.empty_path_kwargs(param))

    def run_dynamic(self, client: Any, seed: int) -> None:
        """Prism's dynamic mode may generate empty lists: only the type is checked."""
        with self.warns():
            result = method_of(client, self.method)(
                **self.required, extra_headers={"Prefer": f"seed={seed}"}
            )
        check_result(result, self.returns, nonempty=False)


class Unreachable:
    """A transport that records and refuses every request: for calls that must not send one."""

    def __init__(self) -> None:
        self.sent: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(f"{request.method} {request.url}")
        pytest.fail(f"no request may be sent, but the client sent {request.method} {request.url}")


@dataclass(frozen=True)
class Pages:
    """An auto-paging method: ``method`` ("events.list_all") over ``operation_id``'s pages."""

    operation_id: str
    method: str
    required: Mapping[str, Any] = field(default_factory=dict)
    item: Any = object  # the class of the items, or object
    deprecated: bool = False

    def check(self, items: list[Any]) -> None:
        assert items, "auto-paging yielded nothing although Prism's example page has items"
        check_result(items, list[self.item] if self.item is not object else object)  # type: ignore[name-defined]

    def warns(self) -> contextlib.AbstractContextManager[object]:
        """Paging over a deprecated operation must say so."""
        return pytest.warns(DeprecationWarning) if self.deprecated else contextlib.nullcontext()

    def run(self, client: Any) -> None:
        with self.warns():
            items = list(method_of(client, self.method)(**self.required))
        self.check(items)

    async def run_async(self, client: Any) -> None:
        with self.warns():
            items = [item async for item in method_of(client, self.method)(**self.required)]
        self.check(items)


def _param(*values: Any, test_id: str, operation_id: str, variant: str) -> Any:
    return pytest.param(*values, id=test_id, marks=pytest.mark.operation(operation_id, variant))


def calls(table: Sequence[Call]) -> pytest.MarkDecorator:
    """Parametrize ``(call, variant)`` over every row and the variants required, every and raw."""
    return pytest.mark.parametrize(
        ("call", "variant"),
        [
            _param(c, v, test_id=f"{c.method}-{v}", operation_id=c.operation_id, variant=v)
            for c in table
            for v in VARIANTS
        ],
    )


def empty_paths(table: Sequence[Call]) -> pytest.MarkDecorator:
    """Parametrize ``(call, param)`` over every path parameter of every row."""
    return pytest.mark.parametrize(
        ("call", "param"),
        [
            _param(
                c, p, test_id=f"{c.method}-{p}", operation_id=c.operation_id, variant="empty_path"
            )
            for c in table
            for p in c.path_params
        ],
    )


def dynamic(table: Sequence[Call], seeds: Sequence[int]) -> pytest.MarkDecorator:
    """Parametrize ``(call, seed)`` over every row and seed."""
    return pytest.mark.parametrize(
        ("call", "seed"),
        [
            _param(
                c, s, test_id=f"{c.method}-seed{s}", operation_id=c.operation_id, variant="dynamic"
            )
            for c in table
            for s in seeds
        ],
    )


def paged(table: Sequence[Pages]) -> pytest.MarkDecorator:
    """Parametrize ``pages`` over the auto-paging methods."""
    return pytest.mark.parametrize(
        "pages",
        [_param(p, test_id=p.method, operation_id=p.operation_id, variant="pages") for p in table],
    )
