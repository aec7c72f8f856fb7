"""The generated contract harness (templates/tests/contract_harness.py) fails when it should.

Every per-operation assertion of the generated contract tests lives in ``check_result``,
``Call`` and ``Pages``; Prism only ever makes them pass. These tests drive them with fake
clients that return the wrong thing, so a harness that stopped checking would be caught here.
"""

from __future__ import annotations

import asyncio
import importlib.util
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

HARNESS = Path(__file__).resolve().parents[2] / "templates" / "tests" / "contract_harness.py"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("contract_harness_under_test", HARNESS)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


h = _load()


class Item:
    pass


class Other:
    pass


class FakeRequest:
    def __init__(self, path: str) -> None:
        self.url = type("URL", (), {"path": path})()


class FakeRaw:
    def __init__(self, value: Any, status: int = 200, path: str = "/accounts/acc-1/things") -> None:
        self.value, self.status_code = value, status
        self.http_response = type("Response", (), {"request": FakeRequest(path)})()

    def parse(self) -> Any:
        return self.value


class FakeResource:
    """``things.get`` returning ``value``; ``with_raw_response.get`` wraps it."""

    def __init__(
        self,
        value: Any,
        *,
        status: int = 200,
        path: str = "/accounts/acc-1/things",
        deprecated: bool = False,
        checks_path: bool = True,
    ) -> None:
        self.value, self.deprecated, self.checks_path, self.calls = (
            value,
            deprecated,
            checks_path,
            [],
        )
        resource = self

        class Raw:
            def get(self, **kwargs: Any) -> FakeRaw:
                resource.calls.append(("raw", kwargs))
                return FakeRaw(resource.value, status, path)

        self.with_raw_response = Raw()

    def get(self, **kwargs: Any) -> Any:
        self.calls.append(("direct", kwargs))
        if self.checks_path and any(v == "" for v in kwargs.values()):
            raise ValueError("path parameter 'thingId' is empty")
        if self.deprecated:
            warnings.warn("things.get() is deprecated", DeprecationWarning, stacklevel=2)
        return self.value

    def list_all(self, **kwargs: Any) -> Iterator[Any]:
        if self.deprecated:
            warnings.warn("things.list() is deprecated", DeprecationWarning, stacklevel=2)
        return iter(self.value)


def client(resource: FakeResource) -> Any:
    return type("Client", (), {"things": resource})()


def call(**overrides: Any) -> Any:
    fields: dict[str, Any] = {
        "operation_id": "getThing",
        "method": "things.get",
        "required": {"thing_id": "t-1"},
        "explicit": {"account_id": "acc-1"},
        "returns": Item,
        "path_params": {"thing_id": "thingId", "account_id": "account_id"},
    }
    return h.Call(**{**fields, **overrides})


@pytest.mark.parametrize(
    ("value", "returns"),
    [
        (Other(), Item),
        ([], list[Item]),  # an empty list of models proves nothing was parsed
        ([Item(), Other()], list[Item]),
        ("text", list[Item]),
        (True, int),  # a bool is not an int here
        (True, float),
        ("1", float),
        (Item(), None),
        (None, str),
    ],
    ids=[
        "wrong-model",
        "empty-model-list",
        "wrong-item",
        "not-a-list",
        "bool-for-int",
        "bool-for-float",
        "str-for-float",
        "value-for-none",
        "none-for-str",
    ],
)
def test_check_result_rejects_what_is_not_the_declared_type(value: Any, returns: Any) -> None:
    with pytest.raises(AssertionError):
        h.check_result(value, returns)


@pytest.mark.parametrize(
    ("value", "returns"),
    [
        (Item(), Item),
        ([Item()], list[Item]),
        (3, int),
        (3, float),
        (2.5, float),
        (None, None),
        ({"a": 1}, dict),
        (object(), object),
    ],
)
def test_check_result_accepts_the_declared_type(value: Any, returns: Any) -> None:
    h.check_result(value, returns)


def test_dynamic_mode_allows_empty_lists_only_when_asked() -> None:
    h.check_result([], list[Item], nonempty=False)
    with pytest.raises(AssertionError):
        h.check_result([Other()], list[Item], nonempty=False)


