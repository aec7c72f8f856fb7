"""What importing the generated client costs, checked by behaviour rather than by timing: which
modules a fresh process has loaded after ``import`` + ``Client()`` + the first resource, and that
the names resource modules leave unimported still resolve (type hints, first calls)."""

from __future__ import annotations

import asyncio
import importlib
import inspect
import json
import pkgutil
import subprocess
import sys
import typing
import warnings
from typing import Any

import httpx
import pytest

import cloudforce_one_events
from bench._harness import event_record
from cloudforce_one_events import AsyncClient, Client, models
from cloudforce_one_events._core.endpoint import Endpoint, LazyType
from cloudforce_one_events.resources import events

START = """
import json, sys
import cloudforce_one_events as pkg
client = pkg.Client(api_token="t", account_id="a")
client.events
print(json.dumps(sorted(sys.modules)))
"""


def _modules_after(code: str) -> set[str]:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(json.loads(done.stdout))


def test_first_resource_loads_no_model_and_no_pydantic_model_machinery() -> None:
    loaded = _modules_after(START)
    assert "cloudforce_one_events.resources.events" in loaded  # the probe did reach the resource
    assert "cloudforce_one_events.models" in loaded  # the lazy package itself, nothing below it
    assert sorted(m for m in loaded if m.startswith("cloudforce_one_events.models.")) == []
    assert "pydantic.main" not in loaded and "pydantic.type_adapter" not in loaded
    assert "cloudforce_one_events._core.bulk" not in loaded  # only bulk calls need it
    assert "cloudforce_one_events._core.multipart" not in loaded  # only multipart/form bodies
    assert "cloudforce_one_events.resources.events_raw" not in loaded  # sub-resources: on access
    assert "asyncio" not in loaded  # deprecated async methods no longer pull it in


def test_models_load_on_first_call() -> None:
    code = START.replace(
        "client.events\n",
        "import httpx\n"
        "client = pkg.Client(api_token='t', account_id='a', http_client=httpx.Client("
        f"transport=httpx.MockTransport(lambda r: httpx.Response(200, json={event_record(1)!r}))))\n"
        "client.events.get(dataset_id='d', event_id='e')\n",
    )
    loaded = _modules_after(code)
    assert "cloudforce_one_events.models.event" in loaded and "pydantic.main" in loaded


def _resource_classes() -> list[type]:
    classes = []
    for info in pkgutil.iter_modules(cloudforce_one_events.resources.__path__):
        module = importlib.import_module(f"cloudforce_one_events.resources.{info.name}")
        classes += [
            cls
            for cls in vars(module).values()
            if isinstance(cls, type)
            and cls.__module__ == module.__name__
            and cls.__name__ in module.__all__
        ]
    return classes


def test_type_hints_of_every_generated_method_resolve() -> None:
    classes = _resource_classes()
    assert len(classes) >= 20
    seen_models = set()
    for cls in classes:
        for name, member in vars(cls).items():
            if name.startswith("_") or not inspect.isfunction(member):
                continue
            hints = typing.get_type_hints(member)
            assert "return" in hints, (cls.__name__, name)
            seen_models |= {
                t.__name__
                for value in hints.values()
                for t in _types_in(value)
                if getattr(t, "__module__", "").startswith("cloudforce_one_events.models.")
            }
    assert {"Event", "EventCreateItem", "BulkCreateResult", "Dataset"} <= seen_models


def _types_in(hint: Any) -> list[Any]:
    found = [hint]
    for arg in typing.get_args(hint):
        found += _types_in(arg)
    return found


def test_endpoint_types_are_lazy_and_resolve_to_the_models() -> None:
    endpoint = events._BULK_CREATE
    assert isinstance(endpoint, Endpoint)
    assert isinstance(endpoint.response_type, LazyType) and isinstance(endpoint.body_type, LazyType)
    assert endpoint.resolved_response_type is models.BulkCreateResult
    assert endpoint.resolved_body_type is models.EventCreateBulkRequest
    assert events._DELETE.response_type is float  # names no model: nothing to defer


def _transport() -> httpx.MockTransport:
    return httpx.MockTransport(lambda request: httpx.Response(200, json=event_record(1)))


def test_deprecated_methods_warn_at_the_call_site_sync() -> None:
    client = Client(api_token="t", account_id="a", http_client=httpx.Client(transport=_transport()))
    assert events.EventsResource.get_legacy.__deprecated__ == "events.get_legacy() is deprecated by the API"  # type: ignore[attr-defined]
    with pytest.warns(DeprecationWarning, match=r"events\.get_legacy\(\) is deprecated") as caught:
        client.events.get_legacy(event_id="e")
    assert caught[0].filename == __file__  # the caller's line, not the generated module's
    with pytest.warns(DeprecationWarning) as caught:
        client.events.with_raw_response.get_legacy(event_id="e")
    assert caught[0].filename == __file__


def test_deprecated_methods_warn_at_the_call_site_async() -> None:
    method = events.AsyncEventsResource.get_legacy
    assert inspect.iscoroutinefunction(method) and asyncio.iscoroutinefunction(method)
    assert method.__deprecated__ == "events.get_legacy() is deprecated by the API"  # type: ignore[attr-defined]

    async def call() -> None:
        http = httpx.AsyncClient(transport=_transport())
        client = AsyncClient(api_token="t", account_id="a", http_client=http)
        with pytest.warns(
            DeprecationWarning, match=r"events\.get_legacy\(\) is deprecated"
        ) as caught:
            event = await client.events.get_legacy(event_id="e")
        assert event.uuid == event_record(1)["uuid"]
        assert caught[0].filename == __file__
        await http.aclose()

    asyncio.run(call())


def test_methods_that_are_not_deprecated_do_not_warn() -> None:
    client = Client(api_token="t", account_id="a", http_client=httpx.Client(transport=_transport()))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert client.events.get(dataset_id="d", event_id="e").uuid == event_record(1)["uuid"]


def test_bulk_names_of_the_package_load_with_the_bulk_helper() -> None:
    code = (
        "import json, sys\n"
        "import cloudforce_one_events as pkg\n"
        "before = 'cloudforce_one_events._core.bulk' in sys.modules\n"
        "listed = 'BulkReport' in dir(pkg)\n"
        "from cloudforce_one_events import BulkReport, CreatedEvent\n"
        "from cloudforce_one_events._core import bulk\n"
        "print(json.dumps([before, listed, BulkReport is bulk.BulkReport, CreatedEvent is bulk.CreatedEvent]))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(done.stdout) == [False, True, True, True]
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        cloudforce_one_events.Nope  # noqa: B018