@pytest.mark.parametrize("variant", ["required", "every", "raw"])
def test_call_passes_and_sends_the_right_arguments(variant: str) -> None:
    resource = FakeResource(Item())
    call(every={"thing_id": "t-1", "verbose": True}).run(client(resource), variant)
    expected = {
        "required": [("direct", {"thing_id": "t-1"})],
        "every": [("direct", {"thing_id": "t-1", "verbose": True})],
        "raw": [
            ("raw", {"thing_id": "t-1", "account_id": "acc-1"}),
            ("raw", {"thing_id": "t-1", "verbose": True}),
        ],
    }[variant]
    assert resource.calls == expected


@pytest.mark.parametrize("variant", ["required", "every", "raw"])
def test_call_fails_on_a_wrong_result(variant: str) -> None:
    with pytest.raises(AssertionError):
        call().run(client(FakeResource(Other())), variant)


def test_raw_call_fails_on_an_unexpected_status() -> None:
    with pytest.raises(AssertionError, match="status 201"):
        call().run(client(FakeResource(Item(), status=201)), "raw")
    call(statuses=[201]).run(client(FakeResource(Item(), status=201)), "raw")


def test_raw_call_fails_when_the_explicit_path_value_is_not_sent() -> None:
    with pytest.raises(AssertionError, match="account_id"):
        call().run(client(FakeResource(Item(), path="/accounts/someone-else/things")), "raw")


def test_unknown_variant_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown variant"):
        call().run(client(FakeResource(Item())), "sometimes")


def test_deprecated_operations_must_warn() -> None:
    call(deprecated=True).run(client(FakeResource(Item(), deprecated=True)), "required")
    with pytest.raises(pytest.fail.Exception):
        call(deprecated=True).run(client(FakeResource(Item(), deprecated=False)), "required")


def test_empty_path_parameter_must_raise_naming_it() -> None:
    call().run_empty_path(client(FakeResource(Item())), "thing_id")
    with pytest.raises(pytest.fail.Exception):  # a client that sends the request anyway
        call().run_empty_path(client(FakeResource(Item(), checks_path=False)), "thing_id")


def test_unreachable_transport_refuses_and_records_every_request() -> None:
    """The offline clients' transport: a request that reaches it fails the test."""
    import httpx

    unreachable = h.Unreachable()
    with httpx.Client(transport=httpx.MockTransport(unreachable)) as http:
        with pytest.raises(pytest.fail.Exception, match="no request may be sent"):
            http.get("http://offline.invalid/things/1")
    assert unreachable.sent == ["GET http://offline.invalid/things/1"]


def test_async_runs_check_the_same_way() -> None:
    class AsyncResource(FakeResource):
        async def get(self, **kwargs: Any) -> Any:  # type: ignore[override]
            return FakeResource.get(self, **kwargs)

    asyncio.run(call().run_async(client(AsyncResource(Item())), "required"))
    with pytest.raises(AssertionError):
        asyncio.run(call().run_async(client(AsyncResource(Other())), "every"))


def test_pages_fail_when_nothing_or_the_wrong_items_come_back() -> None:
    pages = h.Pages("listThings", "things.list_all", item=Item)
    pages.run(client(FakeResource([Item(), Item()])))
    with pytest.raises(AssertionError):
        pages.run(client(FakeResource([])))
    with pytest.raises(AssertionError):
        pages.run(client(FakeResource([Other()])))


def test_parametrize_helpers_mark_every_case_with_its_operation() -> None:
    table = [call(), call(operation_id="getOther", method="things.other", path_params={})]
    marks = h.calls(table)
    params = marks.args[1]
    assert [p.id for p in params] == [
        "things.get-required",
        "things.get-every",
        "things.get-raw",
        "things.other-required",
        "things.other-every",
        "things.other-raw",
    ]
    assert all(m.name == "operation" for p in params for m in p.marks)
    empty = h.empty_paths(table).args[1]
    assert [p.id for p in empty] == ["things.get-thing_id", "things.get-account_id"]
    assert {m.args for p in empty for m in p.marks} == {("getThing", "empty_path")}


def test_paging_over_a_deprecated_operation_must_warn() -> None:
    pages = h.Pages("listThings", "things.list_all", item=Item, deprecated=True)
    pages.run(client(FakeResource([Item()], deprecated=True)))
    with pytest.raises(pytest.fail.Exception):
        pages.run(client(FakeResource([Item()], deprecated=False)))
